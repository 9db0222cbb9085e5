"""Autovacuum keeps the help-request table's visibility map fresh.

The caseworker queue counts its views and reads its pages with index-only scans of
the covering open-request indexes (casework/queue.py). Such a scan reads the table
itself for every row on a page that changed since the last VACUUM: every new
request, claim and status change clears its page's all-visible bit. PostgreSQL's
defaults vacuum a table after a fifth of it changed, which for a million requests
is 200,000 changes; until then the index-only scans turn into heap reads (bench:
623 heap fetches for 1,632 rows, the view counts 0.78 ms instead of 0.46 ms after
33,000 submissions). Here a table of a million requests is vacuumed after about
11,000 changes: a VACUUM that reads only the pages that changed.
"""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_scale_factor = 0.01",
    "autovacuum_vacuum_insert_scale_factor = 0.01",
    "autovacuum_analyze_scale_factor = 0.02",
)
NAMES = ", ".join(setting.split(" = ")[0] for setting in SETTINGS)


class Migration(migrations.Migration):
    dependencies = [("citizens", "0011_helprequest_fk_indexes_covered")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE citizens_helprequest SET ({', '.join(SETTINGS)})",
            reverse_sql=f"ALTER TABLE citizens_helprequest RESET ({NAMES})",
        )
    ]
