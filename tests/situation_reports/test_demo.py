import pytest

from councils import demo as councils_demo
from situation_reports import demo
from situation_reports.models import Incident, UpcomingEvent

pytestmark = pytest.mark.django_db


def test_the_demo_adds_a_believable_year_for_both_municipalities_and_is_idempotent():
    councils_demo.seed()
    demo.seed()
    manual = Incident.objects.filter(source=Incident.Source.MANUAL)
    counts = {m: manual.filter(municipality__slug=m).count() for m in ("burlov", "eslov")}
    assert counts == demo.VOLUME
    assert manual.filter(confidentiality="restricted").exists()
    assert manual.values("category").distinct().count() >= 8
    assert UpcomingEvent.objects.filter(municipality__slug="eslov").exists()
    police_events = Incident.objects.filter(source=Incident.Source.POLICE_OPEN_DATA).count()
    totals = (Incident.objects.count(), UpcomingEvent.objects.count())
    demo.seed()
    assert (Incident.objects.count(), UpcomingEvent.objects.count()) == totals
    if demo.police.shared_events_file() is not None:
        assert police_events > 300
