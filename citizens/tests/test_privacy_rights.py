"""A resident sees, downloads and erases their own data, and sees who looked."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from citizens.models import FileAccess, HelpRequest, Message, Status
from citizens.services import message_post


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo")


def _resident(code: str = "den-helder") -> User:
    return User.objects.get(email=f"inwoner@{code}.buurtkracht.test")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_resident_downloads_all_of_their_data_as_json(demo: None) -> None:
    resident = _resident()

    response = _client(resident).get("/my-data/export.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == resident.email
    references = {r["reference"] for r in data["help_requests"]}
    assert references == set(
        HelpRequest.objects.filter(resident=resident).values_list(
            "reference", flat=True
        )
    )
    messages = [m["text"] for r in data["help_requests"] for m in r["messages"]]
    assert "Dat is goed. Dinsdagmiddag kan ik." in messages
    assert not any(text.startswith("Intern:") for text in messages)
    assert data["unsent_drafts"]


def test_export_contains_nothing_of_another_resident(demo: None) -> None:
    other = _resident("lelystad")
    marker = "ZZ-MARKER-OTHER-RESIDENT"
    request = HelpRequest.objects.filter(resident=other).first()
    request.story = marker
    request.save()

    content = _client(_resident()).get("/my-data/export.json").content.decode()

    assert marker not in content
    assert other.email not in content


def test_readable_page_shows_who_looked_by_role_and_purpose_not_by_name(
    demo: None,
) -> None:
    resident = _resident()
    caseworker = User.objects.get(email="consulent@den-helder.buurtkracht.test")
    assert FileAccess.objects.filter(help_request__resident=resident).exists()

    page = _client(resident).get("/my-data/")

    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["accesses"]
    assert {a["role"] for a in page.context["accesses"]} == {"Consulent"}
    assert caseworker.full_name not in html.split('data-testid="accesses"')[1]


def test_erasing_closes_the_account_and_anonymises_requests(
    demo: None, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    resident = _resident()
    requests = list(HelpRequest.objects.filter(resident=resident))
    open_before = [r.pk for r in requests if r.is_open]
    client = _client(resident)

    refused = client.post("/my-data/erase/", {})
    assert refused.status_code == 400
    response = client.post("/my-data/erase/", {"confirm": "on"})

    assert response.status_code == 200
    assert response.context["kept"]
    resident.refresh_from_db()
    assert not resident.is_active
    assert resident.email.endswith("@invalid") and resident.full_name == ""
    assert not resident.has_usable_password()
    for request in HelpRequest.objects.filter(pk__in=[r.pk for r in requests]):
        assert request.resident_id is None
        assert (
            request.story == "" and request.phone == "" and request.house_number == ""
        )
        assert len(request.postcode) == 4
    assert set(
        HelpRequest.objects.filter(pk__in=open_before).values_list("status", flat=True)
    ) == {Status.WITHDRAWN}
    assert (
        not Message.objects.filter(help_request__in=requests).exclude(body="").exists()
    )
    # The access log stays; it no longer leads to the person.
    assert FileAccess.objects.filter(help_request__in=requests).exists()
    # Logged out, and the old address cannot log in.
    assert client.get("/resident/").status_code == 302


@pytest.mark.parametrize("persona", ["caseworker", "alderman", "functional_admin"])
def test_staff_cannot_use_the_residents_privacy_pages(
    persona: str, everyone: dict[str, User]
) -> None:
    client = _client(everyone[persona])

    assert client.get("/my-data/").status_code == 403
    assert client.get("/my-data/export.json").status_code == 403
    assert client.post("/my-data/erase/", {"confirm": "on"}).status_code == 403


def test_closed_request_takes_one_score_and_a_low_score_can_reopen_it(
    demo: None,
) -> None:
    resident = _resident()
    request = HelpRequest.objects.filter(
        resident=resident, status=Status.IN_PROGRESS
    ).first()
    request.transition(Status.CLOSED, by=None)
    client = _client(resident)
    url = f"/my-requests/{request.reference}/score/"

    bad = client.post(url, {"score": "11"})
    assert bad.status_code == 400
    refused = client.post(url, {"score": "8", "reopen": "on"})
    assert refused.status_code == 400
    client.post(url, {"score": "3", "comment": "Nog niet opgelost", "reopen": "on"})

    request.refresh_from_db()
    assert request.satisfaction_score == 3
    assert request.status == Status.IN_REVIEW
    client.post(url, {"score": "9"})
    request.refresh_from_db()
    assert request.satisfaction_score == 3


def test_message_from_staff_is_not_in_the_notification_text(demo: None) -> None:
    # The notification e-mail itself is tested with the worker; here: the message is
    # stored for the resident and visible on their page.
    resident = _resident()
    caseworker = User.objects.get(email="consulent@den-helder.buurtkracht.test")
    request = HelpRequest.objects.filter(
        resident=resident, status=Status.IN_PROGRESS
    ).first()

    message_post(help_request=request, author=caseworker, body="Zie bijlage")

    page = _client(resident).get(f"/my-requests/{request.reference}/").content.decode()
    assert "Zie bijlage" in page


def test_export_runs_a_fixed_number_of_queries(
    demo: None,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = _client(_resident())

    with django_assert_max_num_queries(12):
        response = client.get("/my-data/export.json")

    assert len(json.loads(response.content)["help_requests"]) == 7


@pytest.mark.django_db
def test_export_holds_the_residents_volunteering_and_pilots_not_other_people() -> None:
    from accounts.tests.factories import UserFactory
    from citizens.models import ConsentRecipient
    from citizens.tests.factories import ConsentFactory, HelpRequestFactory
    from networks.models import Match, Need
    from networks.tests.factories import VolunteerFactory
    from pilots.tests.factories import MeasurementFactory, ParticipantFactory

    marker = "ZZ-MARKER-HELPED-RESIDENT"
    volunteer = VolunteerFactory(about="Ik kook graag.")
    me = volunteer.user
    helped = UserFactory(full_name=f"{marker} Achternaam", email="zz-helped@x.test")
    their_request = HelpRequestFactory(
        resident=helped,
        neighbourhood=volunteer.neighbourhood,
        story=f"{marker} verhaal",
        phone="0699999999",
        history=False,
    )
    ConsentFactory(help_request=their_request, recipient=ConsentRecipient.VOLUNTEERS)
    Match.objects.create(
        help_request=their_request,
        volunteer=volunteer,
        task="Boodschappen op dinsdag",
        need=Need.SHOPPING,
        first_name="Henk",
    )
    mine = ParticipantFactory(name="Mijn Eigen Naam", resident=me)
    MeasurementFactory(participant=mine, scores={"score": 7})
    # Another resident's participation in the same pilot, with their measurement.
    theirs = ParticipantFactory(pilot=mine.pilot, name=f"{marker} deelnemer")
    MeasurementFactory(participant=theirs, scores={"score": 2})

    content = _client(me).get("/my-data/export.json").content.decode()
    data = json.loads(content)

    assert data["volunteering"]["about"] == "Ik kook graag."
    (match,) = data["volunteering"]["matches"]
    assert match["task"] == "Boodschappen op dinsdag"
    assert match["resident_first_name"] == "Henk"
    (participation,) = data["pilot_participations"]
    assert participation["name"] == "Mijn Eigen Naam"
    assert [m["scores"] for m in participation["measurements"]] == [{"score": 7}]
    assert marker not in content
    assert "zz-helped@x.test" not in content and "0699999999" not in content
    assert their_request.reference not in content


@pytest.mark.django_db
def test_export_withholds_the_task_and_first_name_once_that_consent_ended() -> None:
    from citizens.models import ConsentRecipient
    from citizens.services import consent_withdraw
    from citizens.tests.factories import ConsentFactory, HelpRequestFactory
    from networks.models import Match, Need
    from networks.tests.factories import VolunteerFactory

    volunteer = VolunteerFactory()
    their_request = HelpRequestFactory(
        neighbourhood=volunteer.neighbourhood, history=False
    )
    consent = ConsentFactory(
        help_request=their_request, recipient=ConsentRecipient.VOLUNTEERS
    )
    Match.objects.create(
        help_request=their_request,
        volunteer=volunteer,
        task="Boodschappen op dinsdag",
        need=Need.SHOPPING,
        first_name="Henk",
    )
    consent_withdraw(consent=consent, by=their_request.resident)

    data = json.loads(_client(volunteer.user).get("/my-data/export.json").content)

    (match,) = data["volunteering"]["matches"]
    assert match["need"] == Need.SHOPPING
    assert match["task"] == "" and match["resident_first_name"] == ""


@pytest.mark.django_db
def test_a_resident_without_volunteering_or_pilots_gets_empty_sections() -> None:
    from accounts.tests.factories import UserFactory

    me = UserFactory()
    data = json.loads(_client(me).get("/my-data/export.json").content)

    assert data["volunteering"] is None
    assert data["pilot_participations"] == []
