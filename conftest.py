import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls that the
# tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.personas",
    "tests.fixtures.worker",
    "tests.fixtures.browser",
    "tests.fixtures.forms",
]


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    # Celery copies the Django settings into its configuration on first use. Do that
    # now, so that a test overriding CELERY_BROKER_URL cannot leave its value behind.
    from socialdomain.celery import app

    app.conf.broker_url  # noqa: B018
