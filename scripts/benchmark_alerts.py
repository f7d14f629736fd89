"""Benchmark (not a test): the alerts of an import of 1,000 police events into a municipality
with 500 subscriptions (issue 17; goal: built in under 5 s). Printed, never asserted.

Takes the first 1,000 events of the shared police file in one municipality with that many
(Malmö), makes that municipality (if it is not there) with 500 people, each with one incident
subscription (a third limited to one to three categories, a few to an area; half of them from
private companies, who never see restricted incidents), imports the events, then times:

1. building the alerts (``trygghet.alerts.build_incident_alerts``: the matching and the rows),
2. writing the immediate mails into the outbox (``queue_mails``: one per person),
3. the same sweep again (nothing new: it must stay cheap).

Run against a PostgreSQL database of your own; it removes what it created:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_alerts.py
"""

import random
import time

import benchmark_common  # noqa: F401  (sets Django up)
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from councils.models import (
    Area,
    Municipality,
    MunicipalityMembership,
    Organisation,
    User,
)
from situation_reports.models import Incident, IncidentCategory
from situation_reports.services import police
from situation_reports.services.categories import ensure_default_categories
from trygghet import alerts
from trygghet.models import Alert, AlertCursor, OutgoingEmail, Subscription
from trygghet.tenancy import municipality_scope

EVENTS = 1000
SUBSCRIPTIONS = 500
TOWN = ("Malmö", "1280", "Skåne län")
PREFIX = "bench-alerts"


def events_of(name, count):
    found = []
    for event in police.load_events(police.shared_events_file()):
        if (event.get("location") or {}).get("name") == name:
            found.append(event)
            if len(found) == count:
                break
    return found


def world():
    ensure_default_categories()
    name, code, county = TOWN
    municipality, created = Municipality.objects.get_or_create(
        code=code, defaults={"name": name, "slug": f"{PREFIX}-{code}", "county": county}
    )
    public = Organisation.objects.create(
        name=f"{PREFIX} kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    private = Organisation.objects.create(
        name=f"{PREFIX} bolag", kind=Organisation.Kind.SECURITY_COMPANY
    )
    public.municipalities.add(municipality)
    private.municipalities.add(municipality)
    areas = [Area.objects.create(municipality=municipality, name=f"{PREFIX} {i}") for i in range(5)]
    categories = list(IncidentCategory.objects.filter(municipality__isnull=True))
    users = User.objects.bulk_create(
        [
            User(username=f"{PREFIX}-{i}", email=f"{PREFIX}-{i}@example.org", password="!")
            for i in range(SUBSCRIPTIONS)
        ]
    )
    MunicipalityMembership.objects.bulk_create(
        [
            MunicipalityMembership(
                user=user,
                municipality=municipality,
                role="partner" if i % 2 else "member",
                organisation=private if i % 2 else public,
            )
            for i, user in enumerate(users)
        ]
    )
    rng = random.Random(17)
    since = timezone.now()
    subscriptions = Subscription.objects.bulk_create(
        [
            Subscription(
                user=user,
                municipality=municipality,
                kind="incidents",
                frequency="immediate",
                created_at=since,
            )
            for user in users
        ]
    )
    for i, subscription in enumerate(subscriptions):
        if i % 3 == 0:
            subscription.categories.set(rng.sample(categories, rng.randint(1, 3)))
        if i % 10 == 0:
            subscription.areas.set([rng.choice(areas)])
    return municipality, created, [public, private], users


def main():
    events = events_of(TOWN[0], EVENTS)
    print(f"{len(events)} police events of {TOWN[0]}, {SUBSCRIPTIONS} subscriptions")
    municipality, created, organisations, users = world()
    try:
        started = time.monotonic()
        summary = police.import_events(events, municipalities=[municipality])
        print(
            f"import                       {time.monotonic() - started:6.2f} s   "
            f"imported {summary.imported}"
        )
        with municipality_scope(municipality):
            started = time.monotonic()
            alerts.build_incident_alerts(municipality)
            built = time.monotonic() - started
            count = Alert.objects.filter(municipality=municipality).count()
            print(f"build the alerts             {built:6.2f} s   {count} alerts (goal < 5 s)")
            started = time.monotonic()
            with transaction.atomic():
                ids = alerts.queue_mails(municipality, "immediate")
            print(
                f"queue the immediate mails    {time.monotonic() - started:6.2f} s   "
                f"{len(ids)} mails"
            )
            started = time.monotonic()
            alerts.build_incident_alerts(municipality)
            alerts.queue_mails(municipality, "immediate")
            print(
                f"the same sweep again         {time.monotonic() - started:6.2f} s   "
                f"{Alert.objects.filter(municipality=municipality).count() - count} new"
            )
    finally:
        OutgoingEmail.objects.filter(recipient__startswith=f"{PREFIX}-").delete()
        Alert.objects.filter(municipality=municipality).delete()
        AlertCursor.objects.filter(municipality=municipality).delete()
        Subscription.objects.filter(municipality=municipality, user__in=users).delete()
        police_ids = [e["id"] for e in events]
        Incident.history.model.objects.filter(police_id__in=police_ids).delete()
        Incident.objects.filter(municipality=municipality, police_id__in=police_ids).delete()
        MunicipalityMembership.objects.filter(user__in=users).delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
        Area.objects.filter(municipality=municipality, name__startswith=PREFIX).delete()
        for organisation in organisations:
            organisation.municipalities.clear()
            organisation.delete()
        if created:
            municipality.delete()


if __name__ == "__main__":
    # A benchmark sets up across municipalities: a deliberate unscoped run (the alerts are
    # built inside the municipality's scope, as the sweep does).
    with scopes_disabled():
        main()
