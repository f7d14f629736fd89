"""Demo data for Burlöv and Eslöv: municipalities and their areas, organisations, bodies, one
demo user per role in each, the members of the bodies and an agreement with the police each.

The rows are in ``demo.toml`` next to this module; here is what makes them: dates relative to
today, the choice values checked against the models' choices, and a look-up by each row's
natural key before it is created, so that seeding twice changes nothing.

All demo users have the password ``DEMO_PASSWORD`` (documented in the README).
"""

import datetime
import json
import tomllib
from pathlib import Path

import shapely
from django.utils import timezone

from councils.models import (
    Action,
    ActionUpdate,
    Agreement,
    ApiToken,
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
    MunicipalityOutline,
    Organisation,
    User,
)
from councils.models.tokens import hash_secret
from councils.services.tokens import create_token

DEMO_PASSWORD = "trygghet-demo"
DATA_FILE = Path(__file__).with_name("demo.toml")

# The demo's operator of the installation: the Django admin is not divided by municipality, so
# only superusers use it (README). Created here and nowhere else: a real installation makes its
# own with ``manage.py createsuperuser``.
OPERATOR_USERNAME = "drift"


def load():
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def seed(stdout=None):
    data = load()
    today = timezone.localdate()
    municipalities = seed_municipalities(data["municipalities"])
    organisations = seed_organisations(data["organisations"], municipalities)
    bodies = seed_bodies(data["bodies"], municipalities)
    people = seed_people(data["people"], municipalities, organisations)
    seed_seats(data["bodies"], today, bodies, people, default_start=data["seat_start"])
    for agreement in data["agreements"]:
        seed_agreement(agreement, today, municipalities, organisations, bodies, people)
    for row in data.get("api_tokens", []):
        seed_api_token(row, municipalities, people)
    ensure_operator()
    if stdout:
        stdout.write(
            f"councils: {len(municipalities)} municipalities, {len(organisations)} organisations, "
            f"{Membership.objects.count()} body seats, {Agreement.objects.count()} agreements, "
            f"{Action.objects.count()} actions"
        )


def seed_api_token(row, municipalities, people):
    """The demo's token, with the secret from ``demo.toml`` (documented in the README)."""
    if ApiToken.objects.filter(token_hash=hash_secret(row["secret"])).exists():
        return
    membership = MunicipalityMembership.objects.get(
        user=people[row["person"]], municipality=municipalities[row["municipality"]]
    )
    create_token(
        membership,
        name=row["name"],
        can_read=row["can_read"],
        can_write_incidents=row["can_write_incidents"],
        actor=None,
        secret=row["secret"],
    )


# --- Relative dates ---------------------------------------------------------------------------


def on_day(today, spec):
    """``[years, month, day]``: that day of the year ``years`` from this one; None stays None."""
    if spec is None:
        return None
    years, month, day = spec
    return datetime.date(today.year + years, month, day)


def in_days(today, days):
    return today + datetime.timedelta(days=days)


# --- Municipalities, organisations, bodies ------------------------------------------------------


def seed_municipalities(rows):
    municipalities = {}
    for slug, row in rows.items():
        municipality, _ = Municipality.objects.update_or_create(
            slug=slug,
            defaults={key: row[key] for key in ("name", "code", "county", "population")},
        )
        municipalities[slug] = municipality
        for area in row["areas"]:
            Area.objects.get_or_create(
                municipality=municipality,
                name=area["name"],
                defaults={"latitude": area["latitude"], "longitude": area["longitude"]},
            )
        if row.get("outline"):
            seed_outlines(municipality, row)
    return municipalities


def seed_outlines(municipality, row):
    """The demo's approximate outlines: the municipality's from the file, each area's the part
    of it nearer that area's centre than any other's (a Voronoi cell). Outlines drawn or
    imported by hand since are kept."""
    outline = shapely.Polygon(row["outline"])
    MunicipalityOutline.objects.get_or_create(
        municipality=municipality,
        defaults={"geometry": json.loads(shapely.to_geojson(outline))},
    )
    centres = {a["name"]: shapely.Point(a["longitude"], a["latitude"]) for a in row["areas"]}
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(centres.values())), extend_to=outline)
    for name, centre in centres.items():
        cell = next(c for c in cells.geoms if c.covers(centre))
        part = shapely.set_precision(cell.intersection(outline), 0.00001)
        Area.objects.filter(municipality=municipality, name=name, outline__isnull=True).update(
            outline=json.loads(shapely.to_geojson(part))
        )


def seed_organisations(rows, municipalities):
    organisations = {}
    for row in rows:
        organisation, _ = Organisation.objects.get_or_create(
            name=row["name"],
            defaults={"short_name": row["short_name"], "kind": Organisation.Kind(row["kind"])},
        )
        organisation.municipalities.add(*(municipalities[slug] for slug in row["municipalities"]))
        organisations[row["name"]] = organisation
    return organisations


def seed_bodies(rows, municipalities):
    """The bodies by (municipality slug, name); a parent comes before its groups."""
    bodies = {}
    for row in rows:
        slug = row["municipality"]
        body, _ = Body.objects.get_or_create(
            municipality=municipalities[slug],
            name=row["name"],
            defaults={
                "kind": Body.Kind(row["kind"]),
                "mandate": row["mandate"],
                "parent": bodies.get((slug, row.get("parent"))),
            },
        )
        bodies[(slug, row["name"])] = body
    return bodies


# --- People and their seats ---------------------------------------------------------------------


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


def ensure_operator():
    user = ensure_user(OPERATOR_USERNAME, "Drift", "Trygghet")
    if not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


def seed_people(rows, municipalities, organisations):
    """Each person with their role in each municipality; returns the users by username."""
    people = {}
    for row in rows:
        user = ensure_user(row["username"], row["first_name"], row["last_name"])
        people[row["username"]] = user
        for slug, role in row["roles"].items():
            MunicipalityMembership.objects.get_or_create(
                user=user,
                municipality=municipalities[slug],
                defaults={
                    "role": MunicipalityMembership.Role(role["role"]),
                    "organisation": organisations[role["organisation"]],
                    "title": role["title"],
                },
            )
    return people


def seed_seats(rows, today, bodies, people, *, default_start):
    """The seats of each body; a seat represents the organisation of its holder's role in the
    municipality, and begins on ``default_start`` unless it says otherwise."""
    for row in rows:
        body = bodies[(row["municipality"], row["name"])]
        represents = {
            m.user_id: m.organisation
            for m in MunicipalityMembership.objects.filter(municipality=body.municipality_id)
        }
        for seat in row["seats"]:
            user = people[seat["person"]]
            Membership.objects.get_or_create(
                body=body,
                user=user,
                role=Membership.Role(seat["role"]),
                defaults={
                    "organisation": represents[user.pk],
                    "start_date": on_day(today, seat.get("start", default_start)),
                    "end_date": on_day(today, seat.get("end")),
                },
            )


# --- Agreements -----------------------------------------------------------------------------------


def seed_agreement(row, today, municipalities, organisations, bodies, people):
    slug = row["municipality"]
    start = on_day(today, row["start"])
    agreement, _ = Agreement.objects.get_or_create(
        municipality=municipalities[slug],
        title=row["title"].format(year=start.year),
        defaults={
            "police_area": organisations[row["police_area"]],
            "start_date": start,
            "end_date": on_day(today, row["end"]),
            "status": Agreement.Status(row["status"]),
            "steering_body": bodies[(slug, row["steering_body"])],
            "problem_picture": row["problem_picture"],
            "municipal_signatory": row["municipal_signatory"],
            "police_signatory": row["police_signatory"],
            "signed_on": on_day(today, row["signed_on"]),
        },
    )
    for position, focus_area in enumerate(row["focus_areas"], start=1):
        area, _ = FocusArea.objects.get_or_create(
            agreement=agreement,
            title=focus_area["title"],
            defaults={
                "description": focus_area["description"],
                "causes": focus_area["causes"],
                "position": position,
            },
        )
        for goal in focus_area["goals"]:
            seed_goal(area, goal, today)
        for action in focus_area["actions"]:
            seed_action(area, action, today, organisations, bodies, people)
    for promise in row["citizen_promises"]:
        seed_citizen_promise(agreement, promise, today, people)
    return agreement


def seed_goal(area, row, today):
    agreement = area.agreement
    goal, _ = Goal.objects.get_or_create(
        focus_area=area,
        title=row["title"],
        defaults={
            "indicator": row["indicator"],
            "unit": row["unit"],
            "baseline": row["baseline"],
            "baseline_date": agreement.start_date,
            "target": row["target"],
            "target_date": agreement.end_date,
            "direction": Goal.Direction(row["direction"]),
            "source": row.get("source", ""),
        },
    )
    for measurement in row["measurements"]:
        value = measurement["value"]
        if not goal.measurements.filter(value=value).exists():
            GoalMeasurement.objects.get_or_create(
                goal=goal,
                measured_on=in_days(today, measurement["days"]),
                defaults={"value": value},
            )


def seed_action(area, row, today, organisations, bodies, people):
    """An action, within its agreement's period (Eslöv's runs one calendar year), with its
    follow-ups by its lead, each recording the status it moved from."""
    agreement = area.agreement
    slug = agreement.municipality.slug
    lead = people[row["lead"]]
    start = max(in_days(today, row["start_days"]), agreement.start_date)
    due = max(min(in_days(today, row["due_days"]), agreement.end_date), start)
    working_group = row.get("working_group")
    action, _ = Action.objects.get_or_create(
        focus_area=area,
        title=row["title"],
        defaults={
            "responsible_organisation": organisations[row["organisation"]],
            "working_group": bodies[(slug, working_group)] if working_group else None,
            "lead": lead,
            "start_date": start,
            "due_date": due,
            "status": Action.Status(row["status"]),
            "is_priority": row["priority"],
        },
    )
    previous = Action.Status.PLANNED
    for update in row.get("updates", []):
        status = Action.Status(update["status"])
        ActionUpdate.objects.get_or_create(
            action=action,
            note=update["note"],
            defaults={
                "author": lead,
                "date": in_days(today, update["days"]),
                "status": status,
                "previous_status": previous,
                "hours_spent": update["hours"],
            },
        )
        previous = status


def seed_citizen_promise(agreement, row, today, people):
    promise, _ = CitizenPromise.objects.get_or_create(
        agreement=agreement,
        title=row["title"],
        defaults={
            "description": row["description"],
            "status": CitizenPromise.Status(row["status"]),
        },
    )
    for update in row.get("updates", []):
        CitizenPromiseUpdate.objects.get_or_create(
            promise=promise,
            note=update["note"],
            defaults={
                "author": people[update["author"]],
                "date": in_days(today, update["days"]),
                "status": CitizenPromise.Status(update["status"]),
            },
        )
