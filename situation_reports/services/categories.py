"""The national default list of incident categories.

The default list is created by migration 0003 and ensured again after every migrate (a test
database flush empties it), see ``SituationReportsConfig.ready``. The police's types are
mapped to these codes in ``police_format.TYPE_TO_CATEGORY``.
"""

from django_scopes import scopes_disabled

from ..models import IncidentCategory

# code, Swedish label (the list is Swedish: a municipality's own categories are too)
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


def ensure_default_categories(**kwargs):
    """Create any missing national default category (never renames one an admin changed)."""
    # The national list belongs to no municipality, and post_migrate runs with none in scope:
    # a deliberate unscoped read and write.
    with scopes_disabled():
        existing = set(
            IncidentCategory.objects.filter(municipality=None).values_list("code", flat=True)
        )
        IncidentCategory.objects.bulk_create(
            [
                IncidentCategory(municipality=None, code=code, name=name, position=position * 10)
                for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1)
                if code not in existing
            ],
            ignore_conflicts=True,
        )
