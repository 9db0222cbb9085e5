"""Documents sent with a resident's message (the second upload path, next to the
ask-for-help step covered in citizens' test_attachments): over-size files, the wrong
content under an allowed extension, hostile names and path traversal are refused or
neutralised, with a message at the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from pytest_django.fixtures import Settings

from accounts.models import User
from citizens.models import Attachment, HelpRequest, Message
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place, client_for

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
BOUNDARY = "----BuurtkrachtHardening"


@pytest.fixture
def private_media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture
def help_request(den_helder: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(resident=resident, neighbourhood=den_helder.neighbourhood)


@pytest.fixture
def resident_client(resident: User) -> Client:
    client = client_for(resident)
    client.cookies["django_language"] = "en"
    return client


def _url(help_request: HelpRequest) -> str:
    return f"/my-requests/{help_request.reference}/"


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "error"),
    [
        (
            "groot.pdf",
            b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1),
            "application/pdf",
            "larger than 10 MB",
        ),
        (
            "brief.pdf",
            b"<html><script>alert(1)</script>",
            "application/pdf",
            "not a PDF",
        ),
        ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00", "image/jpeg", "not a PDF"),
        (
            "plaatje.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/png",
            "not a PDF",
        ),
        ("leeg.pdf", b"", "application/pdf", "empty"),
        ("zip.pdf", b"PK\x03\x04" + b"\x00" * 40, "application/pdf", "not a PDF"),
    ],
    ids=[
        "over-10-mb",
        "html-as-pdf",
        "exe-as-jpg",
        "svg-as-png",
        "empty",
        "zip-as-pdf",
    ],
)
def test_a_refused_document_gets_a_message_and_nothing_is_stored(
    resident_client: Client,
    help_request: HelpRequest,
    private_media: Path,
    name: str,
    content: bytes,
    content_type: str,
    error: str,
) -> None:
    document = SimpleUploadedFile(name, content, content_type)
    response = resident_client.post(
        _url(help_request), {"body": "Zie bijlage", "document": document}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_document_error"' in page
    assert error in page
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert _files(private_media) == []


def _raw_post(client: Client, url: str, filename: str, content: bytes) -> object:
    """The file name exactly as a hostile client sends it (the test client would
    strip folders itself)."""
    body = (
        "\r\n".join(
            [
                f"--{BOUNDARY}",
                'Content-Disposition: form-data; name="body"',
                "",
                "Zie bijlage",
                f"--{BOUNDARY}",
                f'Content-Disposition: form-data; name="document"; filename="{filename}"',
                "Content-Type: application/pdf",
                "",
                "",
            ]
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(
        url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/cron.d/evil.pdf",
        "..\\..\\..\\Windows\\win.ini.pdf",
        "/absolute/path/brief.pdf",
        "%2e%2e%2f%2e%2e%2fpasswd.pdf",
        "..\uff0f..\uff0fpasswd.pdf",
        "brief\u202efdp.exe",
        '"><script>alert(1)</script>.pdf',
        "x" * 400 + ".pdf",
    ],
)
def test_a_hostile_name_never_chooses_the_storage_path_and_is_shown_as_text(
    resident_client: Client,
    help_request: HelpRequest,
    private_media: Path,
    tmp_path: Path,
    filename: str,
) -> None:
    response = _raw_post(resident_client, _url(help_request), filename, PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    [stored] = _files(private_media)
    # Stored under a random name inside the private folder, nowhere else.
    assert stored.resolve().is_relative_to(private_media.resolve())
    assert re.fullmatch(r"[0-9a-f]{64}", stored.name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [stored]
    shown = attachment.original_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown
    assert "\u202e" not in shown and len(shown) <= 120
    page = resident_client.get(_url(help_request)).content.decode()
    assert "<script>alert(1)" not in page
    assert escape(shown) in page
