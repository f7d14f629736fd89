"""The demo's subscriptions (issue 17): one for each demo partner, what such a partner would
follow. Idempotent: a subscription of the same person and kind is left as it is."""

from councils.models import Area, Municipality, User
from situation_reports.models import IncidentCategory

from .alert_models import Subscription

# (username, municipality, kind, frequency, area names, category codes)
SUBSCRIPTIONS = [
    # Burlövs Bostäder: what happens around its estates in Arlöv and Sunnanå.
    ("burlov.partner", "burlov", "incidents", "daily", ["Arlöv", "Sunnanå"], []),
    # Trygghetsbolaget (guards in Eslöv): burglary, vandalism and fire in the town, at once.
    (
        "eslov.partner",
        "eslov",
        "incidents",
        "immediate",
        ["Eslöv tätort"],
        ["theft", "vandalism", "fire"],
    ),
    # Eslövs Bostads AB: a weekly digest of its areas.
    ("eslov.ebo", "eslov", "incidents", "weekly", ["Eslöv tätort", "Löberöd", "Marieholm"], []),
]


def seed(stdout=None):
    made = 0
    for username, slug, kind, frequency, area_names, codes in SUBSCRIPTIONS:
        user = User.objects.filter(username=username).first()
        municipality = Municipality.objects.filter(slug=slug).first()
        if user is None or municipality is None:
            continue
        if Subscription.objects.filter(user=user, municipality=municipality, kind=kind).exists():
            continue
        subscription = Subscription.objects.create(
            user=user, municipality=municipality, kind=kind, frequency=frequency
        )
        subscription.areas.set(Area.objects.filter(municipality=municipality, name__in=area_names))
        subscription.categories.set(
            IncidentCategory.objects.filter(municipality__isnull=True, code__in=codes)
        )
        made += 1
    if stdout:
        stdout.write(f"trygghet: {made} subscriptions")
