import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from notifications.tests.mailbackends import FlakyBackend


@pytest.fixture
def mailbox(settings: SettingsWrapper):  # type: ignore[no-untyped-def]
    """E-mail delivery captured in django.core.mail.outbox, never failing unless a
    test sets FlakyBackend.failures / .permanent."""
    from django.core import mail

    settings.EMAIL_BACKEND = "notifications.tests.mailbackends.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.permanent = False
    FlakyBackend.database_gone = False
    mail.outbox = []
    yield mail.outbox
    FlakyBackend.failures = 0
    FlakyBackend.permanent = False
    FlakyBackend.database_gone = False
