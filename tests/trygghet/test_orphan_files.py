"""Stored files that no row names (issue 16, trygghet/attachments.py): a deleted photo's or
attachment's file goes once the deletion commits (with its incident, observation or safety
walk too), and the daily sweep removes what a rolled-back upload left behind, only once it is
older than its grace period, never a file whose upload may still be under way."""

import datetime
import io
import logging
import os
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from councils.models import Agreement, Body
from meetings.models import Kind, Observation
from tests.factories import BodyFactory, IncidentFactory, MeetingFactory
from tests.trygghet.test_attachments import PDF, jpeg, upload
from trygghet import tasks
from trygghet.attachments import add_attachment, add_photo, remove_attachment, sweep_orphan_files
from trygghet.models import Photo

LATER = datetime.timedelta(days=2)


def photo_upload():
    return upload(jpeg(), "bild.jpg", "image/jpeg")


def stored(name):
    return default_storage.exists(name)


def orphan(name="photos/incidents/left-behind.jpg", *, age=None):
    """A file in the store that no row names, ``age`` old (its modification time)."""
    name = default_storage.save(name, ContentFile(b"\xff\xd8\xff\xe0 not much of a photo"))
    if age is not None:
        then = time.time() - age.total_seconds()
        os.utime(default_storage.path(name), (then, then))
    return name


# --- A deleted row's file -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deleted_incidents_photo_file_goes_after_commit(
    burlov, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(municipality=burlov)
    name = add_photo(incident, photo_upload()).file.name
    with django_capture_on_commit_callbacks(execute=True):
        incident.delete()
        assert stored(name)  # not before the deletion commits
    assert not Photo.objects.exists()
    assert not stored(name)


@pytest.mark.django_db
def test_a_deletion_rolled_back_keeps_the_file(burlov, django_capture_on_commit_callbacks):
    incident = IncidentFactory(municipality=burlov)
    name = add_photo(incident, photo_upload()).file.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                incident.delete()
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Photo.objects.filter(file=name).exists()
    assert stored(name)


@pytest.mark.django_db
def test_a_deleted_safety_walk_takes_its_observations_photo_files(
    burlov, django_capture_on_commit_callbacks
):
    walk = MeetingFactory(
        body=BodyFactory(municipality=burlov, kind=Body.Kind.SITUATION_GROUP),
        kind=Kind.SAFETY_WALK,
        start=timezone.now() - datetime.timedelta(days=1),
    )
    observation = Observation.objects.create(
        municipality=burlov,
        meeting=walk,
        place="Gångtunneln",
        category=Observation.Category.LIGHTING,
        description="Mörkt",
    )
    names = [add_photo(observation, photo_upload()).file.name for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        walk.delete()
    assert not any(stored(name) for name in names)


@pytest.mark.django_db
def test_a_removed_attachments_file_goes_after_commit(
    burlov, police_org, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        municipality=burlov,
        title="Samverkansöverenskommelse",
        police_area=police_org,
        start_date=today,
        end_date=today + datetime.timedelta(days=365),
    )
    attachment = add_attachment(agreement, upload(PDF), title="Underskriven")
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(attachment)
        assert stored(name)
    assert not stored(name)


# --- The sweep ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_removes_old_files_no_row_names_and_keeps_the_rest(burlov, caplog):
    incident = IncidentFactory(municipality=burlov)
    kept = add_photo(incident, photo_upload()).file.name
    old = orphan(age=datetime.timedelta(hours=30))
    recent = orphan("photos/observations/just-written.jpg", age=datetime.timedelta(hours=2))
    unrelated = default_storage.save("elsewhere/readme.txt", ContentFile(b"not ours"))
    os.utime(default_storage.path(unrelated), (0, 0))
    with caplog.at_level(logging.INFO, logger="trygghet.attachments"):
        result = sweep_orphan_files(now=timezone.now() + datetime.timedelta(hours=1))
    assert result.removed == [old]
    assert (result.recent, result.named) == (2, 0)  # the photo just added, and ``recent``
    assert not stored(old)
    assert stored(kept) and stored(recent) and stored(unrelated)
    assert f"Orphan file removed: {old}" in caplog.text

    # A day on: the photo a row names stays, the file no row names goes.
    result = sweep_orphan_files(now=timezone.now() + LATER)
    assert result.removed == [recent] and result.named == 1
    assert stored(kept) and not stored(recent)


@pytest.mark.django_db
def test_a_dry_run_removes_nothing_and_says_what_it_would(burlov):
    old = orphan(age=LATER)
    result = sweep_orphan_files(dry_run=True)
    assert result.removed == [old] and result.dry_run
    assert stored(old)
    out = io.StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert f"Would remove {old}" in out.getvalue()
    assert stored(old)
    call_command("sweep_orphan_files", stdout=out)
    assert f"Removed {old}" in out.getvalue()
    assert "Removed 1 orphan file(s)" in out.getvalue()
    assert not stored(old)


@pytest.mark.django_db
def test_the_sweep_works_on_an_empty_store_and_is_scheduled_daily(burlov):
    assert sweep_orphan_files().removed == []
    assert tasks.sweep_orphan_files() == 0
    schedule = PeriodicTask.objects.get(name="Remove orphan files")
    assert schedule.task == "trygghet.tasks.sweep_orphan_files"
    assert schedule.crontab.hour == "3" and schedule.crontab.day_of_week == "*"
    assert schedule.expire_seconds < 24 * 3600


def test_the_grace_period_is_not_shortened_below_an_hour(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_orphan_files", "--grace-hours", "0.1")


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_transaction_is_still_open_is_never_swept(burlov):
    """Another connection holds its upload's transaction open: the file is written, its row
    not committed. The sweep sees a file that no row names, but a recent one: kept. Once that
    transaction commits the row names it; had it rolled back, the next day's sweep removes it."""
    incident = IncidentFactory(municipality=burlov)
    written, decide = threading.Event(), threading.Event()
    outcome = {}

    def upload_in_an_open_transaction(commit):
        try:
            with transaction.atomic():
                photo = add_photo(incident, photo_upload())
                outcome[commit] = photo.file.name
                written.set()
                decide.wait(30)
                if not commit:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        finally:
            connection.close()

    for commit in (True, False):
        written.clear()
        decide.clear()
        thread = threading.Thread(target=upload_in_an_open_transaction, args=(commit,))
        thread.start()
        assert written.wait(30)
        name = outcome[commit]
        assert not Photo.objects.filter(file=name).exists()  # not committed: unseen here
        result = sweep_orphan_files()
        assert result.removed == [] and result.recent >= 1
        assert stored(name)
        decide.set()
        thread.join(30)

    committed, rolled_back = outcome[True], outcome[False]
    assert Photo.objects.filter(file=committed).exists()
    assert not Photo.objects.filter(file=rolled_back).exists()
    result = sweep_orphan_files(now=timezone.now() + LATER)
    assert result.removed == [rolled_back]
    assert stored(committed) and not stored(rolled_back)
