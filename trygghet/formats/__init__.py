"""Date and time formats per language (``FORMAT_MODULE_PATH``), issue 12 point 9.

Both languages show dates the Swedish way, in their own words: ISO dates (2026-12-02) where a
short date is needed, "2 December 2026" / "2 december 2026" in prose, the 24-hour clock and weeks
starting on Monday. Without this, English falls back to Django's US formats ("12/02/2026",
"Dec. 2, 2026", "9 a.m.") beside the ISO dates the templates write. What is not set here
(input formats, number separators) comes from Django's own module for the language.
"""
