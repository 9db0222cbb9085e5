"""Fixtures for the residents' capability: postcodes that lead to the personas'
neighbourhoods, and a private media folder per test."""

from pathlib import Path

import pytest
from django.core import mail
from pytest_django.fixtures import Settings

from citizens.tests.factories import postcode_area
from municipalities.models import PostcodeArea
from tests.fixtures.personas import Place


@pytest.fixture
def den_helder_postcode(den_helder: Place) -> PostcodeArea:
    """1781 AB (and every 1781 postcode) lies in Visbuurt, Den Helder."""
    return postcode_area(den_helder.neighbourhood, "1781")


@pytest.fixture
def lelystad_postcode(lelystad: Place) -> PostcodeArea:
    return postcode_area(lelystad.neighbourhood, "8232")


@pytest.fixture
def private_media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture
def locmem(settings: Settings) -> list:
    """E-mails sent through Django's in-memory backend, from this test only."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox
