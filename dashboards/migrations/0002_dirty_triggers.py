"""Triggers that note changed help requests for the summary refresh.

Statement-level triggers with transition tables: one INSERT per statement, also for
COPY and bulk updates, instead of one per row."""

from django.db import migrations

NOTE = """
INSERT INTO dashboards_dirtyrequest (help_request_id)
SELECT DISTINCT {column} FROM {rows} {join} WHERE {column} IS NOT NULL
ON CONFLICT DO NOTHING
"""

# table -> (column holding the help request id, join to reach it)
TABLES = {
    "citizens_helprequest": ("r.id", ""),
    "casework_triage": ("r.help_request_id", ""),
    "casework_deadline": ("r.help_request_id", ""),
    "casework_contactmoment": ("r.help_request_id", ""),
    "casework_householdmembership": ("r.help_request_id", ""),
    "casework_plangoal": (
        "m.help_request_id",
        "JOIN casework_householdmembership m ON m.household_id = r.household_id",
    ),
}


def _forward() -> str:
    statements = []
    for table, (column, join) in TABLES.items():
        for event, rows in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            function = f"dashboards_note_{table}_{event.lower()}"
            body = NOTE.format(column=column, rows=f"{rows}_rows AS r", join=join)
            statements.append(
                f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{body};
RETURN NULL;
END $$;
CREATE TRIGGER {function} AFTER {event} ON {table}
REFERENCING {rows.upper()} TABLE AS {rows}_rows
FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
            )
    return "\n".join(statements)


def _backward() -> str:
    statements = []
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            function = f"dashboards_note_{table}_{event}"
            statements.append(
                f"DROP TRIGGER IF EXISTS {function} ON {table};"
                f"DROP FUNCTION IF EXISTS {function}();"
            )
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("citizens", "0004_helprequest_version"),
        ("casework", "0004_referral"),
    ]

    operations = [migrations.RunSQL(_forward(), _backward())]
