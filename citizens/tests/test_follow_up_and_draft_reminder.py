"""The follow-up questionnaire (a tokened page, answered once, validated) and the
opt-in for a nudge about an unfinished draft."""

from django.test import Client
from django.utils import timezone

from accounts.models import User
from citizens.models import FollowUpAnswer, HelpRequest, HelpRequestDraft, Status
from citizens.reminders import follow_up_token
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place, client_for

GOOD = {
    "life_satisfaction": "7",
    "manages_daily_life": "4",
    "knows_where_to_go": "5",
    "has_people_around": "3",
    "situation_improved": "4",
    "comment": "Het gaat beter.",
}


def _closed(place: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(
        neighbourhood=place.neighbourhood, resident=resident, closed=True
    )


def _url(request: HelpRequest) -> str:
    token = follow_up_token(
        request_id=str(request.public_id), closed_at=request.closed_at.isoformat()
    )
    return f"/follow-up/{token}/"


def test_the_resident_answers_the_questionnaire_once_without_logging_in(
    den_helder: Place, resident: User
) -> None:
    request = _closed(den_helder, resident)
    client = Client(enforce_csrf_checks=False)
    page = client.get(_url(request))
    assert page.status_code == 200
    form_html = page.content.decode()
    assert 'name="life_satisfaction"' in form_html

    assert client.post(_url(request), GOOD).status_code == 200
    answer = FollowUpAnswer.objects.get(help_request=request)
    assert (answer.life_satisfaction, answer.situation_improved) == (7, 4)

    again = client.post(_url(request), {**GOOD, "life_satisfaction": "2"})
    assert again.status_code == 200
    answer.refresh_from_db()
    assert answer.life_satisfaction == 7
    assert FollowUpAnswer.objects.count() == 1


def test_bad_answers_get_a_message_at_the_field_and_nothing_is_stored(
    den_helder: Place, resident: User
) -> None:
    request = _closed(den_helder, resident)
    for field, bad in (
        ("life_satisfaction", {**GOOD, "life_satisfaction": "11"}),
        ("life_satisfaction", {**GOOD, "life_satisfaction": "zeven"}),
        ("manages_daily_life", {**GOOD, "manages_daily_life": "0"}),
        (
            "has_people_around",
            {k: v for k, v in GOOD.items() if k != "has_people_around"},
        ),
        ("comment", {**GOOD, "comment": "x" * 2001}),
    ):
        response = Client().post(_url(request), bad)
        assert response.status_code == 400
        assert f'id="id_{field}_error"' in response.content.decode()
    assert not FollowUpAnswer.objects.exists()


def test_a_broken_or_outdated_link_opens_nothing(
    den_helder: Place, resident: User
) -> None:
    request = _closed(den_helder, resident)
    url = _url(request)
    assert Client().get(url[:-5] + "xxxx/").status_code == 404
    # Reopened: the old link no longer fits the request.
    request.transition(Status.IN_REVIEW, by=None)
    assert Client().get(url).status_code == 404
    assert Client().post(url, GOOD).status_code == 404
    assert not FollowUpAnswer.objects.exists()


def test_a_signed_in_resident_asks_for_a_reminder_about_their_draft(
    resident: User,
) -> None:
    draft = HelpRequestDraft.objects.create(owner=resident)
    client = client_for(resident)
    review = client.get(f"/help/{draft.public_id}/review/").content.decode()
    assert 'data-testid="remind-me"' in review

    response = client.post(f"/help/{draft.public_id}/remind-me/", {"remind_me": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.remind_me is True

    client.post(f"/help/{draft.public_id}/remind-me/", {})
    draft.refresh_from_db()
    assert draft.remind_me is False


def test_nobody_switches_the_reminder_of_someone_elses_draft(
    resident: User, other_resident: User
) -> None:
    draft = HelpRequestDraft.objects.create(owner=resident)
    response = client_for(other_resident).post(
        f"/help/{draft.public_id}/remind-me/", {"remind_me": "on"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.remind_me is False
    assert draft.updated_at <= timezone.now()
