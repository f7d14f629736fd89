from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from councils.models import Municipality

# The municipal navigation, in order.
NAVIGATION = [
    ("dashboard", _("Start")),
    ("councils:chart", _("Organisation")),
    ("councils:agreement-list", _("Agreements")),
    ("meetings:meeting-list", _("Meetings")),
    ("situation_reports:incident-list", _("Incidents")),
    ("situation_reports:report-list", _("Situation reports")),
    ("situation_reports:strategic-list", _("Strategic situation report")),
    ("situation_reports:plan-list", _("Action plan")),
]


def navigation(request):
    municipality = getattr(request, "municipality", None)
    context = {
        "current_municipality": municipality,
        "membership": getattr(request, "membership", None),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["user_municipalities"] = Municipality.objects.for_user(user).only("name", "slug")
    if municipality is None:
        return context
    items = []
    for name, label in NAVIGATION:
        url = reverse(name, kwargs={"municipality": municipality.slug})
        items.append({"url": url, "label": label, "active": _is_active(request.path, url, name)})
    context["nav_items"] = items
    return context


def _is_active(path, url, name):
    if name == "dashboard":
        return path == url
    return path.startswith(url)
