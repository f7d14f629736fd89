"""The one definition of what input is sane (trygghet/limits.py), and the database's check
constraints behind it: a date or time outside 2000..2100 cannot be stored (issue #10, finding 2:
one row dated year 1 broke the list, the map and the exports of a whole municipality)."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from tests.factories import IncidentFactory, SituationReportFactory
from trygghet import limits

UTC = datetime.UTC
APPS = ("councils", "situation_reports")


@pytest.mark.parametrize(
    "value, ok",
    [
        (datetime.date(2000, 1, 1), True),
        (datetime.date(2100, 12, 31), True),
        (datetime.date(1999, 12, 31), False),
        (datetime.date(2101, 1, 1), False),
        (datetime.date(1, 1, 1), False),
        (datetime.date(9999, 12, 31), False),
        (datetime.datetime(2000, 1, 1, 0, 0, tzinfo=limits.LOCAL_TIME), True),
        (datetime.datetime(1999, 12, 31, 23, 0, tzinfo=UTC), True),  # 00:00 in Stockholm
        (datetime.datetime(1999, 12, 31, 22, 59, tzinfo=UTC), False),
        (datetime.datetime(2100, 12, 31, 22, 59, tzinfo=UTC), True),  # 23:59 in Stockholm
        (datetime.datetime(2100, 12, 31, 23, 0, tzinfo=UTC), False),
        (datetime.datetime(2020, 1, 1, 12, 0), False),  # naive: no instant at all
        (None, False),
        ("2020-01-01", False),
    ],
)
def test_it_knows_what_is_in_range(value, ok):
    assert limits.in_range(value) is ok


def test_the_validator_names_the_range_and_lets_empty_values_pass():
    limits.validate_in_range(None)
    limits.validate_in_range(datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError) as error:
        limits.validate_in_range(datetime.date(1, 1, 1))
    assert "2000-01-01" in str(error.value) and "2100-12-31" in str(error.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        ("0012", 12),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits: int() reads them, but no id is written so
        ("1e3", None),
        (" 12", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_an_id_is_ascii_digits_within_bigint(value, expected):
    assert limits.parse_id(value) == expected


@pytest.mark.parametrize(
    "text, multi_ok, single_ok",
    [
        ("Klotter på perrongen", True, True),
        ("Två rader\r\nmed tabb\t", True, False),
        ("NUL\x00", False, False),
        ("bell\x07", False, False),
        ("escape\x1b[31m", False, False),
        ("DEL\x7f", False, False),
        ("C1\x85", False, False),
        ("surrogate\ud800", False, False),
        ("line\u2028separator", True, False),
        ("emoji 🚓 och åäö", True, True),
    ],
)
def test_text_may_hold_line_breaks_but_no_other_control_character(text, multi_ok, single_ok):
    assert limits.has_control_characters(text) is not multi_ok
    assert limits.has_control_characters(text, single_line=True) is not single_ok


@pytest.mark.parametrize(
    "value, expected",
    [
        ("/burlov/meetings/actions/?status=open", "/burlov/meetings/actions/?status=open"),
        ("/burlov/incidents/?q=%C3%A5", "/burlov/incidents/?q=%C3%A5"),
        ("import", None),  # redirect() takes a bare word for a view name
        ("2147483648", None),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("https://evil.example/", None),
        ("/x\r\nSet-Cookie: a=b", None),
        ("/x\x00", None),
        ("", None),
        (None, None),
    ],
)
def test_a_page_sends_back_only_to_a_path_of_this_site(value, expected):
    assert limits.local_path(value) == expected


def date_fields():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):  # simple_history's copies
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateField):  # DateTimeField is one too
                    yield model, field


def test_every_date_and_datetime_field_is_validated_and_constrained(db):
    missing_validator, missing_constraint = [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'c'")
        in_database = {name for (name,) in cursor.fetchall()}
    for model, field in date_fields():
        label = f"{model._meta.label}.{field.name}"
        if limits.validate_in_range not in field.validators:
            missing_validator.append(label)
        names = {
            c.name for c in model._meta.constraints if c.name.endswith(f"_{field.name}_in_range")
        }
        if not names or not names <= in_database:
            missing_constraint.append(label)
    assert missing_validator == []
    assert missing_constraint == []
    assert len(list(date_fields())) > 30


@pytest.fixture
def rows(burlov, categories, police_org, admin_user):
    """One row of the models whose date columns are checked below."""
    from councils.models import Agreement
    from situation_reports.models import UpcomingEvent

    today = timezone.localdate()
    return {
        "incident": IncidentFactory(
            municipality=burlov,
            occurred_on=today,
            started_at=timezone.now(),
            category=categories["vandalism"],
            description="Krossad ruta.",
        ),
        "upcoming": UpcomingEvent.objects.create(
            municipality=burlov, title="Mässa", starts_on=today
        ),
        "report": SituationReportFactory(
            municipality=burlov, title="Lägesbild", period_start=today, period_end=today
        ),
        "agreement": Agreement.objects.create(
            municipality=burlov,
            title="Överenskommelse",
            police_area=police_org,
            start_date=today,
            end_date=today + datetime.timedelta(days=365),
        ),
        "user": admin_user,
    }


BC = datetime.datetime(1, 1, 1, 0, 30, tzinfo=limits.LOCAL_TIME)  # a BC instant in UTC
FAR = datetime.datetime(9999, 12, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "row, field, value",
    [
        ("incident", "occurred_on", datetime.date(1, 1, 1)),
        ("incident", "occurred_on", datetime.date(9999, 12, 31)),
        ("incident", "started_at", BC),
        ("incident", "ended_at", FAR),
        ("incident", "created_at", BC),
        ("incident", "withdrawn_at", FAR),
        ("upcoming", "starts_on", datetime.date(1, 1, 1)),
        ("upcoming", "ends_on", datetime.date(9999, 12, 31)),
        ("report", "period_start", datetime.date(1999, 12, 31)),
        ("report", "approved_at", BC),
        ("agreement", "end_date", datetime.date(2101, 1, 1)),
        ("agreement", "signed_on", datetime.date(1, 1, 1)),
        ("user", "last_login", BC),
    ],
)
def test_the_database_refuses_a_date_out_of_range_whatever_writes_it(rows, row, field, value):
    row = rows[row]
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**{field: value})


def test_the_bounds_themselves_can_be_stored_and_read_back(rows):
    incident = rows["incident"]
    type(incident).objects.filter(pk=incident.pk).update(
        occurred_on=limits.EARLIEST_DATE,
        started_at=limits.EARLIEST_MOMENT,
        ended_at=limits.LATEST_MOMENT,
    )
    incident.refresh_from_db()
    assert incident.started_at == limits.EARLIEST_MOMENT
    assert incident.ended_at == limits.LATEST_MOMENT
