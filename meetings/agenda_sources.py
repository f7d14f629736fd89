"""Agenda sources: the extension point that fills a meeting's agenda by itself.

Contract
--------
A source is a function ``source(meeting, previous)`` registered under a short key::

    from meetings.agenda_sources import AgendaItemSpec, register_agenda_source

    def new_incidents(meeting, previous):
        since = previous.start if previous else meeting.start - timedelta(days=14)
        counts = ...  # incidents of meeting.municipality since ``since``, by category
        if not counts:
            return []
        return [AgendaItemSpec(
            key="since-last",                       # unique within the source
            title="Nya händelser sedan förra mötet",
            description="\\n".join(f"{c}: {n}" for c, n in counts),
            link=f"/{meeting.municipality.slug}/incidents/?since={since:%Y-%m-%d}",
            restricted_description=...,             # the same with restricted incidents
        )]

    register_agenda_source("incidents", new_incidents, order=20)  # in AppConfig.ready()

- ``meeting`` is the ``Meeting`` being filled; ``previous`` is the body's last meeting before it
  that was not cancelled (or ``None``).
- The function returns a list of ``AgendaItemSpec``; an empty list means "nothing to say".
- It must only read. It runs when a meeting is created by hand, every night for the planned
  meetings of the coming 14 days (a series' meetings are planned weeks ahead, when most sources
  would have nothing current to say; they start with their series' default items), when a
  coordinator presses "Refill agenda" and when the agenda is published.
- The count rule (issue 9; README "Who sees what: restricted incidents"): ``description`` is
  what every member and a share-link page reads, so it is built from open data only. Figures
  that include restricted incidents go into ``restricted_description`` (empty when the same),
  shown to public authorities only (``AgendaItem.description_for``). ``shareable=False`` keeps
  an item off share-link pages altogether; refilling never turns an item shareable that a
  coordinator (or the source) has made non-shareable.

Texts (issue 12): ``title``, ``description`` and ``restricted_description`` may be plain strings
(data, shown as they are: a series' own headings) or texts built with
``meetings.agenda_texts.Text`` (a message id and its parameters; a description a list of them,
one a line). Built texts are stored as data and rendered in the reader's language.

Filling is idempotent: each automatic item is stored with ``source_key = "<source>:<spec.key>"``;
a refill updates the item (title, description, link) instead of adding a second one, removes an
automatic item that its source no longer produces (unless minutes were written on it) and never
touches items added by hand. Sources run in ``order``; a new item goes before the closing items
("Övriga frågor", see ``CLOSING_HEADINGS``) or, if there are none, after the others.

A spec with ``headings`` fills the series item whose title starts with one of them instead of
adding an item of its own: the series' "Blicka framåt" heading gets the upcoming events as its
text. Without such a heading the spec is an item of its own.

The agenda is current whenever it is read: the meeting page refills a planned meeting's agenda
as it opens it (``meetings.services.current_agenda``) and says "figures as of ...". A published
agenda keeps what was sent; its page shows next to each item what has changed since.
"""

from dataclasses import dataclass
from typing import Any

from .agenda_texts import Text
from .models import ActionItem, Kind, Observation

# Headings (lower case, a title's beginning) of the items that close a meeting: automatic items
# go before them.
CLOSING_HEADINGS = (
    "övriga frågor",
    "övrigt",
    "mötet avslutas",
    "mötets avslutande",
    "avslutning",
    "nästa möte",
    "any other business",
    "other business",
    "closing",
    "next meeting",
)


def is_closing(title):
    return title.strip().casefold().startswith(CLOSING_HEADINGS)


@dataclass
class AgendaItemSpec:
    key: str
    title: Any  # a string (shown as it is) or a Text (see meetings.agenda_texts)
    description: Any = ""  # built from open data only: every reader sees it (a Text: lines)
    restricted_description: Any = ""  # with restricted data, for public authorities only
    link: str = ""
    shareable: bool = True
    presenter: str = ""
    minutes_allotted: int | None = None
    obj: Any = None  # the object the item is about (a report, say), stored as a generic link
    # Fill the series item that starts with one of these headings (lower case) instead;
    # without such an item, ``standalone=False`` leaves the spec out.
    headings: tuple = ()
    standalone: bool = True


@dataclass
class _Source:
    key: str
    func: Any
    order: int


_REGISTRY: dict[str, _Source] = {}

# The source of a series' default items; generation adds them in bulk under this key.
SERIES_SOURCE = "series"


def register_agenda_source(key, func, order=50):
    """Register (or replace) the source ``key``. Safe to call twice (AppConfig.ready)."""
    if ":" in key:
        raise ValueError("An agenda source key may not contain ':'")
    _REGISTRY[key] = _Source(key=key, func=func, order=order)


def unregister_agenda_source(key):
    _REGISTRY.pop(key, None)


def registered_sources():
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


# --- Built-in sources -----------------------------------------------------------------------


def series_defaults(meeting, previous):
    """The series' default agenda items, as every meeting of it starts."""
    if meeting.series_id is None:
        return []
    return [
        AgendaItemSpec(key=str(index), title=title)
        for index, title in enumerate(meeting.series.default_agenda_titles(), start=1)
    ]


def open_action_items(meeting, previous):
    """Open action items of the body decided at earlier meetings: followed up until closed."""
    items = list(
        ActionItem.objects.open()
        .filter(body_id=meeting.body_id, meeting__start__lt=meeting.start)
        .select_related("owner", "owner_organisation")
        .order_by("due_date", "pk")
    )
    if not items:
        return []
    lines = []
    for item in items:
        extra = [item.owner_label] if item.owner_label else []
        if item.due_date:
            extra.append(Text.gettext("due %(date)s", date=Text.date(item.due_date, "j b Y")))
        if extra:
            lines.append(
                Text.gettext(
                    "- %(what)s (%(details)s)", what=item.what, details=Text.join(extra, ", ")
                )
            )
        else:
            lines.append(Text.gettext("- %(what)s", what=item.what))
    return [
        AgendaItemSpec(
            key="open",
            title=Text.gettext("Follow-up of open action items (%(count)s)", count=len(items)),
            description=lines,
            link=f"/{meeting.municipality.slug}/meetings/actions/?body={meeting.body_id}",
            shareable=True,
        )
    ]


def walk_observations(meeting, previous):
    """Open observations of the body's safety walks, until each is resolved."""
    if meeting.kind == Kind.SAFETY_WALK:
        return []
    observations = list(
        Observation.objects.filter(
            meeting__body_id=meeting.body_id,
            meeting__start__lt=meeting.start,
            status=Observation.Status.OPEN,
        )
        .select_related("action_item__owner_organisation")
        .order_by("meeting__start", "pk")
    )
    if not observations:
        return []
    lines = []
    for o in observations:
        owner = (
            o.action_item.owner_label if o.action_item_id else Text.gettext("no action item yet")
        )
        lines.append(
            Text.gettext(
                "- %(place)s: %(category)s (%(owner)s)",
                place=o.place,
                category=Text.label(Observation.Category(o.category).label),
                owner=owner,
            )
        )
    return [
        AgendaItemSpec(
            key="open",
            title=Text.gettext("Safety walks: open observations (%(count)s)", count=len(lines)),
            description=lines,
            shareable=True,
        )
    ]


def register_builtin_sources():
    register_agenda_source(SERIES_SOURCE, series_defaults, order=0)
    register_agenda_source("actions", open_action_items, order=10)
    register_agenda_source("walks", walk_observations, order=40)
