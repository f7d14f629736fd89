"""Demo meetings for Burlöv and Eslöv: a series for every body, past meetings with minutes and
action items, and a safety walk in Eslöv with Funktionsrätt Eslöv.

What the demo holds is data, in ``demo.toml``; this module makes the dates (relative to
today) and calls the services. Idempotent: series and walks are looked up by natural keys,
meetings by their rule occurrence, and past meetings are only given minutes while they are
still planned.
"""

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from councils.models import Area, Body, Membership, Municipality, Organisation, User

from . import services
from .models import Attendance, Kind, Meeting, MeetingSeries, Observation
from .recurrence import STOCKHOLM

DATA_FILE = Path(__file__).with_name("demo.toml")

# The keys of a [[series]] entry that are not fields of the series.
NOT_SERIES_FIELDS = ("municipality", "body", "members", "weekday")


def load_data():
    with DATA_FILE.open("rb") as f:
        return tomllib.load(f)


def seed(stdout=None):
    data = load_data()
    today = timezone.localdate()
    municipalities = {
        m.slug: m for m in Municipality.objects.filter(slug__in=data["municipalities"])
    }
    if len(municipalities) < len(data["municipalities"]):
        return
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    series_made = 0
    for entry in data["series"]:
        body = Body.objects.filter(
            municipality=municipalities[entry["municipality"]], name=entry["body"]
        ).first()
        if body is None:
            continue
        for seat in entry.get("members", []):
            if seat["user"] in users:
                Membership.objects.get_or_create(
                    body=body,
                    user=users[seat["user"]],
                    defaults={"role": Membership.Role(seat["role"])},
                )
        weekday = MeetingSeries.Weekday[entry["weekday"].upper()]
        # Start on the right weekday ten weeks ago, so there are past meetings.
        start = today - datetime.timedelta(weeks=10)
        start += datetime.timedelta(days=(weekday - start.weekday()) % 7)
        defaults = {
            "municipality": body.municipality,
            "start_date": start,
            "default_agenda": "\n".join(data["standard_agenda"].get(body.kind, [])),
            **{k: v for k, v in entry.items() if k not in NOT_SERIES_FIELDS},
            "recurrence": MeetingSeries.Recurrence(entry["recurrence"]),
        }
        if defaults["recurrence"] == MeetingSeries.Recurrence.MONTHLY_WEEKDAY:
            defaults["weekday"] = weekday
        series, created = MeetingSeries.objects.get_or_create(body=body, defaults=defaults)
        series_made += created
    # Past six weeks and eight ahead.
    six_weeks_ago = timezone.now() - datetime.timedelta(weeks=6)
    services.generate_meetings(weeks=14, now=six_weeks_ago)
    for slug in data["municipalities"]:
        _past_minutes(municipalities[slug], users, data)
    walk = data["safety_walk"]
    _safety_walk(municipalities[walk["municipality"]], users, data)
    # Upcoming agendas were filled when their meetings were planned: bring them up to date
    # with the action items decided above.
    services.refresh_upcoming_agendas(days=70)
    if stdout:
        stdout.write(
            f"meetings: {MeetingSeries.objects.count()} series ({series_made} new), "
            f"{Meeting.objects.count()} meetings"
        )


def _past_minutes(municipality, users, data):
    """Give the past meetings of the municipality's bodies of ``past_minutes.body_kind``
    attendance, minutes and action items: the older ones approved, the latest one held with
    its minutes still a draft."""
    spec = data["past_minutes"]
    coordinator = users.get(data["coordinators"][municipality.slug])
    absent_at_times = set(spec["apologies_every_other_meeting"])
    notes = {item["title"]: item for item in spec["items"]}
    actions = spec["action_items"].get(municipality.slug, [])
    past = list(
        Meeting.objects.filter(
            municipality=municipality,
            body__kind=Body.Kind(spec["body_kind"]),
            end__lt=timezone.now(),
            status=Meeting.Status.PLANNED,
        ).order_by("start")
    )
    for index, meeting in enumerate(past):
        services.publish_agenda(meeting, notify=False)
        for attendance in meeting.attendances.all():
            attendance.status = (
                Attendance.Status.APOLOGIES
                if attendance.user and attendance.user.username in absent_at_times and index % 2
                else Attendance.Status.PRESENT
            )
            attendance.save(update_fields=["status"])
        Attendance.objects.get_or_create(
            meeting=meeting,
            name=spec["guest"]["name"],
            defaults={
                "organisation_name": spec["guest"]["organisation"],
                "role": Attendance.Role.GUEST,
                "status": Attendance.Status.PRESENT,
            },
        )
        for item in meeting.agenda_items.all():
            written = notes.get(item.title, {})
            item.notes = written.get("notes", spec["notes"])
            item.decisions = written.get("decisions", "")
            item.save(update_fields=["notes", "decisions"])
        if index < len(actions):
            decided = actions[index]
            action = services.add_action_item(
                meeting,
                what=decided["what"],
                owner=users.get(decided["owner"]),
                due_date=timezone.localdate(meeting.start)
                + datetime.timedelta(days=decided["due_in_days"]),
                agenda_item=meeting.agenda_items.order_by("position").first(),
            )
            if decided.get("done"):
                services.set_action_status(action, action.Status.DONE)
        services.mark_held(meeting)
        if coordinator and index < len(past) - 1:
            services.approve_minutes(meeting, coordinator)


def _safety_walk(municipality, users, data):
    spec = data["safety_walk"]
    body = Body.objects.filter(municipality=municipality, kind=Body.Kind(spec["body_kind"])).first()
    coordinator = users.get(data["coordinators"][municipality.slug])
    if body is None or coordinator is None:
        return
    day = timezone.localdate() - datetime.timedelta(days=spec["days_ago"])
    start = datetime.datetime.combine(day, spec["start_time"], tzinfo=STOCKHOLM)
    walk, created = Meeting.objects.get_or_create(
        municipality=municipality,
        body=body,
        kind=Kind.SAFETY_WALK,
        title=spec["title"],
        defaults={
            "start": start,
            "end": start + datetime.timedelta(hours=spec["duration_hours"]),
            "place": spec["place"],
            "route": spec["route"],
            "area": Area.objects.filter(municipality=municipality, name=spec["area"]).first(),
        },
    )
    if not created:
        return
    services.invite_members(walk)
    for guest in spec["guests"]:
        Attendance.objects.create(
            meeting=walk,
            name=guest["name"],
            organisation_name=guest["organisation"],
            role=Attendance.Role.GUEST,
            status=Attendance.Status.PRESENT,
        )
    walk.attendances.filter(user__isnull=False).update(status=Attendance.Status.PRESENT)
    for seen in spec["observations"]:
        observation = Observation.objects.create(
            municipality=municipality,
            meeting=walk,
            place=seen["place"],
            category=Observation.Category(seen["category"]),
            description=seen["description"],
            latitude=Decimal(seen["latitude"]),
            longitude=Decimal(seen["longitude"]),
            created_by=coordinator,
        )
        if seen.get("responsible"):
            services.observation_to_action(
                observation,
                owner_organisation=Organisation.objects.filter(name=seen["responsible"]).first(),
                due_date=day + datetime.timedelta(days=spec["action_due_in_days"]),
            )
    for item in spec["agenda"]:
        services.add_item(walk, title=item["title"], minutes_allotted=item["minutes"])
    services.mark_held(walk)
