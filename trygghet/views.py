import logging
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from councils.dashboard import agreement_section
from councils.models import Municipality
from meetings.dashboard import dashboard_section as meetings_section
from situation_reports.dashboard import incident_section, report_section

from . import audit
from .access import ADMIN, municipal_view
from .celery import app as celery_app
from .forms import AuditFilterForm
from .models import AuditEvent
from .waiting import waiting_section

logger = logging.getLogger(__name__)


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is reported, not raised
        logger.warning("healthz: database does not answer: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker_state():
    try:
        # One quick attempt with a short connect timeout: a health check must answer within
        # the load balancer's timeout even when the broker's host does not answer at all.
        with celery_app.connection_for_write(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        logger.warning("healthz: broker does not answer: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def _state():
    state = {"database": _database_state(), "broker": _broker_state()}
    if not state["database"]["ok"]:
        state["status"] = "unavailable"
    elif not state["broker"]["ok"]:
        state["status"] = "degraded"
    else:
        state["status"] = "ok"
    return state


@never_cache
@require_GET
def healthz(request):
    """For the load balancer: 200 while this node can serve pages, i.e. while the database
    answers; 503 when it does not. The broker's state is in the JSON but does not fail the
    check: pages work without it (mail and compiles wait for it, nothing is lost), and taking
    every web node out of the load balancer would turn a broker outage into a full outage."""
    state = _state()
    return JsonResponse(state, status=503 if state["status"] == "unavailable" else 200)


@never_cache
@require_GET
def readyz(request):
    """For monitoring and deployments: 200 only when the database and the broker answer."""
    state = _state()
    return JsonResponse(state, status=200 if state["status"] == "ok" else 503)


@require_GET
def robots_txt(request):
    # Nothing here is for search engines but the municipalities' public pages and the
    # accessibility statement; shared agenda pages also say noindex themselves.
    return HttpResponse(
        "User-agent: *\nAllow: /accessibility/\nAllow: /*/public/$\nDisallow: /\n",
        content_type="text/plain",
    )


@require_GET
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) of the whole site, as lag
    (2018:1937) om tillgänglighet till digital offentlig service asks; linked from every
    page's footer, reachable without login."""
    contact = settings.ACCESSIBILITY_CONTACT or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return render(request, "trygghet/accessibility.html", {"contact": contact})


@login_required
def home(request):
    """After login: straight to the only municipality, or a choice among several."""
    municipalities = list(Municipality.objects.for_user(request.user))
    if len(municipalities) == 1:
        return redirect(municipalities[0])
    return render(request, "trygghet/home.html", {"municipalities": municipalities})


@municipal_view()
def dashboard(request):
    return render(request, "trygghet/dashboard.html", {"sections": dashboard_sections(request)})


def dashboard_sections(request):
    """The start page's sections, each a dict with a ``template`` rendered with ``section``.

    Each app builds its own from what this membership may see (``restrict``)."""

    sections = [
        waiting_section(request),
        meetings_section(request),
        report_section(request),
        incident_section(request),
        agreement_section(request),
    ]
    # A section with nothing to say (no report yet) is left out.
    return [section for section in sections if section]


AUDIT_PAGE_SIZE = 50


@municipal_view(roles=(ADMIN,))
@require_GET
def audit_trail(request):
    """What decided access in the municipality, newest first: read only, for its admins."""
    events = AuditEvent.objects.restrict(request.membership)
    form = AuditFilterForm(request.GET or None, events=events, municipality=request.municipality)
    shown = form.filter(events).select_related("actor", "person").order_by("-at", "-pk")
    page = Paginator(shown, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.changes = audit.changes(event)
        event.type_label = audit.object_type_label(event)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "trygghet/audit_trail.html",
        {"page_obj": page, "filter_form": form, "filtered": bool(query), "page_query": query},
    )
