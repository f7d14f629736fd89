"""Subscriptions and alerts (issue 17, ``trygghet/alerts.py``): who is alerted of what, once,
in which mail, and how they stop it."""

import datetime
import json
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from councils.models import Action, Agreement, FocusArea, MunicipalityMembership
from meetings import services as meeting_services
from meetings.models import ActionItem
from situation_reports.models import Incident, SituationReport
from situation_reports.services import police, workflow
from tests.factories import (
    BodyFactory,
    MeetingFactory,
    MembershipFactory,
    SituationReportFactory,
    make_user,
)
from trygghet import alerts, outbox, tasks
from trygghet.models import Alert, OutgoingEmail, Subscription

pytestmark = pytest.mark.django_db

POLICE_EVENTS = (
    Path(__file__).parent.parent / "situation_reports" / "fixtures" / "police_events.json"
)
Kind = Subscription.Kind
Frequency = Subscription.Frequency


def subscribe(user, municipality, kind=Kind.INCIDENTS, frequency=Frequency.IMMEDIATE, **filters):
    subscription = Subscription.objects.create(
        user=user, municipality=municipality, kind=kind, frequency=frequency
    )
    for name, values in filters.items():
        getattr(subscription, name).set(values)
    return subscription


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def alerted(subscription):
    return set(Alert.objects.filter(subscription=subscription).values_list("item_key", flat=True))


def run_sweep():
    return outbox.deliver(alerts.sweep())


# --- Access: the canary ------------------------------------------------------------------------


def test_a_private_company_is_never_alerted_of_a_restricted_incident(
    burlov, police_partner, company_partner, make_incident
):
    guard = subscribe(company_partner, burlov)
    police_sub = subscribe(police_partner, burlov)
    shown = make_incident(burlov, category="vandalism")
    secret = make_incident(
        burlov, category="violence", confidentiality=Incident.Confidentiality.RESTRICTED
    )
    assert run_sweep() == 2
    assert alerted(guard) == {f"incident:{shown.pk}"}
    assert alerted(police_sub) == {f"incident:{shown.pk}", f"incident:{secret.pk}"}
    (guard_mail,) = mails_to(company_partner)
    assert f"/incidents/{shown.pk}/" in guard_mail.body
    assert f"/incidents/{secret.pk}/" not in guard_mail.body
    assert "Våld" not in guard_mail.body and "Våld" not in guard_mail.alternatives[0][0]
    (police_mail,) = mails_to(police_partner)
    assert f"/incidents/{secret.pk}/" in police_mail.body


def test_the_mail_shows_no_description_only_category_date_area_and_a_link(
    burlov, member, make_incident, arlov
):
    subscribe(member, burlov)
    incident = make_incident(burlov, area=arlov, description="Kanariefågel 19850101-1234")
    run_sweep()
    (message,) = mails_to(member)
    assert "Kanariefågel" not in message.body
    assert "Arlöv" in message.body and "Skadegörelse" in message.body
    assert f"http://testserver/burlov/incidents/{incident.pk}/" in message.body or (
        f"/burlov/incidents/{incident.pk}/" in message.body
    )


def test_an_incident_restricted_after_it_was_alerted_is_not_mailed_to_a_company(
    burlov, company_partner, make_incident
):
    subscription = subscribe(company_partner, burlov, frequency=Frequency.DAILY)
    incident = make_incident(burlov)
    run_sweep()
    assert alerted(subscription) == {f"incident:{incident.pk}"}
    Incident.objects.filter(pk=incident.pk).update(
        confidentiality=Incident.Confidentiality.RESTRICTED
    )
    assert outbox.deliver(alerts.send_digests(Frequency.DAILY)) == 0
    assert Alert.objects.get(subscription=subscription).status == Alert.Status.SKIPPED
    assert mails_to(company_partner) == []


def test_another_municipalitys_incident_is_never_alerted(
    burlov, eslov, member, outsider, make_incident
):
    subscription = subscribe(member, burlov)
    make_incident(eslov)
    run_sweep()
    assert alerted(subscription) == set()
    assert mails_to(member) == []


def test_categories_and_areas_filter_the_incidents(
    burlov, member, make_incident, arlov, akarp, categories
):
    subscription = subscribe(member, burlov, categories=[categories["vandalism"]], areas=[arlov])
    wanted = make_incident(burlov, category="vandalism", area=arlov)
    make_incident(burlov, category="vandalism", area=akarp)
    make_incident(burlov, category="theft", area=arlov)
    make_incident(burlov, category="vandalism")
    run_sweep()
    assert alerted(subscription) == {f"incident:{wanted.pk}"}


def test_incidents_logged_before_the_subscription_are_not_alerted(burlov, member, make_incident):
    old = make_incident(burlov)
    Incident.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    subscription = subscribe(member, burlov)
    new = make_incident(burlov)
    run_sweep()
    assert alerted(subscription) == {f"incident:{new.pk}"}


def test_a_withdrawn_incident_is_not_alerted(burlov, member, make_incident):
    subscription = subscribe(member, burlov)
    make_incident(burlov, status=Incident.Status.WITHDRAWN)
    run_sweep()
    assert alerted(subscription) == set()


def test_when_the_membership_ends_nothing_is_sent(burlov, member, make_incident):
    subscription = subscribe(member, burlov, frequency=Frequency.DAILY)
    make_incident(burlov)
    run_sweep()
    assert Alert.objects.filter(subscription=subscription).count() == 1
    MunicipalityMembership.objects.filter(user=member).update(is_active=False)
    make_incident(burlov)
    run_sweep()
    assert outbox.deliver(alerts.send_digests(Frequency.DAILY)) == 0
    assert mails_to(member) == []
    # Nothing new is built for them, and what waited is never sent.
    assert Alert.objects.filter(subscription=subscription).count() == 1
    assert Alert.objects.get(subscription=subscription).status == Alert.Status.SKIPPED
    MunicipalityMembership.objects.filter(user=member).update(is_active=True)
    assert outbox.deliver(alerts.send_digests(Frequency.DAILY)) == 0


# --- Exactly once ------------------------------------------------------------------------------


def test_the_sweep_run_twice_mails_each_incident_once(burlov, member, make_incident):
    subscribe(member, burlov)
    first = make_incident(burlov)
    assert tasks.build_alerts() == 1
    assert tasks.build_alerts() == 0
    second = make_incident(burlov)
    assert tasks.build_alerts() == 1
    assert tasks.build_alerts() == 0
    one, two = mails_to(member)
    assert f"/incidents/{first.pk}/" in one.body and f"/incidents/{second.pk}/" not in one.body
    assert f"/incidents/{second.pk}/" in two.body and f"/incidents/{first.pk}/" not in two.body


def test_a_police_import_run_twice_alerts_once(burlov, eslov, member, police_partner, categories):
    subscription = subscribe(member, burlov)
    events = json.loads(POLICE_EVENTS.read_text())
    police.import_events(events)
    run_sweep()
    imported = set(
        Incident.objects.filter(
            municipality=burlov, source=Incident.Source.POLICE_OPEN_DATA
        ).values_list("pk", flat=True)
    )
    assert imported
    assert alerted(subscription) == {f"incident:{pk}" for pk in imported}
    police.import_events(events)
    run_sweep()
    assert Alert.objects.filter(subscription=subscription).count() == len(imported)
    (message,) = mails_to(member)
    assert message.subject.startswith(f"Trygghet: {len(imported)} nytt")


def test_a_cursor_overlap_finds_an_incident_committed_late_and_adds_nothing_twice(
    burlov, member, make_incident
):
    subscription = subscribe(member, burlov)
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    run_sweep()
    # Logged (created_at) before the last sweep, committed after it: a long import.
    late = make_incident(burlov)
    Incident.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    run_sweep()
    run_sweep()
    assert alerted(subscription) == {f"incident:{late.pk}"}
    assert len(mails_to(member)) == 1


def test_an_smtp_server_failing_halfway_sends_the_rest_later_once(
    smtp, burlov, member, coordinator, make_incident
):
    subscribe(member, burlov)
    subscribe(coordinator, burlov)
    make_incident(burlov)
    smtp.refuse = lambda n, address: "451 try again later" if n == 1 else None
    assert run_sweep() == 1
    (refused,) = {member.email, coordinator.email} - set(smtp.recipients())
    row = OutgoingEmail.objects.get(recipient=refused)
    assert row.status == OutgoingEmail.Status.PENDING
    run_sweep()  # nothing new: no second mail queued for anyone
    assert OutgoingEmail.objects.filter(kind="alerts").count() == 2
    assert outbox.send_due(now=row.next_attempt_at) == 1
    assert sorted(smtp.recipients()) == sorted([member.email, coordinator.email])
    assert outbox.send_due(now=row.next_attempt_at + datetime.timedelta(days=1)) == 0
    assert len(smtp.received) == 2


def test_every_mail_has_the_one_click_unsubscribe_headers(smtp, burlov, member, make_incident):
    subscribe(member, burlov)
    make_incident(burlov)
    run_sweep()
    ((_recipient, message),) = smtp.received
    link = message["List-Unsubscribe"].strip()
    assert link.startswith("<http") and "/accounts/unsubscribe/" in link and link.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert link[1:-1] in text
    assert "/burlov/subscriptions/" in text


# --- Digests -----------------------------------------------------------------------------------


def test_a_daily_digest_collects_one_persons_alerts_of_every_kind_in_one_mail(
    burlov, member, make_incident
):
    body = BodyFactory(municipality=burlov)
    MembershipFactory(body=body, user=member)
    incidents = subscribe(member, burlov, frequency=Frequency.DAILY)
    changes = subscribe(member, burlov, kind=Kind.MEETING_CHANGES, frequency=Frequency.DAILY)
    weekly = subscribe(member, burlov, frequency=Frequency.WEEKLY)
    meeting = MeetingFactory(body=body, place="Kommunhuset")
    meeting.place = "Stationen"
    meeting_services.update_meeting(meeting, ["place"])
    make_incident(burlov)
    make_incident(burlov)
    run_sweep()
    assert mails_to(member) == []  # no immediate subscription
    assert outbox.deliver(alerts.send_digests(Frequency.DAILY)) == 1
    (digest,) = mails_to(member)
    assert "dagliga" in digest.subject.lower() and "(3)" in digest.subject
    assert "Nya händelser" in digest.body and "Stationen" in digest.body
    assert set(
        Alert.objects.filter(subscription__in=[incidents, changes]).values_list("status", flat=True)
    ) == {Alert.Status.QUEUED}
    assert Alert.objects.filter(subscription=weekly).pending().count() == 2
    assert outbox.deliver(alerts.send_digests(Frequency.DAILY)) == 0
    assert outbox.deliver(alerts.send_digests(Frequency.WEEKLY)) == 1
    assert len(mails_to(member)) == 2


def test_the_digests_are_scheduled(db):
    daily = PeriodicTask.objects.get(name="Send daily alert digests")
    weekly = PeriodicTask.objects.get(name="Send weekly alert digests")
    sweep = PeriodicTask.objects.get(name="Build alerts")
    assert json.loads(daily.kwargs) == {"frequency": "daily"}
    assert json.loads(weekly.kwargs) == {"frequency": "weekly"}
    assert weekly.crontab.day_of_week == "1"
    assert sweep.interval.every == 60 and sweep.expire_seconds < 60


# --- Meetings, reports, actions ----------------------------------------------------------------


@pytest.fixture
def body(burlov, member):
    body = BodyFactory(municipality=burlov)
    MembershipFactory(body=body, user=member)
    return body


def test_a_moved_or_cancelled_meeting_is_alerted_once_per_change(
    burlov, body, member, company_partner
):
    subscription = subscribe(member, burlov, kind=Kind.MEETING_CHANGES)
    not_seated = subscribe(company_partner, burlov, kind=Kind.MEETING_CHANGES)
    meeting = MeetingFactory(body=body)
    meeting.title = "Nytt namn"
    meeting_services.update_meeting(meeting, ["title"])
    assert alerted(subscription) == set()  # a new title is not a change of time or place
    meeting.start += datetime.timedelta(hours=2)
    meeting.end += datetime.timedelta(hours=2)
    meeting_services.update_meeting(meeting, ["start", "end"])
    meeting_services.cancel_meeting(meeting, "Sjuk")
    assert {a.change for a in Alert.objects.filter(subscription=subscription)} == {
        "moved",
        "cancelled",
    }
    assert alerted(not_seated) == set()  # cannot see the body's meetings
    run_sweep()
    run_sweep()
    (message,) = mails_to(member)
    assert "inställt" in message.body and "ny tid" in message.body


def test_a_meeting_change_subscription_may_be_limited_to_some_bodies(burlov, body, member):
    other = BodyFactory(municipality=burlov, name="Rådet")
    MembershipFactory(body=other, user=member)
    subscription = subscribe(member, burlov, kind=Kind.MEETING_CHANGES, bodies=[other])
    meeting_services.cancel_meeting(MeetingFactory(body=body))
    assert alerted(subscription) == set()
    kept = MeetingFactory(body=other)
    meeting_services.cancel_meeting(kept)
    assert alerted(subscription) == {f"meeting:{kept.pk}:{kept.sequence}"}


def test_a_report_in_review_alerts_its_reviewers_instead_of_the_ready_mail(
    burlov, body, member, coordinator
):
    MembershipFactory(body=body, user=coordinator)
    subscription = subscribe(member, burlov, kind=Kind.REVIEW)
    report = SituationReportFactory(
        municipality=burlov, body=body, status=SituationReport.Status.DRAFT
    )
    workflow.submit_for_review(report, coordinator)
    run_sweep()
    run_sweep()
    (alert,) = Alert.objects.filter(subscription=subscription)
    assert alert.report_id == report.pk and alert.status == Alert.Status.QUEUED
    (message,) = mails_to(member)
    assert f"/reports/{report.pk}/" in message.body
    # The "ready for review" mail goes to the other members, not again to the subscriber.
    workflow.notify_members(report.pk)
    assert len(mails_to(member)) == 1
    assert len(mails_to(coordinator)) == 1


def test_a_report_in_review_is_not_alerted_to_someone_outside_its_body(
    burlov, body, company_partner, coordinator
):
    subscription = subscribe(company_partner, burlov, kind=Kind.REVIEW)
    report = SituationReportFactory(
        municipality=burlov, body=body, status=SituationReport.Status.DRAFT
    )
    workflow.submit_for_review(report, coordinator)
    run_sweep()
    assert alerted(subscription) == set()


def test_my_late_actions_are_alerted_once_per_due_date(
    burlov, body, member, coordinator, municipal_admin_org, police_org
):
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        municipality=burlov,
        title="Samverkan",
        police_area=police_org,
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=300),
        status=Agreement.Status.ACTIVE,
    )
    area = FocusArea.objects.create(agreement=agreement, title="Unga")
    fields = {
        "focus_area": area,
        "responsible_organisation": municipal_admin_org,
        "start_date": today - datetime.timedelta(days=100),
        "status": Action.Status.ONGOING,
    }
    late = Action.objects.create(
        title="Sen insats", lead=member, due_date=today - datetime.timedelta(days=1), **fields
    )
    Action.objects.create(
        title="I tid", lead=member, due_date=today + datetime.timedelta(days=5), **fields
    )
    Action.objects.create(
        title="Någon annans",
        lead=coordinator,
        due_date=today - datetime.timedelta(days=1),
        **fields,
    )
    meeting = MeetingFactory(body=body)
    item = ActionItem.objects.create(
        municipality=burlov,
        meeting=meeting,
        body=body,
        what="Ring skolan",
        owner=member,
        due_date=today - datetime.timedelta(days=2),
    )
    subscription = subscribe(member, burlov, kind=Kind.LATE_ACTIONS)
    run_sweep()
    run_sweep()
    assert alerted(subscription) == {
        f"action:{late.pk}:{late.due_date:%Y%m%d}",
        f"action-item:{item.pk}:{item.due_date:%Y%m%d}",
    }
    (message,) = mails_to(member)
    assert "Sen insats" in message.body and "Ring skolan" in message.body
    assert "I tid" not in message.body and "Någon annans" not in message.body
    # A new due date that passes again is a new alert.
    Action.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=3))
    run_sweep()
    assert len(alerted(subscription)) == 3


# --- Unsubscribing -----------------------------------------------------------------------------


def unsubscribe_link(user, subscriptions):
    token = alerts.unsubscribe_token(user.pk, [s.pk for s in subscriptions])
    return reverse("unsubscribe", kwargs={"token": token})


def test_one_click_unsubscribe_is_a_post_without_login_or_csrf(burlov, member, make_incident):
    kept = subscribe(member, burlov, frequency=Frequency.WEEKLY)
    stopped = subscribe(member, burlov)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(unsubscribe_link(member, [stopped]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    stopped.refresh_from_db()
    kept.refresh_from_db()
    assert (stopped.is_active, kept.is_active) == (False, True)
    make_incident(burlov)
    run_sweep()
    assert mails_to(member) == []


def test_the_unsubscribe_link_opened_shows_a_button_and_changes_nothing(burlov, member):
    subscription = subscribe(member, burlov)
    response = Client().get(unsubscribe_link(member, [subscription]))
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    subscription.refresh_from_db()
    assert subscription.is_active


@pytest.mark.parametrize("token", ["nonsense", "a" * 3000, "x:y:z", "%00"])
def test_a_forged_unsubscribe_token_is_404_and_changes_nothing(burlov, member, token):
    subscription = subscribe(member, burlov)
    response = Client().post(f"/accounts/unsubscribe/{token}/")
    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_token_stops_only_its_persons_subscriptions(burlov, member, coordinator):
    theirs = subscribe(coordinator, burlov)
    Client().post(unsubscribe_link(member, [theirs]))
    theirs.refresh_from_db()
    assert theirs.is_active


# --- Pages -------------------------------------------------------------------------------------


def page(name, **kwargs):
    return reverse(name, kwargs={"municipality": "burlov", **kwargs})


def test_a_person_creates_changes_pauses_and_removes_a_subscription(
    login, burlov, company_partner, categories, arlov
):
    client = login(company_partner)
    response = client.get(page("subscription-list"))
    assert response.status_code == 200
    response = client.post(
        page("subscription-create"),
        {
            "kind": "incidents",
            "frequency": "daily",
            "categories": [categories["vandalism"].pk],
            "areas": [arlov.pk],
        },
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=company_partner)
    assert subscription.municipality == burlov
    assert list(subscription.areas.all()) == [arlov]
    response = client.post(
        page("subscription-edit", pk=subscription.pk),
        {"kind": "incidents", "frequency": "weekly", "areas": [arlov.pk]},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.frequency == "weekly" and not subscription.categories.exists()
    response = client.post(page("subscription-toggle", pk=subscription.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"subscription-" in response.content
    subscription.refresh_from_db()
    assert not subscription.is_active
    # The row's button says what it asks for: pressed twice, or sent again, it stays paused.
    assert b'name="active" value="1"' in response.content
    for _ in range(2):
        client.post(page("subscription-toggle", pk=subscription.pk), {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    client.post(page("subscription-toggle", pk=subscription.pk), {"active": "1"})
    subscription.refresh_from_db()
    assert subscription.is_active
    assert client.post(page("subscription-delete", pk=subscription.pk)).status_code == 302
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_menu_links_to_my_subscriptions(login, member):
    response = login(member).get(reverse("dashboard", kwargs={"municipality": "burlov"}))
    assert page("subscription-list").encode() in response.content


def test_only_what_the_person_may_read_is_offered(login, burlov, eslov, member, eslov_area, arlov):
    other_body = BodyFactory(municipality=burlov, name="Hemlig grupp")
    response = login(member).get(page("subscription-create"))
    form = response.context["form"]
    assert arlov in form.fields["areas"].queryset
    assert eslov_area not in form.fields["areas"].queryset
    assert other_body not in form.fields["bodies"].queryset
    response = login(member).post(
        page("subscription-create"),
        {"kind": "meeting_changes", "frequency": "daily", "bodies": [other_body.pk]},
    )
    assert response.status_code == 400
    response = login(member).post(
        page("subscription-create"),
        {"kind": "incidents", "frequency": "daily", "areas": [eslov_area.pk]},
    )
    assert response.status_code == 400
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "incidents\x00", "frequency": "daily"},
        {"kind": "x" * 100_000, "frequency": "daily"},
        {"kind": "incidents", "frequency": "hourly"},
        {"kind": "incidents", "frequency": "daily", "categories": ["1\x00"]},
        {"kind": "incidents", "frequency": "daily", "areas": ["99999999999999999999999"]},
        {"kind": "incidents", "frequency": "daily", "categories": ["-1"]},
        {"kind": "", "frequency": ""},
    ],
)
def test_hostile_input_is_a_form_error_and_nothing_is_saved(login, member, data, categories):
    response = login(member).post(page("subscription-create"), data)
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_someone_elses_subscription_is_404(login, burlov, member, coordinator):
    theirs = subscribe(coordinator, burlov)
    client = login(member)
    assert client.get(page("subscription-edit", pk=theirs.pk)).status_code == 404
    assert client.post(page("subscription-delete", pk=theirs.pk)).status_code == 404
    assert client.post(page("subscription-toggle", pk=theirs.pk)).status_code == 404
    assert b"burlov.coordinator" not in client.get(page("subscription-list")).content
    assert Subscription.objects.filter(pk=theirs.pk, is_active=True).exists()


def test_another_municipalitys_user_gets_404(login, burlov, outsider, member):
    theirs = subscribe(member, burlov)
    client = login(outsider)
    assert client.get(page("subscription-list")).status_code == 404
    assert client.get(page("subscription-edit", pk=theirs.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, burlov):
    response = client.get(page("subscription-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_superuser_without_membership_gets_nothing_mailed(burlov, make_incident):
    root = make_user("root", is_superuser=True, is_staff=True)
    subscribe(root, burlov)
    make_incident(burlov)
    run_sweep()
    assert mails_to(root) == []


def test_roles_may_all_subscribe(login, users_by_role):
    for role, user in users_by_role.items():
        status = login(user).get(page("subscription-list")).status_code
        assert status == (404 if role == "outsider" else 200), role
