"""A web worker imports what serving pages needs, not the report writers.

Worker memory is a benchmark target (docs/performance.md, `make bench`: a portal
worker at most 2x a bare Django worker). fpdf2 alone (with fontTools and Pillow)
added about 20 MB to every gunicorn worker while only the Celery job that builds a
report uses it. This starts a fresh interpreter as a worker would (WSGI handler,
the whole URLconf with every view module, the template libraries) and checks that
none of the heavy libraries was imported. That the report builder still finds them
where it imports them is shown by dashboards/tests/test_reports.py (PDF and XLSX).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Loaded only inside the code paths that use them.
HEAVY = (
    "fpdf",
    "fontTools",
    "PIL",
    "xlsxwriter",
    "redis",
    "segno",
    # The Celery client with kombu, billiard, click, PyYAML and dateutil: ~20 MB.
    "celery",
    "kombu",
    "billiard",
)

PROBE = """
import json, sys
from django.core.wsgi import get_wsgi_application
get_wsgi_application()
from django.urls import URLPattern, URLResolver, get_resolver
def walk(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            walk(p.url_patterns)
        else:
            assert isinstance(p, URLPattern) and callable(p.callback)
walk(get_resolver().url_patterns)
from django.template import engines
engines["django"].engine.template_libraries
import socialdomain.health, dashboards.reports, dashboards.views.reports
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def imported_by_a_worker() -> set[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "socialdomain.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_a_web_worker_does_not_import_the_report_writers_or_redis():
    loaded = imported_by_a_worker()
    assert "django" in loaded and "dashboards" in loaded  # the probe ran
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
