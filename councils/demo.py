"""Demo data for Burlöv and Eslöv: municipalities, organisations, bodies and one demo user per
role in each. Idempotent: every row is looked up by its natural key before it is created.

All demo users have the password ``DEMO_PASSWORD`` (documented in the README).
"""

import datetime

from django.utils import timezone

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    Area,
    Body,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    GoalMeasurement,
    Membership,
    Municipality,
    MunicipalityMembership,
    Organisation,
    User,
)

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
    people = seed_people(municipalities, organisations)
    seed_body_members(municipalities, organisations, people)
    seed_agreements(municipalities, organisations, people)
    ensure_operator()
    if stdout:
        stdout.write(
            f"councils: {len(municipalities)} municipalities, {len(organisations)} organisations, "
            f"{Membership.objects.count()} body seats, {Agreement.objects.count()} agreements, "
            f"{Action.objects.count()} actions"
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


# The demo's operator of the installation: the Django admin is not divided by municipality, so
# only superusers use it (README). Created here and nowhere else: a real installation makes its
# own with ``manage.py createsuperuser``.
OPERATOR_USERNAME = "drift"


def ensure_operator():
    user = ensure_user(OPERATOR_USERNAME, "Drift", "Trygghet")
    if not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


# --- Members of the bodies ------------------------------------------------------------------

# Demo people besides the four role users: username, first, last, {slug: (role, organisation,
# title)}. They may log in with the demo password too.
PEOPLE = [
    (
        "burlov.kso",
        "Kristina",
        "Åberg",
        {
            "burlov": (
                "member",
                "Burlövs kommun, kommunledningsförvaltningen",
                "Kommunstyrelsens ordförande",
            )
        },
    ),
    (
        "burlov.oppositionsrad",
        "Tomas",
        "Fridh",
        {"burlov": ("member", "Burlövs kommun, kommunledningsförvaltningen", "Oppositionsråd")},
    ),
    (
        "burlov.kommundirektor",
        "Lena",
        "Sjöberg",
        {"burlov": ("member", "Burlövs kommun, kommunledningsförvaltningen", "Kommundirektör")},
    ),
    (
        "burlov.lpo",
        "Erik",
        "Strand",
        {"burlov": ("partner", "Polisen, lokalpolisområde Kävlinge", "Lokalpolisområdeschef")},
    ),
    (
        "burlov.kommunpolis",
        "Mikael",
        "Öst",
        {"burlov": ("partner", "Polisen, lokalpolisområde Kävlinge", "Kommunpolis")},
    ),
    (
        "burlov.skolchef",
        "Fatima",
        "Ali",
        {"burlov": ("member", "Burlövs kommun, barn- och utbildningsförvaltningen", "Skolchef")},
    ),
    (
        "burlov.fritidschef",
        "Pontus",
        "Krantz",
        {"burlov": ("member", "Burlövs kommun, kultur- och fritidsförvaltningen", "Fritidschef")},
    ),
    (
        "burlov.tidigare",
        "Oskar",
        "Lund",
        {"burlov": ("member", "Burlövs kommun, socialförvaltningen", "Fältsekreterare")},
    ),
    (
        "rsyd.nils",
        "Nils",
        "Bergkvist",
        {
            "burlov": ("partner", "Räddningstjänsten Syd", "Insatsledare"),
            "eslov": ("partner", "Räddningstjänsten Syd", "Insatsledare"),
        },
    ),
    (
        "eslov.kso",
        "Henrik",
        "Wallin",
        {
            "eslov": (
                "member",
                "Eslövs kommun, kommunledningskontoret",
                "Kommunstyrelsens ordförande",
            )
        },
    ),
    (
        "eslov.opposition",
        "Annika",
        "Roos",
        {"eslov": ("member", "Eslövs kommun, kommunledningskontoret", "Oppositionsråd")},
    ),
    (
        "eslov.lpo",
        "Jonas",
        "Mårtensson",
        {"eslov": ("partner", "Polisen, lokalpolisområde Eslöv", "Lokalpolisområdeschef")},
    ),
    (
        "eslov.funktionsratt",
        "Birgitta",
        "Nord",
        {"eslov": ("partner", "Funktionsrätt Eslöv", "Ordförande")},
    ),
    ("eslov.ebo", "Sofia", "Lind", {"eslov": ("partner", "Eslövs Bostads AB", "Områdeschef")}),
]

# slug: body name: [(username, role, organisation name or None for their own, start, end)].
# Dates are (years back from this year, month, day); None means open.
SEATS = {
    "burlov": {
        "Strategiskt råd": [
            ("burlov.kso", "chair"),
            ("burlov.oppositionsrad", "vice_chair"),
            ("burlov.kommundirektor", "member"),
            ("burlov.lpo", "member"),
            ("burlov.samordnare", "secretary"),
            ("burlov.ledamot", "member"),
        ],
        "Beredningsgrupp": [
            ("burlov.samordnare", "chair"),
            ("burlov.ledamot", "member"),
            ("burlov.kommunpolis", "member"),
            ("burlov.skolchef", "member"),
            ("burlov.fritidschef", "member"),
        ],
        "Arbetsgrupp ungdomar och droger": [
            ("burlov.ledamot", "chair"),
            ("burlov.skolchef", "member"),
            ("burlov.kommunpolis", "member"),
            ("burlov.fritidschef", "member"),
            ("burlov.tidigare", "member", (2, 1, 15), (1, 6, 30)),
        ],
        "Arbetsgrupp trygga miljöer": [
            ("burlov.partner", "chair"),
            ("burlov.samordnare", "member"),
            ("rsyd.nils", "member"),
            ("burlov.kommunpolis", "co_opted"),
        ],
        "Örat mot marken": [
            ("burlov.samordnare", "chair"),
            ("burlov.kommundirektor", "member"),
            ("burlov.ledamot", "member"),
            ("burlov.kommunpolis", "member"),
            ("rsyd.nils", "member"),
            ("burlov.partner", "member"),
        ],
    },
    "eslov": {
        "Rådet för hälsa och trygghet": [
            ("eslov.kso", "chair"),
            ("eslov.opposition", "vice_chair"),
            ("eslov.samordnare", "secretary"),
            ("eslov.ledamot", "member"),
            ("eslov.lpo", "member"),
            ("rsyd.nils", "member"),
            ("eslov.funktionsratt", "member"),
        ],
        "Örat mot marken": [
            ("eslov.samordnare", "chair"),
            ("eslov.ledamot", "member"),
            ("eslov.lpo", "member"),
            ("rsyd.nils", "member"),
            ("eslov.ebo", "member"),
            ("eslov.partner", "member"),
        ],
    },
}


def _years_back(spec):
    if spec is None:
        return None
    years, month, day = spec
    return datetime.date(timezone.localdate().year - years, month, day)


def seed_people(municipalities, organisations):
    people = {u.username: u for u in User.objects.filter(username__contains=".")}
    for username, first, last, roles in PEOPLE:
        user = ensure_user(username, first, last)
        people[username] = user
        for slug, (role, organisation, title) in roles.items():
            MunicipalityMembership.objects.get_or_create(
                user=user,
                municipality=municipalities[slug],
                defaults={
                    "role": role,
                    "organisation": organisations[organisation],
                    "title": title,
                },
            )
    return people


def seed_body_members(municipalities, organisations, people):
    for slug, bodies in SEATS.items():
        municipality = municipalities[slug]
        roles = {
            m.user_id: m for m in MunicipalityMembership.objects.filter(municipality=municipality)
        }
        start_default = datetime.date(timezone.localdate().year - 2, 3, 1)
        for body_name, seats in bodies.items():
            body = Body.objects.get(municipality=municipality, name=body_name)
            for seat in seats:
                username, role = seat[0], seat[1]
                start = _years_back(seat[2]) if len(seat) > 2 else start_default
                end = _years_back(seat[3]) if len(seat) > 3 else None
                user = people[username]
                Membership.objects.get_or_create(
                    body=body,
                    user=user,
                    role=role,
                    defaults={
                        "organisation": roles[user.pk].organisation,
                        "start_date": start,
                        "end_date": end,
                    },
                )


# --- Agreements -----------------------------------------------------------------------------

S = Action.Status


def seed_agreements(municipalities, organisations, people):
    today = timezone.localdate()
    year = today.year
    burlov, eslov = municipalities["burlov"], municipalities["eslov"]
    bodies = {(b.municipality_id, b.name): b for b in Body.objects.all()}

    def group(municipality, name):
        return bodies[(municipality.pk, name)]

    agreement, _ = Agreement.objects.get_or_create(
        municipality=burlov,
        title="Samverkansöverenskommelse mellan Burlövs kommun och Polisen LPO Kävlinge",
        defaults={
            "police_area": organisations["Polisen, lokalpolisområde Kävlinge"],
            "start_date": datetime.date(year - 1, 1, 1),
            "end_date": datetime.date(year + 1, 12, 31),
            "status": Agreement.Status.ACTIVE,
            "steering_body": group(burlov, "Strategiskt råd"),
            "problem_picture": (
                "Den gemensamma lägesbilden visar att ungdomar rekryteras till "
                "narkotikaförsäljning "
                "i Arlöv, att våld i nära relationer är underrapporterat och att bostadsinbrott "
                "och skadegörelse skapar otrygghet i Åkarp, Hjärup och Sunnanå."
            ),
            "municipal_signatory": "Kristina Åberg, kommunstyrelsens ordförande",
            "police_signatory": "Erik Strand, lokalpolisområdeschef LPO Kävlinge",
            "signed_on": datetime.date(year - 2, 12, 10),
        },
    )
    org = organisations
    klf = org["Burlövs kommun, kommunledningsförvaltningen"]
    soc = org["Burlövs kommun, socialförvaltningen"]
    buf = org["Burlövs kommun, barn- och utbildningsförvaltningen"]
    kof = org["Burlövs kommun, kultur- och fritidsförvaltningen"]
    police = org["Polisen, lokalpolisområde Kävlinge"]
    housing = org["Burlövs Bostäder AB"]
    youth = group(burlov, "Arbetsgrupp ungdomar och droger")
    places = group(burlov, "Arbetsgrupp trygga miljöer")
    p = people

    def d(days):
        return today + datetime.timedelta(days=days)

    burlov_plan = [
        (
            "Ungdomsbrottslighet och droger",
            "Färre unga ska dras in i kriminalitet och narkotikahandel.",
            "Tidig alkohol- och narkotikadebut, skolfrånvaro, rekrytering via sociala medier "
            "och få vuxna ute kvällstid.",
            [
                (
                    "Minska andelen elever i åk 9 som använt narkotika",
                    "Andel elever i åk 9 som någon gång använt narkotika (CAN)",
                    "%",
                    "8.0",
                    "5.0",
                    "decrease",
                    [(-300, "7.4")],
                ),
                (
                    "Minska anmälda narkotikabrott bland 15–20-åringar",
                    "Anmälda narkotikabrott, misstänkta 15–20 år",
                    "antal",
                    "46",
                    "30",
                    "decrease",
                    [(-400, "44"), (-60, "39")],
                ),
            ],
            [
                (
                    "Föräldravandringar helgkvällar i Arlöv",
                    kof,
                    youth,
                    "burlov.fritidschef",
                    -500,
                    300,
                    S.ONGOING,
                    True,
                    [
                        (
                            -70,
                            "Tolv vandringar genomförda sedan sommaren, 38 föräldrar deltar.",
                            S.ONGOING,
                            "24",
                        ),
                        (
                            -20,
                            "Nya vandrare från föreningslivet; vandringarna utökas till Hjärup.",
                            S.ONGOING,
                            "10",
                        ),
                    ],
                ),
                (
                    "SSPF-samverkan skola, socialtjänst, polis och fritid",
                    soc,
                    youth,
                    "burlov.ledamot",
                    -600,
                    200,
                    S.ONGOING,
                    True,
                    [
                        (
                            -200,
                            "Rutinen för samtycke och informationsdelning är klar.",
                            S.ONGOING,
                            "16",
                        )
                    ],
                ),
                (
                    "Drogförebyggande lektioner i åk 7–9",
                    buf,
                    youth,
                    "burlov.skolchef",
                    -620,
                    -120,
                    S.DONE,
                    False,
                    [
                        (-400, "Lektionsmaterial framtaget med polisen.", S.ONGOING, "30"),
                        (-130, "Alla klasser i åk 7–9 har fått tre lektioner.", S.DONE, "42"),
                    ],
                ),
                (
                    "Kartläggning av platser för langning",
                    police,
                    youth,
                    "burlov.kommunpolis",
                    -300,
                    -30,
                    S.ONGOING,
                    False,
                    [(-40, "Sex platser identifierade, rapport pågår.", S.ONGOING, "12")],
                ),
            ],
        ),
        (
            "Våld i nära relationer",
            "Fler utsatta ska få stöd tidigt och fler ärenden ska upptäckas.",
            "Underrapportering, brist på kunskap hos personal som möter barn och äldre, "
            "och ekonomiskt beroende.",
            [
                (
                    "Fler som utsätts söker stöd",
                    "Nya ärenden till kvinnofridsteamet per år",
                    "antal",
                    "40",
                    "60",
                    "increase",
                    [(-100, "52")],
                ),
            ],
            [
                (
                    "Utbildning i att upptäcka våld för förskolepersonal",
                    soc,
                    None,
                    "burlov.ledamot",
                    30,
                    240,
                    S.PLANNED,
                    False,
                    [],
                ),
                (
                    "Informationskampanj om stödlinjer",
                    klf,
                    None,
                    "burlov.samordnare",
                    -400,
                    -200,
                    S.CANCELLED,
                    False,
                    [(-250, "Ersätts av Länsstyrelsens regionala kampanj.", S.CANCELLED, "3")],
                ),
                (
                    "Gemensam rutin för hot- och riskbedömning",
                    police,
                    None,
                    "burlov.kommunpolis",
                    -450,
                    60,
                    S.ONGOING,
                    True,
                    [],
                ),
            ],
        ),
        (
            "Mängdbrott",
            "Färre bostadsinbrott, stölder och skadegörelse, och en tryggare fysisk miljö.",
            "Mörka gångstråk, låg grannsamverkan i villaområdena och skadegörelse som inte "
            "åtgärdas snabbt.",
            [
                (
                    "Minska bostadsinbrotten",
                    "Anmälda bostadsinbrott per 1 000 invånare",
                    "per 1 000",
                    "4.1",
                    "3.0",
                    "decrease",
                    [(-380, "3.6"), (-30, "3.2")],
                ),
                (
                    "Minska skadegörelsen",
                    "Anmälningar om skadegörelse",
                    "antal",
                    "310",
                    "250",
                    "decrease",
                    [(-45, "236")],
                ),
            ],
            [
                (
                    "Trygghetsvandringar i Sunnanå och Arlöv centrum",
                    housing,
                    places,
                    "burlov.partner",
                    -480,
                    120,
                    S.ONGOING,
                    True,
                    [
                        (
                            -100,
                            "Vandring i Sunnanå: 14 iakttagelser, varav 9 åtgärdade.",
                            S.ONGOING,
                            "18",
                        ),
                        (-12, "Vandring i Arlöv centrum med 22 deltagare.", S.ONGOING, "15"),
                    ],
                ),
                (
                    "Bättre belysning i gångtunnlar",
                    klf,
                    places,
                    "burlov.samordnare",
                    -500,
                    -150,
                    S.DONE,
                    False,
                    [(-160, "Belysningen utbytt i fyra tunnlar.", S.DONE, "60")],
                ),
                (
                    "Grannsamverkan i Åkarp och Hjärup",
                    police,
                    places,
                    "burlov.kommunpolis",
                    -200,
                    -10,
                    S.PLANNED,
                    False,
                    [],
                ),
            ],
        ),
    ]
    _seed_plan(agreement, burlov_plan, p, d)
    promise, _ = CitizenPromise.objects.get_or_create(
        agreement=agreement,
        title="Vi syns i Arlöv centrum fredag och lördag kväll",
        defaults={
            "description": "Polisen, fältsekreterare och trygghetsvärdar är på plats varje "
            "helgkväll under skolterminerna.",
            "status": CitizenPromise.Status.ONGOING,
        },
    )
    CitizenPromiseUpdate.objects.get_or_create(
        promise=promise,
        note="Närvaro 31 av 34 helger; Facebook-sidan visar veckans schema.",
        defaults={
            "author": p["burlov.samordnare"],
            "date": d(-25),
            "status": CitizenPromise.Status.ONGOING,
        },
    )

    # Eslöv: a samverkansavtal for one year at a time, with prioritised actions.
    eslov_agreement, _ = Agreement.objects.get_or_create(
        municipality=eslov,
        title=f"Samverkansavtal Eslövs kommun och Polisen LPO Eslöv {year}",
        defaults={
            "police_area": organisations["Polisen, lokalpolisområde Eslöv"],
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
            "status": Agreement.Status.ACTIVE,
            "steering_body": group(eslov, "Rådet för hälsa och trygghet"),
            "problem_picture": "Otrygghet i centrala Eslöv kvällstid, unga i riskzon och "
            "skadegörelse kring stationsområdet.",
            "municipal_signatory": "Henrik Wallin, kommunstyrelsens ordförande",
            "police_signatory": "Jonas Mårtensson, lokalpolisområdeschef LPO Eslöv",
            "signed_on": datetime.date(year - 1, 12, 15),
        },
    )
    klk = org["Eslövs kommun, kommunledningskontoret"]
    bof = org["Eslövs kommun, barn och familj"]
    epolice = org["Polisen, lokalpolisområde Eslöv"]
    ebo = org["Eslövs Bostads AB"]
    eslov_plan = [
        (
            "Trygghet i Eslövs centrum",
            "Invånarna ska känna sig trygga i centrum och vid stationen kvällstid.",
            "Folktomma stråk kvällstid, bristande belysning och samlingsplatser utan vuxna.",
            [
                (
                    "Fler känner sig trygga i centrum kvällstid",
                    "Andel som känner sig trygga (trygghetsmätning)",
                    "%",
                    "61",
                    "70",
                    "increase",
                    [],
                ),
            ],
            [
                (
                    "Trygghetsvandring vid stationsområdet varje kvartal",
                    klk,
                    None,
                    "eslov.samordnare",
                    -300,
                    30,
                    S.ONGOING,
                    True,
                    [
                        (
                            -15,
                            "Höstens vandring genomförd tillsammans med Funktionsrätt Eslöv.",
                            S.ONGOING,
                            "12",
                        )
                    ],
                ),
                (
                    "Ordningsvakter vid stationen fredag och lördag",
                    epolice,
                    None,
                    "eslov.lpo",
                    -320,
                    -20,
                    S.ONGOING,
                    True,
                    [],
                ),
                (
                    "Belysning och röjning av buskage i Stadsparken",
                    ebo,
                    None,
                    "eslov.ebo",
                    -200,
                    -60,
                    S.DONE,
                    True,
                    [(-65, "Klart: 18 nya armaturer.", S.DONE, "40")],
                ),
            ],
        ),
        (
            "Ungdomar i riskzon",
            "Tidiga insatser för unga som riskerar att dras in i kriminalitet.",
            "Skolfrånvaro och svag koppling till fritidsaktiviteter.",
            [
                (
                    "Minska antalet unga lagöverträdare",
                    "Unga misstänkta för brott, 15–17 år",
                    "antal",
                    "58",
                    "45",
                    "decrease",
                    [(-40, "51")],
                ),
            ],
            [
                (
                    "Sociala insatsgrupper för unga i riskzon",
                    bof,
                    None,
                    "eslov.ledamot",
                    -250,
                    60,
                    S.ONGOING,
                    True,
                    [(-35, "Fem unga i insatsgrupp, samordnare anställd.", S.ONGOING, "30")],
                ),
                (
                    "Helgöppen fritidsgård i Löberöd",
                    klk,
                    None,
                    "eslov.samordnare",
                    20,
                    200,
                    S.PLANNED,
                    False,
                    [],
                ),
            ],
        ),
    ]
    _seed_plan(eslov_agreement, eslov_plan, p, d)
    CitizenPromise.objects.get_or_create(
        agreement=eslov_agreement,
        title="Vi genomför trygghetsvandringar i alla tätorter under året",
        defaults={
            "description": "Invånare, föreningar, polis och kommun går tillsammans och åtgärdar "
            "det som gör platser otrygga.",
            "status": CitizenPromise.Status.ONGOING,
        },
    )


def _seed_plan(agreement, plan, people, d):
    for position, (title, description, causes, goals, actions) in enumerate(plan, start=1):
        area, _ = FocusArea.objects.get_or_create(
            agreement=agreement,
            title=title,
            defaults={"description": description, "causes": causes, "position": position},
        )
        for goal_title, indicator, unit, baseline, target, direction, values in goals:
            goal, _ = Goal.objects.get_or_create(
                focus_area=area,
                title=goal_title,
                defaults={
                    "indicator": indicator,
                    "unit": unit,
                    "baseline": baseline,
                    "baseline_date": agreement.start_date,
                    "target": target,
                    "target_date": agreement.end_date,
                    "direction": direction,
                    "source": "CAN" if "CAN" in indicator else "",
                },
            )
            for days, value in values:
                if not goal.measurements.filter(value=value).exists():
                    GoalMeasurement.objects.get_or_create(
                        goal=goal, measured_on=d(days), defaults={"value": value}
                    )
        for (
            action_title,
            organisation,
            working_group,
            lead,
            start,
            due,
            status,
            priority,
            updates,
        ) in actions:
            action, created = Action.objects.get_or_create(
                focus_area=area,
                title=action_title,
                defaults={
                    "responsible_organisation": organisation,
                    "working_group": working_group,
                    "lead": people[lead],
                    # Within the agreement's period (Eslöv's runs one calendar year).
                    "start_date": max(d(start), agreement.start_date),
                    "due_date": max(
                        min(d(due), agreement.end_date), max(d(start), agreement.start_date)
                    ),
                    "status": status,
                    "is_priority": priority,
                },
            )
            previous = S.PLANNED
            for days, note, new_status, hours in updates:
                ActionUpdate.objects.get_or_create(
                    action=action,
                    note=note,
                    defaults={
                        "author": people[lead],
                        "date": d(days),
                        "status": new_status,
                        "previous_status": previous,
                        "hours_spent": hours,
                    },
                )
                previous = new_status
