"""Generated agenda texts as data: an English message id and its parameters, rendered in the
reader's language (issue 12, point 9).

An agenda source does not write a sentence in the language of whoever happened to trigger the
fill (a worker at night, a coordinator in English); it describes the sentence::

    Text.ngettext("%(count)s incident %(period)s.", "%(count)s incidents %(period)s.", total,
                  period=Text.period(start, end))

and ``render`` turns that into text in the active language whenever the item is shown. The
calls are named like gettext's so that ``makemessages`` finds the message ids (xgettext
recognises ``Text.gettext(...)`` and ``Text.ngettext(...)``).

The stored form is plain JSON: ``{"m": msgid, "p": plural, "n": count, "a": {name: value}}``
for a message, where a value is a number, a string (data, never translated: a category's or an
event's name), or a nested value: ``{"m": ...}`` a message, ``{"d": "2026-12-24", "f": "j b"}``
a date in a date format, ``{"j": [values], "s": separator}`` values joined; a message may
carry a context (``"c"``, as pgettext's). A description is a list of such values, one a line.
"""

import datetime

from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext, pgettext

# Date formats a text may use: Django's date format letters, by language where they differ
# ("24 dec" in Swedish, "24 Dec" in English).
DATE_FORMATS = {
    "j b": {"en": "j M"},
    "j b Y": {"en": "j M Y"},
    "j F": {},
    "j F Y": {},
    "SHORT_DATE_FORMAT": {},
    "DATE_FORMAT": {},
}


def _date_format(fmt):
    fmt = fmt if fmt in DATE_FORMATS else "j b"
    return DATE_FORMATS[fmt].get((get_language() or "").split("-")[0], fmt)


class Text:
    """Builders of stored texts (plain dicts, JSON as they are)."""

    @staticmethod
    def gettext(msgid, /, **params):
        text = {"m": msgid}
        if params:
            text["a"] = params
        return text

    @staticmethod
    def ngettext(singular, plural, number, /, **params):
        text = {"m": singular, "p": plural, "n": int(number)}
        if params:
            text["a"] = params
        return text

    @staticmethod
    def label(lazy_label):
        """A choice's label (``gettext_lazy``/``pgettext_lazy``) as a text: its message id,
        translated when shown."""
        args = getattr(lazy_label, "_args", None)
        if not args or not all(isinstance(a, str) for a in args):
            return str(lazy_label)  # not a lazy translation: data
        if len(args) == 2:
            return {"m": args[1], "c": args[0]}
        return {"m": args[0]}

    @staticmethod
    def date(value, fmt="j b"):
        if fmt not in DATE_FORMATS:
            raise ValueError(f"unknown date format {fmt!r}")
        return {"d": value.isoformat(), "f": fmt}

    @staticmethod
    def join(values, separator=""):
        return {"j": list(values), "s": separator}

    @staticmethod
    def period(start, end):
        """A period of days: "1–14 dec 2026" in the reader's language."""
        return Text.join([Text.date(start, "j b"), Text.date(end, "j b Y")], "–")


def render(value):
    """``value`` (a stored text, or a list of them: lines) in the active language."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(render(v) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | str):
        return formats.localize(value) if isinstance(value, float) else str(value)
    if not isinstance(value, dict):
        return ""
    if "m" in value:
        args = {k: render(v) for k, v in (value.get("a") or {}).items()}
        if value.get("p"):
            message = ngettext(value["m"], value["p"], int(value.get("n") or 0))
        elif value.get("c"):
            message = pgettext(value["c"], value["m"])
        else:
            message = gettext(value["m"])
        try:
            return message % args if args else message
        except (KeyError, ValueError, TypeError):
            # A translation that lost a placeholder: the English original still reads.
            return value["m"] % args if args else value["m"]
    if "d" in value:
        try:
            day = datetime.date.fromisoformat(value["d"])
        except (TypeError, ValueError):
            return ""
        return formats.date_format(day, _date_format(value.get("f", "j b")))
    if "j" in value:
        return str(value.get("s", "")).join(render(v) for v in value["j"])
    return ""
