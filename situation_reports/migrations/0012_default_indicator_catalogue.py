"""The default catalogue of indicator measures, with Swedish labels (a copy of
``services.indicator_catalogue.DEFAULT_INDICATORS`` at the time of writing, so that this migration
keeps working whatever the code later does with it)."""

from django.db import migrations

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


def create(apps, schema_editor):
    Indicator = apps.get_model("situation_reports", "Indicator")
    for position, (code, name, unit, source) in enumerate(DEFAULT_INDICATORS, start=1):
        Indicator.objects.update_or_create(
            municipality=None,
            code=code,
            defaults={"name": name, "unit": unit, "source": source, "position": position * 10},
        )


def remove(apps, schema_editor):
    Indicator = apps.get_model("situation_reports", "Indicator")
    Indicator.objects.filter(
        municipality=None, code__in=[row[0] for row in DEFAULT_INDICATORS], values__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("situation_reports", "0011_indicator_series")]

    operations = [migrations.RunPython(create, remove)]
