"""Every form the demo roles can open survives hostile input (issue #10, "a fuzz test in CI").

The world is the seeded demo. As each demo role of Burlöv (admin, coordinator, member, partner)
and as a logged-out guest holding a share link, the test walks the URLconf, fills path
parameters with Burlöv's rows (a few per kind, in different states), opens every page and reads
every form on it (``<form>``, and the agenda's drag-and-drop post), as well as a form that only
an answer shows (the import's confirmation after its preview). It submits each form as a
browser would (the CSRF token and cookie, ``enforce_csrf_checks``): first as the page offers it
(empty fields filled with plausible values), then once per field with the worst values of the
field's kind (year 1 at midnight, a number beyond bigint, NUL, 10,001 characters), then with
hypothesis replacing up to three values by hostile ones: huge strings, control characters, odd
Unicode (right-to-left overrides, combining marks, noncharacters, emoji), bytes that are not
UTF-8, out-of-range or impossible dates in the field's format, odd numbers, several values for
one field, empty and missing fields, and ids that are bad or belong to Eslöv.

Each submission must

- answer below 500 (a view that raises counts as a 5xx, with its traceback in the report);
- change nothing when it is refused (status 4xx, a bound form with errors in the page, or an
  error or warning message queued), nor when it is a search (GET): neither the row count of
  any table nor any row (PostgreSQL's per-transaction insert/update/delete counters; the
  session and the login throttle's log excepted). An accepted submission may change rows; the
  page it redirects to must open without a 5xx.

Every submission runs in a savepoint that is rolled back, so every example meets the same
world and the run is deterministic (``derandomize``, no example database). At the end a few
accepted hostile submissions per form are made again for good, and every page without
parameters that opened for a role must still answer 200 with those rows in it.

A form met again by a later role (same view, same fields) gets a few examples of its own. The
run is bounded (about a minute and a half alone on two cores); ``FUZZ_EXAMPLES`` raises the
examples per form for a deeper run by hand, ``FUZZ_VERBOSE=1`` prints every form's answers.
"""

import contextlib
import datetime
import io
import json
import os
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

from councils.demo import DEMO_PASSWORD
from councils.models import (
    Action,
    Agreement,
    ApiToken,
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
from meetings import services as meeting_services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries, Observation, ShareLink
from situation_reports.models import (
    ActionPlan,
    Decision,
    Incident,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureIndicator,
    Problem,
    PublicSummary,
    RegionalRole,
    ReportShare,
    Sharing,
    SituationReport,
    UpcomingEvent,
)
from situation_reports.views.reports import STEPS
from trygghet.alert_models import Subscription
from trygghet.attachments import add_attachment, add_photo
from trygghet.models import Attachment, Photo

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

ROOT = str(Path(__file__).resolve().parents[2]) + "/"

ROLES = {
    "admin": "burlov.admin",
    "coordinator": "burlov.samordnare",
    "member": "burlov.ledamot",
    "partner": "burlov.partner",
}
GUEST = "guest"

# Examples per form and role. The first role that meets a form fuzzes it fully; a later role
# meeting the same form (same address and fields) tries a few examples of its own.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
EXAMPLES_AGAIN = min(EXAMPLES, max(1, EXAMPLES // 4))
# Rows of a kind whose pages are opened: one per state (status, kind...), at most this many.
OBJECTS_PER_PARAMETER = 2
# Instances of one form (the same form on several agenda items, meetings...) kept to pick from.
INSTANCES_PER_FORM = 6

# Lower bounds: the run must not pass by trying nothing.
MIN_FORMS = {"admin": 40, "coordinator": 40, "member": 8, "partner": 8, GUEST: 3}
MIN_SUBMISSIONS = 400 + 100 * EXAMPLES

# Pages not opened, by address: files and feeds (no forms in them, and PDFs are slow).
NOT_PAGES = (".pdf", "/pdf/", ".ics", ".json", "/incidents/export.")
# Forms not submitted: logging out ends the session the rest of the run needs.
NOT_FUZZED = {"logout"}


# --- The URLconf and its parameters --------------------------------------------------------


def walk_urlconf(patterns=None, prefix="", namespace=""):
    """(route, full name) of every named pattern, recursively (the admin left out: it is for the
    installation's operators, not for the municipal roles)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk_urlconf(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, namespace + pattern.name


def variety(queryset, cap=OBJECTS_PER_PARAMETER):
    """Up to ``cap`` rows of ``queryset``, one per combination of its state fields (those with
    choices), so that pages are opened in different states (a draft and a held meeting...)."""
    model = queryset.model
    states = [f.attname for f in model._meta.concrete_fields if f.choices][:3]
    picked, seen = [], set()
    for row in queryset.order_by("pk").values("pk", *states)[:500]:
        state = tuple(row[s] for s in states)
        if state not in seen:
            seen.add(state)
            picked.append(row["pk"])
    return picked[:cap]


def _of_meeting(model):
    return lambda m, kw: variety(model.objects.filter(meeting_id=kw["pk"]))


# The route up to a parameter (without the municipality) -> the values it takes: Burlöv's rows.
PARAMETERS = {
    "organisation/bodies/<int:pk>": lambda m, kw: variety(Body.objects.filter(municipality=m)),
    "organisation/members/<int:pk>": lambda m, kw: variety(
        Membership.objects.filter(body__municipality=m)
    ),
    "agreements/<int:pk>": lambda m, kw: variety(Agreement.objects.filter(municipality=m)),
    "focus-areas/<int:pk>": lambda m, kw: variety(
        FocusArea.objects.filter(agreement__municipality=m)
    ),
    "goals/<int:pk>": lambda m, kw: variety(
        Goal.objects.filter(focus_area__agreement__municipality=m)
    ),
    "actions/<int:pk>": lambda m, kw: variety(
        Action.objects.filter(focus_area__agreement__municipality=m)
    ),
    "citizen-promises/<int:pk>": lambda m, kw: variety(
        CitizenPromise.objects.filter(agreement__municipality=m)
    ),
    "people/<int:pk>": lambda m, kw: variety(
        MunicipalityMembership.objects.filter(municipality=m), cap=3
    ),
    "organisations/<int:pk>": lambda m, kw: variety(Organisation.objects.filter(municipalities=m)),
    "incidents/<int:pk>": lambda m, kw: variety(Incident.objects.filter(municipality=m), cap=3),
    "incidents/export.<str:fmt>": lambda m, kw: ["csv"],
    "upcoming/<int:pk>": lambda m, kw: variety(UpcomingEvent.objects.filter(municipality=m)),
    "indicators/<int:pk>": lambda m, kw: variety(
        Indicator.objects.available_to(m).filter(values__municipality=m).distinct()
    ),
    "indicators/<int:pk>/values/<int:value_pk>": lambda m, kw: variety(
        IndicatorValue.objects.filter(municipality=m, indicator_id=kw["pk"])
    ),
    "reports/<int:pk>": lambda m, kw: variety(
        SituationReport.objects.filter(municipality=m), cap=3
    ),
    "reports/<int:pk>/<slug:step>": lambda m, kw: list(STEPS),
    "strategic/<int:report_pk>": lambda m, kw: variety(
        SituationReport.objects.strategic().filter(municipality=m)
    ),
    "strategic/problems/<int:pk>": lambda m, kw: variety(
        Problem.objects.filter(report__municipality=m)
    ),
    "areas/<int:pk>": lambda m, kw: variety(Area.objects.filter(municipality=m)),
    "action-plans/<int:pk>": lambda m, kw: variety(ActionPlan.objects.filter(municipality=m)),
    "measures/<int:pk>": lambda m, kw: variety(Measure.objects.filter(plan__municipality=m)),
    "measures/<int:pk>/indicators/<int:target_pk>": lambda m, kw: variety(
        MeasureIndicator.objects.filter(measure_id=kw["pk"])
    ),
    "decisions/<int:pk>": lambda m, kw: variety(Decision.objects.filter(municipality=m)),
    "public/promises/<int:pk>": lambda m, kw: variety(
        CitizenPromise.objects.filter(agreement__municipality=m)
    ),
    "public/summaries/<int:pk>": lambda m, kw: variety(
        PublicSummary.objects.filter(municipality=m)
    ),
    "sharing/<int:pk>": lambda m, kw: variety(Sharing.objects.filter(municipality=m)),
    "sharing/roles/<int:pk>": lambda m, kw: variety(RegionalRole.objects.filter(municipality=m)),
    "reports/<int:pk>/sharing/<int:share_pk>": lambda m, kw: variety(
        ReportShare.objects.filter(report_id=kw["pk"])
    ),
    "shared/<int:pk>": lambda m, kw: variety(ReportShare.objects.filter(partner=m)),
    # The regional page is not under a municipality: every municipality's slug, shared or not.
    "region/<slug:slug>": lambda m, kw: list(
        Municipality.objects.order_by("pk").values_list("slug", flat=True)
    ),
    "api-tokens/<int:pk>": lambda m, kw: variety(ApiToken.objects.filter(municipality=m)),
    "meetings/actions/<int:pk>": lambda m, kw: variety(ActionItem.objects.filter(municipality=m)),
    "meetings/bodies/<int:pk>": lambda m, kw: variety(Body.objects.filter(municipality=m)),
    "meetings/series/<int:pk>": lambda m, kw: variety(MeetingSeries.objects.filter(municipality=m)),
    "meetings/share-links/<int:link_pk>": lambda m, kw: variety(
        ShareLink.objects.filter(municipality=m)
    ),
    "meetings/<int:pk>": lambda m, kw: variety(Meeting.objects.filter(municipality=m), cap=4),
    "meetings/<int:pk>/agenda/<int:item_pk>": _of_meeting(AgendaItem),
    "meetings/<int:pk>/minutes/v<int:number>": lambda m, kw: list(
        Meeting.objects.get(pk=kw["pk"]).minutes_versions.values_list("number", flat=True)[:1]
    ),
    "meetings/<int:pk>/observations/<int:obs_pk>": _of_meeting(Observation),
    "photos/<int:pk>": lambda m, kw: variety(Photo.objects.filter(municipality=m)),
    "attachments/<int:pk>": lambda m, kw: variety(Attachment.objects.filter(municipality=m)),
    "subscriptions/<int:pk>": lambda m, kw: variety(Subscription.objects.filter(municipality=m)),
}
# Parameters that are not a municipality's rows: the guest's token is filled in by the test; a
# password-reset link and an invitation's answer link (signed, tests/meetings/test_rsvp.py
# feeds it hostile input) are only opened from their mail and a calendar feed has no form.
OTHER_PARAMETERS = {
    "share/<str:token>",
    "accounts/reset/<uidb64>",
    "calendar/<str:token>",
    "answer/<str:token>",
    # An unsubscribe link is only opened from its mail (signed; tests/trygghet/
    # test_subscriptions.py posts forged and hostile tokens).
    "accounts/unsubscribe/<str:token>",
    # The API takes a token, not a session, and has no forms: tests/trygghet/test_api_schema.py
    # sends it generated requests (schemathesis).
    "api/",
}


def test_every_parameter_in_the_urlconf_is_filled_from_the_database_or_named():
    """A new address with a parameter must say where its values come from, or the fuzz test
    would never open it."""
    unknown = [
        (route, key)
        for route, _name in walk_urlconf()
        for key, _parameter in parameter_keys(route)
        if key not in PARAMETERS and not key.startswith(tuple(OTHER_PARAMETERS))
    ]
    assert not unknown


def parameter_keys(route):
    """The keys of PARAMETERS of a route's parameters, in order: (key, parameter name)."""
    body = route.removeprefix("<slug:municipality>/")
    keys, start = [], 0
    while (open_at := body.find("<", start)) != -1:
        close_at = body.index(">", open_at)
        name = body[open_at + 1 : close_at].split(":")[-1]
        keys.append((body[: close_at + 1], name))
        start = close_at + 1
    return keys


def addresses(route, name, municipality):
    """Every address of a route with its parameters filled from Burlöv's rows."""
    kwargs_list = [{"municipality": municipality.slug} if "<slug:municipality>" in route else {}]
    for key, parameter in parameter_keys(route):
        values = PARAMETERS[key]
        kwargs_list = [
            {**kwargs, parameter: value}
            for kwargs in kwargs_list
            for value in values(municipality, kwargs)
        ]
    result = []
    for kwargs in kwargs_list:
        with contextlib.suppress(NoReverseMatch):
            result.append(reverse(name, kwargs=kwargs))
    return result


# --- Reading forms --------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # an input type, "select", "textarea", "submit"
    value: str = ""
    options: list = field(default_factory=list)
    multiple: bool = False
    checked: bool = False
    disabled: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    page: str
    action: str
    method: str
    multipart: bool = False
    htmx: bool = False
    fields: list = field(default_factory=list)
    csrf_header: str = ""  # the page's token for JavaScript posts (hx-headers on <body>)

    @cached_property
    def key(self):
        """Forms are the same when they post to the same view with the same fields."""
        try:
            view = resolve(urlsplit(self.action).path).view_name
        except Resolver404:
            view = urlsplit(self.action).path
        names = sorted({f.name for f in self.fields if f.kind != "submit"})
        return (self.method, view, tuple(names))

    @property
    def buttons(self):
        return [f for f in self.fields if f.kind == "submit" and f.name and not f.disabled]

    @property
    def targets(self):
        """The fields hypothesis may change (not the CSRF token: a wrong one is a plain 403)."""
        names = []
        for f in self.fields:
            if f.kind != "submit" and f.name != "csrfmiddlewaretoken" and f.name not in names:
                names.append(f.name)
        return names


class FormParser(HTMLParser):
    """Reads every <form> of a page (fields as a browser would submit them), and the agenda's
    drag-and-drop, which JavaScript posts as ``order=<id>&order=<id>...``."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms = []
        self.by_id = {}
        self.orphans = []  # (form id, Field) of fields outside their form (form="...")
        self.csrf_header = ""
        self._form = None
        self._select = None
        self._textarea = None
        self._option = None
        self._reorder = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "body" and attrs.get("hx-headers"):
            with contextlib.suppress(ValueError):
                self.csrf_header = json.loads(attrs["hx-headers"]).get("X-CSRFToken", "")
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("action") or attrs.get("hx-post") or self.page
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, action),
                method="post" if (method == "post" or attrs.get("hx-post")) else "get",
                multipart=attrs.get("enctype", "") == "multipart/form-data",
                htmx=bool(attrs.get("hx-post")),
            )
            self.forms.append(self._form)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self._form
            return
        if attrs.get("data-reorder-url"):
            self._reorder = Form(
                page=self.page,
                action=urljoin(self.page, attrs["data-reorder-url"]),
                method="post",
                htmx=True,
            )
            self.forms.append(self._reorder)
        if self._reorder is not None and tag == "li" and attrs.get("data-id"):
            self._reorder.fields.append(Field("order", "hidden", attrs["data-id"]))
        made = None
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                kind = "submit"
            if kind in ("reset", "button"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            made = Field(
                attrs.get("name", ""),
                kind,
                attrs.get("value", default),
                checked="checked" in attrs,
                disabled="disabled" in attrs,
                attrs=attrs,
            )
        elif tag == "button":
            if (attrs.get("type") or "submit").lower() == "submit":
                made = Field(
                    attrs.get("name", ""),
                    "submit",
                    attrs.get("value", ""),
                    disabled="disabled" in attrs,
                    attrs=attrs,
                )
        elif tag == "select":
            made = self._select = Field(
                attrs.get("name", ""),
                "select",
                multiple="multiple" in attrs,
                disabled="disabled" in attrs,
                attrs=attrs,
            )
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self._select.options.append(self._option)
        elif tag == "textarea":
            made = self._textarea = Field(
                attrs.get("name", ""), "textarea", disabled="disabled" in attrs, attrs=attrs
            )
        if made is not None and made.name:
            if attrs.get("form"):
                self.orphans.append((attrs["form"], made))
            elif self._form is not None:
                self._form.fields.append(made)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            # A browser drops the line break that follows <textarea> (the HTML spec).
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "ol" and self._reorder is not None:
            self._reorder = None

    def close(self):
        super().close()
        for form_id, made in self.orphans:
            if form_id in self.by_id:
                self.by_id[form_id].fields.append(made)
        for form in self.forms:
            form.csrf_header = self.csrf_header
            for f in form.fields:
                if f.kind == "select":
                    # An <option> without a value submits its text.
                    f.options = [
                        (v if v is not None else text.strip(), selected)
                        for v, selected, text in f.options
                    ]
        # A drag-and-drop list without items posts nothing.
        return [f for f in self.forms if f.fields or not f.htmx]


def read_forms(page, html):
    """The forms of a page: every form that posts, and every search or filter form."""
    parser = FormParser(page)
    parser.feed(html)
    return [f for f in parser.close() if f.method == "post" or f.fields]


# --- What a browser submits, and what hypothesis puts instead ------------------------------

MISSING = object()


def plausible(f):
    """A value a person would type into an empty field, so that the other fields of an example
    pass and the hostile one reaches the form's deeper checks. Dates lie in the past (what
    happened, when a period starts); an optional end is left open, a required one lies ahead."""
    today = timezone.localdate()
    name = f.name.lower()
    day = today - datetime.timedelta(days=7)
    if any(word in name for word in ("end", "target", "due", "until", "_to", "expires")):
        if "required" not in f.attrs:
            return ""  # an optional end is left open
        day = today + datetime.timedelta(days=30)
    if "latitude" in name:
        return "55.6377"
    if "longitude" in name:
        return "13.0758"
    if f.kind == "password" or "password" in name:
        return DEMO_PASSWORD if name.startswith("old") else "Fuzz-password-2026!"
    by_kind = {
        "date": day.isoformat(),
        "datetime-local": f"{day.isoformat()}T10:00",
        "time": "10:00",
        "month": day.strftime("%Y-%m"),
        "number": f.attrs.get("min") or "1",
        "range": f.attrs.get("min") or "1",
        "email": "fuzz@example.org",
        "url": "https://example.org/",
        "color": "#336699",
        "file": ("incidents.csv", CSV_HEADER + CSV_ROW),
    }
    return by_kind.get(f.kind, f"Fuzz {f.name}")


# The incident import's columns (situation_reports.services.csv_import.HEADINGS) and a row
# it accepts.
CSV_HEADER = b"datum;tid;kategori;omr\xc3\xa5de;plats;beskrivning;allvar;sekretess;lat;lon\n"
CSV_ROW = (
    "2026-01-10;21:30;Skadegörelse;Arlöv;Stationen;Krossad ruta;2;öppen;55.63;13.07\n".encode()
)


def baseline(form):
    """The submission of a person who filled every empty field: name -> list of values."""
    data = {}
    for f in form.fields:
        if not f.name or f.disabled or f.kind == "submit":
            continue
        values = data.setdefault(f.name, [])
        if f.kind == "checkbox":
            if f.checked:
                values.append(f.value)
        elif f.kind == "radio":
            first = not any(g.checked for g in form.fields if g.name == f.name)
            if (f.checked or first) and not values:
                values.append(f.value)
        elif f.kind == "select":
            selected = [v for v, s in f.options if s]
            if not selected and f.options and not f.multiple:
                selected = [f.options[0][0]]  # what a browser submits
            if selected == [""] and "required" in f.attrs:
                selected = [next((v for v, _s in f.options if v), "")]
            values.extend(selected)
        elif f.kind == "hidden" or f.value:
            values.append(f.value)
        else:
            values.append(plausible(f))
    return data


HUGE = [
    "x" * 10_001,
    "å" * 100_000,
    "🚓" * 20_000,
    "e" + "\u0301" * 5_000,  # one letter under five thousand combining accents
]
ODD = [
    "\x00",
    "abc\x00def",
    "\x07\x08\x1b[2J\x7f",
    "\x85\x9f",  # C1 controls
    "\r\n",
    "line\nbreak",
    "tab\there",
    "\u202eevil\u202c",  # right-to-left override
    "\u2066\u2067\u2068\u2069",  # bidi isolates
    "\u200b\u200d\u2060\ufeff",  # zero-width and BOM
    "\u2028\u2029",
    "\ufffe\uffff\U0010ffff",  # noncharacters
    "Z̴̧̛a̷̢l̵g̶o̸",
    "👩‍👩‍👧‍👦🏳️‍🌈🇸🇪",
    "\\ud800",  # surrogate-like escapes, as text
    "\\x00",
    "&#xD800;&#0;",
    "%00%ED%A0%80",
    "<script>alert(1)</script>",
    "'; DROP TABLE councils_municipality; --",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "javascript:alert(1)",
    "  ",
]
# Not UTF-8 at all (sent as raw bytes in the request body).
RAW = [b"\xed\xa0\x80", b"\xff\xfe\x00", b"\xc0\x80", b"abc\x80def"]
DATES = [
    "0001-01-01",
    "0000-00-00",
    "1899-12-31",
    "1999-12-31",
    "2101-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026-1-1",
    "31.12.2026",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-06-01T24:00",
    "2026-06-01T10:00+99:00",
    "24:00",
    "23:60",
    "-01:00",
    "99:99:99",
    "now",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1.5",
    "1,5",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "½",
    "²",
    "١٢٣",  # Arabic-Indic digits: int() takes them
    " 7 ",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 400,
]


def hostile_csv():
    """An import file with the right columns and hostile cells (ten a row)."""
    plain = ["2026-01-10", "21:30", "Skadegörelse", "Arlöv", "Stationen", "Krossad", "2", ""]
    cell = st.one_of(
        st.sampled_from(plain),
        st.sampled_from(ODD + DATES + NUMBERS + ["x" * 140_000, '"', '";"', "=cmd|' /C calc'!A0"]),
    )
    row = st.lists(cell, min_size=10, max_size=10).map(lambda cells: ";".join(cells) + "\n")
    encoding = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"])
    return st.builds(
        lambda rows, encoding: (CSV_HEADER.decode() + "".join(rows)).encode(encoding, "replace"),
        st.lists(row, min_size=1, max_size=3),
        encoding,
    )


DATE_LIKE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
NUMBER_LIKE = re.compile(r"^-?\d+([.,]\d+)?$")
HOSTILE_YEARS = ["0001", "0000", "0999", "1899", "1999", "2101", "9999", "10000", "+2026"]


def date_mutations(value):
    """A date or time that keeps the field's format but lies outside any sane range (year 1 at
    midnight is a BC instant in UTC) or does not exist (day 32, 24:00)."""
    match = DATE_LIKE.match(value)
    if not match:
        return st.sampled_from(["24:00", "23:60", "-01:00", "00:00", "23:59:59.999999", "9:5"])
    year, month, day, rest = match.groups()
    rest = st.sampled_from([rest, "T00:00", "T00:30", "T23:59", "T24:00"]) if rest else st.just("")
    other_days = st.tuples(
        st.sampled_from(["00", "02", "12", "13"]), st.sampled_from(["00", "29", "30", "31", "32"])
    )
    return st.one_of(
        st.builds(lambda y, r: f"{y}-{month}-{day}{r}", st.sampled_from(HOSTILE_YEARS), rest),
        st.builds(lambda md, r: f"{year}-{md[0]}-{md[1]}{r}", other_days, rest),
        st.builds(lambda d, r: d.isoformat() + r, st.dates(), rest),
    )


def worst_values(f, value):
    """The values of a field's kind most likely to break something: year 1 at midnight (a BC
    instant in UTC) in a date's own format, a number beyond bigint, NUL and 10,001 characters
    in text."""
    if f.kind == "file":
        bad_row = "0001-01-01;00:00;Skadegörelse;Arlöv;\x00;x\x00;9;;;\n".encode()
        return [("hostile.csv", CSV_HEADER + bad_row)]
    match = DATE_LIKE.match(value) if isinstance(value, str) else None
    if match:
        return ["0001-01-01" + ("T00:00" if match.group(4) else "")]
    if f.kind in ("date", "datetime-local", "month"):
        return [{"date": "0001-01-01", "month": "0001-01"}.get(f.kind, "0001-01-01T00:00")]
    if f.kind == "time":
        return ["24:00"]
    if f.kind in ("number", "range", "select", "hidden", "checkbox", "radio") or (
        isinstance(value, str) and NUMBER_LIKE.match(value)
    ):
        return ["9" * 20]
    return ["abc\x00def", "x" * 10_001]


def hostile_strategy(f, value, foreign_ids):
    """Values for field ``f`` (whose browser value is ``value``): half of the time hostile in
    the field's own terms (its options and Eslöv's ids for a choice, out-of-range dates in its
    format, odd numbers for a number), else anything hostile at all."""
    text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
    anything = st.one_of(
        st.sampled_from(ODD),
        st.sampled_from(HUGE),
        text,
        st.sampled_from(DATES),
        st.sampled_from(NUMBERS),
        st.sampled_from(RAW),
        st.sampled_from(["", MISSING]),
        st.integers().map(str),
    )
    ids = st.sampled_from(foreign_ids + ["0", "-1", str(2**63), "abc", "1 OR 1=1"])
    if f.kind == "file":
        return st.one_of(
            st.just(MISSING),
            st.tuples(st.sampled_from(["a.csv", "a.xlsx", "\x00.csv", "x" * 300]), st.binary()),
            st.tuples(st.just("hostile.csv"), hostile_csv()),
        )
    if f.kind == "select":
        own = st.sampled_from([v for v, _s in f.options] or [""])
        specific = st.one_of(own, ids)
    elif f.kind in ("date", "datetime-local", "time", "month") or DATE_LIKE.match(value):
        specific = st.one_of(date_mutations(value or plausible(f)), st.sampled_from(DATES))
    elif f.kind in ("number", "range") or NUMBER_LIKE.match(value):
        specific = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str))
    elif f.kind in ("checkbox", "radio", "hidden"):
        specific = st.one_of(st.sampled_from([f.value, "on", "off", "1", "0", "true", "2"]), ids)
    else:
        specific = st.one_of(st.sampled_from(ODD + HUGE), text)
    one = st.one_of(specific, anything)
    # Sometimes several values for one field (a select given a list, a text field twice).
    return st.one_of(one, st.lists(one.filter(lambda v: v is not MISSING), min_size=2, max_size=3))


def examples(form_instances, foreign_ids):
    form = form_instances[0]
    by_name = {}
    for f in form.fields:
        if f.name in form.targets and f.name not in by_name:
            by_name[f.name] = f
    values = baseline(form)
    if by_name:
        change = st.sampled_from(list(by_name)).flatmap(
            lambda name: st.tuples(
                st.just(name),
                hostile_strategy(by_name[name], (values.get(name) or [""])[0], foreign_ids),
            )
        )
        changes = st.lists(change, min_size=1, max_size=3)
    else:
        changes = st.just([])
    return st.fixed_dictionaries(
        {
            "instance": st.integers(0, len(form_instances) - 1),
            "button": st.integers(0, max(0, len(form.buttons) - 1)),
            "changes": changes,
            "as_htmx": st.booleans() if form.htmx else st.just(False),
        }
    )


def submission(form, example):
    data = baseline(form)
    for name, value in example["changes"]:
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = list(value) if isinstance(value, list) else [value]
    if form.buttons:
        button = form.buttons[min(example["button"], len(form.buttons) - 1)]
        data.setdefault(button.name, []).append(button.value)
    return data


def encode(data, multipart):
    """The request body as a browser (or a forged request) would send it."""
    if multipart:
        plain = {}
        for name, values in data.items():
            out = []
            for value in values:
                if isinstance(value, tuple):
                    out.append(SimpleUploadedFile(value[0], value[1]))
                elif isinstance(value, bytes):
                    out.append(value.decode("latin-1"))
                else:
                    out.append(value)
            plain[name] = out
        return plain, None
    parts = []
    for name, values in data.items():
        for value in values:
            if isinstance(value, tuple):
                value = value[0]
            raw = value if isinstance(value, bytes) else value.encode()
            parts.append(quote_from_bytes(name.encode()) + "=" + quote_from_bytes(raw))
    return "&".join(parts), "application/x-www-form-urlencoded"


def query_string(data):
    body, _ = encode({k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}, False)
    return body


# --- Watching the database ------------------------------------------------------------------

# Tables a refused request may legitimately write: the session (CSRF, messages) and the login
# throttle's log.
WRITES_ALLOWED = ("django_session", "axes_")


def table_names():
    return sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        }
    )


def snapshot(tables):
    """Row counts of every table and this transaction's writes per table."""
    counts_sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(counts_sql)
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        writes = {name: n for name, n in cursor.fetchall() if not name.startswith(WRITES_ALLOWED)}
    return counts, writes


def changes_between(before, after):
    counts = {
        t: (before[0][t], n)
        for t, n in after[0].items()
        if before[0][t] != n and not t.startswith(WRITES_ALLOWED)
    }
    writes = sorted(t for t, n in after[1].items() if n != before[1].get(t, 0))
    return counts, writes


# --- Submitting -----------------------------------------------------------------------------


@dataclass
class Tally:
    forms: int = 0
    submissions: int = 0
    accepted: int = 0
    refused: int = 0
    server_errors: int = 0
    refused_with_changes: int = 0
    findings: list = field(default_factory=list)  # (cause, details)
    per_form: dict = field(default_factory=dict)  # form key -> status codes seen
    known: set = field(default_factory=set)  # keys of the forms on the pages opened
    revealed: set = field(default_factory=set)  # keys of forms found only in answers
    seconds_opening: float = 0.0


class _Undo(Exception):
    """Raised at the end of a submission to roll its savepoint back."""


def refused(response):
    if response.status_code >= 400:
        return True
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and value.errors:
                return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(m.level >= message_levels.WARNING for m in queued)


def describe(form, data):
    def shown(value):
        if isinstance(value, (str, bytes)) and len(value) > 100:
            return f"{value[:30]!r}... ({len(value)} characters)"
        return repr(value)[:100]

    fields = {k: [shown(v) for v in vs] for k, vs in data.items() if k != "csrfmiddlewaretoken"}
    return f"{form.method.upper()} {form.action} {fields}"


def our_frames(error):
    """The frames of a traceback in Trygghet's code (not Django's, nor this test's)."""
    return [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(ROOT)
        and "/.venv/" not in frame.filename
        and "/tests/" not in frame.filename
    ]


def summary(error):
    """The traceback's frames in Trygghet's own code, and the error."""
    frames = [
        f"{f.filename.removeprefix(ROOT)}:{f.lineno} in {f.name}: {f.line}"
        for f in our_frames(error)
    ]
    return "\n".join([*frames[-4:], f"{type(error).__name__}: {error}"[:500]])


def cause(error):
    """What findings of one cause share: the error and the innermost frame of our code (of an
    app's, such as django-axes, when ours is not in the traceback)."""
    frames = our_frames(error) or [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not any(f"site-packages/{lib}/" in frame.filename for lib in ("django", "psycopg"))
    ]
    where = "?"
    if frames:
        where = f"{frames[-1].filename.split('site-packages/')[-1].removeprefix(ROOT)}"
        where += f":{frames[-1].lineno}"
    return f"{type(error).__name__} ({str(error)[:60]}) at {where}"


def send(client, form, data, *, as_htmx):
    headers = {}
    if form.csrf_header and (form.htmx or "csrfmiddlewaretoken" not in data):
        headers["HTTP_X_CSRFTOKEN"] = form.csrf_header  # what htmx and agenda.js send
    if as_htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    if form.method == "get":
        path = urlsplit(form.action).path
        return client.get(path, QUERY_STRING=query_string(data), **headers)
    body, content_type = encode(data, form.multipart)
    if content_type is None:  # multipart: the test client encodes it
        return client.post(form.action, body, **headers)
    return client.post(form.action, body, content_type=content_type, **headers)


def submit(client, form, data, tables, tally, *, as_htmx=False, keep=False, step=1):
    """Submit ``data`` to ``form`` and judge the answer; roll back unless ``keep``.
    A form that the answer reveals (the import's confirmation after its preview) is then
    submitted as a browser would, in the same savepoint. Returns whether it was accepted."""
    verdict = "5xx"
    try:
        with transaction.atomic():
            before = snapshot(tables)
            tally.submissions += 1
            try:
                response = send(client, form, data, as_htmx=as_htmx)
            except Exception as error:  # the view raised: a 500 in production
                tally.server_errors += 1
                tally.findings.append((cause(error), f"{describe(form, data)}\n{summary(error)}"))
                raise _Undo from None
            verdict = judge(client, form, data, response, before, snapshot(tables), tally)
            if verdict == "accepted 200" and step == 1:
                for revealed in next_steps(form, response, tally):
                    submit(client, revealed, baseline(revealed), tables, tally, step=2)
            if not keep:
                raise _Undo
    except _Undo:
        pass
    tally.per_form.setdefault(form.key, []).append(verdict)
    return verdict.startswith("accepted")


def next_steps(form, response, tally):
    """The forms of an answer that were on none of the pages opened."""
    if "html" not in response.get("Content-Type", "") or response.streaming:
        return []
    page = urlsplit(form.action).path
    revealed = [f for f in read_forms(page, response.content.decode()) if f.key not in tally.known]
    tally.revealed.update(f.key for f in revealed)
    return revealed


def judge(client, form, data, response, before, after, tally):
    code = response.status_code
    if code >= 500:
        tally.server_errors += 1
        tally.findings.append((f"answered {code}: {form.key[1]}", describe(form, data)))
        return "5xx"
    if form.method == "get" or refused(response):
        # A search or filter (GET) changes nothing either.
        tally.refused += form.method == "post"
        counts, writes = changes_between(before, after)
        if counts or writes:
            tally.refused_with_changes += 1
            tally.findings.append(
                (
                    f"changed rows while refusing: {form.key[1]}",
                    f"answered {code}, counts {counts}, writes {writes}: {describe(form, data)}",
                )
            )
        return f"{'answered' if form.method == 'get' else 'refused'} {code}"
    location = response.get("Location", "") if code in (301, 302, 303) else ""
    if client.role != GUEST and location.startswith(reverse("login")):
        tally.findings.append(("the session was lost (test harness)", describe(form, data)))
        return "lost"
    tally.accepted += 1
    if location.startswith("/"):
        status, error = opened(client, location)
        if status >= 500:
            tally.server_errors += 1
            tally.findings.append(
                (
                    f"the page after: {error[1]}",
                    f"{describe(form, data)} -> GET {location}\n{error[0]}",
                )
            )
    return f"accepted {code}"


def opened(client, url):
    """GET ``url``: (status, (traceback summary, cause) if it raised)."""
    try:
        return client.get(url).status_code, ("", "")
    except Exception as error:  # a 500 in production
        return 500, (summary(error), cause(error))


# --- The run --------------------------------------------------------------------------------


def test_the_watch_on_the_database_sees_a_row_added_or_changed(burlov):
    """The check behind "a refused form changes nothing" can fail."""
    tables = table_names()
    before = snapshot(tables)
    assert changes_between(before, snapshot(tables)) == ({}, [])
    with transaction.atomic():
        Municipality.objects.filter(pk=burlov.pk).update(population=1)
        assert changes_between(before, snapshot(tables))[1] == ["councils_municipality"]
    before = snapshot(tables)
    Area.objects.create(municipality=burlov, name="Tågstationen", kind=Area.Kind.LOCALITY)
    counts, writes = changes_between(before, snapshot(tables))
    assert counts == {"situation_reports_area": (0, 1)} and "situation_reports_area" in writes


@pytest.fixture
def demo(demo_world):
    burlov = demo_world().burlov
    # A document on the next meeting and a photo of an incident: their pages and the upload
    # and remove forms are in the walk too.
    meeting = Meeting.objects.filter(municipality=burlov).order_by("-start").first()
    add_attachment(
        meeting,
        SimpleUploadedFile("underlag.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Underlag",
    )
    incident = Incident.objects.filter(municipality=burlov).order_by("-pk").first()
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, format="JPEG")
    add_photo(incident, SimpleUploadedFile("bild.jpg", image.getvalue()))
    return burlov


def guest_link(burlov):
    """A share link to Burlöv's next published meeting (one the guest may answer)."""
    meeting = (
        Meeting.objects.filter(municipality=burlov, start__gt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
        .first()
    )
    _link, token = meeting_services.create_share_link(
        created_by=User.objects.get(username=ROLES["coordinator"]),
        label="Räddningstjänsten Syd",
        expires_at=timezone.now() + datetime.timedelta(days=30),
        meeting=meeting,
    )
    return token


def foreign_ids():
    """Ids of Eslöv's rows of every kind, for choice fields and hidden ids."""
    eslov = Municipality.objects.get(slug="eslov")
    ids = set()
    for model in (Body, Area, Incident, Meeting, MeetingSeries, Agreement, ShareLink):
        ids.update(model.objects.filter(municipality=eslov).values_list("pk", flat=True)[:3])
    ids.update(
        AgendaItem.objects.filter(meeting__municipality=eslov).values_list("pk", flat=True)[:3]
    )
    ids.update(Organisation.objects.filter(municipalities=eslov).values_list("pk", flat=True)[:3])
    ids.update(
        MunicipalityMembership.objects.filter(municipality=eslov).values_list("pk", flat=True)[:3]
    )
    ids.update(
        MunicipalityMembership.objects.filter(municipality=eslov).values_list("user", flat=True)[:3]
    )
    return sorted(str(i) for i in ids)


def open_pages(client, burlov, token, tally):
    """GET every page of the URLconf: (address, forms, is a list page) of those that open.
    The share page is the guest's (``token``); the other pages everyone tries (a guest is
    sent to the login page, a logged-in user past it)."""
    pages = []
    for route, name in walk_urlconf():
        if any(marker in route for marker in NOT_PAGES):
            continue
        if route.startswith("share/"):
            urls = [reverse(name, kwargs={"token": token})] if token else []
        elif route.startswith(tuple(OTHER_PARAMETERS)):
            continue
        else:
            urls = addresses(route, name, burlov)
        for url in urls:
            try:
                response = client.get(url)
            except Exception as error:  # a 500 in production
                tally.server_errors += 1
                tally.findings.append((cause(error), f"GET {url}\n{summary(error)}"))
                continue
            if response.status_code >= 500:
                tally.server_errors += 1
                tally.findings.append((f"answered {response.status_code}", f"GET {url}"))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            listing = "<" not in route.removeprefix("<slug:municipality>/")
            pages.append((url, read_forms(url, response.content.decode()), listing))
    return pages


def fuzz_role(client, label, burlov, token, ids, tables, fuzzed_before, keepers):
    tally = Tally()
    opening = time.monotonic()
    pages = open_pages(client, burlov, token, tally)
    tally.seconds_opening = time.monotonic() - opening
    forms = {}
    for _url, page_forms, _listing in pages:
        for form in page_forms:
            forms.setdefault(form.key, []).append(form)
    tally.known = set(forms)
    forms = {k: v for k, v in forms.items() if k[1] not in NOT_FUZZED}
    tally.forms = len(forms)
    list_pages = [url for url, _forms, listing in pages if listing]

    for key, instances in forms.items():
        first = key not in fuzzed_before
        fuzzed_before.add(key)
        found = fuzz_form(
            client,
            spread(instances, INSTANCES_PER_FORM),
            EXAMPLES if first else EXAMPLES_AGAIN,
            ids,
            tables,
            tally,
            sweep=first,
        )
        keepers.extend((label, *kept) for kept in found)
    return tally, list_pages


def fuzz_form(client, instances, budget, ids, tables, tally, *, sweep):
    """The browser's own submission of the first instance; if ``sweep``, a submission per field
    and worst value of its kind; then ``budget`` hypothesis examples.
    Returns up to two accepted hostile submissions (form, data, as_htmx) to keep at the end."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    accepted = []

    def one(example):
        form = instances[example["instance"]]
        data = submission(form, example)
        ok = submit(client, form, data, tables, tally, as_htmx=example["as_htmx"])
        if ok and example["changes"] and len(accepted) < 2:
            accepted.append((form, data, example["as_htmx"]))
        # The session key may have cycled (rolled back with the rest) and a language may have
        # been chosen: the next example starts where this one did.
        for name in list(client.cookies):
            if name not in cookies:
                del client.cookies[name]
        for name, value in cookies.items():
            client.cookies[name] = value

    one({"instance": 0, "button": 0, "changes": [], "as_htmx": False})
    if sweep:
        form, values = instances[0], baseline(instances[0])
        for f in {f.name: f for f in form.fields if f.name in form.targets}.values():
            for worst in worst_values(f, (values.get(f.name) or [""])[0]):
                change = [(f.name, worst)]
                one({"instance": 0, "button": 0, "changes": change, "as_htmx": False})
    if budget == 0:
        return accepted
    settings(
        max_examples=budget,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(example=examples(instances, ids))(one))()
    return accepted


def spread(items, count):
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def login(label):
    client = Client(enforce_csrf_checks=True)
    client.role = label
    if label != GUEST:
        client.force_login(User.objects.get(username=ROLES[label]))
    return client


def test_every_form_refuses_hostile_input_without_a_server_error_or_a_half_save(demo, capsys):
    burlov = demo
    started = time.monotonic()
    tables = table_names()
    ids = foreign_ids()
    token = guest_link(burlov)
    tallies, lists, keepers, fuzzed_before, clients = {}, {}, [], set(), {}
    for label in [*ROLES, GUEST]:
        client = clients[label] = login(label)
        tallies[label], lists[label] = fuzz_role(
            client,
            label,
            burlov,
            token if label == GUEST else None,
            ids,
            tables,
            fuzzed_before,
            keepers,
        )
    fuzzed = time.monotonic()
    kept = keep_accepted(keepers, clients, tables, tallies)
    broken = broken_pages(clients, lists)
    finished = time.monotonic()

    total = Tally()
    for tally in [*tallies.values(), kept]:
        total.submissions += tally.submissions
        total.server_errors += tally.server_errors
        total.refused_with_changes += tally.refused_with_changes
        total.findings += tally.findings
    report = grouped(total.findings)
    with capsys.disabled():
        print("\nfuzz test of every form (issue #10):")
        for label, tally in [*tallies.items(), ("kept", kept)]:
            print(
                f"  {label:12} forms {tally.forms:3} (+{len(tally.revealed)} revealed)  "
                f"submissions {tally.submissions:5}  accepted {tally.accepted:4}  "
                f"refused {tally.refused:5}  5xx {tally.server_errors}  "
                f"refused with changes {tally.refused_with_changes}"
            )
        print(
            f"  total: {total.submissions} submissions, {total.server_errors} 5xx, "
            f"{total.refused_with_changes} refused with changes; "
            f"{sum(len(v) for v in lists.values())} pages opened again afterwards, "
            f"{len(broken)} broken; fuzzing {fuzzed - started:.0f} s, "
            f"keeping and opening again {finished - fuzzed:.0f} s"
        )
        if os.environ.get("FUZZ_VERBOSE"):
            print(per_form(tallies))
        print(report)
        if broken:
            print(f"  {len(broken)} pages broken afterwards:\n    " + "\n    ".join(broken))

    for label, minimum in MIN_FORMS.items():
        assert tallies[label].forms >= minimum, (label, tallies[label].forms)
    assert total.submissions >= MIN_SUBMISSIONS
    assert not total.findings, report
    assert not broken, "\n".join(broken)


def keep_accepted(keepers, clients, tables, tallies):
    """The accepted hostile submissions again, for good (findings marked "once kept")."""
    kept = Tally(known=set().union(*(t.known for t in tallies.values())))
    rights = list(
        MunicipalityMembership.objects.filter(user__username__in=ROLES.values()).values(
            "pk", "role", "organisation", "is_active"
        )
    )
    for label, form, data, as_htmx in keepers:
        submit(clients[label], form, data, tables, kept, as_htmx=as_htmx, keep=True)
        # A kept person edit may have deactivated a demo person or changed their role: they
        # go on with the rights they had.
        for row in rights:
            MunicipalityMembership.objects.filter(pk=row["pk"]).update(
                role=row["role"], organisation=row["organisation"], is_active=row["is_active"]
            )
        User.objects.filter(username__in=ROLES.values()).update(is_active=True)
    kept.findings = [(f"once kept: {cause}", details) for cause, details in kept.findings]
    return kept


def broken_pages(clients, lists):
    """Every page without parameters that opened for a role or the guest must still open."""
    broken = []
    for label, client in clients.items():
        if label in ROLES:
            client.force_login(User.objects.get(username=ROLES[label]))
        for url in lists[label]:
            status, error = opened(client, url)
            if status != 200:
                broken.append(f"{label}: GET {url} answered {status} {error[1]}\n{error[0]}")
    return broken


def per_form(tallies):
    """What each form answered, by role (FUZZ_VERBOSE=1)."""
    lines = []
    for label, tally in tallies.items():
        lines.append(f"  {label}: pages opened in {tally.seconds_opening:.1f} s")
        for key, verdicts in tally.per_form.items():
            counted = dict(Counter(verdicts))
            lines.append(f"    {key[0]} {key[1]} {counted}  {list(key[2])}")
    return "\n".join(lines)


def grouped(findings):
    """Findings by cause, most frequent first, with the first two examples of each."""
    causes = {}
    for cause, details in findings:
        causes.setdefault(cause, []).append(details)
    lines = []
    for cause, examples in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  FINDING {len(examples)} x {cause}")
        for details in examples[:2]:
            lines.append("    " + details.replace("\n", "\n      "))
    return "\n".join(lines)
