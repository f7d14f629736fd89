from django.db import migrations

# Approved minutes are an official record (issue 10, finding 5): the database itself refuses to
# change them, whatever the path (a queryset update, raw SQL, another program), as it does for
# approved situation reports (situation_reports 0004). PostgreSQL only: on SQLite (a first try
# on a laptop) the models' save() and delete() are the guard.
#
# What hangs off approved minutes, and what still moves:
# - an approved MinutesVersion never changes and is never deleted;
# - the meeting row: only reopening (status back to 'held', the next version number) and the
#   emptying of its series or area when those are deleted;
# - its agenda items, attendance, action items and observations: no row is added, changed or
#   deleted, but for the follow-up columns given to the trigger (an action item is followed up
#   at later meetings until done: status, closed_at; an observation is resolved when its action
#   item is done: status) and foreign keys emptied by ON DELETE SET NULL of their target.
LOCK_SQL = """
CREATE OR REPLACE FUNCTION meetings_minutes_approved(meeting bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM meetings_meeting
                   WHERE id = meeting AND status = 'minutes_approved');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION meetings_minutes_version_locked() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approved minutes (version %) are an official record and cannot be changed',
        OLD.id USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER minutes_version_locked BEFORE UPDATE OR DELETE ON meetings_minutesversion
    FOR EACH ROW EXECUTE FUNCTION meetings_minutes_version_locked();

CREATE OR REPLACE FUNCTION meetings_meeting_locked() RETURNS trigger AS $$
DECLARE
    moving CONSTANT text[] := '{status,minutes_version,updated_at}';
    before jsonb;
    after jsonb;
BEGIN
    IF OLD.status <> 'minutes_approved' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status IN ('minutes_approved', 'held') THEN
        before := to_jsonb(OLD) - moving;
        after := to_jsonb(NEW) - moving;
        IF NEW.series_id IS NULL THEN
            before := before - 'series_id';
            after := after - 'series_id';
        END IF;
        IF NEW.area_id IS NULL THEN
            before := before - 'area_id';
            after := after - 'area_id';
        END IF;
        IF before = after THEN RETURN NEW; END IF;
    END IF;
    RAISE EXCEPTION 'approved minutes of meeting %: an official record cannot be changed',
        OLD.id USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER meeting_minutes_locked BEFORE UPDATE OR DELETE ON meetings_meeting
    FOR EACH ROW EXECUTE FUNCTION meetings_meeting_locked();

-- TG_ARGV[0]: the follow-up columns; TG_ARGV[1]: foreign keys that may be emptied.
CREATE OR REPLACE FUNCTION meetings_minutes_part_locked() RETURNS trigger AS $$
DECLARE
    follow_up text[] := TG_ARGV[0]::text[];
    emptied text[] := TG_ARGV[1]::text[];
    before jsonb;
    after jsonb;
    col text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND meetings_minutes_approved(OLD.meeting_id) THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'approved minutes of meeting %: an official record cannot be changed',
                OLD.meeting_id USING ERRCODE = 'check_violation';
        END IF;
        before := to_jsonb(OLD) - follow_up;
        after := to_jsonb(NEW) - follow_up;
        FOREACH col IN ARRAY emptied LOOP
            IF after -> col = 'null'::jsonb THEN
                before := before - col;
                after := after - col;
            END IF;
        END LOOP;
        IF before <> after THEN
            RAISE EXCEPTION 'approved minutes of meeting %: an official record cannot be changed',
                OLD.meeting_id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.meeting_id <> OLD.meeting_id) THEN
        IF meetings_minutes_approved(NEW.meeting_id) THEN
            RAISE EXCEPTION 'approved minutes of meeting %: an official record cannot be changed',
                NEW.meeting_id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER agenda_item_minutes_locked BEFORE INSERT OR UPDATE OR DELETE
    ON meetings_agendaitem FOR EACH ROW
    EXECUTE FUNCTION meetings_minutes_part_locked('{}', '{content_type_id}');
CREATE TRIGGER attendance_minutes_locked BEFORE INSERT OR UPDATE OR DELETE
    ON meetings_attendance FOR EACH ROW
    EXECUTE FUNCTION meetings_minutes_part_locked('{}', '{via_share_link_id}');
CREATE TRIGGER action_item_minutes_locked BEFORE INSERT OR UPDATE OR DELETE
    ON meetings_actionitem FOR EACH ROW
    EXECUTE FUNCTION meetings_minutes_part_locked(
        '{status,closed_at}', '{agenda_item_id,owner_id,owner_organisation_id}');
CREATE TRIGGER observation_minutes_locked BEFORE INSERT OR UPDATE OR DELETE
    ON meetings_observation FOR EACH ROW
    EXECUTE FUNCTION meetings_minutes_part_locked('{status}', '{action_item_id,created_by_id}');
"""

UNLOCK_SQL = """
DROP TRIGGER IF EXISTS observation_minutes_locked ON meetings_observation;
DROP TRIGGER IF EXISTS action_item_minutes_locked ON meetings_actionitem;
DROP TRIGGER IF EXISTS attendance_minutes_locked ON meetings_attendance;
DROP TRIGGER IF EXISTS agenda_item_minutes_locked ON meetings_agendaitem;
DROP TRIGGER IF EXISTS meeting_minutes_locked ON meetings_meeting;
DROP TRIGGER IF EXISTS minutes_version_locked ON meetings_minutesversion;
DROP FUNCTION IF EXISTS meetings_minutes_part_locked();
DROP FUNCTION IF EXISTS meetings_meeting_locked();
DROP FUNCTION IF EXISTS meetings_minutes_version_locked();
DROP FUNCTION IF EXISTS meetings_minutes_approved(bigint);
"""


def lock_approved_minutes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: '%' stays literal
            cursor.execute(LOCK_SQL)


def unlock_approved_minutes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(UNLOCK_SQL)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_dates_in_range")]

    operations = [migrations.RunPython(lock_approved_minutes, unlock_approved_minutes)]
