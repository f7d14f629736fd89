"""Files in an S3-compatible store (issue 16): moto's server mode stands in for MinIO or AWS;
the default storage points at it as production's does with ``S3_BUCKET`` set (settings), the
real views store and serve the files, and an outsider gets 404."""

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from situation_reports.models import Incident
from tests.factories import IncidentFactory, SituationReportFactory
from trygghet.attachments import add_photo
from trygghet.models import Attachment

from .test_files import jpeg_with_gps

pytestmark = pytest.mark.django_db

BUCKET = "trygghet-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto server on a free port, answering before the test goes on (polled, no fixed
    wait). A missing ``moto_server`` is an error: the test must run."""
    executable = shutil.which("moto_server", path=os.path.dirname(sys.executable)) or shutil.which(
        "moto_server"
    )
    assert executable, "moto_server is not installed (pip install 'moto[server]')"
    port = _free_port()
    server = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "moto_server stopped"
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                assert time.monotonic() < deadline, "moto_server did not answer in 30 s"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    storages = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # override_settings resets django.core.files.storage.storages (setting_changed).
    with override_settings(STORAGES=storages):
        yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def _object(client, key):
    return client.get_object(Bucket=BUCKET, Key=key)


def test_photos_and_documents_are_stored_in_and_served_from_the_s3_store(
    client, bucket, burlov, coordinator, company_partner, outsider
):
    # A photo, as the incident form stores it (trygghet.attachments.add_photo).
    incident = IncidentFactory(
        municipality=burlov, confidentiality=Incident.Confidentiality.RESTRICTED
    )
    photo = add_photo(
        incident, SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    )
    # A document, through the upload page.
    report = SituationReportFactory(municipality=burlov)
    client.force_login(coordinator)
    response = client.post(
        reverse("attachment-add-report", kwargs={"municipality": "burlov", "pk": report.pk}),
        {"title": "Underlag", "file": SimpleUploadedFile("underlag.pdf", PDF)},
    )
    assert response.status_code == 302, response.content
    document = Attachment.objects.get()

    keys = _keys(bucket)
    assert keys == {photo.file.name, document.file.name}
    assert photo.file.name.startswith("photos/incidents/") and "IMG" not in photo.file.name

    stored_photo = _object(bucket, photo.file.name)
    photo_bytes = stored_photo["Body"].read()
    assert not stored_photo.get("Metadata")
    with Image.open(io.BytesIO(photo_bytes)) as image:
        assert not image.getexif() and "exif" not in image.info
    assert b"Kamerafabriken" not in photo_bytes
    assert _object(bucket, document.file.name)["Body"].read() == PDF

    photo_url = reverse("photo", kwargs={"municipality": "burlov", "pk": photo.pk})
    served = client.get(photo_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == photo_bytes
    document_url = reverse("attachment", kwargs={"municipality": "burlov", "pk": document.pk})
    served = client.get(document_url)
    assert b"".join(served.streaming_content) == PDF

    # The restricted incident's photo: not for a private company; nothing for an outsider.
    client.force_login(company_partner)
    refused = client.get(photo_url)
    assert refused.status_code == 404 and photo_bytes not in refused.content
    client.force_login(outsider)
    for url in (photo_url, document_url):
        refused = client.get(url)
        assert refused.status_code == 404
        assert photo_bytes not in refused.content and PDF not in refused.content


def test_the_orphan_sweep_and_a_deletion_remove_files_from_the_s3_store(
    bucket, burlov, django_capture_on_commit_callbacks
):
    """The sweep lists the store's folders and reads its modification times through the
    storage API, as it does on local files (trygghet/attachments.py)."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from trygghet.attachments import sweep_orphan_files

    incident = IncidentFactory(municipality=burlov)
    kept = add_photo(
        incident, SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    )
    orphan = default_storage.save("attachments/report/left-behind.pdf", ContentFile(PDF))
    assert sweep_orphan_files().removed == []  # both just written
    result = sweep_orphan_files(now=timezone.now() + datetime.timedelta(days=2))
    assert result.removed == [orphan] and result.named == 1
    assert _keys(bucket) == {kept.file.name}
    with django_capture_on_commit_callbacks(execute=True):
        incident.delete()
    assert _keys(bucket) == set()
