"""Issue 18: the incident list's free text is served by trigram indexes on PostgreSQL (the
migration ``0020_incident_text_search_trigram``), for the query the list's filter builds."""

from django.db import connection

from situation_reports.filters import IncidentFilter
from situation_reports.models import Incident

COLUMNS = ("description", "place", "police_type")


def test_the_three_searched_columns_have_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            ["situation_reports_incident"],
        )
        indexes = dict(cursor.fetchall())
    for column in COLUMNS:
        definition = indexes[f"incident_{column}_trgm"]
        assert "gin" in definition and "gin_trgm_ops" in definition and "upper" in definition


def test_the_lists_free_text_condition_can_use_them(burlov, coordinator):
    """The condition the list's filter adds (``filter_text``), alone: a test's table is small,
    so the whole query would read the municipality's index; the text condition must be one the
    trigram indexes serve (they would not if Django's ``UPPER(…)`` did not match them)."""
    membership = coordinator.municipality_memberships.get(municipality=burlov)
    text = IncidentFilter({}, queryset=Incident.objects.none(), membership=membership)
    queryset = text.filter_text(Incident.objects.order_by(), "q", " cykel ")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan, plan
    for column in COLUMNS:
        assert f"incident_{column}_trgm" in plan, plan
