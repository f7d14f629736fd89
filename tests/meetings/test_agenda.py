import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.agenda_sources import (
    AgendaItemSpec,
    register_agenda_source,
    unregister_agenda_source,
)
from meetings.models import AgendaItem, MinutesLocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier_and_next(make_meeting, coordinator):
    earlier = make_meeting(start=timezone.now() - datetime.timedelta(days=14))
    services.add_action_item(earlier, what="Laga belysningen i gångtunneln", owner=coordinator)
    done = services.add_action_item(earlier, what="Redan klart", owner=coordinator)
    services.set_action_status(done, "done")
    upcoming = make_meeting(start=timezone.now() + datetime.timedelta(days=1))
    return earlier, upcoming


def test_open_action_items_of_earlier_meetings_are_carried_to_the_next_agenda(earlier_and_next):
    _, upcoming = earlier_and_next
    services.fill_agenda(upcoming)
    item = upcoming.agenda_items.get(source_key="actions:open")
    assert "Laga belysningen i gångtunneln" in item.description
    assert "Redan klart" not in item.description


def test_filling_twice_updates_instead_of_duplicating_and_leaves_manual_items(
    earlier_and_next, coordinator
):
    earlier, upcoming = earlier_and_next
    manual = services.add_item(upcoming, title="Information från räddningstjänsten")
    services.fill_agenda(upcoming)
    services.add_action_item(earlier, what="Ny åtgärd", owner=coordinator)
    services.fill_agenda(upcoming)
    assert upcoming.agenda_items.filter(source_key="actions:open").count() == 1
    assert "Ny åtgärd" in upcoming.agenda_items.get(source_key="actions:open").description
    assert AgendaItem.objects.filter(pk=manual.pk, title=manual.title).exists()


def test_an_item_disappears_when_its_source_has_nothing_more_to_say(earlier_and_next):
    earlier, upcoming = earlier_and_next
    services.fill_agenda(upcoming)
    for action in earlier.action_items.filter(status="open"):
        services.set_action_status(action, "done")
    services.fill_agenda(upcoming)
    assert not upcoming.agenda_items.filter(source_key="actions:open").exists()


def test_a_registered_source_fills_the_agenda_and_restricted_items_stay_unshared(make_meeting):
    calls = []

    def incidents(meeting, previous):
        calls.append((meeting, previous))
        return [
            AgendaItemSpec(key="restricted", title="Skyddade händelser: 2", shareable=False),
            AgendaItemSpec(key="public", title="Nya händelser: 7", link="/burlov/incidents/"),
        ]

    register_agenda_source("test-incidents", incidents, order=20)
    try:
        previous = make_meeting(start=timezone.now() - datetime.timedelta(days=7))
        meeting = make_meeting()
        services.fill_agenda(meeting)
        restricted = meeting.agenda_items.get(source_key="test-incidents:restricted")
        public = meeting.agenda_items.get(source_key="test-incidents:public")
        assert calls[-1] == (meeting, previous)
        assert not restricted.shareable and public.shareable
        # A coordinator hides the public one; a refill does not share it again.
        public.shareable = False
        public.save()
        services.fill_agenda(meeting)
        public.refresh_from_db()
        assert not public.shareable
    finally:
        unregister_agenda_source("test-incidents")


def test_a_broken_source_does_not_stop_the_agenda(make_meeting):
    def broken(meeting, previous):
        raise RuntimeError("database of the other app is away")

    register_agenda_source("broken", broken)
    try:
        meeting = make_meeting()
        services.add_item(meeting, title="Manuell punkt")
        services.fill_agenda(meeting)
        assert "Manuell punkt" in meeting.agenda_items.values_list("title", flat=True)
        assert not meeting.agenda_items.filter(source_key__startswith="broken:").exists()
    finally:
        unregister_agenda_source("broken")


def test_items_reorder_by_drag_and_move_up_and_down(login, coordinator, make_meeting):
    meeting = make_meeting()
    a, b, c = (services.add_item(meeting, title=t) for t in "ABC")
    client = login(coordinator)
    base = {"municipality": "burlov", "pk": meeting.pk}
    response = client.post(
        reverse("meetings:agenda-reorder", kwargs=base),
        {"order": [c.pk, a.pk, b.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    by_hand = meeting.agenda_items.filter(source_key="")
    assert list(by_hand.values_list("title", flat=True)) == ["C", "A", "B"]

    response = client.post(
        reverse("meetings:agenda-item-move", kwargs={**base, "item_pk": b.pk}),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert list(by_hand.values_list("title", flat=True)) == ["C", "B", "A"]
    # The live region announces the new place (the partial is returned, not a redirect).
    assert "2" in response.content.decode() and 'aria-live="polite"' in response.content.decode()


def test_a_coordinator_adds_an_item_and_marks_it_not_shareable(login, coordinator, make_meeting):
    meeting = make_meeting()
    client = login(coordinator)
    base = {"municipality": "burlov", "pk": meeting.pk}
    client.post(
        reverse("meetings:agenda-item-add", kwargs=base),
        {"title": "Orosanmälningar", "minutes_allotted": 10, "shareable": "on"},
    )
    item = meeting.agenda_items.get(title="Orosanmälningar")
    client.post(
        reverse("meetings:agenda-item-shareable", kwargs={**base, "item_pk": item.pk}),
        {"shareable": "0"},
    )
    item.refresh_from_db()
    assert not item.shareable


def test_the_agenda_cannot_change_after_the_minutes_are_approved(login, coordinator, make_meeting):
    meeting = make_meeting()
    item = services.add_item(meeting, title="Läget")
    services.mark_held(meeting)
    services.approve_minutes(meeting, coordinator)
    meeting.refresh_from_db()
    with pytest.raises(MinutesLocked):
        services.add_item(meeting, title="För sent")
    with pytest.raises(ValidationError):
        item.title = "Ändrad"
        item.save()
    client = login(coordinator)
    response = client.post(
        reverse(
            "meetings:agenda-item-edit",
            kwargs={"municipality": "burlov", "pk": meeting.pk, "item_pk": item.pk},
        ),
        {"title": "Ändrad", "shareable": "on"},
    )
    assert response.status_code == 200
    assert "form" in response.context and response.context["form"].errors
    item.refresh_from_db()
    assert item.title == "Läget"
    assert meeting.agenda_items.count() == 1


def test_upcoming_planned_agendas_are_refreshed_but_published_ones_are_left(
    earlier_and_next, make_meeting
):
    _, upcoming = earlier_and_next
    published = make_meeting(start=timezone.now() + datetime.timedelta(days=2))
    services.publish_agenda(published, notify=False)
    published.agenda_items.all().delete()
    assert services.refresh_upcoming_agendas(days=14) == 1
    assert upcoming.agenda_items.filter(source_key="actions:open").exists()
    assert not published.agenda_items.exists()


@pytest.mark.django_db(transaction=True)
def test_two_fills_of_one_agenda_at_once_take_turns(earlier_and_next):
    """The nightly refill (a worker) and a coordinator publishing fill the same agenda at the
    same moment: the second waits for the first and then updates its item instead of adding
    it again (before: a unique-key error, a 500 on "publish"; seen once in CI)."""
    import threading

    from django.db import connection, connections

    from tests.helpers import wait_until
    from trygghet.tenancy import municipality_scope

    _, upcoming = earlier_and_next
    first = connections.create_connection("default")  # the first fill's own connection
    outcome = []

    def second_fill():
        try:
            # A thread starts with no scope: it works in the meeting's municipality, as a task.
            with municipality_scope(upcoming.municipality_id):
                services.fill_agenda(upcoming)
            outcome.append("filled")
        except Exception as exc:  # reported below
            outcome.append(exc)
        finally:
            connection.close()

    def second_waits_for_the_meeting():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] == 1

    try:
        first.set_autocommit(False)
        # The first fill holds the meeting (as fill_agenda's FOR UPDATE would, but letting this
        # test's own connection add an item to it) ...
        with first.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM meetings_meeting WHERE id = %s FOR NO KEY UPDATE", [upcoming.pk]
            )
        thread = threading.Thread(target=second_fill)
        thread.start()
        wait_until(
            second_waits_for_the_meeting,
            message="the second fill to wait for the first",
            details=lambda: repr(outcome),
        )
        # ... and adds the automatic item while the second waits, then it is done.
        AgendaItem.objects.create(
            meeting=upcoming, title="Uppföljning", source_key="actions:open", position=1
        )
        first.commit()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the second fill never ended"
    finally:
        first.close()
    assert outcome == ["filled"]
    item = AgendaItem.objects.get(meeting=upcoming, source_key="actions:open")
    assert "Laga belysningen i gångtunneln" in item.description  # updated by the second fill
