from django.db import migrations

# The access log is append-only for the application: UPDATE and DELETE are refused,
# except a DELETE in a transaction that declared itself the retention purge
# (SET LOCAL privacy.purge = 'on'; see privacy.services). TRUNCATE stays possible for
# operators and for the test database's flush.
FORWARD = """
CREATE FUNCTION privacy_fileaccess_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('privacy.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'citizens_fileaccess is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER fileaccess_append_only
    BEFORE UPDATE OR DELETE ON citizens_fileaccess
    FOR EACH ROW EXECUTE FUNCTION privacy_fileaccess_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS fileaccess_append_only ON citizens_fileaccess;
DROP FUNCTION IF EXISTS privacy_fileaccess_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("citizens", "0005_followupanswer_helprequest_help_request_closed_at_and_more"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
