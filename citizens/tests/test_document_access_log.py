"""Staff downloads of a resident's document are logged like opening the request."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from citizens.models import FileAccess
from citizens.services import message_post
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place


def test_staff_download_is_logged_and_a_resident_download_is_not(
    caseworker: User, resident: User, den_helder: Place, private_media: Path
) -> None:
    help_request = HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
    )
    message_post(
        help_request=help_request,
        author=resident,
        body="Zie de brief",
        document=SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    attachment = help_request.attachments.get()
    url = f"/documents/{attachment.public_id}/"

    resident_client = Client()
    resident_client.force_login(resident)
    assert resident_client.get(url).status_code == 200
    assert not FileAccess.objects.exists()

    staff_client = Client()
    staff_client.force_login(caseworker)
    response = staff_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    [look] = FileAccess.objects.all()
    assert (look.help_request, look.user, look.purpose) == (
        help_request,
        caseworker,
        "document",
    )


def test_a_colleagues_document_needs_the_reason_given_on_the_request_page(
    caseworker: User,
    team_lead: User,
    resident: User,
    den_helder: Place,
    private_media: Path,
) -> None:
    help_request = HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=team_lead,
        team=den_helder.team,
    )
    message_post(
        help_request=help_request,
        author=resident,
        body="Brief",
        document=SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    url = f"/documents/{help_request.attachments.get().public_id}/"
    client = Client()
    client.force_login(caseworker)

    assert client.get(url).status_code == 403
    assert not FileAccess.objects.exists()
    client.post(
        f"/casework/requests/{help_request.reference}/",
        {"access_reason": "Collega vroeg om advies"},
    )
    assert client.get(url).status_code == 200
    look = FileAccess.objects.filter(purpose="document").get()
    assert (look.user, look.reason) == (caseworker, "Collega vroeg om advies")
