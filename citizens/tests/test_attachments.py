"""Documents a resident adds on the situation step: recognised by their content, kept
outside every public folder under a random name, and given only to the resident and
the team handling the request."""

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from citizens import uploads
from citizens.models import Attachment, HelpRequest, HelpRequestDraft
from citizens.tests.helpers import (
    confirm_path,
    fill_steps,
    send_url,
    start_draft,
    step_url,
)
from municipalities.models import PostcodeArea
from tests.fixtures.personas import Place, client_for

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
    b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
STORY = "De brief van de deurwaarder zit erbij."
SITUATION = {"life_events": ["money_worries"], "story": STORY}
BOUNDARY = "----BuurtkrachtTestBoundary"


def _upload(
    client: Client, draft: HelpRequestDraft, name: str, content: bytes, **extra: Any
) -> HttpResponse:
    document = SimpleUploadedFile(name, content, extra.pop("content_type", None))
    return client.post(
        step_url(draft, "situation"),
        {**SITUATION, "document": document, "stay": "1", **extra},
    )


def _upload_with_raw_name(
    client: Client, draft: HelpRequestDraft, filename: str, content: bytes
) -> HttpResponse:
    """Send the file name exactly as a hostile client would; the test client
    itself would strip the folders from it."""
    lines = []
    for name, values in {**SITUATION, "stay": "1"}.items():
        for value in values if isinstance(values, list) else [values]:
            lines += [
                f"--{BOUNDARY}",
                f'Content-Disposition: form-data; name="{name}"',
                "",
                value,
            ]
    head = "\r\n".join(
        [
            *lines,
            f"--{BOUNDARY}",
            f'Content-Disposition: form-data; name="document"; filename="{filename}"',
            "Content-Type: application/pdf",
            "",
            "",
        ]
    ).encode()
    body = head + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(
        step_url(draft, "situation"),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _is_under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(Path(folder).resolve())


@pytest.fixture
def resident_client(resident: User, den_helder_postcode: PostcodeArea) -> Client:
    return client_for(resident)


@pytest.fixture
def draft(resident_client: Client) -> HelpRequestDraft:
    return start_draft(resident_client)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("brief.pdf", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        ("scan.jpg", JPEG, "image/jpeg"),
    ],
)
def test_a_real_document_is_stored_privately_under_a_random_name(
    name: str,
    content: bytes,
    content_type: str,
    resident_client: Client,
    draft: HelpRequestDraft,
    private_media: Path,
) -> None:
    # The browser's claimed type does not count; the first bytes do.
    response = _upload(
        resident_client, draft, name, content, content_type="application/x-unknown"
    )

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "situation")
    attachment = Attachment.objects.get()
    assert attachment.draft == draft
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert re.fullmatch(r"[0-9a-f]{64}", attachment.storage_name)
    [stored] = _stored_files(private_media)
    assert stored.name == attachment.storage_name
    assert stored.read_bytes() == content
    assert stored.stat().st_mode & 0o777 == 0o600
    assert _is_under(stored, private_media)
    assert not _is_under(stored, settings.STATIC_ROOT)
    assert not any(_is_under(stored, folder) for folder in settings.STATICFILES_DIRS)
    assert not _is_under(stored, settings.BASE_DIR)
    page = resident_client.get(step_url(draft, "situation")).content.decode()
    assert name in page


def test_storage_names_differ_for_the_same_file(
    resident_client: Client, draft: HelpRequestDraft, private_media: Path
) -> None:
    _upload(resident_client, draft, "brief.pdf", PDF)
    _upload(resident_client, draft, "brief.pdf", PDF)

    names = set(Attachment.objects.values_list("storage_name", flat=True))
    assert len(names) == 2


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("brief.pdf", b"Dit is gewoon tekst, geen PDF.\n", "application/pdf"),
        (
            "plaatje.png",
            b"<!doctype html><html><script>alert(document.cookie)</script></html>",
            "image/png",
        ),
        ("leeg.pdf", b"", "application/pdf"),
        ("programma.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf"),
        ("groot.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "application/pdf"),
    ],
    ids=["text-as-pdf", "html-as-png", "empty", "exe-as-pdf", "11-mb"],
)
def test_a_file_that_is_not_an_allowed_document_is_refused_at_the_field(
    name: str,
    content: bytes,
    content_type: str,
    resident_client: Client,
    draft: HelpRequestDraft,
    private_media: Path,
) -> None:
    response = _upload(resident_client, draft, name, content, content_type=content_type)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_document_error"' in page
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []
    # What was typed on the step stays, in the draft and on the page.
    draft.refresh_from_db()
    assert draft.answers_for("situation")["story"] == STORY
    assert STORY in page
    assert re.search(r'<input[^>]*value="money_worries"[^>]*checked', page)


def test_an_11_mb_file_is_refused_while_being_stored(
    resident_client: Client,
    draft: HelpRequestDraft,
    private_media: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A client may announce a smaller size than it sends: storing checks again.
    monkeypatch.setattr(uploads, "check_upload", lambda upload: "application/pdf")

    response = _upload(
        resident_client, draft, "groot.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    )

    assert response.status_code == 400
    assert 'id="id_document_error"' in response.content.decode()
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.pdf",
        "..\\..\\Windows\\system32\\evil.pdf",
        "..\uff0f..\uff0fetc\uff0fpasswd.pdf",
        "rapport\x01\x08\x1b[31m\x7f.pdf",
        "factuur\u202efdp.exe",
        ".verborgen.pdf",
        "<img src=x onerror=alert(1)>.pdf",
        "a" * 300 + ".pdf",
    ],
    ids=[
        "unix-path",
        "windows-path",
        "fullwidth-slashes",
        "control-characters",
        "right-to-left-override",
        "dot-file",
        "html",
        "300-characters",
    ],
)
def test_a_hostile_file_name_is_stored_with_a_safe_display_name(
    filename: str,
    resident_client: Client,
    draft: HelpRequestDraft,
    private_media: Path,
) -> None:
    response = _upload_with_raw_name(resident_client, draft, filename, PDF)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    shown = attachment.original_name
    assert shown
    assert "/" not in shown and "\\" not in shown and ".." not in shown
    assert not shown.startswith(".")
    assert all(unicodedata.category(ch)[0] != "C" for ch in shown)
    assert len(shown) <= 120
    [stored] = _stored_files(private_media)
    assert stored.name == attachment.storage_name
    assert re.fullmatch(r"[0-9a-f]{64}", stored.name)
    page = resident_client.get(step_url(draft, "situation")).content.decode()
    assert "<img src=x" not in page


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\sanne\\brief.pdf", "brief.pdf"),
        ("..\uff0fgeheim.pdf", "geheim.pdf"),
        ("a\x00b\x1fc.pdf", "abc.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("...", "document"),
        ("", "document"),
        (" .pdf. ", "pdf"),
    ],
)
def test_safe_name_keeps_only_a_plain_file_name(name: str, expected: str) -> None:
    assert uploads.safe_name(name) == expected


def test_safe_name_is_at_most_120_characters() -> None:
    assert len(uploads.safe_name("b" * 5000 + ".pdf")) == 120


def test_more_than_five_documents_are_refused(
    resident_client: Client, draft: HelpRequestDraft, private_media: Path
) -> None:
    for number in range(uploads.MAX_PER_DRAFT):
        assert _upload(resident_client, draft, f"{number}.pdf", PDF).status_code == 302

    response = _upload(resident_client, draft, "zesde.pdf", PDF)

    assert response.status_code == 400
    assert 'id="id_document_error"' in response.content.decode()
    assert Attachment.objects.count() == uploads.MAX_PER_DRAFT
    assert len(_stored_files(private_media)) == uploads.MAX_PER_DRAFT


def test_removing_a_document_from_the_draft_deletes_the_file(
    resident_client: Client, draft: HelpRequestDraft, private_media: Path
) -> None:
    _upload(resident_client, draft, "brief.pdf", PDF)
    attachment = Attachment.objects.get()
    remove = reverse(
        "citizens:ask_remove_document", args=[draft.public_id, attachment.public_id]
    )

    assert Client().post(remove).status_code == 404
    assert _stored_files(private_media) != []

    response = resident_client.post(remove)

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "situation")
    assert not Attachment.objects.exists()
    assert _stored_files(private_media) == []


def test_a_document_of_a_sent_request_cannot_be_removed_through_the_draft(
    resident_client: Client, draft: HelpRequestDraft, private_media: Path
) -> None:
    _upload(resident_client, draft, "brief.pdf", PDF)
    fill_steps(resident_client, draft)
    resident_client.post(send_url(draft))
    attachment = Attachment.objects.get()

    resident_client.post(
        reverse(
            "citizens:ask_remove_document", args=[draft.public_id, attachment.public_id]
        )
    )

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert len(_stored_files(private_media)) == 1


@pytest.fixture
def sent_document(
    resident_client: Client,
    draft: HelpRequestDraft,
    private_media: Path,
    den_helder: Place,
) -> Attachment:
    """A PDF added by Sanne to a request she sent, handled by team Visbuurt."""
    _upload(resident_client, draft, "brief van de deurwaarder.pdf", PDF)
    fill_steps(resident_client, draft)
    assert resident_client.post(send_url(draft)).status_code == 302
    help_request = HelpRequest.objects.get()
    help_request.team = den_helder.team
    help_request.save(update_fields=["team"])
    return Attachment.objects.get()


def _download(client: Client, attachment: Attachment) -> HttpResponse:
    response = client.get(
        reverse("citizens:attachment_download", args=[attachment.public_id])
    )
    # Reading the stream to its end lets the test client close the file.
    response.content_bytes = (
        b"".join(response.streaming_content) if response.streaming else b""
    )
    return response


def test_after_sending_the_document_belongs_to_the_request(
    sent_document: Attachment, resident_client: Client
) -> None:
    help_request = HelpRequest.objects.get()

    assert sent_document.help_request == help_request
    page = resident_client.get(
        reverse("citizens:request_detail", args=[help_request.reference])
    ).content.decode()
    assert (
        reverse("citizens:attachment_download", args=[sent_document.public_id]) in page
    )


def test_the_resident_downloads_their_document_as_an_attachment(
    sent_document: Attachment, resident_client: Client
) -> None:
    response = _download(resident_client, sent_document)

    assert response.status_code == 200
    assert response.content_bytes == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "brief van de deurwaarder.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


PERSONA_ACCESS: list[tuple[str, int]] = [
    ("caseworker", 200),
    ("team_lead", 200),
    ("other_resident", 404),
    ("other_team_caseworker", 404),
    ("lelystad_caseworker", 404),
    ("lelystad_resident", 404),
    ("partner", 404),
    ("functional_admin", 404),
    ("alderman", 404),
]


@pytest.mark.parametrize(("persona", "status"), PERSONA_ACCESS)
def test_only_the_resident_and_the_handling_team_may_download(
    persona: str,
    status: int,
    sent_document: Attachment,
    everyone: dict[str, User],
) -> None:
    response = _download(client_for(everyone[persona]), sent_document)

    assert response.status_code == status
    if status == 200:
        assert response.content_bytes == PDF


def test_an_anonymous_visitor_is_sent_to_log_in(sent_document: Attachment) -> None:
    response = _download(Client(), sent_document)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_document_whose_file_has_gone_gives_404(
    sent_document: Attachment, resident_client: Client
) -> None:
    uploads.path_for(sent_document.storage_name).unlink()

    assert _download(resident_client, sent_document).status_code == 404


def test_an_anonymous_uploader_gets_their_document_after_confirming(
    den_helder_postcode: PostcodeArea,
    other_resident: User,
    private_media: Path,
) -> None:
    visitor = Client()
    draft = start_draft(visitor)
    _upload(visitor, draft, "brief.pdf", PDF)
    attachment = Attachment.objects.get()
    assert attachment.uploaded_by is None
    assert _download(visitor, attachment).status_code == 302

    assert visitor.get(confirm_path(draft, "nieuw@example.test")).status_code == 302

    attachment.refresh_from_db()
    assert attachment.uploaded_by.email == "nieuw@example.test"
    assert _download(visitor, attachment).status_code == 200
    assert _download(client_for(other_resident), attachment).status_code == 404


def test_a_caseworker_of_the_district_downloads_a_document_of_an_unassigned_request(
    sent_document: Attachment, caseworker: User
) -> None:
    HelpRequest.objects.update(team=None)

    assert _download(client_for(caseworker), sent_document).status_code == 200


def test_a_caseworker_outside_the_district_cannot_download_from_an_unassigned_request(
    sent_document: Attachment, other_team_caseworker: User
) -> None:
    help_request = HelpRequest.objects.get()
    help_request.team = None
    help_request.save(update_fields=["team"])
    assert not HelpRequest.objects.visible_to(other_team_caseworker).exists()

    response = _download(client_for(other_team_caseworker), sent_document)

    assert response.status_code == 404
