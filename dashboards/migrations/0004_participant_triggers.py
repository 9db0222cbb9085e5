"""Pilot participants linked to a help request put it in the pilot's figures: note
the requests on both sides of every change."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION dashboards_note_pilots_participant_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO dashboards_dirtyrequest (help_request_id)
SELECT DISTINCT help_request_id FROM new_rows WHERE help_request_id IS NOT NULL
ON CONFLICT DO NOTHING;
RETURN NULL;
END $$;
CREATE TRIGGER dashboards_note_pilots_participant_insert AFTER INSERT
ON pilots_participant REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboards_note_pilots_participant_insert();

CREATE FUNCTION dashboards_note_pilots_participant_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO dashboards_dirtyrequest (help_request_id)
SELECT help_request_id FROM new_rows WHERE help_request_id IS NOT NULL
UNION
SELECT help_request_id FROM old_rows WHERE help_request_id IS NOT NULL
ON CONFLICT DO NOTHING;
RETURN NULL;
END $$;
CREATE TRIGGER dashboards_note_pilots_participant_update AFTER UPDATE
ON pilots_participant REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboards_note_pilots_participant_update();

CREATE FUNCTION dashboards_note_pilots_participant_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO dashboards_dirtyrequest (help_request_id)
SELECT DISTINCT help_request_id FROM old_rows WHERE help_request_id IS NOT NULL
ON CONFLICT DO NOTHING;
RETURN NULL;
END $$;
CREATE TRIGGER dashboards_note_pilots_participant_delete AFTER DELETE
ON pilots_participant REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboards_note_pilots_participant_delete();
"""

BACKWARD = "\n".join(
    f"DROP TRIGGER IF EXISTS dashboards_note_pilots_participant_{e} "
    f"ON pilots_participant; "
    f"DROP FUNCTION IF EXISTS dashboards_note_pilots_participant_{e}();"
    for e in ("insert", "update", "delete")
)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_pilot_summary"),
        ("pilots", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
