"""The default catalogue of indicator measures (issue 13): commonly used measures every
municipality sees and may extend with its own.

Created by migration 0012 and ensured again after every migrate (a test database flush empties
it), like the national incident categories. The labels are Swedish, like theirs: they name
Swedish surveys and registers.
"""

from django_scopes import scopes_disabled

from ..models import Indicator
from ..models.indicators import Section

# code, Swedish name, unit, source
DEFAULT_INDICATORS = [
    ("otrygghet-kvall", "Andel som känner sig otrygga utomhus en sen kväll i sitt bostadsområde",
     "percent", "Trygghetsmätning (Polisen, kommunen) / Brå:s Nationella trygghetsundersökning"),
    ("oro-brottslighet", "Andel som oroar sig mycket för brottsligheten i samhället", "percent",
     "Brå, Nationella trygghetsundersökningen (NTU)"),
    ("anmalda-brott-per-1000", "Anmälda brott per 1 000 invånare", "per_1000",
     "Brå, kriminalstatistik (anmälda brott)"),
    ("brand-byggnad", "Räddningstjänstens insatser vid brand i byggnad", "count",
     "Räddningstjänsten (MSB:s statistik- och analysverktyg IDA)"),
    ("brand-utomhus", "Räddningstjänstens insatser vid brand utomhus", "count",
     "Räddningstjänsten (MSB:s statistik- och analysverktyg IDA)"),
    ("anlagd-brand", "Anlagda bränder (skadegörelsebrand)", "count",
     "Räddningstjänsten (MSB:s statistik- och analysverktyg IDA)"),
    ("skolenkaten-trygghet", "Elever som känner sig trygga i skolan", "percent",
     "Skolinspektionen, Skolenkäten"),
    ("can-alkohol-ak9", "Elever i årskurs 9 som druckit alkohol de senaste 12 månaderna",
     "percent", "CAN, Skolelevers drogvanor"),
    ("stockholmsenkaten-vald", "Elever som utsatts för våld eller hot det senaste året",
     "percent", "Stockholmsenkäten eller motsvarande skolenkät"),
    ("skadegorelse-kostnad", "Kostnader för skadegörelse rapporterade av bostadsbolag", "sek",
     "Bostadsbolagen i kommunen"),
]  # fmt: skip

# The measures of the consequences of crime (insecurity, worry, exposure, costs): shown under
# "Consequences" in the strategic lägesbild; the others under "Other information".
CONSEQUENCES = {
    "otrygghet-kvall",
    "oro-brottslighet",
    "stockholmsenkaten-vald",
    "skadegorelse-kostnad",
}


def ensure_default_indicators(**kwargs):
    """Create any missing catalogue measure (never renames one an admin changed)."""
    # The catalogue belongs to no municipality, and post_migrate runs with none in scope.
    with scopes_disabled():
        existing = set(Indicator.objects.filter(municipality=None).values_list("code", flat=True))
        Indicator.objects.bulk_create(
            [
                Indicator(
                    municipality=None,
                    code=code,
                    name=name,
                    unit=unit,
                    source=source,
                    position=position * 10,
                    section=Section.CONSEQUENCES
                    if code in CONSEQUENCES
                    else Section.OTHER_INFORMATION,
                )
                for position, (code, name, unit, source) in enumerate(DEFAULT_INDICATORS, 1)
                if code not in existing
            ],
            ignore_conflicts=True,
        )
