"""The benchmarks log in as a person does, over HTTP: password, then the code step
(bench/casework_bench.py log_in), and their in-process clients have a verified
session (verified_test_client)."""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from casework_bench import get, log_in, verified_test_client  # noqa: E402


@pytest.mark.parametrize("persona", ["caseworker", "alderman", "resident"])
def test_the_benchmark_logs_in_over_http_with_the_code_step(
    persona: str,
    live_server,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
    password: str,
) -> None:
    user: User = request.getfixturevalue(persona)
    port = urlsplit(live_server.url).port

    cookies = log_in(port, user.email, password)

    home = get(port, "/home/", cookies)
    assert home.status == 302
    assert not home.location.startswith("/accounts/two-factor/")
    page = get(port, home.location, cookies)
    assert page.status == 200 and user.full_name in page.body


def test_the_in_process_client_has_a_verified_session(caseworker: User) -> None:
    client = verified_test_client(caseworker)
    with CaptureQueriesContext(connection):
        assert client.get("/casework/").status_code == 200
