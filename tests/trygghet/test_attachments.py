"""Photos shown and documents attached, downloaded and removed (trygghet/views_files.py,
trygghet/attachments.py, issue 16): only through their parent, checked by content, frozen with
an official record, in the audit trail."""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from councils.models import Agreement, Body, Membership
from meetings.models import Meeting, Observation
from situation_reports.models import ActionPlan, Decision, Incident, SituationReport
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page
from tests.factories import BodyFactory, IncidentFactory, MeetingFactory, SituationReportFactory
from trygghet.attachments import add_attachment, add_photo
from trygghet.models import Attachment, AuditEvent, Photo

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def docx():
    """A minimal Word document: a zip with the parts that name it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(data, name="underlag.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def parents(burlov, police_org, coordinator):
    body = BodyFactory(municipality=burlov, name="Brå-gruppen", kind=Body.Kind.STRATEGIC_COUNCIL)
    today = timezone.localdate()
    return {
        "agreement": Agreement.objects.create(
            municipality=burlov,
            title="Överenskommelse",
            police_area=police_org,
            start_date=today - datetime.timedelta(days=100),
            end_date=today + datetime.timedelta(days=600),
            status=Agreement.Status.ACTIVE,
        ),
        "action_plan": ActionPlan.objects.create(
            municipality=burlov,
            title="Åtgärdsplan",
            first_year=2025,
            last_year=2026,
            based_on=SituationReportFactory(municipality=burlov, title="Strategisk lägesbild"),
        ),
        "meeting": MeetingFactory(body=body),
        "report": SituationReportFactory(municipality=burlov),
        "decision": Decision.objects.create(
            municipality=burlov,
            made_by="board",
            board_name="Kommunstyrelsen",
            date=today,
            title="Beslut om åtgärdsplan",
            text="Beslutas.",
        ),
    }


@pytest.fixture
def stored(parents, coordinator):
    """One PDF attached to each parent."""
    return {
        name: add_attachment(parent, upload(PDF), title=f"Underlag {name}")
        for name, parent in parents.items()
    }


@pytest.fixture
def restricted_photo(burlov):
    incident = IncidentFactory(
        municipality=burlov, confidentiality=Incident.Confidentiality.RESTRICTED
    )
    return add_photo(incident, upload(jpeg(), "bild.jpg", "image/jpeg"))


@pytest.fixture
def open_photo(burlov):
    incident = IncidentFactory(municipality=burlov)
    return add_photo(incident, upload(jpeg(), "bild.jpg", "image/jpeg"))


def content(response):
    return b"".join(response.streaming_content)


# --- Who reads and who changes: the matrix ----------------------------------------------------

ADD = {"title": "Protokollsutdrag"}
# A meeting is seen by the planners and those seated in its body (nobody else here): 404.
NOT_SEATED = {"member": 404, "police_partner": 404, "company_partner": 404}


class TestFilePages(AccessMatrix):
    pages = [
        Page("photo", obj="open_photo", allowed=EVERYONE),
        # A restricted incident's photo does not exist for a private company.
        Page("photo", obj="restricted_photo", allowed=EVERYONE, statuses={"company_partner": 404}),
        *(
            Page("attachment", obj=f"{name}_attachment", allowed=EVERYONE)
            for name in ("agreement", "report", "decision")
        ),
        # A draft plan is the managers' work in progress: it does not exist for the others.
        Page(
            "attachment",
            obj="action_plan_attachment",
            allowed=MANAGERS,
            statuses=dict.fromkeys(("member", "police_partner", "company_partner"), 404),
        ),
        Page("attachment", obj="meeting_attachment", allowed=EVERYONE, statuses=NOT_SEATED),
        *(
            Page(f"attachment-add-{name.replace('_', '-')}", obj=name, allowed=MANAGERS)
            for name in ("agreement", "report", "decision")
        ),
        Page(
            "attachment-add-action-plan",
            obj="action_plan",
            allowed=MANAGERS,
            statuses=dict.fromkeys(("member", "police_partner", "company_partner"), 404),
        ),
        Page("attachment-add-meeting", obj="meeting", allowed=MANAGERS, statuses=NOT_SEATED),
        Page(
            "attachment-delete",
            obj="report_attachment",
            allowed=MANAGERS,
            method="post",
            ok=302,
        ),
    ]

    @pytest.fixture
    def objects(self, parents, stored, open_photo, restricted_photo):
        return {
            **parents,
            **{f"{name}_attachment": a for name, a in stored.items()},
            "open_photo": open_photo,
            "restricted_photo": restricted_photo,
        }

    def check_allowed(self, page, response, role, objects):
        if page.name in ("photo", "attachment"):
            row = objects[page.obj]
            assert content(response) == row.file.open("rb").read()
            assert response["Cache-Control"] == "private, no-store"
            assert response["X-Content-Type-Options"] == "nosniff"


def test_a_seated_member_reads_the_meetings_attachments(client, member, parents, stored):
    Membership.objects.create(
        body=parents["meeting"].body, user=member, start_date=timezone.localdate()
    )
    client.force_login(member)
    response = client.get(f"/burlov/attachments/{stored['meeting'].pk}/")
    assert response.status_code == 200
    assert content(response) == PDF


def test_the_private_company_never_gets_the_restricted_photos_bytes(
    client, company_partner, police_partner, restricted_photo
):
    url = reverse("photo", kwargs={"municipality": "burlov", "pk": restricted_photo.pk})
    client.force_login(company_partner)
    response = client.get(url)
    assert response.status_code == 404
    assert restricted_photo.file.open("rb").read() not in response.content
    client.force_login(police_partner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_the_incident_page_shows_its_photos_with_alt_text(client, coordinator, open_photo):
    client.force_login(coordinator)
    page = client.get(f"/burlov/incidents/{open_photo.incident_id}/").content.decode()
    assert f'src="/burlov/photos/{open_photo.pk}/"' in page
    assert 'alt="Photo 1 of 1' in page or 'alt="Foto 1 av 1' in page


def test_the_meeting_page_shows_an_observations_photos(client, coordinator, parents):
    meeting = parents["meeting"]
    observation = Observation.objects.create(
        municipality=meeting.municipality,
        meeting=meeting,
        place="Lommavägen",
        category=Observation.Category.LIGHTING,
        description="Trasig lampa",
    )
    photo = add_photo(observation, upload(jpeg(), "lampa.jpg", "image/jpeg"))
    Meeting.objects.filter(pk=meeting.pk).update(kind="safety_walk")
    client.force_login(coordinator)
    page = client.get(f"/burlov/meetings/{meeting.pk}/").content.decode()
    assert f'src="/burlov/photos/{photo.pk}/"' in page


@pytest.mark.parametrize("name", ["agreement", "action_plan", "meeting", "report", "decision"])
def test_each_parents_page_lists_its_attachments_with_the_upload_form(
    client, coordinator, parents, stored, name
):
    client.force_login(coordinator)
    page = client.get(parents[name].get_absolute_url()).content.decode()
    assert f"/burlov/attachments/{stored[name].pk}/" in page
    assert 'enctype="multipart/form-data"' in page
    assert f"/attachments/{stored[name].pk}/delete/" in page


# --- Uploading: checked by content, nothing half-saved --------------------------------------


def post_file(client, parent_url, data, name, **extra):
    return client.post(
        parent_url, {"title": "Underlag", "file": upload(data, name), **extra}, follow=False
    )


def add_url(parent, name):
    return reverse(
        f"attachment-add-{name.replace('_', '-')}",
        kwargs={"municipality": "burlov", "pk": parent.pk},
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tom.pdf", "empty"),
        (EXE, "protokoll.pdf", "not one of the kinds"),  # a program renamed .pdf
        (b"plain text, not a document", "anteckning.docx", "not one of the kinds"),
        (jpeg(), "bild.pdf", "not one of the kinds"),
        (b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), "stor.pdf", "at most 1 MB"),
    ],
)
def test_a_refused_file_says_why_and_stores_nothing(
    client, coordinator, parents, settings, data, name, message
):
    settings.UPLOAD_MAX_DOCUMENT_BYTES = 1024 * 1024
    settings.LANGUAGE_CODE = "en"
    client.force_login(coordinator)
    response = post_file(
        client, add_url(parents["report"], "report"), data, name, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ATTACHMENT_ADDED).exists()
    assert (
        not list((settings.MEDIA_ROOT / "attachments").rglob("*"))
        if (settings.MEDIA_ROOT / "attachments").exists()
        else True
    )


def test_a_pdf_named_docx_is_stored_as_the_pdf_it_is(client, coordinator, parents):
    client.force_login(coordinator)
    response = post_file(client, add_url(parents["report"], "report"), PDF, "rapport.docx")
    assert response.status_code == 302
    stored = Attachment.objects.get()
    assert stored.content_type == "application/pdf"
    assert stored.file.name.endswith(".pdf") and "rapport" not in stored.file.name
    assert stored.original_name == "rapport.docx"
    download = client.get(f"/burlov/attachments/{stored.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_office_document_is_accepted(client, coordinator, parents):
    client.force_login(coordinator)
    response = post_file(client, add_url(parents["decision"], "decision"), docx(), "beslut.docx")
    assert response.status_code == 302
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "name", ["../../x.pdf", "..\\..\\x.pdf", "a\x00b.pdf", "x" * 400 + ".pdf", "<script>.pdf"]
)
def test_hostile_file_names_are_stored_safely(client, coordinator, parents, settings, name):
    client.force_login(coordinator)
    response = post_file(client, add_url(parents["report"], "report"), PDF, name)
    assert response.status_code in (302, 400)
    for attachment in Attachment.objects.all():
        assert attachment.file.name.startswith("attachments/report/")
        assert ".." not in attachment.file.name and "\x00" not in attachment.original_name
        assert len(attachment.original_name) <= 200 and "/" not in attachment.original_name
        path = (settings.MEDIA_ROOT / attachment.file.name).resolve()
        assert path.is_relative_to(settings.MEDIA_ROOT.resolve())
        disposition = client.get(f"/burlov/attachments/{attachment.pk}/")["Content-Disposition"]
        assert "\x00" not in disposition and "\n" not in disposition
    assert not (settings.MEDIA_ROOT.parent / "x.pdf").exists()


# --- Frozen with the record --------------------------------------------------------------------


def approve(parents, name):
    parent = parents[name]
    if name == "report":
        SituationReport.objects.filter(pk=parent.pk).update(
            status=SituationReport.Status.APPROVED, approved_at=timezone.now()
        )
    elif name == "action_plan":
        ActionPlan.objects.filter(pk=parent.pk).update(
            status=ActionPlan.Status.DECIDED,
            decided_by="council",
            decision_date=timezone.localdate(),
            decision_paragraph="§ 12",
            review_date=timezone.localdate() + datetime.timedelta(days=365),
        )
    else:
        Meeting.objects.filter(pk=parent.pk).update(status=Meeting.Status.MINUTES_APPROVED)
    parent.refresh_from_db()


@pytest.mark.parametrize("name", ["report", "action_plan", "meeting"])
def test_an_official_record_keeps_its_attachments_as_they_were(
    client, coordinator, parents, stored, name
):
    approve(parents, name)
    client.force_login(coordinator)
    response = post_file(client, add_url(parents[name], name), PDF, "sent.pdf")
    assert response.status_code == 400
    assert "allmän handling" in response.content.decode()
    response = client.post(f"/burlov/attachments/{stored[name].pk}/delete/")
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=stored[name].pk).exists()
    assert Attachment.objects.filter(**{name: parents[name]}).count() == 1
    assert "allmän handling" in str(list(get_messages(response.wsgi_request))[0])


@pytest.mark.parametrize("name", ["agreement", "decision"])
def test_an_agreement_and_a_register_entry_stay_editable_with_their_attachments(
    client, coordinator, parents, stored, name
):
    client.force_login(coordinator)
    assert post_file(client, add_url(parents[name], name), PDF, "ny.pdf").status_code == 302
    assert client.post(f"/burlov/attachments/{stored[name].pk}/delete/").status_code == 302
    assert not Attachment.objects.filter(pk=stored[name].pk).exists()


def test_the_signed_minutes_come_after_the_approval_and_stay(client, coordinator, parents):
    meeting = parents["meeting"]
    url = add_url(meeting, "meeting")
    client.force_login(coordinator)
    early = post_file(client, url, PDF, "signerat.pdf", kind="signed_minutes")
    assert early.status_code == 400 and "när protokollet har godkänts" in early.content.decode()
    approve(parents, "meeting")
    assert post_file(client, url, PDF, "signerat.pdf", kind="signed_minutes").status_code == 302
    signed = Attachment.objects.get(kind="signed_minutes")
    assert signed.meeting == meeting
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "/delete/" not in page.split('id="attachments"')[1].split("</section>")[0]
    client.post(f"/burlov/attachments/{signed.pk}/delete/")
    assert Attachment.objects.filter(pk=signed.pk).exists()


def test_only_a_meeting_has_signed_minutes(client, coordinator, parents):
    client.force_login(coordinator)
    post_file(client, add_url(parents["report"], "report"), PDF, "a.pdf", kind="signed_minutes")
    assert Attachment.objects.get().kind == "document"


# --- The audit trail ---------------------------------------------------------------------------


def test_adding_and_removing_are_in_the_audit_trail(client, coordinator, admin_user, parents):
    client.force_login(coordinator)
    post_file(client, add_url(parents["agreement"], "agreement"), PDF, "avtal.pdf")
    attachment = Attachment.objects.get()
    name = attachment.file.name
    client.post(f"/burlov/attachments/{attachment.pk}/delete/")
    added, removed = AuditEvent.objects.order_by("pk").filter(
        action__in=[AuditEvent.Action.ATTACHMENT_ADDED, AuditEvent.Action.ATTACHMENT_REMOVED]
    )
    assert (added.action, removed.action) == ("attachment_added", "attachment_removed")
    assert added.actor == coordinator == removed.actor
    assert added.new["file_name"] == "avtal.pdf" and removed.old["title"] == "Underlag"
    assert added.object_id == removed.object_id == str(attachment.pk)
    assert "Överenskommelse" in added.new["attached_to"]
    client.force_login(admin_user)
    trail = client.get("/burlov/audit/").content.decode()
    assert "avtal.pdf" in trail
    assert not Attachment.objects.filter(file=name).exists()


def test_photos_cannot_be_served_by_media_url(client, coordinator, open_photo):
    client.force_login(coordinator)
    assert client.get(f"/media/{open_photo.file.name}").status_code == 404
    assert Photo.objects.count() == 1


def test_a_file_gone_from_the_store_answers_404_not_an_error(client, coordinator, stored):
    attachment = stored["report"]
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(coordinator)
    assert client.get(f"/burlov/attachments/{attachment.pk}/").status_code == 404
