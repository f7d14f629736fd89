"""The world of the canary test (``test_canary.py``): the planted restricted incident, the people
who must never see it, the addresses of the URLconf filled from the database, how forms are
filled, and the checker that decides what is a leak.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from councils.models import (
    Action,
    Agreement,
    Area,
    Body,
    CitizenPromise,
    FocusArea,
    Goal,
    Membership,
    Municipality,
    MunicipalityMembership,
    Organisation,
    User,
)
from meetings import rsvp
from meetings import services as meeting_services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingSeries,
    MinutesVersion,
    Observation,
    ShareLink,
)
from situation_reports.models import (
    Incident,
    IncidentCategory,
    Indicator,
    IndicatorValue,
    SituationReport,
    UpcomingEvent,
)
from situation_reports.services import compiling, workflow
from situation_reports.views.reports import STEPS
from tests.factories import make_user
from tests.trygghet.canary_crawler import FILE_ROUTE, Limits, body_of, view_name
from trygghet import access
from trygghet.attachments import add_attachment, add_photo
from trygghet.models import Attachment, Photo, Subscription

# --- The canary's strings ---------------------------------------------------------------------

# One prefix for all: a free-text search for it finds the canary without the search itself
# carrying any whole canary string (see the echo rule in ``Checker``).
PREFIX = "CANARY7f3a"
LATITUDE, LONGITUDE = (
    "55.66601",
    "13.16001",
)  # inside Burlöv's demo outline, beside every demo position


@dataclass(frozen=True)
class Token:
    name: str
    value: str
    # "incident": never; "category": only as a choice; "area" and "municipal": only in Burlöv
    tier: str


def incident_tokens(pk):
    return [
        Token("description (original)", f"{PREFIX}descA1", "incident"),
        Token("description (edited)", f"{PREFIX}descB2", "incident"),
        Token("place (original)", f"{PREFIX}placeA1", "incident"),
        Token("place (edited)", f"{PREFIX}placeB2", "incident"),
        Token("reason for the change", f"{PREFIX}reasonC3", "incident"),
        Token("latitude", LATITUDE, "incident"),
        Token("latitude (Swedish)", LATITUDE.replace(".", ","), "incident"),
        Token("longitude", LONGITUDE, "incident"),
        Token("longitude (Swedish)", LONGITUDE.replace(".", ","), "incident"),
        Token("address of the incident", f"/burlov/incidents/{pk}/", "incident"),
        Token("description (while restricted)", f"{PREFIX}descR9", "incident"),
        Token("place (while restricted)", f"{PREFIX}placeR9", "incident"),
        Token("category name", f"{PREFIX}cat", "category"),
        Token("area name", f"{PREFIX}area", "area"),
        # A document of Burlöv (attached to the canary's meeting): its title on Burlöv's pages,
        # its text in the file; never for anyone outside Burlöv.
        Token("attachment title", ATTACHMENT_TITLE, "municipal"),
        Token("attachment text", ATTACHMENT_TEXT, "municipal"),
    ]


def photo_tokens(photo):
    """The canary's photo is known by its address (its pixels are encoded again when stored:
    the bytes the store holds are compared by ``Checker`` too)."""
    return [Token("address of the canary's photo", f"/burlov/photos/{photo.pk}/", "incident")]


ATTACHMENT_TITLE = f"{PREFIX}docT4 Protokollsutdrag"
ATTACHMENT_TEXT = f"{PREFIX}docX5"


def attachment_pdf():
    """A PDF whose text carries the canary's string (read by pdftotext, as every PDF is)."""
    from weasyprint import HTML

    return HTML(string=f"<html lang='sv'><p>{ATTACHMENT_TEXT} Protokollsutdrag</p>").write_pdf()


def canary_jpeg():
    """A photo as a phone sends it, in the canary's colours."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (127, 63, 10)).save(out, format="JPEG")
    return out.getvalue()


DESCRIPTION_1 = f"{PREFIX}descA1 Misshandel i trapphuset, en person förd till sjukhus."
DESCRIPTION_2 = f"{PREFIX}descB2 Misshandel i trapphuset; polisen utreder, två misstänkta."
PLACE_1 = f"{PREFIX}placeA1 Kvarnbyvägen 4"
PLACE_2 = f"{PREFIX}placeB2 Kvarnbyvägen 6, trapphus B"
REASON = f"{PREFIX}reasonC3 rättad adress"
# The second canary: logged as restricted, then redacted and opened. Its history must not show
# what it said while it was restricted.
OPENED_DESCRIPTION_1 = f"{PREFIX}descR9 Ung man misshandlad av två kända personer vid stationen."
OPENED_PLACE_1 = f"{PREFIX}placeR9 Stationsgatan 2, uppgång C"
OPENED_DESCRIPTION_2 = "Misshandel vid stationen (uppgifter om personer borttagna)."
OPENED_PLACE_2 = "Stationen"
CATEGORY = f"{PREFIX}cat"
AREA = f"{PREFIX}area"


# --- The people who must not see it --------------------------------------------------------------


@dataclass
class Role:
    label: str
    username: str | None  # None: an anonymous visitor with share links
    municipality: str | None  # the slug of their own municipality
    in_canary_municipality: bool
    min_forms: int = 0  # below this, the visit did not do what it is for
    limits: Limits = field(default_factory=Limits)
    user: User | None = None
    calendar_tokens: list = field(default_factory=list)


# username, role, organisation name: Burlöv's people whose organisation is a private company.
PRIVATE_BURLOV = [
    ("canary.admin", access.ADMIN, "Trygghetsbolaget Syd AB"),
    ("canary.samordnare", access.COORDINATOR, "Burlövs Bostäder AB"),
    ("canary.ledamot", access.MEMBER, "Trygghetsbolaget Syd AB"),
]


# How far each visit goes: people of Burlöv follow more links than those of Eslöv, whose own
# pages only matter for what might cross the border.
INSIDE = Limits(links_per_view=4, forms_per_view=1)
OUTSIDE = Limits(links_per_view=1, file_links=False, forms_per_view=1)


def roles():
    """Everyone who must never see the canary, with the fewest forms their visit must submit."""
    burlov, eslov = ("burlov", True), ("eslov", False)
    return [
        Role("Burlöv partner (Burlövs Bostäder)", "burlov.partner", *burlov, 15, INSIDE),
        Role("Burlöv member (security company)", "canary.ledamot", *burlov, 10, INSIDE),
        Role("Burlöv coordinator (housing company)", "canary.samordnare", *burlov, 40, INSIDE),
        Role("Burlöv admin (security company)", "canary.admin", *burlov, 40, INSIDE),
        Role("Eslöv admin", "eslov.admin", *eslov, 30, OUTSIDE),
        Role("Eslöv coordinator", "eslov.samordnare", *eslov, 30, OUTSIDE),
        Role("Eslöv member", "eslov.ledamot", *eslov, 8, OUTSIDE),
        Role("Eslöv partner (security company)", "eslov.partner", *eslov, 8, OUTSIDE),
        Role("Guest with Burlöv share links", None, None, False, 3, OUTSIDE),
    ]


# --- Planting ---------------------------------------------------------------------------------


@dataclass
class Canary:
    incident: Incident
    opened: Incident  # the second canary, open now
    category: IncidentCategory
    area: Area
    meeting: Meeting  # the situation group's next meeting: agenda refreshed, report attached
    reports: list
    share_tokens: list
    reader: User
    tokens: list
    related: dict  # model -> [pk]: tried first wherever an address takes that model
    photo: Photo  # the canary incident's photo
    photo_bytes: bytes  # ... as stored
    attachment: Attachment  # a document of Burlöv (the canary meeting's)

    @property
    def photo_url(self):
        return f"/burlov/photos/{self.photo.pk}/"

    @property
    def attachment_url(self):
        return f"/burlov/attachments/{self.attachment.pk}/"

    @property
    def detail_url(self):
        return f"/burlov/incidents/{self.incident.pk}/"

    @property
    def started(self):
        return timezone.localtime(self.incident.started_at)


def _seat_everywhere(user, municipality, organisation):
    start = timezone.localdate() - datetime.timedelta(days=400)
    for body in Body.objects.filter(municipality=municipality):
        Membership.objects.get_or_create(
            body=body,
            user=user,
            role=Membership.Role.MEMBER,
            defaults={"organisation": organisation, "start_date": start},
        )


def _post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code, _errors(response))
    return response


def _errors(response):
    form = (response.context or {}).get("form") if hasattr(response, "context") else None
    return getattr(form, "errors", None)


def plant():
    """On top of the seeded demo: the private people, the canary and everything that
    aggregates it. Returns the ``Canary``."""
    burlov = Municipality.objects.get(slug="burlov")
    for username, role, organisation_name in PRIVATE_BURLOV:
        organisation = Organisation.objects.get(name=organisation_name)
        assert not organisation.is_public_authority
        user = make_user(username, burlov, role, organisation)
        _seat_everywhere(user, burlov, organisation)
    partner = MunicipalityMembership.objects.get(user__username="burlov.partner")
    assert not partner.can_read_restricted

    # The canary's own category and area (a municipality may add both).
    category = IncidentCategory.objects.create(
        municipality=burlov, code="canary", name=CATEGORY, position=500
    )
    area = Area.objects.create(municipality=burlov, name=AREA)

    # Within the period of the situation group's next meeting (and of the default lägesbild,
    # since the last meeting): the day before the meeting at the latest, an hour ago at most.
    group = compiling.situation_group(burlov)
    now = timezone.now()
    meeting = (
        Meeting.objects.filter(body=group, start__gt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
        .first()
    )
    day_before = timezone.localdate(meeting.start) - datetime.timedelta(days=1)
    latest = timezone.make_aware(datetime.datetime.combine(day_before, datetime.time(21, 0)))
    started = timezone.localtime(min(now - datetime.timedelta(hours=1), latest)).replace(
        second=0, microsecond=0
    )

    # Logged by the police through the form, then corrected by the coordinator through the
    # edit form: the incident has a history with both versions.
    police = User.objects.get(username="burlov.kommunpolis")
    coordinator = User.objects.get(username="burlov.samordnare")
    client = Client()
    client.force_login(police)
    fields = {
        "category": category.pk,
        "occurred_on": started.date().isoformat(),
        "start_time": started.strftime("%H:%M"),
        "part_of_day": "",
        "area": area.pk,
        "place": PLACE_1,
        "latitude": LATITUDE,
        "longitude": LONGITUDE,
        "description": DESCRIPTION_1,
        "severity": Incident.Severity.HIGH,
        "confidentiality": Incident.Confidentiality.RESTRICTED,
    }
    _post(client, "/burlov/incidents/new/", {**fields, "confirm_duplicate": "on"})
    incident = Incident.objects.get(description=DESCRIPTION_1)
    client.force_login(coordinator)
    _post(
        client,
        f"/burlov/incidents/{incident.pk}/edit/",
        {
            **fields,
            "description": DESCRIPTION_2,
            "place": PLACE_2,
            "status": Incident.Status.CONFIRMED,
            "change_reason": REASON,
        },
    )
    incident.refresh_from_db()
    assert incident.history.count() == 2 and incident.is_restricted
    assert incident.severity == Incident.Severity.HIGH
    opened = _log_then_open(police, coordinator, started)
    # Its photo, as the incident form stores one (trygghet.attachments.add_photo), and a
    # document of Burlöv's (the next meeting's), as a coordinator uploads it.
    photo = add_photo(
        incident,
        SimpleUploadedFile("canary.jpg", canary_jpeg(), content_type="image/jpeg"),
        user=coordinator,
    )
    with photo.file.open("rb") as stored:
        photo_bytes = stored.read()
    attachment = add_attachment(
        meeting,
        SimpleUploadedFile("canary.pdf", attachment_pdf(), content_type="application/pdf"),
        title=ATTACHMENT_TITLE,
    )

    # What aggregates it: the next meeting's report compiled again (back to draft, recompiled,
    # in review, on the agenda), a lägesbild of the default period, every coming agenda filled.
    reports = []
    report = SituationReport.objects.filter(meeting=meeting).order_by("-version").first()
    if report is None:
        report, _created = compiling.report_for_meeting(meeting)
    else:
        if report.status == SituationReport.Status.IN_REVIEW:
            report = workflow.return_to_draft(report, coordinator)
        compiling.request_recompile(report, coordinator)
    compiling.compile_report(report.pk)
    report.refresh_from_db()
    workflow.submit_for_review(report, coordinator)
    workflow.attach_to_agenda(report)
    reports.append(report)
    start, end = compiling.default_period(burlov)
    standalone = compiling.create_report(burlov, min(start, started.date()), end, user=coordinator)
    compiling.compile_report(standalone.pk)
    reports.append(standalone)
    for report in reports:
        report.refresh_from_db()
        ids = {item["id"] for item in report.data["notable"]["items"]}
        assert incident.pk in ids, "the canary must be among the report's notable incidents"
    for upcoming in Meeting.objects.filter(
        municipality=burlov, start__gt=now, start__lt=now + datetime.timedelta(days=60)
    ).exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.MINUTES_APPROVED]):
        meeting_services.invite_members(upcoming)
        meeting_services.fill_agenda(upcoming)
    with TestCase.captureOnCommitCallbacks(execute=True):
        if meeting.status == Meeting.Status.PLANNED:
            meeting_services.publish_agenda(meeting)
    item = meeting.agenda_items.get(source_key="incidents:since-last-meeting")
    assert CATEGORY in item.description_for(
        MunicipalityMembership.objects.get(user=coordinator, municipality=burlov)
    )

    # Share links of the meeting and of its series, as a coordinator makes them.
    expires = now + datetime.timedelta(days=14)
    share_tokens = []
    links = []
    for target in ({"meeting": meeting}, {"series": meeting.series}):
        if None in target.values():
            continue
        link, token = meeting_services.create_share_link(
            created_by=coordinator, label="Canary guests", expires_at=expires, **target
        )
        share_tokens.append(token)
        links.append(link.pk)

    related = {
        Incident: [incident.pk, opened.pk],
        IncidentCategory: [category.pk],
        Area: [area.pk],
        Meeting: [meeting.pk],
        SituationReport: [r.pk for r in reports],
        AgendaItem: [item.pk]
        + list(
            meeting.agenda_items.filter(source_key__startswith="situation_report:").values_list(
                "pk", flat=True
            )
        ),
        Body: [group.pk],
        MeetingSeries: [meeting.series_id] if meeting.series_id else [],
        ShareLink: links,
        Photo: [photo.pk],
        Attachment: [attachment.pk],
    }
    return Canary(
        incident=incident,
        opened=opened,
        category=category,
        area=area,
        meeting=meeting,
        reports=reports,
        share_tokens=share_tokens,
        reader=coordinator,
        tokens=incident_tokens(incident.pk) + photo_tokens(photo),
        related=related,
        photo=photo,
        photo_bytes=photo_bytes,
        attachment=attachment,
    )


def _log_then_open(police, coordinator, started):
    """The second canary: logged as restricted by the police, then redacted and opened by the
    coordinator (both through the forms)."""
    arlov = Area.objects.get(municipality__slug="burlov", name="Arlöv")
    violence = IncidentCategory.objects.get(municipality__isnull=True, code="violence")
    when = started - datetime.timedelta(hours=3)
    fields = {
        "category": violence.pk,
        "occurred_on": when.date().isoformat(),
        "start_time": when.strftime("%H:%M"),
        "part_of_day": "",
        "area": arlov.pk,
        "place": OPENED_PLACE_1,
        "description": OPENED_DESCRIPTION_1,
        "severity": Incident.Severity.MEDIUM,
        "confidentiality": Incident.Confidentiality.RESTRICTED,
    }
    client = Client()
    client.force_login(police)
    _post(client, "/burlov/incidents/new/", {**fields, "confirm_duplicate": "on"})
    opened = Incident.objects.get(description=OPENED_DESCRIPTION_1)
    client.force_login(coordinator)
    _post(
        client,
        f"/burlov/incidents/{opened.pk}/edit/",
        {
            **fields,
            "description": OPENED_DESCRIPTION_2,
            "place": OPENED_PLACE_2,
            "confidentiality": Incident.Confidentiality.OPEN,
            "status": Incident.Status.CONFIRMED,
            "change_reason": "Personuppgifter borttagna, öppnad för partner",
        },
    )
    opened.refresh_from_db()
    assert not opened.is_restricted and opened.history.count() == 2
    return opened


def prepare_role(role):
    """The role's user, with a private calendar address of their own and one per body."""
    if role.username is None:
        return role
    role.user = User.objects.get(username=role.username)
    role.calendar_tokens.append(meeting_services.create_calendar_token(role.user))
    for body in Body.objects.filter(memberships__user=role.user).distinct()[:2]:
        role.calendar_tokens.append(meeting_services.create_calendar_token(role.user, body))
    return role


# --- The URLconf, filled from the database ----------------------------------------------------

# The model an integer parameter stands for, by the path segment(s) before it: a new page under
# an existing segment is filled without any change here.
SEGMENT_MODELS = {
    "organisation/bodies": Body,
    "organisation/members": Membership,
    "agreements": Agreement,
    "focus-areas": FocusArea,
    "goals": Goal,
    "actions": Action,
    "citizen-promises": CitizenPromise,
    "people": MunicipalityMembership,
    "organisations": Organisation,
    "incidents": Incident,
    "upcoming": UpcomingEvent,
    "indicators": Indicator,
    "indicators/values": IndicatorValue,
    "reports": SituationReport,
    "areas": Area,
    "meetings/actions": ActionItem,
    "meetings/bodies": Body,
    "meetings/series": MeetingSeries,
    "meetings/share-links": ShareLink,
    "meetings": Meeting,
    "agenda": AgendaItem,
    "observations": Observation,
    "photos": Photo,
    "attachments": Attachment,
    "subscriptions": Subscription,
}
# How a model's rows belong to a municipality.
MUNICIPALITY_PATHS = {
    Membership: "body__municipality",
    FocusArea: "agreement__municipality",
    Goal: "focus_area__agreement__municipality",
    Action: "focus_area__agreement__municipality",
    CitizenPromise: "agreement__municipality",
    Organisation: "municipalities",
    AgendaItem: "meeting__municipality",
}
# Rows that belong to the object of the parameter before them in the same address.
CHILD_OF_MEETING = {AgendaItem, Observation}


def _sample(model, slug):
    """Besides the canary's own objects: the newest row of the municipality."""
    path = MUNICIPALITY_PATHS.get(model, "municipality")
    qs = model._default_manager.filter(**{f"{path}__slug": slug}).order_by("-pk")
    return list(qs.values_list("pk", flat=True)[:1])


def _model_for(route, param):
    before = route.split(f"<int:{param}>")[0].strip("/").split("/")
    before = [s for s in before if not s.startswith("<")]
    for length in (2, 1):
        key = "/".join(before[-length:])
        if key in SEGMENT_MODELS:
            return SEGMENT_MODELS[key]
    return None


def _unique(values):
    seen, result = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            result.append(v)
    return result


def addresses(pattern, role, canary):
    """The addresses of one URL pattern to open as ``role``: every parameter filled with the
    canary's own objects first, then a first and last row of the municipality. Returns
    (urls, missing) where ``missing`` names a parameter nobody knows how to fill."""
    combos = [{}]
    for param, converter in zip(pattern.params, pattern.converters, strict=True):
        new = []
        for kwargs in combos:
            values = _values(pattern, param, converter, kwargs, role, canary)
            if values is None:
                return [], param
            new += [{**kwargs, param: v} for v in values]
        combos = new
    urls = []
    for kwargs in combos:
        url = _build(pattern, kwargs)
        if url:
            urls.append(url)
    return _unique(urls), None


def _build(pattern, kwargs):
    """The address: ``reverse`` for a named pattern, the route filled in for an unnamed one."""
    if pattern.name:
        args = [v for k, v in kwargs.items() if k.startswith("_arg")]
        try:
            if args:
                return reverse(pattern.name, args=args)
            return reverse(pattern.name, kwargs=kwargs)
        except NoReverseMatch:
            return None
    url = pattern.route
    for param, value in kwargs.items():
        url = re.sub(rf"<(\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), url)
    return "/" + url.replace("^", "").replace("$", "")


def _values(pattern, param, converter, kwargs, role, canary):
    route = pattern.route
    if param == "municipality":
        # Own municipality fully; the other only with the canary's objects (a 404 at the door).
        return _unique([s for s in (role.municipality, "burlov", "eslov") if s])
    slug = kwargs.get("municipality") or "burlov"
    own = slug == role.municipality
    if param in ("token",) and route.startswith("share/"):
        return canary.share_tokens + ["not-a-token"]
    if param == "token" and route.startswith("calendar/"):
        return role.calendar_tokens + ["not-a-token"]
    if route.startswith("answer/"):  # the signed answer links of invitation mails
        if param == "answer":
            return list(rsvp.ANSWERS)
        own = Attendance.objects.filter(meeting=canary.meeting, user=role.user).first()
        return ([rsvp.token_for(own)] if own and role.user else []) + ["not-a-token"]
    if param in ("uidb64", "token") and route.startswith("accounts/reset/"):
        # Of someone who may not read restricted incidents, the guest included.
        user = role.user or User.objects.get(username="burlov.partner")
        if param == "uidb64":
            return [urlsafe_base64_encode(force_bytes(user.pk))]
        return [default_token_generator.make_token(user)]
    if param == "token" and route.startswith("accounts/unsubscribe/"):
        # A mail's one-click link (issue 17): of the role's own subscriptions, if any.
        from trygghet.alerts import unsubscribe_token

        own = list(Subscription.objects.filter(user=role.user).values_list("pk", flat=True))
        return ([unsubscribe_token(role.user.pk, own)] if own else []) + ["not-a-token"]
    if param == "fmt":
        return ["csv", "xlsx", "json"]
    if param == "step":
        return list(STEPS)
    if param == "number":
        meeting = kwargs.get("pk")
        numbers = list(
            MinutesVersion.objects.filter(meeting_id=meeting).values_list("number", flat=True)
        )
        return numbers[:2] or [1]
    if param == "slug" and route.startswith("region/"):
        # The regional page of each municipality: the canary's, the person's own, and one
        # that shares nothing with anyone.
        return _unique([s for s in ("burlov", "eslov", role.municipality, "lomma") if s])
    if route.startswith("api/"):
        # The API answers a session with 401 (it takes a token): these show that it does.
        # Its visits with tokens are canary_api's.
        return _unique([canary.incident.pk, canary.opened.pk, 0])
    if route.startswith("admin/"):
        if param == "app_label":
            match = re.search(r"\(\?P<app_label>([^)]*)\)", route)
            return match.group(1).split("|") if match else None
        if param == "content_type_id":
            return [ContentType.objects.get_for_model(Incident).pk]
        if param == "_arg0":
            return [canary.incident.pk]
        if param == "_arg1":
            return [canary.incident.history.order_by("history_id").first().history_id]
        if param in ("object_id", "id"):
            return [canary.incident.pk]
        if param == "url":
            return [f"situation_reports/incident/{canary.incident.pk}/history/"]
        return None
    if converter in ("IntConverter", "int"):
        model = _model_for(route, param)
        if model is None:
            # Unknown: every id the canary stands behind (a page that takes it must 404).
            return _unique(pk for pks in canary.related.values() for pk in pks)
        if model in CHILD_OF_MEETING and "pk" in kwargs:
            rows = model._default_manager.filter(meeting_id=kwargs["pk"]).order_by("-pk")
            pks = list(rows.values_list("pk", flat=True))
            ours = [p for p in canary.related.get(model, []) if p in pks]
            return (ours or pks[:1] or [0])[: 2 if own else 1]
        if not own:
            # Outside one's municipality the door answers 404 before any row is looked up
            # (the guest: the login page): the canary's own rows show it, both incidents.
            return canary.related.get(model, [0])[: 2 if model is Incident else 1] or [0]
        # The canary's own rows, everywhere (in Eslöv's addresses too: they must answer 404).
        values = list(canary.related.get(model, []))
        if not role.in_canary_municipality:
            # Outside Burlöv, one's own pages too, but not the files of one's own
            # municipality, which say nothing of the canary.
            if not FILE_ROUTE.search(route):
                values += _sample(model, slug)
        elif not values:
            values = _sample(model, slug)  # a model the canary has no row of
        return _unique(values) or [0]
    return None


def all_addresses(patterns, role, canary):
    urls, missing = [], []
    for pattern in patterns:
        found, param = addresses(pattern, role, canary)
        if param:
            missing.append((pattern.route, param))
        urls += found
    return _unique(urls), missing


# --- Filling forms ----------------------------------------------------------------------------

FILLER = "Provtext från kanarietestet"


def canary_values(canary):
    started = canary.started
    return {
        "category": str(canary.category.pk),
        "area": str(canary.area.pk),
        "date": started.date().isoformat(),
        "time": started.strftime("%H:%M"),
        "place": canary.incident.place,
        "q": PREFIX,
        "severity": str(Incident.Severity.HIGH),
    }


DATE_NAMES = re.compile(r"^(occurred_on|date|date_from|date_to|since|until|starts_on|day)$")
TIME_NAMES = re.compile(r"^(start_time|time)$")
SEARCH_NAMES = re.compile(r"^(q|query|search)$")


def form_submissions(canary, role):
    values = canary_values(canary)

    def fill(crawler, form):
        data, used = {}, set()
        radios = {}
        for f in form.fields:
            if f.disabled or f.tag == "button" or f.type in ("submit", "image", "reset"):
                continue
            name = f.name
            if f.type == "checkbox":
                if f.checked:
                    data.setdefault(name, []).append(f.value or "on")
                continue
            if f.type == "radio":
                if f.checked or name not in radios:
                    radios[name] = f.value
                continue
            if f.type == "file":
                if form.method == "post":
                    data[name] = _canary_csv(canary)
                    used.update({"category", "area", "place", "date", "time"})
                continue
            if f.tag == "select":
                options = [v for v, _s in f.options]
                chosen = [v for v, s in f.options if s]
                for key in ("category", "area", "severity"):
                    if re.search(rf"(^|_){key}$", name) and values[key] in options:
                        chosen = [values[key]]
                        used.add(key)
                if not chosen and options and not f.multiple:
                    chosen = [options[0]]
                if chosen:
                    data[name] = chosen if f.multiple else chosen[0]
                continue
            value = f.value
            if DATE_NAMES.match(name):
                value, _x = values["date"], used.add("date")
            elif TIME_NAMES.match(name):
                value, _x = values["time"], used.add("time")
            elif name == "place":
                value, _x = values["place"], used.add("place")
            elif SEARCH_NAMES.match(name):
                value, _x = values["q"], used.add("q")
            elif not value.strip() and (f.required or f.tag == "textarea"):
                value = _filler(f, crawler)
            data[name] = value
        data.update(radios)
        buttons = [b for b in form.buttons() if b.name]
        if not buttons:
            return [(data, tuple(sorted(used)))]
        return [({**data, b.name: b.value}, tuple(sorted(used))) for b in buttons[:3]]

    return fill


def _filler(f, crawler):
    if f.type == "email":
        return crawler.user.email if crawler.user else "guest@example.org"
    if f.type == "number":
        return "1"
    if f.type == "url":
        return "https://example.org/"
    if f.type == "date":
        return timezone.localdate().isoformat()
    if f.type == "time":
        return "10:00"
    if f.type == "datetime-local":
        return (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    if f.type == "password":
        return "a-long-probe-password-1"
    return FILLER


def _canary_csv(canary):
    """A spreadsheet row copied from the canary (date, time, category, area, place)."""
    v = canary_values(canary)
    text = (
        "datum;tid;kategori;område;plats;beskrivning;allvarlighetsgrad\n"
        f"{v['date']};{v['time']};{canary.category.name};{canary.area.name};{v['place']};"
        f"{FILLER};hög\n"
    )
    upload = SimpleUploadedFile("canary.csv", text.encode(), content_type="text/csv")
    upload.canary_text = text
    return upload


# --- The checker --------------------------------------------------------------------------------

OPTIONS = re.compile(r"<select\b.*?</select>|<option\b.*?</option>|<datalist\b.*?</datalist>", re.S)
# Pages of the canary's municipality that list its categories and areas as such.
CONFIGURATION_PAGES = {
    "situation_reports:category-list",
    "councils:area-list",
    "councils:area-edit",
    # The same lists in the API (canary_api).
    "api:category-list",
    "api:area-list",
}


PHOTO_BYTES = Token("the canary's photo (its bytes)", "<bytes>", "incident")


@dataclass
class Leak:
    role: str
    token: Token
    where: str  # "GET /burlov/... (body)" or "e-mail to ..."
    context: str


class Checker:
    """Looks for the canary's strings in everything a role is shown.

    - ``incident`` strings (description, place, both versions, the reason for the change, the
      position, the incident's address) never appear;
    - the canary's ``category`` name appears for people of Burlöv only as a choice (an
      ``<option>``), on the category and area pages, and in answers to their own submission
      of that category; for anyone else, never;
    - the canary's ``area`` is one of Burlöv's areas like any other: never outside Burlöv.

    The echo rule: a string the visitor sent in this very request (its address or its form
    data) is not looked for in the answer to it (a login page repeats ``next``, a form shows
    what was typed). Searches are made with the common prefix only, so they never carry a
    whole canary string.
    """

    def __init__(self, canary):
        self.canary = canary
        self.leaks = []

    def __call__(self, crawler, exchange, texts):
        role = crawler.role
        sent = exchange.sent.lower()
        name = view_name(exchange.url.split("?")[0])
        for label, text in texts:
            lowered = text.lower()
            stripped = None
            for token in self.canary.tokens:
                needle = token.value.lower()
                if needle in sent or needle not in lowered:
                    continue
                if token.tier in ("area", "municipal") and role.in_canary_municipality:
                    continue
                if token.tier == "category" and role.in_canary_municipality:
                    if name in CONFIGURATION_PAGES or "category" in exchange.submitted_values:
                        continue
                    if stripped is None:
                        stripped = OPTIONS.sub("", text).lower()
                    if needle not in stripped:
                        continue
                self._record(role, token, f"{exchange.method} {exchange.url} ({label})", text)
        # The canary's photo by its bytes: whatever address, name or type they came with.
        # (The API's answers, canary_api, come as texts only: JSON, no file.)
        response = getattr(exchange, "response", None)
        if response is not None and self.canary.photo_bytes in body_of(response):
            self.leaks.append(
                Leak(role.label, PHOTO_BYTES, f"{exchange.method} {exchange.url} (body)", "")
            )

    def _record(self, role, token, where, text):
        index = text.lower().find(token.value.lower())
        context = text[max(0, index - 120) : index + len(token.value) + 60]
        self.leaks.append(Leak(role.label, token, where, re.sub(r"\s+", " ", context)))

    def check_mail(self, message, readers, outsiders):
        """An e-mail: nothing of the incident to anyone; the category to non-readers only as
        above (never: a mail has no choices); the area never outside Burlöv."""
        recipients = set(message.to + message.cc + message.bcc)
        if recipients and recipients <= readers:
            return
        texts = [message.subject, message.body, str(message.message())]
        texts += [str(c) for c, _t in getattr(message, "alternatives", [])]
        texts += [str(a) for a in message.attachments]
        text = "\n".join(texts)
        role = Role(f"e-mail to {', '.join(sorted(recipients))}", None, None, False)
        for token in self.canary.tokens:
            if token.tier in ("area", "municipal") and not recipients & outsiders:
                continue
            if token.value.lower() in text.lower():
                self._record(role, token, f"e-mail “{message.subject}”", text)
