"""An anonymous visitor walks the steps of asking for help; every answer is kept on
the server, and a draft opens only for the browser or resident it belongs to."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from citizens.models import HelpRequest, HelpRequestDraft
from citizens.steps import STEPS
from citizens.tests.factories import HelpRequestDraftFactory, complete_answers
from citizens.tests.helpers import (
    fill_steps,
    review_url,
    start_draft,
    step_url,
    unsafe_alert_shown,
)
from municipalities.models import PostcodeArea
from tests.fixtures.personas import client_for

# One invalid answer per step: what was typed must still be kept.
INVALID_TYPING: dict[str, dict[str, Any]] = {
    "for-whom": {"for_whom": "someone_else", "subject_name": "Tante Truus"},
    "situation": {"life_events": [], "story": "Ik weet niet waar ik moet beginnen"},
    "household": {"adults": "twee", "children_ages": "4, 9"},
    "own-strength": {"own_strength": "", "network_help": "Mijn buurvrouw"},
    "urgency": {"urgent_situations": ["unsafe", "not-a-choice"]},
    "contact": {
        "full_name": "Sanne de Vries",
        "postcode": "123",
        "house_number": "12",
        "contact_methods": ["phone"],
        "phone": "",
        "contact_times": "na drie uur",
    },
    "consent": {"share_with_volunteers": "on"},
}


@pytest.fixture
def visitor(db: None) -> Client:
    return Client()


def test_start_creates_a_draft_bound_to_this_browser_and_opens_the_first_step(
    visitor: Client,
) -> None:
    response = visitor.post(reverse("citizens:ask_start"))

    draft = HelpRequestDraft.objects.get()
    assert response["Location"] == step_url(draft, STEPS[0].slug)
    assert draft.owner is None
    assert visitor.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("slug", [step.slug for step in STEPS])
def test_each_step_saves_what_was_typed_even_when_it_is_invalid(
    slug: str, visitor: Client
) -> None:
    draft = start_draft(visitor)
    typed = INVALID_TYPING[slug]

    response = visitor.post(step_url(draft, slug), typed)

    assert response.status_code == 400
    assert response.context["form"].errors
    draft.refresh_from_db()
    saved = draft.answers_for(slug)
    for name, value in typed.items():
        assert saved[name] == value


def test_each_valid_step_leads_to_the_next_and_the_last_to_the_review(
    visitor: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = start_draft(visitor)
    answers = complete_answers()
    following = [step_url(draft, step.slug) for step in STEPS[1:]]

    for step, expected in zip(STEPS, [*following, review_url(draft)], strict=True):
        response = visitor.post(step_url(draft, step.slug), answers[step.slug])
        assert response.status_code == 302
        assert response["Location"] == expected


def test_back_keeps_the_answers_and_goes_to_the_previous_step(
    visitor: Client,
) -> None:
    draft = start_draft(visitor)

    response = visitor.post(
        step_url(draft, "household"),
        {"adults": "3", "children_ages": "vier", "back": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "situation")
    draft.refresh_from_db()
    assert draft.answers_for("household") == {"adults": "3", "children_ages": "vier"}
    page = visitor.get(step_url(draft, "household")).content.decode()
    assert 'value="3"' in page
    assert 'value="vier"' in page


def test_back_on_the_first_step_goes_to_the_start_page(visitor: Client) -> None:
    draft = start_draft(visitor)

    response = visitor.post(
        step_url(draft, "for-whom"), {"for_whom": "myself", "back": "1"}
    )

    assert response["Location"] == reverse("citizens:ask_start")
    draft.refresh_from_db()
    assert draft.answers_for("for-whom")["for_whom"] == "myself"


def test_opening_a_step_again_shows_the_saved_answers(visitor: Client) -> None:
    draft = start_draft(visitor)
    visitor.post(
        step_url(draft, "situation"),
        {"life_events": ["money_worries", "loneliness"], "story": "Mijn eigen verhaal"},
    )

    response = visitor.get(step_url(draft, "situation"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Mijn eigen verhaal" in page
    checked = re.findall(r'<input[^>]*value="([a-z_]+)"[^>]*checked', page)
    assert set(checked) == {"money_worries", "loneliness"}
    assert not response.context["form"].is_bound


def test_review_lists_every_answer(
    visitor: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = start_draft(visitor)
    answers = complete_answers(
        {
            "own-strength": {"own_strength": "Ik kan zelf koken"},
            "contact": {"contact_times": "Dinsdagmiddag"},
        }
    )
    fill_steps(visitor, draft, answers)

    response = visitor.get(review_url(draft))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["incomplete"] is None
    assert [section.slug for section in response.context["summary"]] == [
        step.slug for step in STEPS
    ]
    for typed in [
        "Ik heb een brief van de woningcorporatie gekregen.",
        "4, 9",
        "Ik kan zelf koken",
        "Mijn zus helpt soms met de kinderen.",
        "Sanne de Vries",
        "1781 AB",
        "Dinsdagmiddag",
    ]:
        assert typed in page
    for step in STEPS:
        assert f'href="{step_url(draft, step.slug)}"' in page


def test_review_shows_typed_html_escaped(
    visitor: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = start_draft(visitor)
    story = '<script>alert("xss")</script><b onmouseover="x()">vet</b>'
    fill_steps(visitor, draft, complete_answers({"situation": {"story": story}}))

    page = visitor.get(review_url(draft)).content.decode()

    assert "<script>alert" not in page
    assert "<b onmouseover" not in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page


def test_review_points_at_the_first_step_that_is_not_complete(
    visitor: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = start_draft(visitor)
    fill_steps(visitor, draft, until="own-strength")

    response = visitor.get(review_url(draft))

    assert response.context["incomplete"].slug == "own-strength"
    assert 'name="email"' not in response.content.decode()


def test_choosing_unsafe_shows_the_112_and_veilig_thuis_alert_on_the_next_pages(
    visitor: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = start_draft(visitor)
    assert not unsafe_alert_shown(
        visitor.get(step_url(draft, "urgency")).content.decode()
    )

    visitor.post(step_url(draft, "urgency"), {"urgent_situations": ["unsafe"]})

    for slug in ["contact", "consent", "urgency"]:
        page = visitor.get(step_url(draft, slug)).content.decode()
        assert unsafe_alert_shown(page), slug
    assert unsafe_alert_shown(visitor.get(review_url(draft)).content.decode())


def test_other_urgent_situations_do_not_show_the_unsafe_alert(
    visitor: Client,
) -> None:
    draft = start_draft(visitor)

    visitor.post(
        step_url(draft, "urgency"), {"urgent_situations": ["eviction", "no_food"]}
    )

    assert not unsafe_alert_shown(
        visitor.get(step_url(draft, "contact")).content.decode()
    )


@pytest.mark.parametrize("view", ["step", "review", "post"])
def test_a_draft_opened_from_another_browser_gives_404(
    view: str, visitor: Client
) -> None:
    draft = start_draft(visitor)
    other_browser = Client()

    if view == "step":
        response = other_browser.get(step_url(draft, "for-whom"))
    elif view == "review":
        response = other_browser.get(review_url(draft))
    else:
        response = other_browser.post(
            step_url(draft, "situation"), {"story": "overschreven"}
        )

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {}


def test_another_residents_draft_gives_404(
    resident: User, other_resident: User
) -> None:
    draft = start_draft(client_for(resident))
    assert draft.owner == resident

    intruder = client_for(other_resident)

    assert intruder.get(step_url(draft, "for-whom")).status_code == 404
    assert intruder.get(review_url(draft)).status_code == 404
    assert Client().get(review_url(draft)).status_code == 404


def test_a_residents_draft_opens_from_any_of_their_browsers(resident: User) -> None:
    draft = start_draft(client_for(resident))

    assert client_for(resident).get(step_url(draft, "for-whom")).status_code == 200


def test_an_unknown_step_redirects_to_the_first_step(visitor: Client) -> None:
    draft = start_draft(visitor)

    response = visitor.get(step_url(draft, "does-not-exist"))

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, STEPS[0].slug)


def test_a_sent_draft_leads_to_its_request_instead_of_the_steps(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft)
    client.post(reverse("citizens:ask_send", args=[draft.public_id]))
    help_request = HelpRequest.objects.get()

    response = client.post(step_url(draft, "situation"), {"story": "later gewijzigd"})

    assert response["Location"] == reverse(
        "citizens:request_detail", args=[help_request.reference]
    )
    help_request.refresh_from_db()
    assert help_request.story == "Ik heb een brief van de woningcorporatie gekregen."


def test_the_start_page_offers_the_last_saved_unfinished_requests_only(
    resident: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from citizens.views.ask import DRAFTS_SHOWN

    now = timezone.now()
    drafts = [HelpRequestDraftFactory(owner=resident) for _ in range(DRAFTS_SHOWN + 2)]
    for age, draft in enumerate(drafts):
        HelpRequestDraft.objects.filter(pk=draft.pk).update(
            updated_at=now - dt.timedelta(hours=age)
        )
    HelpRequestDraftFactory()  # someone else's, started in another browser
    client = Client()
    client.force_login(resident)
    client.get(reverse("citizens:ask_start"))

    with django_assert_max_num_queries(4):
        page = client.get(reverse("citizens:ask_start")).content.decode()

    links = [reverse("citizens:ask_review", args=[d.public_id]) for d in drafts]
    shown = [link for link in links if link in page]
    assert shown == links[:DRAFTS_SHOWN]  # the last saved ones
    assert [page.index(link) for link in shown] == sorted(
        page.index(link) for link in shown
    )  # the last saved first
    assert f"Alleen uw {DRAFTS_SHOWN} laatst bewaarde onafgemaakte hulpvragen" in page


def test_the_start_page_says_nothing_of_more_when_every_draft_is_shown(
    resident: User,
) -> None:
    HelpRequestDraftFactory(owner=resident)
    client = Client()
    client.force_login(resident)

    page = client.get(reverse("citizens:ask_start")).content.decode()

    assert "Ga verder waar u was gebleven" in page
    assert "laatst bewaarde" not in page
