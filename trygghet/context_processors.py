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


# Pages that belong to a navigation item without sitting under its address.
ALSO_UNDER = {"situation_reports:plan-list": ("measures/", "decisions/", "public/")}


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
    # A view may say which item its page belongs to (a strategic lägesbild or an action plan's
    # follow-up has a report's address): ``request.nav_active``.
    chosen = getattr(request, "nav_active", None)
    home = reverse("dashboard", kwargs={"municipality": municipality.slug})
    for name, label in NAVIGATION:
        url = reverse(name, kwargs={"municipality": municipality.slug})
        if chosen:
            active = name == chosen
        else:
            active = _is_active(request.path, url, name) or any(
                request.path.startswith(home + prefix) for prefix in ALSO_UNDER.get(name, ())
            )
        items.append({"url": url, "label": label, "active": active})
    context["nav_items"] = items
    return context


def _is_active(path, url, name):
    if name == "dashboard":
        return path == url
    return path.startswith(url)
