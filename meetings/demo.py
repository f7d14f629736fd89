"""Demo meetings for Burlöv and Eslöv: a series for every body, past meetings with minutes and
action items, and a safety walk in Eslöv with Funktionsrätt Eslöv.

Idempotent: series and walks are looked up by natural keys, meetings by their rule occurrence,
and past meetings are only given minutes while they are still planned.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from councils.models import Area, Body, Membership, Municipality, Organisation, User

from . import services
from .models import Attendance, Kind, Meeting, MeetingSeries, Observation
from .recurrence import STOCKHOLM

R = MeetingSeries.Recurrence
W = MeetingSeries.Weekday

STANDARD_AGENDA = {
    "situation_group": "Mötet öppnas, föregående minnesanteckningar\n"
    "Läget de senaste veckorna: varje organisation\n"
    "Blicka framåt: evenemang, lov och helger\n"
    "Övriga frågor",
    "council": "Mötet öppnas, val av justerare\n"
    "Lägesbild och uppföljning av samverkansavtalet\n"
    "Trygghetsvandringar\n"
    "Övriga frågor",
    "strategic_council": "Mötet öppnas\n"
    "Lägesbild och analys\n"
    "Uppföljning av samverkansöverenskommelsen\n"
    "Beslut om prioriteringar",
    "preparation_group": "Mötet öppnas\n"
    "Den gemensamma lägesbilden\n"
    "Arbetsgruppernas rapporter\n"
    "Förberedelse inför strategiska rådet",
    "working_group": "Mötet öppnas\nInsatser: status\nNästa steg",
}

# (municipality slug, body name): series fields
SERIES = {
    ("burlov", "Örat mot marken"): {
        "recurrence": R.BIWEEKLY,
        "weekday": W.TUESDAY,
        "start_time": datetime.time(9, 0),
        "duration_minutes": 60,
        "place": "Kommunhuset, Arlöv, sammanträdesrum Tågarp",
        "video_url": "https://meet.example.org/burlov-orat-mot-marken",
    },
    ("burlov", "Strategiskt råd"): {
        "recurrence": R.RRULE,
        "rrule": "FREQ=MONTHLY;INTERVAL=2;BYDAY=3TH",
        "weekday": W.THURSDAY,
        "start_time": datetime.time(13, 30),
        "duration_minutes": 120,
        "place": "Kommunhuset, Arlöv, KS-salen",
    },
    ("burlov", "Beredningsgrupp"): {
        "recurrence": R.MONTHLY_WEEKDAY,
        "weekday": W.WEDNESDAY,
        "week_of_month": 2,
        "start_time": datetime.time(10, 0),
        "duration_minutes": 90,
        "place": "Kommunhuset, Arlöv",
    },
    ("burlov", "Arbetsgrupp ungdomar och droger"): {
        "recurrence": R.AS_DECIDED,
        "weekday": W.MONDAY,
        "start_time": datetime.time(14, 0),
        "duration_minutes": 60,
        "place": "Fritidsgården, Arlöv",
    },
    ("burlov", "Arbetsgrupp trygga miljöer"): {
        "recurrence": R.RRULE,
        "rrule": "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH",
        "weekday": W.THURSDAY,
        "start_time": datetime.time(8, 30),
        "duration_minutes": 60,
        "place": "Teknisk förvaltning, Åkarp",
    },
    ("eslov", "Örat mot marken"): {
        "recurrence": R.WEEKLY,
        "weekday": W.MONDAY,
        "start_time": datetime.time(13, 0),
        "duration_minutes": 60,
        "place": "Stadshuset, Eslöv, rum Kärnan",
        "video_url": "https://meet.example.org/eslov-orat-mot-marken",
    },
    ("eslov", "Rådet för hälsa och trygghet"): {
        "recurrence": R.MONTHLY_WEEKDAY,
        "weekday": W.TUESDAY,
        "week_of_month": 1,
        "start_time": datetime.time(15, 0),
        "duration_minutes": 120,
        "place": "Stadshuset, Eslöv, Sessionssalen",
    },
}

# (slug, body): [(username, role)]
MEMBERS = {
    ("burlov", "Örat mot marken"): [
        ("burlov.samordnare", Membership.Role.CHAIR),
        ("burlov.ledamot", Membership.Role.MEMBER),
        ("burlov.partner", Membership.Role.MEMBER),
    ],
    ("burlov", "Strategiskt råd"): [
        ("burlov.admin", Membership.Role.MEMBER),
        ("burlov.samordnare", Membership.Role.SECRETARY),
    ],
    ("burlov", "Beredningsgrupp"): [
        ("burlov.samordnare", Membership.Role.CHAIR),
        ("burlov.ledamot", Membership.Role.MEMBER),
    ],
    ("burlov", "Arbetsgrupp ungdomar och droger"): [("burlov.ledamot", Membership.Role.CHAIR)],
    ("burlov", "Arbetsgrupp trygga miljöer"): [
        ("burlov.samordnare", Membership.Role.CHAIR),
        ("burlov.partner", Membership.Role.MEMBER),
    ],
    ("eslov", "Örat mot marken"): [
        ("eslov.samordnare", Membership.Role.CHAIR),
        ("eslov.ledamot", Membership.Role.MEMBER),
        ("eslov.partner", Membership.Role.MEMBER),
    ],
    ("eslov", "Rådet för hälsa och trygghet"): [
        ("eslov.admin", Membership.Role.MEMBER),
        ("eslov.samordnare", Membership.Role.SECRETARY),
        ("eslov.ledamot", Membership.Role.MEMBER),
    ],
}

NOTES = {
    "Läget de senaste veckorna: varje organisation": (
        "Polisen: två anmälda inbrott i förråd i Arlöv centrum, en bilbrand vid Sunnanå. "
        "Räddningstjänsten: tre anlagda bränder i papperskorgar. Burlövs Bostäder: klotter i "
        "trapphus på Kronetorpsvägen, sanerat inom 24 timmar.",
        "Samordnaren sammanställer en lägesbild inför beredningsgruppen.",
    ),
    "Blicka framåt: evenemang, lov och helger": (
        "Höstlovet närmar sig; fritidsgården har förlängda öppettider. Marknad på torget.",
        "Fältgruppen och polisen samordnar närvaro under höstlovet.",
    ),
}

ACTIONS = [
    ("Kontakta fastighetsägaren om skadegörelse vid pendeltågsstationen", "burlov.samordnare", 7),
    ("Ta fram karta över platser med nedsläckt belysning", "burlov.ledamot", 14),
    ("Bjuda in fältgruppen till nästa möte", "burlov.samordnare", 10),
]

WALK = {
    "title": "Trygghetsvandring Eslöv centrum",
    "route": "Stationen – Stora torget – Stadsparken – Ystadvägen – Källebergsskolan",
    "area": "Eslöv tätort",
    "guests": [
        ("Birgitta Månsson", "Funktionsrätt Eslöv"),
        ("Kerstin Olsson", "Funktionsrätt Eslöv"),
        ("Erik Svensson", "Polisen, lokalpolisområde Eslöv"),
        ("Lina Persson", "Eslövs Bostads AB"),
    ],
    "observations": [
        (
            "Gångtunneln under järnvägen",
            Observation.Category.LIGHTING,
            "Två armaturer trasiga; tunneln är mörk efter kl. 17.",
            "55.83860",
            "13.30540",
            "Eslövs kommun, kommunledningskontoret",
        ),
        (
            "Stadsparken, gångvägen mot Ystadvägen",
            Observation.Category.VEGETATION,
            "Buskar skymmer sikten längs gångvägen; upplevs otryggt.",
            "55.83680",
            "13.30920",
            "Eslövs Bostads AB",
        ),
        (
            "Busshållplatsen vid Stora torget",
            Observation.Category.ACCESSIBILITY,
            "Kantsten saknar avfasning; svårt med rullstol och rollator.",
            "55.83950",
            "13.30300",
            None,
        ),
        (
            "Källebergsskolans cykelställ",
            Observation.Category.VANDALISM,
            "Klotter och sönderslagen belysningsstolpe.",
            "55.84210",
            "13.29650",
            None,
        ),
    ],
}


def seed(stdout=None):
    today = timezone.localdate()
    municipalities = {m.slug: m for m in Municipality.objects.filter(slug__in=["burlov", "eslov"])}
    if len(municipalities) < 2:
        return
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    series_made = 0
    for (slug, body_name), fields in SERIES.items():
        body = Body.objects.filter(municipality=municipalities[slug], name=body_name).first()
        if body is None:
            continue
        for username, role in MEMBERS.get((slug, body_name), []):
            if username in users:
                Membership.objects.get_or_create(
                    body=body, user=users[username], defaults={"role": role}
                )
        # Start on the right weekday ten weeks ago, so there are past meetings.
        start = today - datetime.timedelta(weeks=10)
        start += datetime.timedelta(days=(fields["weekday"] - start.weekday()) % 7)
        defaults = {
            "municipality": body.municipality,
            "start_date": start,
            "default_agenda": STANDARD_AGENDA.get(body.kind, ""),
            **{k: v for k, v in fields.items() if k != "weekday"},
        }
        if fields["recurrence"] == R.MONTHLY_WEEKDAY:
            defaults["weekday"] = fields["weekday"]
        series, created = MeetingSeries.objects.get_or_create(body=body, defaults=defaults)
        series_made += created
    # Past six weeks and eight ahead.
    six_weeks_ago = timezone.now() - datetime.timedelta(weeks=6)
    services.generate_meetings(weeks=14, now=six_weeks_ago)
    _past_minutes(municipalities["burlov"], users)
    _past_minutes(municipalities["eslov"], users)
    _safety_walk(municipalities["eslov"], users)
    # Upcoming agendas were filled when their meetings were planned: bring them up to date
    # with the action items decided above.
    services.refresh_upcoming_agendas(days=70)
    if stdout:
        stdout.write(
            f"meetings: {MeetingSeries.objects.count()} series ({series_made} new), "
            f"{Meeting.objects.count()} meetings"
        )


def _past_minutes(municipality, users):
    """Give the situation group's past meetings attendance, minutes and action items: the
    older ones approved, the latest one held with its minutes still a draft."""
    coordinator = users.get(f"{municipality.slug}.samordnare")
    past = list(
        Meeting.objects.filter(
            municipality=municipality,
            body__kind=Body.Kind.SITUATION_GROUP,
            end__lt=timezone.now(),
            status=Meeting.Status.PLANNED,
        ).order_by("start")
    )
    for index, meeting in enumerate(past):
        services.publish_agenda(meeting, notify=False)
        for attendance in meeting.attendances.all():
            attendance.status = (
                Attendance.Status.APOLOGIES
                if attendance.user and attendance.user.username.endswith("partner") and index % 2
                else Attendance.Status.PRESENT
            )
            attendance.save(update_fields=["status"])
        Attendance.objects.get_or_create(
            meeting=meeting,
            name="Erik Svensson",
            defaults={
                "organisation_name": "Polisen, kommunpolis",
                "role": Attendance.Role.GUEST,
                "status": Attendance.Status.PRESENT,
            },
        )
        for item in meeting.agenda_items.all():
            notes, decision = NOTES.get(item.title, ("Diskuterades.", ""))
            item.notes, item.decisions = notes, decision
            item.save(update_fields=["notes", "decisions"])
        if municipality.slug == "burlov" and index < len(ACTIONS):
            what, owner, days = ACTIONS[index]
            action = services.add_action_item(
                meeting,
                what=what,
                owner=users.get(owner),
                due_date=timezone.localdate(meeting.start) + datetime.timedelta(days=days),
                agenda_item=meeting.agenda_items.order_by("position").first(),
            )
            if index == 0:
                services.set_action_status(action, action.Status.DONE)
        services.mark_held(meeting)
        if coordinator and index < len(past) - 1:
            services.approve_minutes(meeting, coordinator)


def _safety_walk(municipality, users):
    body = Body.objects.filter(municipality=municipality, kind=Body.Kind.COUNCIL).first()
    coordinator = users.get(f"{municipality.slug}.samordnare")
    if body is None or coordinator is None:
        return
    day = timezone.localdate() - datetime.timedelta(days=17)
    start = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=STOCKHOLM)
    walk, created = Meeting.objects.get_or_create(
        municipality=municipality,
        body=body,
        kind=Kind.SAFETY_WALK,
        title=WALK["title"],
        defaults={
            "start": start,
            "end": start + datetime.timedelta(hours=2),
            "place": "Samling vid Eslövs station",
            "route": WALK["route"],
            "area": Area.objects.filter(municipality=municipality, name=WALK["area"]).first(),
        },
    )
    if not created:
        return
    services.invite_members(walk)
    for name, organisation in WALK["guests"]:
        Attendance.objects.create(
            meeting=walk,
            name=name,
            organisation_name=organisation,
            role=Attendance.Role.GUEST,
            status=Attendance.Status.PRESENT,
        )
    walk.attendances.filter(user__isnull=False).update(status=Attendance.Status.PRESENT)
    for place, category, description, lat, lng, responsible in WALK["observations"]:
        observation = Observation.objects.create(
            municipality=municipality,
            meeting=walk,
            place=place,
            category=category,
            description=description,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            created_by=coordinator,
        )
        if responsible:
            services.observation_to_action(
                observation,
                owner_organisation=Organisation.objects.filter(name=responsible).first(),
                due_date=day + datetime.timedelta(days=30),
            )
    services.add_item(walk, title="Samling och genomgång av rutten", minutes_allotted=15)
    services.add_item(walk, title="Vandring", minutes_allotted=75)
    services.add_item(walk, title="Sammanfattning och fortsatt arbete", minutes_allotted=30)
    services.mark_held(walk)
