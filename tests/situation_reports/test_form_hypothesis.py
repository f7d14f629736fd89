"""Whatever is typed or posted, the form answers with form errors or a saved incident, never a
server error."""

import pytest
from django.urls import reverse
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
