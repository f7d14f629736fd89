"""A compiled report's labels follow the reader's language (issue 12, point 9): the labels the
code gave (sources, "no area", "no category", kinds of upcoming events) are shown from their
keys, the numbers and the texts people wrote stay as compiled."""

from django.utils import translation

from situation_reports.services.figures import figures_for, in_reader_language

COMPILED_IN_SWEDISH = {
    "sources": [
        {"key": "own", "label": "Egen loggning (kommunen)", "current": 4},
        {"key": "police_open_data", "label": "Polisens öppna data", "current": 7},
    ],
    "areas": [
        {"key": 3, "label": "Arlöv centrum", "current": 2},
        {"key": None, "label": "Inget område angivet", "current": 1},
    ],
    "categories": [{"key": None, "label": "Ingen kategori", "current": 1}],
    "upcoming": {
        "start": "2026-12-08",
        "end": "2026-12-21",
        "items": [
            {"title": "Jullov", "kind": "skollov", "kind_code": "school_break"},
            {"title": "Gammal", "kind": "evenemang"},  # compiled before kind_code was kept
        ],
    },
}


def test_a_swedish_report_reads_in_english_with_english_labels():
    with translation.override("en"):
        shown = in_reader_language(COMPILED_IN_SWEDISH)
    assert [s["label"] for s in shown["sources"]] == [
        "Own logging (the municipality)",
        "Police open data",
    ]
    assert [s["current"] for s in shown["sources"]] == [4, 7]
    assert [a["label"] for a in shown["areas"]] == ["Arlöv centrum", "No area given"]
    assert shown["categories"][0]["label"] == "No category"
    assert [e["kind"] for e in shown["upcoming"]["items"]] == ["school break", "evenemang"]
    assert shown["upcoming"]["items"][0]["title"] == "Jullov"


def test_the_stored_report_is_left_as_compiled():
    with translation.override("en"):
        in_reader_language(COMPILED_IN_SWEDISH)
    assert COMPILED_IN_SWEDISH["sources"][0]["label"] == "Egen loggning (kommunen)"
    assert COMPILED_IN_SWEDISH["upcoming"]["items"][0]["kind"] == "skollov"


def test_figures_for_a_guest_are_in_the_readers_language():
    with translation.override("sv"):
        open_only = {"areas": [{"key": None, "label": "No area given", "current": 0}]}
        shown = figures_for({**COMPILED_IN_SWEDISH, "open": open_only}, None)
    # A guest sees the open figures (the count rule), labelled in Swedish though compiled in
    # English.
    assert shown["areas"] == [{"key": None, "label": "Inget område angivet", "current": 0}]
    assert figures_for({}, None) == {}
