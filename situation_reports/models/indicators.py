"""Indicator series from other sources than incidents (issue 13): surveys, registers, the
rescue service, housing companies. Aggregates only: a value is a figure for the whole
municipality or one area, for one period, optionally broken down by sex and age group.

``Indicator`` is a measure: rows without a municipality are the default catalogue (created by a
data migration, with Swedish labels, like the national incident categories); a municipality adds
its own. ``IndicatorValue`` is one municipality's figure of a measure.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from councils.models import Area
from trygghet.limits import MAX_TEXT_LENGTH, range_constraints, validate_in_range
from trygghet.tenancy import MunicipalModel, shared_or_scoped_manager

FIRST_YEAR = 1990
LAST_YEAR = 2100
# The largest magnitude a value may have (max_digits 15, 3 decimals).
VALUE_LIMIT = Decimal("999999999999.999")
AGE_GROUP_MAX = 20


class Unit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    COUNT = "count", _("number")
    PER_1000 = "per_1000", _("per 1,000 inhabitants")
    PER_100000 = "per_100000", _("per 100,000 inhabitants")
    SEK = "sek", _("kronor")
    INDEX = "index", _("index")


class Section(models.TextChoices):
    """Where a measure's figures go in the strategic lägesbild (4 § lag 2023:196): among the
    consequences of crime (insecurity, worry, costs, exposure) or the other information."""

    CONSEQUENCES = "consequences", _("consequences")
    OTHER_INFORMATION = "other_information", _("other information")


class IndicatorQuerySet(models.QuerySet):
    def available_to(self, municipality):
        """The default catalogue plus the municipality's own measures."""
        return self.filter(Q(municipality__isnull=True) | Q(municipality=municipality)).filter(
            is_active=True
        )


class Indicator(models.Model):
    """A measure: what is counted or asked, in which unit, by whom, and how."""

    municipality = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("municipality"),
        help_text=_("Empty for the default catalogue."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The organisation, survey or register the figures come from."),
    )
    section = models.CharField(
        _("section of the strategic lägesbild"),
        max_length=20,
        choices=Section.choices,
        default=Section.OTHER_INFORMATION,
        help_text=_("Consequences of crime (insecurity, worry, costs), or other information."),
    )
    method_note = models.TextField(_("method note"), blank=True, max_length=MAX_TEXT_LENGTH)
    link = models.URLField(_("link"), blank=True, max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = shared_or_scoped_manager(IndicatorQuerySet)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(municipality__isnull=True),
                name="indicator_unique_catalogue_code",
            ),
            models.UniqueConstraint(
                fields=["municipality", "code"],
                condition=Q(municipality__isnull=False),
                name="indicator_unique_municipal_code",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_catalogue(self):
        return self.municipality_id is None

    def url_for(self, municipality):
        return reverse(
            "situation_reports:indicator-detail",
            kwargs={"municipality": municipality.slug, "pk": self.pk},
        )


class Period(models.TextChoices):
    YEAR = "year", _("year")
    TERM = "term", _("term")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")


# How many numbered parts each kind of period has in a year (a year has none).
PERIOD_PARTS = {Period.YEAR: 0, Period.TERM: 2, Period.QUARTER: 4, Period.MONTH: 12}


class Sex(models.TextChoices):
    ALL = "", _("all")
    WOMEN = "women", _("women and girls")
    MEN = "men", _("men and boys")


class IndicatorValue(MunicipalModel):
    """One figure of a measure for the municipality (no area) or one area, for one period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("area"),
        help_text=_("Empty for the whole municipality."),
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    # The term (1 spring, 2 autumn), quarter (1-4) or month (1-12); 0 for a whole year.
    part = models.PositiveSmallIntegerField(_("part of the year"), default=0)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True, default="")
    age_group = models.CharField(
        _("age group"),
        max_length=AGE_GROUP_MAX,
        blank=True,
        help_text=_("For example 15-19 or 65+."),
    )
    value = models.DecimalField(_("value"), max_digits=15, decimal_places=3)
    is_demo = models.BooleanField(_("demo value"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(
        _("updated at"), auto_now=True, validators=[validate_in_range]
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "-year", "-part", "area__name", "sex", "age_group"]
        indexes = [
            models.Index(
                fields=["municipality", "indicator", "year"], name="indvalue_muni_ind_year"
            )
        ]
        constraints = [
            # One figure per measure, place, period and breakdown (NULL area: the municipality).
            models.UniqueConstraint(
                fields=["municipality", "indicator", "area", "period", "year", "part", "sex"]
                + ["age_group"],
                name="indicator_value_unique_period",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="indicator_value_year_in_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(period=Period.YEAR, part=0)
                    | Q(period=Period.TERM, part__gte=1, part__lte=2)
                    | Q(period=Period.QUARTER, part__gte=1, part__lte=4)
                    | Q(period=Period.MONTH, part__gte=1, part__lte=12)
                ),
                name="indicator_value_part_fits_period",
            ),
            *range_constraints("indicator_value", moments=["updated_at"]),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_label}: {self.value}"

    @property
    def period_label(self):
        return period_label(self.period, self.year, self.part)

    @property
    def shown_value(self):
        """The value in the reader's number format without trailing zeros: 25,5 (sv)."""
        return shown_number(self.value)

    @property
    def sort_key(self):
        """Chronological: the month a period starts in."""
        return (self.year, start_month(self.period, self.part))


def shown_number(value):
    """A value (a Decimal, or its text as frozen in a lägesbild) in the reader's number format
    without trailing zeros: 25,5 (sv), 12 rather than 12,000."""
    value = Decimal(value)
    exact = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(exact)


def start_month(period, part):
    if period == Period.TERM:
        return 1 if part == 1 else 7
    if period == Period.QUARTER:
        return 3 * part - 2
    if period == Period.MONTH:
        return part
    return 1


def period_label(period, year, part):
    """The period as written in the import: 2025, 2025-VT, 2025-HT, 2025-Q1, 2025-03."""
    if period == Period.TERM:
        return f"{year}-{'VT' if part == 1 else 'HT'}"
    if period == Period.QUARTER:
        return f"{year}-Q{part}"
    if period == Period.MONTH:
        return f"{year}-{part:02d}"
    return str(year)
