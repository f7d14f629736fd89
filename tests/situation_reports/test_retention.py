"""Retention by decision (gallring, issue 17): a municipality's decision says what is thinned
after how long; the nightly run applies it, logs every run, and nothing goes without a recorded
decision. Incidents are anonymised (their counts stay), photos and log entries deleted, people
who left made former users; archival records are never thinned by the application."""

import datetime
import re
from io import BytesIO

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from councils.models import MunicipalityMembership
from situation_reports import tasks
from situation_reports.models import (
    ALLOWED_ACTIONS,
    ARCHIVAL_TYPES,
    Incident,
    IncidentAccessLog,
    RecordType,
    RetentionDecision,
    RetentionLocked,
    RetentionRule,
    RetentionRun,
    SituationReport,
)
from situation_reports.models.retention import cutoff, months_before
from situation_reports.services import compiling, retention, workflow
from tests.access import AccessMatrix, Page
from tests.factories import IncidentFactory, make_user
from trygghet import access
from trygghet.audit import record
from trygghet.models import AuditEvent, AuditEventImmutable, Photo

from .report_helpers import END, START
from .test_report_views import pdf_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)
# 36 months before TODAY: an incident of this day is kept, of the day before thinned.
KEPT_FROM = datetime.date(2023, 12, 3)


def decide(municipality, *rules, valid_from=datetime.date(2026, 1, 1), user=None):
    """Record a decision with ``rules``: (record type, months[, source])."""
    return retention.record_decision(
        municipality,
        {
            "decided_by": "Kommunstyrelsen",
            "decided_on": datetime.date(2025, 12, 1),
            "reference": "KS 2025/123",
            "valid_from": valid_from,
            "rules": [
                {
                    "record_type": kind,
                    "months": months,
                    "action": ALLOWED_ACTIONS[kind][0],
                    "source": source[0] if source else "",
                    "archival_confirmed": kind in ARCHIVAL_TYPES,
                }
                for kind, months, *source in rules
            ],
        },
        user,
    )


def incident_on(municipality, day, **fields):
    fields.setdefault("description", "Krossad ruta hos Anna Andersson, Storgatan 3")
    fields.setdefault("place", "Storgatan 3")
    fields.setdefault("latitude", 55.64)
    fields.setdefault("longitude", 13.05)
    return IncidentFactory(municipality=municipality, occurred_on=day, started_at=None, **fields)


def photo_of(incident):
    return Photo.objects.create(
        municipality=incident.municipality,
        incident=incident,
        file=ContentFile(b"not really a jpeg", name="photo.jpg"),
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=17,
        width=1,
        height=1,
    )


# --- "Older than N months" ----------------------------------------------------------------------


def test_months_are_calendar_months_clamped_to_the_end_of_a_shorter_month():
    assert months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2028, 5, 31), 3) == datetime.date(2028, 2, 29)
    assert months_before(datetime.date(2026, 1, 15), 1) == datetime.date(2025, 12, 15)
    assert months_before(datetime.date(2026, 12, 3), 1200) == datetime.date(1926, 12, 3)
    assert cutoff(TODAY, 36) == KEPT_FROM


def test_incidents_a_day_before_the_boundary_go_and_on_and_after_it_stay(burlov):
    before = incident_on(burlov, KEPT_FROM - datetime.timedelta(days=1))
    on = incident_on(burlov, KEPT_FROM)
    after = incident_on(burlov, KEPT_FROM + datetime.timedelta(days=1))
    decision = decide(burlov, (RecordType.INCIDENTS, 36))

    (run,) = retention.apply(decision, TODAY)

    assert run.count == 1 and run.cutoff == KEPT_FROM and not run.dry_run
    before.refresh_from_db(), on.refresh_from_db(), after.refresh_from_db()
    assert before.anonymised_at is not None and before.description == ""
    assert on.anonymised_at is None and on.description.startswith("Krossad")
    assert after.anonymised_at is None
    # The next day the boundary has moved one day on: the incident "on" it goes then.
    (run,) = retention.apply(decision, TODAY + datetime.timedelta(days=1))
    on.refresh_from_db()
    assert run.count == 1 and on.anonymised_at is not None


def audit_event(municipality, user, at):
    """An audit event written at ``at`` (an INSERT: the trail refuses any later change)."""
    event = AuditEvent(
        municipality=municipality,
        action=AuditEvent.Action.PERSON_ADDED,
        object_type="councils.user",
        object_id=str(user.pk),
        object_label=str(user),
        person=user,
        at=at,
    )
    event.save(force_insert=True)
    return event


def test_a_timestamp_goes_by_its_stockholm_date(burlov, admin_user):
    decision = decide(burlov, (RecordType.ACCESS_LOG, 24))
    boundary = timezone.make_aware(datetime.datetime(2024, 12, 3))  # local midnight
    assert boundary.utcoffset() == datetime.timedelta(hours=1)
    old = audit_event(burlov, admin_user, boundary - datetime.timedelta(seconds=1))
    kept = audit_event(burlov, admin_user, boundary)

    retention.apply(decision, TODAY)

    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and kept.pk in remaining


# --- What anonymising keeps and clears ----------------------------------------------------------


def test_an_anonymised_incident_keeps_its_counts_and_loses_what_identifies(
    burlov, admin_user, django_capture_on_commit_callbacks
):
    old = incident_on(burlov, datetime.date(2020, 5, 1), created_by=admin_user)
    old.description = "Ändrad text om Anna"  # a second version in the history
    old.save()
    photo = photo_of(old)
    name = photo.file.name
    storage = photo.file.storage
    assert storage.exists(name)
    decision = decide(burlov, (RecordType.INCIDENTS, 36))

    with django_capture_on_commit_callbacks(execute=True):
        retention.apply(decision, TODAY)

    old.refresh_from_db()
    assert (old.description, old.place, old.latitude, old.longitude) == ("", "", None, None)
    assert old.created_by is None and old.anonymised_at is not None
    assert (old.occurred_on, old.category.code, old.status) == (
        datetime.date(2020, 5, 1),
        "vandalism",
        Incident.Status.REPORTED,
    )
    history = old.history.all()
    assert history.count() >= 2
    assert all(h.description == "" and h.place == "" and h.latitude is None for h in history)
    assert not Photo.objects.filter(pk=photo.pk).exists() and not storage.exists(name)


def test_a_restricted_incident_is_thinned_by_the_same_rule(burlov):
    restricted = incident_on(
        burlov, datetime.date(2020, 5, 1), confidentiality=Incident.Confidentiality.RESTRICTED
    )
    incident_on(burlov, datetime.date(2020, 5, 2))
    decision = decide(burlov, (RecordType.INCIDENTS, 36))

    (run,) = retention.apply(decision, TODAY)

    restricted.refresh_from_db()
    assert restricted.anonymised_at is not None and restricted.description == ""
    assert restricted.is_restricted  # confidentiality stays: the count rule still holds
    assert (run.count, run.restricted_count) == (2, 1)


def test_a_rule_for_one_source_leaves_the_others(burlov):
    police = incident_on(burlov, datetime.date(2020, 5, 1), source=Incident.Source.POLICE_OPEN_DATA)
    manual = incident_on(burlov, datetime.date(2020, 5, 1))
    decision = decide(burlov, (RecordType.INCIDENTS, 12, Incident.Source.POLICE_OPEN_DATA))

    retention.apply(decision, TODAY)

    police.refresh_from_db(), manual.refresh_from_db()
    assert police.anonymised_at is not None and manual.anonymised_at is None


def test_photos_of_old_incidents_are_deleted_and_the_incident_stays(
    burlov, django_capture_on_commit_callbacks
):
    old, new = incident_on(burlov, datetime.date(2020, 5, 1)), incident_on(burlov, TODAY)
    old_photo, new_photo = photo_of(old), photo_of(new)
    decision = decide(burlov, (RecordType.INCIDENT_PHOTOS, 12))

    with django_capture_on_commit_callbacks(execute=True):
        (run,) = retention.apply(decision, TODAY)

    assert run.count == 1
    assert list(Photo.objects.values_list("pk", flat=True)) == [new_photo.pk]
    assert not old_photo.file.storage.exists(old_photo.file.name)
    old.refresh_from_db()
    assert old.description.startswith("Krossad")  # only the photos' rule ran


# --- Runs: idempotent, dry, logged, only with a decision ----------------------------------------


def test_a_second_run_the_same_day_finds_nothing_more(burlov):
    for day in (1, 2, 3):
        incident_on(burlov, datetime.date(2020, 5, day))
    decision = decide(burlov, (RecordType.INCIDENTS, 36))

    assert [r.count for r in retention.apply(decision, TODAY)] == [3]
    assert [r.count for r in retention.apply(decision, TODAY)] == [0]
    assert RetentionRun.objects.count() == 2


def test_batches_each_commit_on_their_own(burlov, monkeypatch):
    for day in range(1, 8):
        incident_on(burlov, datetime.date(2020, 5, day))
    monkeypatch.setattr(retention, "BATCH_SIZE", 3)
    decision = decide(burlov, (RecordType.INCIDENTS, 36))
    calls = []
    real = Incident.history.model.objects.filter

    def crash_on_the_third_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(Incident.history.model.objects, "filter", crash_on_the_third_batch)
    (run,) = retention.apply(decision, TODAY)
    assert "worker killed" in run.error
    # Two whole batches done, the third rolled back entirely.
    assert Incident.objects.exclude(anonymised_at=None).count() == 6
    assert Incident.objects.filter(anonymised_at=None, description="").count() == 0
    monkeypatch.undo()
    # Restarted, it finishes what is left.
    (run,) = retention.apply(decision, TODAY)
    assert run.count == 1 and not run.error
    assert not Incident.objects.filter(anonymised_at=None).exists()


def test_a_dry_run_changes_nothing_and_says_what_would_go(burlov):
    old = incident_on(burlov, datetime.date(2020, 5, 1))
    decision = decide(burlov, (RecordType.INCIDENTS, 36))

    (planned,) = retention.plan(decision, TODAY)
    (run,) = retention.apply(decision, TODAY, dry_run=True)

    assert planned.count == 1 and planned.cutoff == KEPT_FROM
    assert run.dry_run and run.count == 1
    old.refresh_from_db()
    assert old.anonymised_at is None and old.description.startswith("Krossad")


def test_without_a_decision_nothing_happens(burlov, eslov):
    old = incident_on(burlov, datetime.date(2000, 5, 1))
    assert tasks.apply_retention_decisions() == {}
    # A decision valid only from tomorrow is not applied yet either.
    decide(
        burlov, (RecordType.INCIDENTS, 1), valid_from=timezone.localdate() + datetime.timedelta(1)
    )
    assert tasks.apply_retention_decisions() == {}
    old.refresh_from_db()
    assert old.anonymised_at is None and not RetentionRun.objects.exists()


def test_the_nightly_task_applies_each_current_decision_and_leaves_others(burlov, eslov):
    here = incident_on(burlov, datetime.date(2000, 5, 1))
    there = incident_on(eslov, datetime.date(2000, 5, 1))
    decide(burlov, (RecordType.INCIDENTS, 36))

    assert tasks.apply_retention_decisions() == {burlov.pk: 1}

    here.refresh_from_db(), there.refresh_from_db()
    assert here.anonymised_at is not None and there.anonymised_at is None
    assert set(RetentionRun.objects.values_list("municipality", flat=True)) == {burlov.pk}


def test_the_nightly_schedule_is_declared():
    task = PeriodicTask.objects.get(name="Apply retention decisions (gallring)")
    assert task.task == "situation_reports.apply_retention_decisions"
    assert task.crontab.hour == "2" and task.enabled


def test_the_newest_valid_version_applies(burlov):
    first = decide(burlov, (RecordType.INCIDENTS, 36))
    second = decide(burlov, (RecordType.INCIDENTS, 12))
    assert (first.version, second.version) == (1, 2) and second.supersedes == first
    assert RetentionDecision.objects.current(burlov, TODAY) == second
    later = decide(burlov, (RecordType.INCIDENTS, 6), valid_from=datetime.date(2027, 1, 1))
    assert RetentionDecision.objects.current(burlov, TODAY) == second
    assert RetentionDecision.objects.current(burlov, datetime.date(2027, 1, 1)) == later


def test_the_decision_and_its_log_are_never_changed(burlov):
    incident_on(burlov, datetime.date(2020, 5, 1))
    decision = decide(burlov, (RecordType.INCIDENTS, 36))
    (run,) = retention.apply(decision, TODAY)
    rule = decision.rules.get()
    for obj in (decision, rule, run):
        with pytest.raises(RetentionLocked):
            obj.save()
        with pytest.raises(RetentionLocked):
            obj.delete()
    with pytest.raises(RetentionLocked):
        RetentionRun.objects.update(count=0)
    with pytest.raises(RetentionLocked):
        RetentionRule.objects.all().delete()
    for table in ("retentionrun", "retentionrule", "retentiondecision"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM situation_reports_{table}")
    assert RetentionRun.objects.get().count == 1


# --- Archival records and approved reports ------------------------------------------------------


@pytest.fixture
def approved(burlov, dataset, situation_group, coordinator):
    report = compiling.create_report(burlov, START, END, body=situation_group)
    compiling.compile_report(report.pk)
    workflow.save_section(report, "assessment", "Lugnt.", coordinator)
    workflow.submit_for_review(report, coordinator)
    return workflow.approve(report, coordinator)


def _without_moments(text):
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?", "", text)


def test_an_approved_reports_figures_page_and_pdf_do_not_change(approved, login, coordinator):
    client = login(coordinator)
    data = SituationReport.objects.get(pk=approved.pk).data
    page = client.get(approved.get_absolute_url()).content.decode()
    pdf_url = reverse(
        "situation_reports:report-pdf", kwargs={"municipality": "burlov", "pk": approved.pk}
    )
    pdf = pdf_text(BytesIO(client.get(pdf_url).content))
    decision = decide(
        approved.municipality,
        (RecordType.INCIDENTS, 1),
        (RecordType.APPROVED_REPORTS, 1),
    )

    with translation.override("en"):
        runs = retention.apply(decision, datetime.date(2030, 1, 1))

    assert runs[0].count >= 17  # every incident of the report anonymised
    assert not Incident.objects.filter(municipality=approved.municipality, anonymised_at=None)
    assert runs[1].count == 0 and "never thinned" in runs[1].note
    stored = SituationReport.objects.get(pk=approved.pk)
    assert stored.data == data and stored.is_approved
    assert _without_moments(client.get(approved.get_absolute_url()).content.decode()) == (
        _without_moments(page)
    )
    assert _without_moments(pdf_text(BytesIO(client.get(pdf_url).content))) == (
        _without_moments(pdf)
    )


def test_archival_records_are_untouched_without_a_rule_and_with_one(approved):
    decision = decide(approved.municipality, (RecordType.ACCESS_LOG, 1))
    retention.apply(decision, datetime.date(2030, 1, 1))
    assert SituationReport.objects.filter(pk=approved.pk).exists()
    decision = decide(approved.municipality, (RecordType.APPROVED_REPORTS, 1))
    (planned,) = retention.plan(decision, datetime.date(2030, 1, 1))
    assert planned.count == 1 and "1" in planned.note
    (run,) = retention.apply(decision, datetime.date(2030, 1, 1))
    assert run.count == 0 and SituationReport.objects.filter(pk=approved.pk).exists()


def test_an_archival_rule_needs_its_explicit_confirmation(burlov):
    decision = decide(burlov, (RecordType.INCIDENTS, 36))
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(
            decision=decision,
            record_type=RecordType.MINUTES,
            months=12,
            action="delete",
            archival_confirmed=False,
        )


# --- Access logs and people who left ------------------------------------------------------------


def test_old_access_logs_are_cleared_and_the_audit_trail_stays_append_only(
    burlov, eslov, admin_user, outsider, police_org
):
    both = make_user("both.places", burlov, access.MEMBER)
    MunicipalityMembership.objects.create(user=both, municipality=eslov, role=access.MEMBER)
    long_ago = timezone.now() - datetime.timedelta(days=900)
    audit_event(burlov, admin_user, long_ago)
    audit_event(eslov, outsider, long_ago)
    recent = record(burlov, AuditEvent.Action.ROLE_CHANGED, admin_user, actor=admin_user)
    restricted = incident_on(burlov, TODAY, confidentiality=Incident.Confidentiality.RESTRICTED)
    old_read = IncidentAccessLog.objects.create(
        incident=restricted, user=admin_user, accessed_at=timezone.now() - datetime.timedelta(900)
    )
    new_read = IncidentAccessLog.objects.create(incident=restricted, user=admin_user)
    for username in (admin_user.username, both.username, outsider.username):
        AccessLog.objects.create(username=username, user_agent="t", http_accept="", path_info="/")
    AccessLog.objects.update(attempt_time=long_ago)
    decision = decide(burlov, (RecordType.ACCESS_LOG, 24))

    (run,) = retention.apply(decision, timezone.localdate())

    assert run.count == 1 + 1 + 1  # one audit event, one read, one login
    kept = AuditEvent.objects.filter(municipality=burlov).order_by("at")
    assert list(kept.values_list("pk", "action")) == [
        (recent.pk, AuditEvent.Action.ROLE_CHANGED),
        (kept.last().pk, AuditEvent.Action.RETENTION_DECIDED),  # the decision, just recorded
    ]
    assert AuditEvent.objects.filter(municipality=eslov).count() == 1
    assert set(IncidentAccessLog.objects.values_list("pk", flat=True)) == {new_read.pk}
    assert old_read.pk not in set(IncidentAccessLog.objects.values_list("pk", flat=True))
    # A person of two municipalities keeps their login records; Eslöv's people too.
    assert set(AccessLog.objects.values_list("username", flat=True)) == {
        both.username,
        outsider.username,
    }
    # Outside retention the trail still refuses: the model, the queryset and the database.
    with pytest.raises(AuditEventImmutable):
        recent.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM trygghet_auditevent")
    assert AuditEvent.objects.count() == 3  # recent, Eslöv's, and the decision's


def test_people_who_left_long_ago_become_former_users(burlov, eslov, admin_user):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    User = get_user_model()

    def person(username, *, active_here=False, elsewhere=False, last_login=long_ago):
        user = make_user(
            username,
            burlov,
            access.MEMBER,
            email=f"{username}@example.se",
            first_name="Anna",
            last_name="Andersson",
            phone="070-123 45 67",
            date_joined=long_ago,
            last_login=last_login,
        )
        MunicipalityMembership.objects.filter(user=user).update(is_active=active_here)
        if elsewhere:
            MunicipalityMembership.objects.create(user=user, municipality=eslov, role=access.MEMBER)
        return user

    left = person("left.long.ago")
    active_elsewhere = person("works.in.eslov", elsewhere=True)
    still_here = person("still.here", active_here=True)
    just_left = person("just.left", last_login=timezone.now() - datetime.timedelta(days=30))
    incident = incident_on(burlov, TODAY, created_by=left)
    decision = decide(burlov, (RecordType.FORMER_USERS, 12))

    (planned,) = retention.plan(decision, timezone.localdate())
    (run,) = retention.apply(decision, timezone.localdate())

    assert planned.count == 1 and planned.sample == ["Anna Andersson"]
    assert run.count == 1
    left.refresh_from_db()
    assert left.username == f"former-user-{left.pk}"
    assert (left.first_name, left.last_name, left.email, left.phone) == ("", "", "", "")
    assert not left.has_usable_password() and not left.is_active
    incident.refresh_from_db()
    assert incident.created_by_id == left.pk  # the row stays: what names them still holds
    for kept in (active_elsewhere, still_here, just_left):
        kept.refresh_from_db()
        assert kept.email and kept.first_name == "Anna"
    assert User.objects.filter(pk=admin_user.pk, is_active=True).exists()
    assert retention.apply(decision, timezone.localdate())[0].count == 0


# --- The page, for admins only ------------------------------------------------------------------


ADMINS = frozenset({"admin"})


class TestRetentionPages(AccessMatrix):
    pages = [
        Page("situation_reports:retention", allowed=ADMINS),
        Page("situation_reports:retention-edit", allowed=ADMINS),
        Page(
            "situation_reports:retention-edit",
            allowed=ADMINS,
            method="post",
            data={
                "decided_by": "Kommunstyrelsen",
                "decided_on": "2025-12-01",
                "reference": "KS 2025/1",
                "valid_from": "2026-01-01",
                "incidents_months": "36",
            },
            ok=302,
        ),
        Page("situation_reports:retention-dry-run", allowed=ADMINS, method="post", ok=302),
    ]
    # No page shows one row by its id: nothing to open through the outsider's own address.
    test_a_burlov_object_is_404_through_the_outsiders_own_address = None

    @pytest.fixture
    def objects(self, burlov):
        decide(burlov, (RecordType.INCIDENTS, 36))
        return {}


def test_the_page_shows_the_decision_the_dry_run_and_the_log(burlov, login, admin_user):
    incident_on(burlov, datetime.date(2000, 5, 1), area=None)
    decision = decide(burlov, (RecordType.INCIDENTS, 36), (RecordType.ACCESS_LOG, 24))
    retention.apply(decision, timezone.localdate(), dry_run=True)
    client = login(admin_user)

    html = client.get(reverse("situation_reports:retention", args=["burlov"])).content.decode()

    assert "KS 2025/123" in html and "Kommunstyrelsen" in html
    plan = html.split('id="retention-plan"')[1].split("</table>")[0]
    assert "2000-05-01" in plan
    runs = html.split('id="retention-runs"')[1].split("</table>")[0]
    assert runs.count("<tr>") == 1 + 2  # the header and the dry run's two rules


def test_a_private_company_admin_never_sees_a_restricted_incident_in_the_dry_run(
    burlov, security_org, login
):
    company_admin = make_user("guard.admin", burlov, access.ADMIN, security_org)
    incident_on(
        burlov,
        datetime.date(2000, 5, 1),
        confidentiality=Incident.Confidentiality.RESTRICTED,
        category="theft",
    )
    incident_on(burlov, datetime.date(2001, 6, 2), category="vandalism")
    decision = decide(burlov, (RecordType.INCIDENTS, 36))
    retention.apply(decision, timezone.localdate(), dry_run=True)

    html = login(company_admin).get(reverse("situation_reports:retention", args=["burlov"]))
    html = html.content.decode()

    plan = html.split('id="retention-plan"')[1].split("</table>")[0]
    assert "2001-06-02" in plan and "2000-05-01" not in plan
    assert "<td>1</td>" in plan  # the count of what they may read
    runs = html.split('id="retention-runs"')[1].split("</table>")[0]
    assert "<td>1</td>" in runs and "<td>2</td>" not in runs


VALID = {
    "decided_by": "Kommunstyrelsen",
    "decided_on": "2025-12-01",
    "reference": "KS 2025/1",
    "valid_from": "2026-01-01",
    "incidents_months": "36",
    "access_log_months": "24",
    "former_users_months": "12",
}


def test_saving_the_form_records_a_new_version_and_keeps_the_old(burlov, login, admin_user):
    client = login(admin_user)
    url = reverse("situation_reports:retention-edit", args=["burlov"])
    assert client.post(url, VALID).status_code == 302
    assert client.post(url, {**VALID, "incidents_months": "48"}).status_code == 302
    first, second = RetentionDecision.objects.order_by("version")
    assert [r.months for r in first.rules.order_by("pk")] == [36, 24, 12]
    assert second.rules.get(record_type=RecordType.INCIDENTS).months == 48
    assert second.supersedes == first and second.created_by == admin_user
    # The form of the next version starts from the newest.
    assert 'value="48"' in client.get(url).content.decode()
    # Each version is in the audit trail: who recorded it, which decision, how many rules.
    events = AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_DECIDED).order_by("at")
    assert [(e.actor, e.new["version"], e.new["rules"]) for e in events] == [
        (admin_user, 1, 3),
        (admin_user, 2, 3),
    ]
    trail = client.get(reverse("audit-trail", args=["burlov"])).content.decode()
    assert "KS 2025/1" in trail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decided_by", "x" * 100_000),
        ("decided_by", "Kommun\x00styrelsen"),
        ("reference", "KS\x1b[31m"),
        ("decided_on", "2025-02-30"),
        ("decided_on", "0001-01-01"),
        ("valid_from", "not a date"),
        ("incidents_months", "0"),
        ("incidents_months", "1201"),
        ("incidents_months", "1e9"),
        ("incidents_months", "9" * 400),
        ("incidents_source", "<script>"),
        ("approved_reports_months", "12"),  # an archival rule, not confirmed
        ("incidents_months", ""),  # with the others emptied below: no rule at all
    ],
)
def test_hostile_input_gets_a_form_error_and_saves_nothing(burlov, login, admin_user, field, value):
    data = {**VALID, field: value}
    if field == "incidents_months" and value == "":
        data.pop("access_log_months"), data.pop("former_users_months")
    response = login(admin_user).post(
        reverse("situation_reports:retention-edit", args=["burlov"]), data
    )
    assert response.status_code == 400
    assert not RetentionDecision.objects.exists() and not RetentionRule.objects.exists()


def test_an_archival_rule_is_saved_when_confirmed(burlov, login, admin_user):
    data = {**VALID, "minutes_months": "120", "minutes_confirm": "on"}
    response = login(admin_user).post(
        reverse("situation_reports:retention-edit", args=["burlov"]), data
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get(record_type=RecordType.MINUTES)
    assert rule.archival_confirmed and rule.months == 120


def test_a_model_check_refuses_months_out_of_range(burlov):
    decision = decide(burlov, (RecordType.INCIDENTS, 36))
    rule = RetentionRule(decision=decision, record_type=RecordType.ACCESS_LOG, months=0)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_the_nightly_task_works_with_scoping_on_as_in_a_worker(
    burlov, eslov, admin_user, django_capture_on_commit_callbacks
):
    """The tests read unscoped; a worker starts with no municipality in scope (TrygghetTask)."""
    from django_scopes import scope

    long_ago = timezone.now() - datetime.timedelta(days=2000)
    old = incident_on(burlov, datetime.date(2020, 5, 1))
    photo_of(old)
    audit_event(burlov, admin_user, long_ago)
    left = make_user("left.user", burlov, access.MEMBER, date_joined=long_ago)
    MunicipalityMembership.objects.filter(user=left).update(is_active=False)
    decide(
        burlov,
        (RecordType.INCIDENTS, 36),
        (RecordType.INCIDENT_PHOTOS, 24),
        (RecordType.ACCESS_LOG, 24),
        (RecordType.FORMER_USERS, 12),
        (RecordType.DECISIONS, 120),
    )

    with scope(), django_capture_on_commit_callbacks(execute=True):
        assert tasks.apply_retention_decisions() == {burlov.pk: 1 + 0 + 1 + 1}

    old.refresh_from_db(), left.refresh_from_db()
    assert old.anonymised_at is not None and not Photo.objects.exists()
    assert left.username.startswith("former-user-")
    # The old event went; the decision's own (today) stays.
    assert list(
        AuditEvent.objects.filter(municipality=burlov).values_list("action", flat=True)
    ) == [AuditEvent.Action.RETENTION_DECIDED]
    assert not RetentionRun.objects.exclude(error="").exists()


def test_a_rule_of_a_hundred_years_runs_and_is_logged(burlov):
    """The longest rule the form takes reaches before the first date Trygghet stores: the run
    is logged with that date as its limit (nothing is older), not refused by the database."""
    kept = incident_on(burlov, datetime.date(2001, 1, 1))
    decision = decide(burlov, (RecordType.INCIDENTS, 1200))

    (run,) = retention.apply(decision, TODAY)

    assert run.error == "" and run.count == 0
    assert run.cutoff == datetime.date(2000, 1, 1)
    kept.refresh_from_db()
    assert kept.anonymised_at is None
