"""factory_boy factories: one per model the tests build, with believable defaults.

Every default can be overridden by keyword (``IncidentFactory(municipality=burlov,
category="theft")``); related rows are made when not given (``BodyFactory()`` makes its
municipality). Rows are written through the models' default managers, unscoped like all test
code (``tests/conftest.py``). Workflows stay with the services: a factory writes a row, it
does not invite, publish, compile or approve.
"""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from councils.models import (
    Area,
    Body,
    Membership,
    Municipality,
    MunicipalityMembership,
    Organisation,
    User,
)
from meetings.models import Meeting, MeetingSeries
from situation_reports.models import Incident, IncidentCategory, SituationReport
from situation_reports.services.categories import ensure_default_categories

# The password of every user the tests make.
PASSWORD = "correct-horse-battery-staple"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    code = factory.Sequence(lambda n: f"{9000 + n % 1000}")


class OrganisationFactory(DjangoModelFactory):
    """``OrganisationFactory(municipalities=[burlov])``: an organisation working there."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPAL_ADMINISTRATION

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.add(*extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.django.Password(PASSWORD)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.LazyAttribute(lambda o: o.username.split(".")[-1].title())
    last_name = "Testsson"


class MunicipalityMembershipFactory(DjangoModelFactory):
    """A person's role in a municipality (``trygghet.tenancy`` roles)."""

    class Meta:
        model = MunicipalityMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MunicipalityMembership.Role.MEMBER
    organisation = None


def make_user(username, municipality=None, role=None, organisation=None, **fields):
    """A user named ``username`` (password ``PASSWORD``), with a role in ``municipality``."""
    user = UserFactory(username=username, **fields)
    if municipality is not None:
        MunicipalityMembershipFactory(
            user=user, municipality=municipality, role=role, organisation=organisation
        )
    return user


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Örat mot marken"
    kind = Body.Kind.SITUATION_GROUP


class MembershipFactory(DjangoModelFactory):
    """A seat in a body (``Membership.Role``: member, chair, secretary...)."""

    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


def national_category(code):
    """A category of the national list by its code (the list is made after migrate; made
    again here if a test emptied it)."""
    found = IncidentCategory.objects.filter(code=code, municipality__isnull=True).first()
    if found is None:
        ensure_default_categories()
        found = IncidentCategory.objects.get(code=code, municipality__isnull=True)
    return found


class IncidentCategoryFactory(DjangoModelFactory):
    """A municipality's own category (the national ones: ``national_category(code)``)."""

    class Meta:
        model = IncidentCategory

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kategori {n}")
    code = factory.LazyAttribute(lambda o: slugify(o.name))


class IncidentFactory(DjangoModelFactory):
    """An open, manually logged incident a few hours ago. ``category`` takes a category or
    the code of a national one; ``started_at=None`` with ``occurred_on`` for a date only."""

    class Meta:
        model = Incident

    municipality = factory.SubFactory(MunicipalityFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    occurred_on = factory.LazyAttribute(
        lambda o: timezone.localtime(o.started_at).date() if o.started_at else None
    )
    category = "vandalism"
    description = "Krossad ruta vid busshållplatsen."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs["category"], str):
            kwargs["category"] = national_category(kwargs["category"])
        return super()._create(model_class, *args, **kwargs)


class MeetingSeriesFactory(DjangoModelFactory):
    """A biweekly series, Tuesdays at nine from 6 January 2026; validated (``full_clean``)
    before it is saved, as the series form does."""

    class Meta:
        model = MeetingSeries

    body = factory.SubFactory(BodyFactory)
    municipality = factory.SelfAttribute("body.municipality")
    recurrence = MeetingSeries.Recurrence.BIWEEKLY
    start_date = datetime.date(2026, 1, 6)  # a Tuesday
    start_time = datetime.time(9, 0)
    duration_minutes = 60
    place = "Kommunhuset"
    default_agenda = "Mötet öppnas\nLäget\nÖvriga frågor"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        series = model_class(*args, **kwargs)
        series.full_clean()
        series.save()
        return series


class MeetingFactory(DjangoModelFactory):
    """A meeting of its body in three days, an hour long (nobody invited: that is
    ``meetings.services.invite_members``)."""

    class Meta:
        model = Meeting

    class Params:
        hours = 1

    body = factory.SubFactory(BodyFactory)
    municipality = factory.SelfAttribute("body.municipality")
    title = factory.SelfAttribute("body.name")
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=o.hours))


class SituationReportFactory(DjangoModelFactory):
    """A report row of the last two weeks, not compiled (``services.compiling`` does that)."""

    class Meta:
        model = SituationReport

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Lägesbild"
    period_end = factory.LazyFunction(timezone.localdate)
    period_start = factory.LazyAttribute(lambda o: o.period_end - datetime.timedelta(days=13))
