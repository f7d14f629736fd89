"""Dates and times follow the language, in the same ISO and 24-hour formats (issue 12, point 9)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

WHEN = datetime.datetime(2026, 12, 2, 9, 5)


@pytest.mark.parametrize(
    ("language", "date", "datetime_", "month"),
    [
        ("sv", "2 december 2026", "2 december 2026 09:05", "december 2026"),
        ("en", "2 December 2026", "2 December 2026 09:05", "December 2026"),
    ],
)
def test_dates_are_written_the_same_way_in_each_language(language, date, datetime_, month):
    with translation.override(language):
        assert formats.date_format(WHEN, "DATE_FORMAT") == date
        assert formats.date_format(WHEN, "DATETIME_FORMAT") == datetime_
        assert formats.date_format(WHEN, "YEAR_MONTH_FORMAT") == month
        assert formats.date_format(WHEN, "SHORT_DATE_FORMAT") == "2026-12-02"
        assert formats.date_format(WHEN, "SHORT_DATETIME_FORMAT") == "2026-12-02 09:05"
        assert formats.time_format(WHEN.time()) == "09:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_templates_show_no_us_dates_or_am_pm():
    with translation.override("en"):
        shown = Template("{{ d|date }} {{ d|date:'SHORT_DATE_FORMAT' }} {{ d|time }}").render(
            Context({"d": WHEN.replace(hour=18)})
        )
    assert shown == "2 December 2026 2026-12-02 18:05"


def test_english_forms_still_read_iso_dates():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("2026-12-02") == WHEN.date()
