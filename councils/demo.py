"""Demo data for Burlöv and Eslöv: municipalities, organisations, bodies and one demo user per
role in each. Idempotent: every row is looked up by its natural key before it is created.

All demo users have the password ``DEMO_PASSWORD`` (documented in the README).
"""

from councils.models import Body, Municipality, MunicipalityMembership, Organisation, User
from situation_reports.models import Area

DEMO_PASSWORD = "trygghet-demo"

Kind = Organisation.Kind
BodyKind = Body.Kind

MUNICIPALITIES = {
    "burlov": {
        "name": "Burlöv",
        "code": "1231",
        "county": "Skåne län",
        "population": 20042,
        "areas": {
            "Arlöv": (55.6377, 13.0758),
            "Åkarp": (55.6563, 13.1107),
            "Hjärup": (55.6693, 13.1400),
            "Sunnanå": (55.6303, 13.0600),
        },
    },
    "eslov": {
        "name": "Eslöv",
        "code": "1285",
        "county": "Skåne län",
        "population": 34878,
        "areas": {
            "Eslöv tätort": (55.8392, 13.3039),
            "Löberöd": (55.7750, 13.5153),
            "Marieholm": (55.8653, 13.1636),
            "Flyinge": (55.7453, 13.3567),
            "Stehag": (55.8986, 13.3881),
            "Harlösa": (55.7167, 13.5194),
        },
    },
}

# name: (short name, kind, municipality slugs it serves)
ORGANISATIONS = {
    "Burlövs kommun, kommunledningsförvaltningen": (
        "KLF Burlöv",
        Kind.MUNICIPAL_ADMINISTRATION,
        ["burlov"],
    ),
    "Burlövs kommun, barn- och utbildningsförvaltningen": (
        "BUF Burlöv",
        Kind.MUNICIPAL_ADMINISTRATION,
        ["burlov"],
    ),
    "Burlövs kommun, socialförvaltningen": (
        "SOC Burlöv",
        Kind.MUNICIPAL_ADMINISTRATION,
        ["burlov"],
    ),
    "Burlövs kommun, kultur- och fritidsförvaltningen": (
        "KoF Burlöv",
        Kind.MUNICIPAL_ADMINISTRATION,
        ["burlov"],
    ),
    "Burlövs Bostäder AB": ("Burlövs Bostäder", Kind.HOUSING_COMPANY, ["burlov"]),
    "Polisen, lokalpolisområde Kävlinge": ("LPO Kävlinge", Kind.POLICE, ["burlov"]),
    "Räddningstjänsten Syd": ("RSyd", Kind.RESCUE_SERVICE, ["burlov", "eslov"]),
    "Trygghetsbolaget Syd AB": ("Trygghetsbolaget", Kind.SECURITY_COMPANY, ["burlov", "eslov"]),
    "Eslövs kommun, kommunledningskontoret": (
        "KLK Eslöv",
        Kind.MUNICIPAL_ADMINISTRATION,
        ["eslov"],
    ),
    "Eslövs kommun, barn och familj": ("BoF Eslöv", Kind.MUNICIPAL_ADMINISTRATION, ["eslov"]),
    "Eslövs kommun, vård och omsorg": ("VoO Eslöv", Kind.MUNICIPAL_ADMINISTRATION, ["eslov"]),
    "Eslövs Bostads AB": ("ebo", Kind.HOUSING_COMPANY, ["eslov"]),
    "Polisen, lokalpolisområde Eslöv": ("LPO Eslöv", Kind.POLICE, ["eslov"]),
    "Funktionsrätt Eslöv": ("Funktionsrätt", Kind.ASSOCIATION, ["eslov"]),
}

# slug: [(name, kind, parent name, mandate)]; parents come before their children.
BODIES = {
    "burlov": [
        (
            "Strategiskt råd",
            BodyKind.STRATEGIC_COUNCIL,
            None,
            "Leder och prioriterar kommunens brottsförebyggande arbete. Styrgrupp för "
            "samverkansöverenskommelsen med polisen.",
        ),
        (
            "Beredningsgrupp",
            BodyKind.PREPARATION_GROUP,
            "Strategiskt råd",
            "Planerar arbetet, tar fram den gemensamma lägesbilden, tillsätter arbetsgrupper och "
            "kopplar styrgruppens beslut till genomförandet.",
        ),
        (
            "Arbetsgrupp ungdomar och droger",
            BodyKind.WORKING_GROUP,
            "Beredningsgrupp",
            "Genomför överenskommelsens insatser mot ungdomsbrottslighet och droger.",
        ),
        (
            "Arbetsgrupp trygga miljöer",
            BodyKind.WORKING_GROUP,
            "Beredningsgrupp",
            "Trygghetsvandringar, belysning och skadegörelse i den fysiska miljön.",
        ),
        (
            "Örat mot marken",
            BodyKind.SITUATION_GROUP,
            "Beredningsgrupp",
            "Delar varannan vecka vad som hänt de senaste två veckorna och blickar framåt.",
        ),
    ],
    "eslov": [
        (
            "Rådet för hälsa och trygghet",
            BodyKind.COUNCIL,
            None,
            "Leds av kommunstyrelsens ordförande och träffas varje månad. Följer upp "
            "samverkansavtalet och genomför trygghetsvandringar.",
        ),
        (
            "Örat mot marken",
            BodyKind.SITUATION_GROUP,
            "Rådet för hälsa och trygghet",
            "Träffas varje vecka och delar lägesbilden, efter modell från Rosengård i Malmö.",
        ),
    ],
}

# One demo user per role per municipality: username, first, last, role, organisation, title.
USERS = {
    "burlov": [
        (
            "burlov.admin",
            "Anders",
            "Lindqvist",
            "admin",
            "Burlövs kommun, kommunledningsförvaltningen",
            "Systemförvaltare",
        ),
        (
            "burlov.samordnare",
            "Sara",
            "Nilsson",
            "coordinator",
            "Burlövs kommun, kommunledningsförvaltningen",
            "Brottsförebyggande samordnare",
        ),
        (
            "burlov.ledamot",
            "Johan",
            "Persson",
            "member",
            "Burlövs kommun, socialförvaltningen",
            "Enhetschef",
        ),
        ("burlov.partner", "Maria", "Holm", "partner", "Burlövs Bostäder AB", "Trygghetsvärd"),
    ],
    "eslov": [
        (
            "eslov.admin",
            "Karin",
            "Berg",
            "admin",
            "Eslövs kommun, kommunledningskontoret",
            "Systemförvaltare",
        ),
        (
            "eslov.samordnare",
            "Ahmed",
            "Hassan",
            "coordinator",
            "Eslövs kommun, kommunledningskontoret",
            "Brottsförebyggande samordnare",
        ),
        (
            "eslov.ledamot",
            "Eva",
            "Larsson",
            "member",
            "Eslövs kommun, barn och familj",
            "Verksamhetschef",
        ),
        ("eslov.partner", "Lars", "Ek", "partner", "Trygghetsbolaget Syd AB", "Väktare"),
    ],
}


def seed(stdout=None):
    municipalities = {}
    for slug, data in MUNICIPALITIES.items():
        municipality, _ = Municipality.objects.update_or_create(
            slug=slug,
            defaults={k: data[k] for k in ("name", "code", "county", "population")},
        )
        municipalities[slug] = municipality
        for name, (lat, lng) in data["areas"].items():
            Area.objects.get_or_create(
                municipality=municipality,
                name=name,
                defaults={"latitude": lat, "longitude": lng},
            )

    organisations = {}
    for name, (short_name, kind, slugs) in ORGANISATIONS.items():
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "kind": kind}
        )
        organisation.municipalities.add(*(municipalities[s] for s in slugs))
        organisations[name] = organisation

    for slug, bodies in BODIES.items():
        by_name = {}
        for name, kind, parent, mandate in bodies:
            body, _ = Body.objects.get_or_create(
                municipality=municipalities[slug],
                name=name,
                defaults={"kind": kind, "mandate": mandate, "parent": by_name.get(parent)},
            )
            by_name[name] = body

    for slug, users in USERS.items():
        for username, first, last, role, organisation, title in users:
            user = ensure_user(username, first, last)
            MunicipalityMembership.objects.get_or_create(
                user=user,
                municipality=municipalities[slug],
                defaults={
                    "role": role,
                    "organisation": organisations[organisation],
                    "title": title,
                },
            )
    if stdout:
        stdout.write(
            f"councils: {len(municipalities)} municipalities, {len(organisations)} organisations"
        )


def ensure_user(username, first_name, last_name, password=DEMO_PASSWORD):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.trygghet.local",
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
