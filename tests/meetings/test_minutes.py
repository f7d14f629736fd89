import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Attendance, MinutesLocked, MinutesVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(make_meeting, coordinator, seat):
    meeting = make_meeting()
    item = services.add_item(meeting, title="Läget")
    item.notes = "Lugnt i Arlöv."
    item.decisions = "Fortsätt som tidigare."
    item.save()
    services.add_action_item(
        meeting, what="Kontakta fastighetsägaren", owner=coordinator, agenda_item=item
    )
    meeting.attendances.update(status=Attendance.Status.PRESENT)
    services.mark_held(meeting)
    return meeting


def test_approving_freezes_minutes_attendance_and_decisions(held, coordinator):
    version = services.approve_minutes(held, coordinator)
    snapshot = version.snapshot
    assert version.number == 1
    assert snapshot["items"][0]["notes"] == "Lugnt i Arlöv."
    assert snapshot["items"][0]["decisions"] == "Fortsätt som tidigare."
    assert snapshot["items"][0]["action_items"][0]["what"] == "Kontakta fastighetsägaren"
    assert snapshot["attendance"][0]["status_key"] == "present"
    held.refresh_from_db()
    assert held.is_locked
    with pytest.raises(MinutesLocked):
        item = held.agenda_items.get()
        item.notes = "Ändrat i efterhand"
        item.save()
    with pytest.raises(MinutesLocked):
        attendance = held.attendances.first()
        attendance.status = "absent"
        attendance.save()
    with pytest.raises(MinutesLocked):
        version.snapshot = {}
        version.save()
    with pytest.raises(MinutesLocked):
        version.delete()


def test_a_change_after_approval_is_refused_in_the_page_with_a_clear_message(
    login, coordinator, held
):
    services.approve_minutes(held, coordinator)
    item = held.agenda_items.get()
    client = login(coordinator)
    response = client.post(
        reverse("meetings:minutes", kwargs={"municipality": "burlov", "pk": held.pk}),
        {f"item-{item.pk}-notes": "Ändrat", f"item-{item.pk}-decisions": ""},
        follow=True,
    )
    assert (
        "official record" in response.content.decode()
        or "allmän" in response.content.decode()
        or "ändras" in response.content.decode()
    )
    item.refresh_from_db()
    assert item.notes == "Lugnt i Arlöv."


def test_a_new_version_keeps_the_old_one(held, coordinator):
    first = services.approve_minutes(held, coordinator)
    with pytest.raises(ValidationError):
        services.reopen_minutes(held, coordinator, "")
    services.reopen_minutes(held, coordinator, "Fel namn på justerare")
    held.refresh_from_db()
    item = held.agenda_items.get()
    item.notes = "Lugnt i Arlöv och Åkarp."
    item.save()
    second = services.approve_minutes(held, coordinator)
    assert second.number == 2
    first.refresh_from_db()
    assert first.snapshot["items"][0]["notes"] == "Lugnt i Arlöv."
    assert second.snapshot["items"][0]["notes"] == "Lugnt i Arlöv och Åkarp."
    assert MinutesVersion.objects.filter(meeting=held).count() == 2


def test_only_held_meetings_get_approved_minutes(make_meeting, coordinator):
    meeting = make_meeting()
    with pytest.raises(ValidationError):
        services.approve_minutes(meeting, coordinator)


def test_the_admin_cannot_change_or_delete_an_approved_version(held, coordinator, admin_user):
    version = services.approve_minutes(held, coordinator)
    model_admin = site._registry[MinutesVersion]
    request = RequestFactory().get("/")
    request.user = admin_user
    admin_user.is_superuser = admin_user.is_staff = True
    assert not model_admin.has_change_permission(request, version)
    assert not model_admin.has_delete_permission(request, version)
    assert not model_admin.has_add_permission(request)


def test_the_minutes_pdf_has_the_attendance(login, coordinator, member, held):
    services.approve_minutes(held, coordinator)
    client = login(member)
    response = client.get(
        reverse("meetings:minutes-pdf", kwargs={"municipality": "burlov", "pk": held.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "-v1.pdf" in response["Content-Disposition"]


def test_the_draft_minutes_pdf_is_named_in_swedish(login, member, held):
    client = login(member)
    response = client.get(
        reverse("meetings:minutes-pdf", kwargs={"municipality": "burlov", "pk": held.pk})
    )
    day = timezone.localtime(held.start).date().isoformat()
    assert response["Content-Disposition"] == f'inline; filename="protokoll-{day}-utkast.pdf"'


def test_the_coordinator_writes_minutes_and_adds_an_action_item(login, coordinator, held):
    client = login(coordinator)
    page = reverse("meetings:minutes", kwargs={"municipality": "burlov", "pk": held.pk})
    item = held.agenda_items.get()
    client.post(page, {f"item-{item.pk}-notes": "Nytt", f"item-{item.pk}-decisions": "Beslut"})
    item.refresh_from_db()
    assert (item.notes, item.decisions) == ("Nytt", "Beslut")
    response = client.post(page, {"add_action": "1", "action-what": "Utan ansvarig"})
    assert response.context["action_form"].errors
    client.post(
        page, {"add_action": "1", "action-what": "Ring polisen", "action-owner": coordinator.pk}
    )
    assert held.action_items.filter(what="Ring polisen").exists()


def test_the_minutes_name_the_organisation_each_member_represents(held, coordinator, seat):
    version = services.approve_minutes(held, coordinator)
    rows = {row["name"]: row["organisation"] for row in version.snapshot["attendance"]}
    assert rows[str(seat.user)] == "Burlövs kommun"


def test_approved_minutes_read_in_the_readers_language(held, coordinator, login, member):
    from django.utils import translation

    with translation.override("en"):
        services.approve_minutes(held, coordinator)
    response = login(member).get(
        reverse(
            "meetings:minutes-version",
            kwargs={"municipality": "burlov", "pk": held.pk, "number": 1},
        )
    )
    assert "Närvarande" in response.content.decode()
    with translation.override("en"):
        assert (
            services.display_snapshot(held.minutes_versions.get().snapshot)["attendance"][0][
                "status"
            ]
            == "present"
        )


def test_the_admin_shows_an_approved_meeting_read_only(held, coordinator, admin_user, client):
    services.approve_minutes(held, coordinator)
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = reverse("admin:meetings_meeting_change", args=[held.pk])
    assert client.get(page).status_code == 200
    client.post(page, {"title": "Ändrad i admin"})
    held.refresh_from_db()
    assert held.title != "Ändrad i admin"
    response = client.get(
        reverse("admin:meetings_minutesversion_change", args=[held.minutes_versions.get().pk])
    )
    assert response.status_code == 200
    assert b'name="snapshot"' not in response.content
