"""Whatever is typed or posted, the form answers with form errors or a saved incident, never a
server error."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from situation_reports.models import Incident

pytestmark = pytest.mark.django_db

anything = st.one_of(
    st.text(max_size=60),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(
        ["", "0", "-1", "1e309", "NaN", "55.6", "13.07", "2026-02-30", "24:00", "\x00"]
    ),
)
FIELDS = [
    "category", "occurred_on", "start_time", "part_of_day", "end_on", "end_time", "area",
    "place", "latitude", "longitude", "description", "severity", "confidentiality",
    "organisation", "confirm_duplicate",
]  # fmt: skip


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, anything)))
def test_any_input_gives_a_form_error_or_a_saved_incident(
    client, coordinator, categories, arlov, data
):
    client.force_login(coordinator)
    before = Incident.objects.count()
    response = client.post(
        reverse("situation_reports:incident-create", kwargs={"municipality": "burlov"}), data
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        form = response.context["form"]
        assert form.errors or form.show_duplicate_confirmation
        assert Incident.objects.count() == before


FILTERS = ["date_from", "date_to", "category", "area", "source", "severity", "confidentiality",
           "status", "q", "sort", "page"]  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.fixed_dictionaries({}, optional=dict.fromkeys(FILTERS, anything)))
def test_any_filter_in_the_address_gives_a_page_never_a_server_error(
    client, coordinator, categories, arlov, params
):
    client.force_login(coordinator)
    for name in ("incident-list", "incident-map-data", "incident-map"):
        response = client.get(
            reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov"}), params
        )
        assert response.status_code == 200, (name, params)


# --- Hostile strings in the incident, category, area and upcoming-event forms (issue #10) ---

HUGE = "x" * 10_001


def hostile_forms(categories, arlov):
    """(address name, a valid submission, the model it adds to) of each form."""
    from councils.models import Area
    from situation_reports.models import IncidentCategory, UpcomingEvent

    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    return {
        "incident": (
            "incident-create",
            {
                "category": categories["vandalism"].pk,
                "occurred_on": yesterday,
                "start_time": "10:00",
                "area": arlov.pk,
                "place": "Stationen",
                "description": "Krossad ruta.",
                "severity": 2,
                "confidentiality": "open",
                "confirm_duplicate": "on",
            },
            Incident,
        ),
        "category": (
            "category-list",
            {"name": "Mopedbuskörning", "description": ""},
            IncidentCategory,
        ),
        "area": ("councils:area-create", {"name": "Tågstationen", "kind": "locality"}, Area),
        "upcoming": (
            "upcoming-create",
            {"title": "Derby", "kind": "match", "starts_on": "2027-05-01"},
            UpcomingEvent,
        ),
    }


HOSTILE_VALUES = [
    ("incident", "description", HUGE, "characters long, longer than the"),
    ("incident", "description", "Krossad ruta\x07", "control characters"),
    ("incident", "description", "Krossad\x00 ruta", "control characters"),
    ("incident", "place", "Stationen\nSet-Cookie: x", "one line"),
    ("incident", "place", "Stationen\x00", "one line"),
    ("incident", "place", "p" * 201, "at most 200 characters"),
    ("category", "name", "Moped\x1b[31m", "one line"),
    ("category", "name", "n" * 101, "at most 100 characters"),
    ("category", "description", "Beskrivning\x00", "one line"),
    ("area", "name", "Arlöv\x00", "one line"),
    ("area", "name", "Arlöv\r\nÅkarp", "one line"),
    ("area", "name", "a" * 121, "at most 120 characters"),
    ("upcoming", "title", "Derby\r\nBcc: alla@example.org", "one line"),
    ("upcoming", "title", "t" * 201, "at most 200 characters"),
    ("upcoming", "expected_effect", HUGE, "at most 10000 characters"),
    ("upcoming", "expected_effect", "Träng\x0bsel", "control characters"),
]


@pytest.mark.parametrize("form, field, value, words", HOSTILE_VALUES)
def test_a_hostile_string_gets_a_clear_message_and_nothing_is_saved(
    client, coordinator, categories, arlov, form, field, value, words
):
    name, data, model = hostile_forms(categories, arlov)[form]
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    before = model.objects.count()
    response = client.post(_address(name), {**data, field: value})
    assert response.status_code in (200, 400)
    with translation.override("en"):
        assert words in " ".join(str(e) for e in response.context["form"].errors[field])
    assert model.objects.count() == before
    assert client.post(_address(name), data).status_code == 302  # the valid one is saved


def _address(name):
    """The address of a page of Burlöv: ``name`` in situation_reports unless it says its app."""
    if ":" not in name:
        name = f"situation_reports:{name}"
    return reverse(name, kwargs={"municipality": "burlov"})


# Hostile values: huge, NUL and control characters, odd Unicode (no lone surrogates: they
# cannot be encoded in a request at all), out-of-range dates and numbers.
odd_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)
hostile = st.one_of(
    odd_text,
    st.sampled_from(["\x00", "\x07", "\x1b[2J", "\r\n", "\u202e", "\ufeff", "\ufffe", "🚓" * 50]),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "å", "\x00", "🚓"]),
              st.integers(9_990, 10_010)),
    st.sampled_from(["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31", "0000-00-00"]),
    st.sampled_from(["1e309", "-1e309", "NaN", "Infinity", "-0", "99999999999999999999",
                     str(2**63), "-" + str(2**63), "0x10", "1_000"]),
)  # fmt: skip
HOSTILE_FIELDS = {
    "incident": FIELDS,
    "category": ["name", "description"],
    "area": ["name", "kind", "latitude", "longitude", "is_active"],
    "upcoming": ["title", "kind", "starts_on", "ends_on", "area", "expected_effect"],
}
LIST_PAGES = [
    "incident-list",
    "incident-map-data",
    "category-list",
    "councils:area-list",
    "upcoming-list",
]


@pytest.mark.parametrize("form", list(HOSTILE_FIELDS))
def test_hostile_submissions_never_fail_and_never_half_save(
    client, coordinator, categories, arlov, form
):
    client.force_login(coordinator)
    name, valid, model = hostile_forms(categories, arlov)[form]
    counts = {"submissions": 0}

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(HOSTILE_FIELDS[form], hostile)))
    def submit(data):
        before = model.objects.count()
        response = client.post(_address(name), {**valid, **data})
        counts["submissions"] += 1
        assert response.status_code in (200, 302, 400), (form, data)
        if response.status_code != 302:
            assert model.objects.count() == before, (form, data)

    submit()
    assert counts["submissions"] >= 60
    for page in LIST_PAGES:
        assert client.get(_address(page)).status_code == 200, page
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse(
                "situation_reports:incident-export", kwargs={"municipality": "burlov", "fmt": fmt}
            )
        )
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
