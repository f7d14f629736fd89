"""Issue 12, points 1, 5 and 9 (agenda): automatic items current whenever the agenda is read,
a published agenda kept as sent with what changed since, "Blicka framåt" filled until the next
meeting, data items before "Övriga frågor", planned time, and generated texts as data
rendered in the reader's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from meetings import services
from meetings.agenda_texts import Text, render
from meetings.models import AgendaItem, Meeting
from situation_reports.models import UpcomingEvent

pytestmark = pytest.mark.django_db


def page(client, meeting, language="sv"):
    url = reverse("meetings:meeting-detail", kwargs={"municipality": "burlov", "pk": meeting.pk})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def incident_item(meeting):
    return meeting.agenda_items.get(source_key="incidents:since-last-meeting")


def test_opening_the_agenda_counts_the_incidents_logged_since_it_was_filled(
    login, coordinator, make_meeting, make_incident, burlov
):
    meeting = make_meeting()
    make_incident(burlov, category="vandalism")
    services.fill_agenda(meeting)
    assert incident_item(meeting).description.startswith("1 händelse ")
    for _ in range(3):
        make_incident(burlov, category="vandalism")
    html = page(login(coordinator), meeting)
    assert "4 händelser under perioden" in html
    assert "Siffror per" in html
    assert incident_item(meeting).description.startswith("4 händelser ")
    assert incident_item(meeting).computed_at is not None


def test_a_report_sent_back_for_review_reads_so_on_the_agenda_as_it_is_opened(
    login, member, seat, make_meeting, burlov
):
    from situation_reports.models import SituationReport
    from situation_reports.services import compiling

    meeting = make_meeting()
    start, _end = compiling.meeting_period(meeting)
    report = compiling.create_report(burlov, start, timezone.localdate(), meeting=meeting)
    compiling.compile_report(report.pk)
    services.fill_agenda(meeting)
    assert "(utkast)" in meeting.agenda_items.get(source_key="situation_report:report").title
    SituationReport.objects.filter(pk=report.pk).update(status=SituationReport.Status.IN_REVIEW)
    html = page(login(member), meeting)
    assert "Lägesbild (på granskning)" in html
    assert "(utkast)" not in html


def test_generated_texts_are_stored_as_data_and_read_in_the_readers_language(
    login, coordinator, make_meeting, make_incident, burlov
):
    meeting = make_meeting()
    make_incident(burlov, category="vandalism")
    services.fill_agenda(meeting)
    item = incident_item(meeting)
    assert item.generated["title"] == {"m": "New incidents since the last meeting"}
    assert item.generated["description"][0]["p"] == "%(count)s incidents %(period)s."
    client = login(coordinator)
    english = page(client, meeting, "en")
    assert "New incidents since the last meeting" in english
    assert "1 incident " in english and "Nya händelser" not in english
    swedish = page(client, meeting, "sv")
    assert "Nya händelser sedan förra mötet" in swedish and "1 händelse " in swedish


def test_a_coordinators_own_title_replaces_the_generated_one(
    login, coordinator, make_meeting, make_incident, burlov
):
    meeting = Meeting.objects.get(pk=make_meeting().pk)
    meeting.status = Meeting.Status.AGENDA_PUBLISHED  # left as sent: no refill on open
    meeting.save()
    make_incident(burlov)
    services.fill_agenda(meeting)
    item = incident_item(meeting)
    client = login(coordinator)
    url = reverse(
        "meetings:agenda-item-edit",
        kwargs={"municipality": "burlov", "pk": meeting.pk, "item_pk": item.pk},
    )
    response = client.post(url, {"title": "Händelser i Arlöv", "description": item.description})
    assert response.status_code == 302
    item.refresh_from_db()
    assert "title" not in item.generated and "description" in item.generated
    assert "Händelser i Arlöv" in page(client, meeting, "en")


def test_a_published_agenda_keeps_what_was_sent_and_shows_what_changed(
    login, coordinator, member, seat, make_meeting, make_incident, burlov
):
    meeting = make_meeting()
    make_incident(burlov, category="vandalism")
    services.publish_agenda(meeting, notify=False)
    sent = incident_item(meeting)
    for _ in range(2):
        make_incident(burlov, category="vandalism")
    html = page(login(member), meeting)
    assert "Dagordningen som den skickades" in html
    assert "Ändrat sedan dagordningen skickades:" in html
    assert "1 händelse under perioden" in html and "3 händelser under perioden" in html
    item = incident_item(meeting)
    assert (item.description, item.generated) == (sent.description, sent.generated)
    # A coordinator's refill makes the agenda current; nothing is then shown as changed.
    client = login(coordinator)
    client.post(
        reverse("meetings:agenda-fill", kwargs={"municipality": "burlov", "pk": meeting.pk})
    )
    assert "Ändrat sedan dagordningen skickades:" not in page(client, meeting)


def test_an_item_that_is_new_since_the_agenda_was_sent_is_shown_as_new(
    login, member, seat, make_meeting, make_incident, burlov
):
    meeting = make_meeting()
    services.publish_agenda(meeting, notify=False)
    AgendaItem.objects.filter(meeting=meeting, source_key__startswith="incidents:").delete()
    make_incident(burlov, category="vandalism")
    html = page(login(member), meeting)
    assert "Nytt sedan dagordningen skickades" in html
    assert not meeting.agenda_items.filter(source_key__startswith="incidents:").exists()


def test_the_page_does_not_refill_a_held_meetings_agenda(
    login, coordinator, make_meeting, make_incident, burlov
):
    meeting = make_meeting(start=timezone.now() - datetime.timedelta(days=1))
    services.fill_agenda(meeting)
    before = incident_item(meeting).description
    services.mark_held(meeting)
    make_incident(burlov)
    html = page(login(coordinator), meeting)
    assert incident_item(meeting).description == before
    assert "Ändrat sedan" not in html


def event(burlov, title, first, last=None):
    return UpcomingEvent.objects.create(
        municipality=burlov,
        title=title,
        starts_on=first,
        ends_on=last or first,
        kind=UpcomingEvent.Kind.PUBLIC_HOLIDAY,
    )


def test_blicka_framat_is_filled_with_what_falls_before_the_next_meeting(
    make_series, make_meeting, body, burlov
):
    series = make_series(
        default_agenda="Mötet öppnas\nBlicka framåt: evenemang, lov och helger\nÖvriga frågor"
    )
    start = timezone.make_aware(datetime.datetime(2026, 12, 29, 9))
    meeting = make_meeting(start=start, series=series)
    make_meeting(start=timezone.make_aware(datetime.datetime(2027, 1, 12, 9)))
    event(burlov, "Julafton", datetime.date(2026, 12, 24))
    event(burlov, "Jullov 2026", datetime.date(2026, 12, 19), datetime.date(2027, 1, 10))
    event(burlov, "Nyårsafton", datetime.date(2026, 12, 31))
    event(burlov, "Trettondedag jul", datetime.date(2027, 1, 6))
    event(burlov, "Sportlov 2027", datetime.date(2027, 2, 15), datetime.date(2027, 2, 19))
    services.fill_agenda(meeting)
    heading = meeting.agenda_items.get(title__startswith="Blicka framåt")
    assert heading.source_key == "series:2"
    text = heading.description
    assert "31 dec: Nyårsafton" in text and "6 jan: Trettondedag jul" in text
    assert "19 dec–10 jan: Jullov 2026" in text
    assert "Julafton" not in text and "Sportlov" not in text  # past, and after the next meeting
    assert not meeting.agenda_items.filter(source_key__startswith="upcoming:").exists()
    with translation.override("en"):
        assert "31 Dec: Nyårsafton" in heading.description_for(None)


def test_without_a_heading_the_upcoming_events_are_an_item_of_their_own(make_meeting, burlov):
    meeting = make_meeting()
    event(burlov, "Marknad på torget", timezone.localtime(meeting.start).date())
    services.fill_agenda(meeting)
    item = meeting.agenda_items.get(source_key="upcoming:coming-period")
    assert "Marknad på torget" in item.description
    assert item.title == "Blicka framåt: fram till nästa möte"


def test_nothing_upcoming_and_no_heading_means_no_item(make_meeting):
    meeting = make_meeting()
    services.fill_agenda(meeting)
    assert not meeting.agenda_items.filter(source_key__startswith="upcoming:").exists()


def test_data_items_go_before_ovriga_fragor(make_series, make_meeting, make_incident, burlov):
    meeting = make_meeting(series=make_series())
    make_incident(burlov)
    services.fill_agenda(meeting)
    titles = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Mötet öppnas" and titles[-1] == "Övriga frågor"
    assert "Nya händelser sedan förra mötet" in titles
    # A new item later still goes before it, and positions stay a plain sequence.
    services.add_item(meeting, title="Mötet avslutas")
    services.add_action_item(
        make_meeting(start=timezone.now() - datetime.timedelta(days=3)), what="Laga lampan"
    )
    services.fill_agenda(meeting)
    items = list(meeting.agenda_items.order_by("position"))
    titles = [i.title for i in items]
    assert titles[-2:] == ["Övriga frågor", "Mötet avslutas"]
    assert titles.index("Uppföljning av öppna åtgärder (1)") < titles.index("Övriga frågor")
    assert [i.position for i in items] == list(range(1, len(items) + 1))


def test_the_planned_time_is_the_sum_of_the_items(login, coordinator, make_meeting):
    meeting = make_meeting(hours=1)
    services.add_item(meeting, title="A", minutes_allotted=20)
    services.add_item(meeting, title="B", minutes_allotted=15)
    client = login(coordinator)
    html = page(client, meeting)
    planned = sum(i.minutes_allotted or 0 for i in meeting.agenda_items.all())
    assert planned == 35 + 10  # the incidents item's 10 minutes too
    assert f"Planerad tid: {planned} av mötets 60 minuter." in html
    services.add_item(meeting, title="C", minutes_allotted=30)
    assert f"Planerad tid: {planned + 30} minuter, mer än mötets 60 minuter." in page(
        client, meeting
    )


def test_every_role_reads_the_current_agenda_and_eslov_gets_404(
    client, users_by_role, make_meeting, make_incident, burlov, body
):
    from councils.models import Membership

    meeting = make_meeting()
    for role in ("member", "police_partner", "company_partner"):
        Membership.objects.get_or_create(body=body, user=users_by_role[role])
    make_incident(burlov)
    url = reverse("meetings:meeting-detail", kwargs={"municipality": "burlov", "pk": meeting.pk})
    for role, user in users_by_role.items():
        client.force_login(user)
        response = client.get(url)
        if role == "outsider":
            assert response.status_code == 404
        else:
            assert response.status_code == 200, role
            assert "1 händelse under perioden" in response.content.decode(), role
    fill = reverse("meetings:agenda-fill", kwargs={"municipality": "burlov", "pk": meeting.pk})
    client.force_login(users_by_role["outsider"])
    assert client.post(fill).status_code == 404


def test_a_page_read_costs_a_bounded_number_of_queries(
    login, coordinator, make_meeting, make_incident, burlov, django_assert_max_num_queries
):
    meeting = make_meeting()
    make_incident(burlov)
    client = login(coordinator)
    page(client, meeting)
    with django_assert_max_num_queries(60):
        page(client, meeting)


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"m": "%(x)s"},  # a placeholder without its value
        {"m": "Hello %(x)s", "a": {"x": {"d": "2026-13-40"}}},
        {"d": "not a date"},
        {"j": [1, "a", {"q": 1}], "s": "-"},
        [{"m": "due %(date)s", "a": {"date": {"d": "2026-12-24", "f": "bogus"}}}],
        "\x00" * 10,
        12345678901234567890,
    ],
)
def test_malformed_stored_texts_render_without_failing(value):
    assert isinstance(render(value), str)


def test_texts_render_in_the_active_language():
    text = Text.ngettext(
        "%(count)s incident %(period)s.",
        "%(count)s incidents %(period)s.",
        2,
        count=2,
        period=Text.period(datetime.date(2026, 11, 18), datetime.date(2026, 12, 2)),
    )
    with translation.override("en"):
        assert render(text) == "2 incidents 18 Nov–2 Dec 2026."
    with translation.override("sv"):
        assert render(text) == "2 händelser under perioden 18 nov–2 dec 2026."
