"""The national default list of incident categories, with Swedish labels.

The list is copied here (not imported from the app) so that this migration keeps working
whatever the code later does with it.
"""

from django.db import migrations

# code, Swedish label, police open-data types that map to it (documentation only)
DEFAULT_CATEGORIES = [
    ("vandalism", "Skadegörelse"),
    ("graffiti", "Klotter"),
    ("fire", "Brand/anlagd brand"),
    ("theft", "Stöld/inbrott"),
    ("violence", "Våld/hot"),
    ("drugs", "Narkotika"),
    ("youth_gathering", "Störande grupper/ungdomsgäng"),
    ("public_disorder", "Ordningsstörning"),
    ("unsafe_place", "Otrygg plats/miljö"),
    ("traffic", "Trafik"),
    ("other", "Övrigt"),
]


def create(apps, schema_editor):
    IncidentCategory = apps.get_model("situation_reports", "IncidentCategory")
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        IncidentCategory.objects.update_or_create(
            municipality=None, code=code, defaults={"name": name, "position": position * 10}
        )


def remove(apps, schema_editor):
    IncidentCategory = apps.get_model("situation_reports", "IncidentCategory")
    IncidentCategory.objects.filter(
        municipality=None, code__in=[c for c, _ in DEFAULT_CATEGORIES], incidents__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("situation_reports", "0002_incidents")]

    operations = [migrations.RunPython(create, remove)]
