"""Demo data: a believable year of incidents in Burlöv and Eslöv, the real police events of
both from the shared file, and the coming year's holidays and school breaks.

Deterministic (a fixed random seed) and idempotent: a municipality that already has demo
incidents is left as it is; police events and holidays are deduplicated by their own keys.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from councils.models import Area, Municipality, MunicipalityMembership

from . import police
from .categories import ensure_default_categories
from .models import Incident, IncidentCategory, part_of_day_for
from .upcoming import generate_calendar

SEED = 20261122
DEMO_MARK = "demo"  # import_key prefix of generated incidents, so a second run adds nothing

# Incidents per year and the weight of each category (a small Skåne municipality).
VOLUME = {"burlov": 320, "eslov": 460}
CATEGORY_WEIGHTS = {
    "vandalism": 18,
    "graffiti": 14,
    "fire": 6,
    "theft": 14,
    "violence": 7,
    "drugs": 6,
    "youth_gathering": 12,
    "public_disorder": 11,
    "unsafe_place": 6,
    "traffic": 4,
    "other": 2,
}
PLACES = {
    "vandalism": ["busshållplatsen", "skolgården", "lekplatsen", "parkeringshuset", "tvättstugan"],
    "graffiti": ["gångtunneln", "stationen", "idrottshallen", "återvinningsstationen"],
    "fire": [
        "containern vid skolan",
        "soprummet",
        "papperskorgen i parken",
        "en bil på parkeringen",
    ],
    "theft": ["cykelstället vid stationen", "förrådet", "byggarbetsplatsen", "fritidsgården"],
    "violence": ["torget", "utanför pizzerian", "busshållplatsen", "centrum"],
    "drugs": ["parken", "skogsdungen bakom skolan", "trappuppgången", "stationsområdet"],
    "youth_gathering": ["centrum", "köpcentrets entré", "fritidsgården", "stationen"],
    "public_disorder": ["torget", "parken", "festlokalen", "trappuppgången"],
    "unsafe_place": ["gångvägen", "gångtunneln", "parkeringen", "cykelvägen"],
    "traffic": ["skolvägen", "rondellen", "infarten", "parkeringen vid skolan"],
    "other": ["centrum", "parken", "stationen"],
}
DESCRIPTIONS = {
    "vandalism": [
        "Krossad glasruta på {place}. Anmält till fastighetsägaren.",
        "Sönderslagen belysning vid {place}, området mörkt på kvällen.",
        "Skadegörelse på bänkar och skyltar vid {place}.",
    ],
    "graffiti": [
        "Nytt klotter (tags) vid {place}, cirka fem kvadratmeter.",
        "Klotter med kränkande text vid {place}, sanering beställd.",
    ],
    "fire": [
        "Brand i {place}, släckt av räddningstjänsten. Misstänkt anlagd.",
        "Mindre brand vid {place}, upptäckt av förbipasserande.",
    ],
    "theft": [
        "Inbrott i {place}, verktyg stulna.",
        "Flera cyklar stulna från {place} under natten.",
    ],
    "violence": [
        "Bråk mellan flera personer vid {place}, polis på plats.",
        "Hot mot personal vid {place}. Polisanmält.",
    ],
    "drugs": [
        "Misstänkt narkotikaförsäljning vid {place}, kanyler hittade.",
        "Lukt av cannabis och samlingar av unga vuxna vid {place}.",
    ],
    "youth_gathering": [
        "Grupp om 10–15 ungdomar vid {place}, hög ljudnivå och nedskräpning.",
        "Ungdomar samlas vid {place} sena kvällar, boende känner sig otrygga.",
        "Stökigt vid {place}, fritidsledare och trygghetsvärdar på plats.",
    ],
    "public_disorder": [
        "Berusade personer stör vid {place}.",
        "Smällare kastade vid {place}.",
    ],
    "unsafe_place": [
        "Boende upplever {place} som otrygg: dålig belysning och skymd sikt.",
        "Trasig belysning gör {place} mörk, felanmält.",
    ],
    "traffic": [
        "Vårdslös körning med moped vid {place}.",
        "Hög hastighet vid {place} när skolan slutar.",
    ],
    "other": ["Iakttagelse vid {place} som bör följas upp.", "Nedskräpning vid {place}."],
}
# Relative weights of the months (more outdoors in spring and summer, fireworks at new year).
MONTH_WEIGHTS = [7, 6, 8, 10, 11, 12, 11, 10, 9, 8, 8, 11]
# Hours of the day, weighted towards evenings and nights.
HOUR_WEIGHTS = [5, 4, 3, 2, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 6, 7, 9, 10, 11, 10, 8, 6]


def seed(stdout=None):
    ensure_default_categories()
    rng = random.Random(SEED)
    today = timezone.localdate()
    lines = []
    for slug, volume in VOLUME.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        created = _seed_incidents(municipality, volume, rng, today)
        lines.append(f"{municipality.name}: {created} demo incidents")
        for year in (today.year, today.year + 1):
            generate_calendar(municipality, year)
    path = police.shared_events_file()
    if path is not None:
        targets = list(Municipality.objects.filter(slug__in=VOLUME))
        summary = police.import_source(path, municipalities=targets)
        lines.append(
            f"police open data: {summary.imported} imported, {summary.already_there} already there"
        )
    else:
        lines.append("police open data: shared file not found, skipped")
    if stdout:
        stdout.write("situation_reports: " + "; ".join(lines))


def _seed_incidents(municipality, volume, rng, today):
    prefix = f"{DEMO_MARK}:{municipality.slug}:"
    if Incident.objects.filter(municipality=municipality, import_key__startswith=prefix).exists():
        return 0
    areas = list(Area.objects.filter(municipality=municipality))
    categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    loggers = list(
        MunicipalityMembership.objects.filter(
            municipality=municipality, role__in=["coordinator", "partner", "admin"]
        ).select_related("user", "organisation")
    )
    if not areas or not loggers:
        return 0
    codes = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    tz = timezone.get_current_timezone()
    start = today - datetime.timedelta(days=365)
    days = [start + datetime.timedelta(days=i) for i in range(1, 366)]
    day_weights = [MONTH_WEIGHTS[d.month - 1] * (1.5 if d.weekday() >= 4 else 1.0) for d in days]
    incidents = []
    for number in range(volume):
        code = rng.choices(codes, weights)[0]
        day = rng.choices(days, day_weights)[0]
        area = rng.choice(areas)
        place = rng.choice(PLACES[code])
        membership = rng.choice(loggers)
        time_known = rng.random() < 0.8
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        started = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60, 5))), tz
        )
        if started > timezone.now():
            started -= datetime.timedelta(days=1)
            day = started.date()
        restricted = code in ("violence", "drugs") and rng.random() < 0.4
        latitude = longitude = None
        if area.latitude is not None and rng.random() < 0.5:
            latitude = area.latitude + Decimal(rng.uniform(-0.006, 0.006)).quantize(
                Decimal("0.00001")
            )
            longitude = area.longitude + Decimal(rng.uniform(-0.01, 0.01)).quantize(
                Decimal("0.00001")
            )
        local_started = timezone.localtime(started)
        incidents.append(
            Incident(
                municipality=municipality,
                occurred_on=local_started.date(),
                started_at=started if time_known else None,
                part_of_day=part_of_day_for(local_started.time()),
                area=area,
                place=place[:1].upper() + place[1:],
                latitude=latitude,
                longitude=longitude,
                category=categories[code],
                description=rng.choice(DESCRIPTIONS[code]).format(place=place),
                severity=rng.choices([1, 2, 3], [5, 4, 1])[0],
                confidentiality=(
                    Incident.Confidentiality.RESTRICTED
                    if restricted
                    else Incident.Confidentiality.OPEN
                ),
                status=rng.choices(
                    [Incident.Status.REPORTED, Incident.Status.CONFIRMED, Incident.Status.CLOSED],
                    [3, 3, 4],
                )[0],
                source=Incident.Source.MANUAL,
                organisation=membership.organisation,
                created_by=membership.user,
                created_at=started + datetime.timedelta(hours=rng.randint(1, 60)),
                import_key=f"{prefix}{number}",
            )
        )
    for incident in incidents:
        if incident.created_at > timezone.now():
            incident.created_at = timezone.now()
    bulk_create_with_history(incidents, Incident, batch_size=500)
    return len(incidents)
