"""The municipality's public page: no login, for the residents. It shows only what the
municipality marked public, item by item (Brå: the citizen promise is "the public and
communicative part"): the decided action plan's summary and its public measures, the public
citizen promises with their follow-ups, and the summaries it chose to publish. Nothing here
reads incidents, reports' figures, agendas or people: never restricted data, by construction.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from councils.models import Agreement, CitizenPromise, CitizenPromiseUpdate, Municipality
from trygghet.access import municipal_view
from trygghet.tenancy import MANAGERS, municipality_scope

from ..forms.plans import PublicSummaryForm
from ..models import ActionPlan, Measure, PublicSummary
from ..services import plans


def public_content(municipality):
    """What the public page of ``municipality`` shows (call inside its scope)."""
    plan = (
        ActionPlan.objects.public()
        .filter(municipality=municipality)
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.filter(is_public=True)
                .select_related("responsible_organisation")
                .order_by("position", "pk"),
                to_attr="public_measures",
            )
        )
        .first()
    )
    promises = (
        CitizenPromise.objects.filter(
            is_public=True,
            agreement__municipality=municipality,
            agreement__status__in=[Agreement.Status.ACTIVE, Agreement.Status.ENDED],
        )
        .select_related("agreement")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=CitizenPromiseUpdate.objects.order_by("-date", "-pk"),
                to_attr="public_updates",
            )
        )
        .order_by("-agreement__start_date", "pk")
    )
    summaries = PublicSummary.objects.filter(municipality=municipality, is_published=True).order_by(
        "-published_on", "-pk"
    )
    return {"plan": plan, "promises": list(promises), "summaries": list(summaries)}


def public_page(request, municipality):
    with scopes_disabled():
        place = Municipality.objects.filter(slug=municipality).first()
    if place is None:
        raise Http404
    with municipality_scope(place):
        context = {"place": place, **public_content(place)}
        response = render(request, "situation_reports/public_page.html", context)
    return response


# --- What is published (the managers' page) ---------------------------------------------------


def _promises(municipality):
    return (
        CitizenPromise.objects.filter(agreement__municipality=municipality)
        .exclude(agreement__status=Agreement.Status.DRAFT)
        .select_related("agreement")
        .order_by("-agreement__start_date", "pk")
    )


@municipal_view(roles=MANAGERS)
def public_manage(request):
    municipality = request.municipality
    plan = ActionPlan.objects.in_municipality(municipality).decided().first()
    return render(
        request,
        "situation_reports/public_manage.html",
        {
            "plan": plan,
            "measures": plan.measures.select_related("responsible_organisation") if plan else [],
            "promises": _promises(municipality),
            "summaries": PublicSummary.objects.in_municipality(municipality).select_related(
                "report"
            ),
        },
    )


@municipal_view(roles=MANAGERS)
@require_POST
def promise_publish(request, pk):
    promise = get_object_or_404(_promises(request.municipality), pk=pk)
    plans.set_public(promise, request.POST.get("public") == "1")
    messages.success(request, _("What the public page shows is saved."))
    return redirect("situation_reports:public-manage", municipality=request.municipality.slug)


def _summary_page(request, form, status=200):
    return render(
        request,
        "situation_reports/summary_form.html",
        {"form": form, "summary": form.instance if form.instance.pk else None},
        status=status,
    )


def _save_summary(request, form):
    if not form.is_valid():
        return _summary_page(request, form, status=400)
    summary = form.save(commit=False)
    if summary.is_published and summary.published_on is None:
        summary.published_on = timezone.localdate()
    if not summary.is_published:
        summary.published_on = None
    summary.save()
    messages.success(request, _("The summary is saved."))
    return redirect("situation_reports:public-manage", municipality=request.municipality.slug)


@municipal_view(roles=MANAGERS)
def summary_create(request):
    form = PublicSummaryForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST":
        return _save_summary(request, form)
    return _summary_page(request, form)


@municipal_view(roles=MANAGERS)
def summary_edit(request, pk):
    summary = get_object_or_404(PublicSummary.objects.in_municipality(request.municipality), pk=pk)
    form = PublicSummaryForm(
        request.POST or None, instance=summary, municipality=request.municipality
    )
    if request.method == "POST":
        return _save_summary(request, form)
    return _summary_page(request, form)
