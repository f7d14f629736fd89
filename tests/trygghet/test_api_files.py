"""Photos and attachments in the API (issue 16, trygghet/api/files.py): read only, found
exactly as the web views find them. A private company's token never gets a restricted
incident's photo, another municipality's files are 404, and for every token and every file the
API answers as the web view answers the token's person."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from councils.models import Body
from situation_reports.models import IncidentAccessLog
from tests.factories import BodyFactory, MeetingFactory, MembershipFactory, SituationReportFactory
from trygghet.attachments import add_attachment, add_photo
from trygghet.models import Attachment, Photo

from .test_api import api, token_for
from .test_attachments import PDF, jpeg

pytestmark = pytest.mark.django_db

API = "/api/v1"


def photo_of(incident):
    return add_photo(incident, SimpleUploadedFile("IMG_1.jpg", jpeg(), content_type="image/jpeg"))


def document_of(parent, title):
    upload = SimpleUploadedFile("underlag.pdf", PDF, content_type="application/pdf")
    return add_attachment(parent, upload, title=title)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def files_world(burlov, eslov, make_incident, arlov, eslov_area, company_partner):
    opened = make_incident(burlov, area=arlov, description="Öppen")
    restricted = make_incident(burlov, confidentiality="restricted", description="Begränsad")
    elsewhere = make_incident(eslov, area=eslov_area, description="I Eslöv")
    approved = SituationReportFactory(municipality=burlov)
    draft = SituationReportFactory(municipality=burlov)
    council = BodyFactory(municipality=burlov, name="Rådet", kind=Body.Kind.STRATEGIC_COUNCIL)
    MembershipFactory(body=council, user=company_partner)
    seen = MeetingFactory(body=council)
    unseen = MeetingFactory(body=BodyFactory(municipality=burlov, name="Arbetsgruppen"))
    return {
        "photos": {
            "open": photo_of(opened),
            "restricted": photo_of(restricted),
            "eslov": photo_of(elsewhere),
        },
        "incidents": {"open": opened, "restricted": restricted, "eslov": elsewhere},
        # The files are added while the parents still take them (a draft report).
        "attachments": {
            "draft report": document_of(draft, "Utkastets underlag"),
            "meeting seen": document_of(seen, "Kallelse"),
            "meeting not seen": document_of(unseen, "Annat möte"),
            "eslov report": document_of(SituationReportFactory(municipality=eslov), "Eslöv"),
            "approved report": _approved_with_document(approved),
        },
    }


def _approved_with_document(report):
    """A document added to a draft lägesbild, which is then approved (with it frozen)."""
    from situation_reports.models import SituationReport

    attachment = document_of(report, "Lägesbildens bilaga")
    SituationReport.objects.filter(pk=report.pk).update(
        status="approved", approved_at=timezone.now() - datetime.timedelta(days=1)
    )
    return attachment


def test_a_private_company_never_gets_a_restricted_incidents_photo(files_world, company_partner):
    _token, secret = token_for(company_partner)
    client = api(secret)
    photos, incidents = files_world["photos"], files_world["incidents"]
    listed = client.get(f"{API}/incidents/{incidents['open'].pk}/photos/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [photos["open"].pk]
    assert listed.json()[0]["file_url"].endswith(f"/api/v1/photos/{photos['open'].pk}/file/")
    assert "IMG_1" not in listed.content.decode()  # the person's file name is not given
    served = client.get(f"{API}/photos/{photos['open'].pk}/file/", HTTP_ACCEPT="image/jpeg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert body(served) == photos["open"].file.open("rb").read()
    assert served["Cache-Control"] == "private, no-store"
    assert served["X-Content-Type-Options"] == "nosniff"

    restricted = photos["restricted"]
    stored = restricted.file.open("rb").read()
    for url in (
        f"{API}/incidents/{incidents['restricted'].pk}/photos/",
        f"{API}/photos/{restricted.pk}/",
        f"{API}/photos/{restricted.pk}/file/",
        f"{API}/photos/{photos['eslov'].pk}/file/",
        f"{API}/incidents/{incidents['eslov'].pk}/photos/",
    ):
        refused = client.get(url)
        assert refused.status_code == 404, url
        assert refused["Content-Type"] == "application/problem+json"
        assert stored not in body(refused)


def test_a_public_authority_reads_a_restricted_photo_and_it_is_logged(files_world, police_partner):
    _token, secret = token_for(police_partner)
    restricted = files_world["photos"]["restricted"]
    served = api(secret).get(f"{API}/photos/{restricted.pk}/file/")
    assert served.status_code == 200
    assert IncidentAccessLog.objects.filter(
        incident=files_world["incidents"]["restricted"], user=police_partner
    ).exists()


def test_attachments_are_listed_by_parent_and_downloaded(files_world, company_partner):
    _token, secret = token_for(company_partner)
    client = api(secret)
    attachments = files_world["attachments"]
    seen = attachments["meeting seen"]
    listed = client.get(
        f"{API}/attachments/", {"parent_type": "meeting", "parent_id": seen.meeting_id}
    ).json()
    assert [(a["id"], a["parent_type"], a["parent_id"]) for a in listed["results"]] == [
        (seen.pk, "meeting", seen.meeting_id)
    ]
    assert listed["results"][0]["file_name"] == "underlag.pdf"
    served = client.get(listed["results"][0]["file_url"], HTTP_ACCEPT="application/pdf")
    assert served.status_code == 200 and body(served) == PDF
    assert 'filename="underlag.pdf"' in served["Content-Disposition"]
    unseen = attachments["meeting not seen"]
    assert client.get(f"{API}/attachments/{unseen.pk}/file/").status_code == 404
    everything = client.get(f"{API}/attachments/", {"page_size": 100}).json()["results"]
    assert unseen.pk not in {a["id"] for a in everything}
    assert attachments["eslov report"].pk not in {a["id"] for a in everything}


@pytest.mark.parametrize(
    "query",
    [{"parent_type": "incident"}, {"parent_id": "7"}, {"parent_type": "meeting", "parent_id": "x"}],
)
def test_a_bad_parent_filter_is_a_400_problem(files_world, company_partner, query):
    _token, secret = token_for(company_partner)
    response = api(secret).get(f"{API}/attachments/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["company_partner", "police_partner"])
def test_the_api_answers_for_every_file_as_the_web_view_answers_its_person(
    files_world, request, who
):
    """Scoped exactly like the web views: the same rows, whoever asks."""
    user = request.getfixturevalue(who)
    _token, secret = token_for(user)
    client = api(secret)
    web = Client()
    web.force_login(user)
    for photo in Photo.objects.all():
        page = web.get(f"/{photo.municipality.slug}/photos/{photo.pk}/").status_code
        assert client.get(f"{API}/photos/{photo.pk}/file/").status_code == page, photo
        assert client.get(f"{API}/photos/{photo.pk}/").status_code == page, photo
    listed = {
        a["id"] for a in client.get(f"{API}/attachments/", {"page_size": 100}).json()["results"]
    }
    for attachment in Attachment.objects.all():
        page = web.get(f"/{attachment.municipality.slug}/attachments/{attachment.pk}/").status_code
        assert client.get(f"{API}/attachments/{attachment.pk}/file/").status_code == page
        assert (attachment.pk in listed) == (page == 200), attachment.title
