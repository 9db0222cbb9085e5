"""Asking for help in a real browser: every step, the e-mail link, sending, and the
conversation with the caseworker afterwards.

The Dutch catalogue may lag behind the English texts, so fields are found by name or
id and labels are compared in the language the page says it is in."""

import json
import re
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from django.core.signals import request_started
from django.utils import translation
from playwright.sync_api import Browser, Dialog, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from citizens.models import Attachment, HelpRequest, Status
from municipalities.models import PostcodeArea
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PHONE_WIDTH = 360
STEP_URL = r"/help/[0-9a-f-]{36}/{slug}/$"
STORY = (
    "Sinds de scheiding lukt het me niet meer met de rekeningen.\n"
    "Mijn neef zei: typ maar <script>alert(1)</script> als test."
)
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def _step_url(live_server: LiveServer, slug: str) -> re.Pattern[str]:
    return re.compile(
        "^" + re.escape(live_server.url) + STEP_URL.replace("{slug}", slug)
    )


def _next(page: Page) -> None:
    # The first "next" button is visually hidden (it makes Enter go forward).
    page.locator("button[name=next]").last.click()


class HorizontalScrolling(AssertionError):
    pass


def _pages_wider_than_the_phone(page: Page, found: list[str]) -> None:
    """Note the page and what sticks out when it scrolls sideways at phone width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        sticking_out = page.evaluate(
            """limit => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > limit)
                .map(e => e.outerHTML.slice(0, 100))""",
            PHONE_WIDTH,
        )
        found.append(f"{page.url} is {width}px wide: {sticking_out}")


def _label(page: Page, status: Status) -> str:
    """The status label as the server renders it in the page's language."""
    language = page.locator("html").get_attribute("lang") or "nl"
    with translation.override(language):
        return str(status.label)


def _text_part(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def _new_emails(worker: Worker, *, count: int, seen: list[Message]) -> list[Message]:
    """The e-mails beyond `seen` once `count` have been sent (the outbox files are
    named by second and object id, so their order is not the order of sending)."""
    known = {message["Message-ID"] for message in seen}
    messages = worker.wait_for_emails(count)
    return [message for message in messages if message["Message-ID"] not in known]


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "selector => document.activeElement?.matches(selector) ?? false",
            selector,
        ):
            return
    raise AssertionError(f"{selector} never got the focus in {limit} tabs")


def _start_asking(page: Page, live_server: LiveServer) -> None:
    page.goto("/help/")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(_step_url(live_server, "for-whom"))


def test_resident_asks_for_help_on_a_phone_from_start_to_a_message_exchange(
    celery_worker: Worker,
    phone_page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    caseworker: User,
    password: str,
) -> None:
    PostcodeArea.objects.create(prefix="1781", neighbourhood=den_helder.neighbourhood)
    page = phone_page
    dialogs: list[str] = []
    too_wide: list[str] = []

    def refuse_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse_dialog)

    page.goto("/")
    page.locator('main a[href="/help/"]').tap()
    expect(page).to_have_url(f"{live_server.url}/help/")
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("main form[method=post] button[type=submit]").tap()

    expect(page).to_have_url(_step_url(live_server, "for-whom"))
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("input[name=for_whom][value=myself]").check()
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "situation"))
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("input[name=life_events][value=divorce]").check()
    page.locator("input[name=life_events][value=money_worries]").check()
    page.locator("#id_story").fill(STORY)
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "household"))
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("#id_adults").fill("2")
    page.locator("#id_children_ages").fill("4, 9")
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "own-strength"))
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("#id_own_strength").fill("Ik kan koken en boodschappen doen.")
    page.locator("#id_network_help").fill("Mijn zus past soms op de kinderen.")
    page.locator("button[name=back]").click()

    expect(page).to_have_url(_step_url(live_server, "household"))
    expect(page.locator("#id_adults")).to_have_value("2")
    expect(page.locator("#id_children_ages")).to_have_value("4, 9")
    _next(page)
    expect(page).to_have_url(_step_url(live_server, "own-strength"))
    expect(page.locator("#id_own_strength")).to_have_value(
        "Ik kan koken en boodschappen doen."
    )
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "urgency"))
    _pages_wider_than_the_phone(page, too_wide)
    unsafe_alert = page.locator("#unsafe-alert")
    expect(unsafe_alert).to_be_hidden()
    page.locator("input[name=urgent_situations][value=unsafe]").check()
    expect(unsafe_alert).to_be_visible()
    expect(unsafe_alert).to_contain_text("112")
    expect(unsafe_alert).to_contain_text("0800-2000")
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "contact"))
    _pages_wider_than_the_phone(page, too_wide)
    expect(page.locator("#unsafe-alert")).to_be_visible()
    page.locator("#id_full_name").fill("Lotte Visser")
    page.locator("#id_postcode").fill("1781 AB")
    page.locator("#id_house_number").fill("12A")
    page.locator("input[name=contact_methods][value=email]").check()
    _next(page)

    expect(page).to_have_url(_step_url(live_server, "consent"))
    _pages_wider_than_the_phone(page, too_wide)
    page.locator("#id_privacy_accepted").check()
    page.locator("#id_share_with_volunteers").check()
    _next(page)

    review_url = re.compile(
        "^" + re.escape(live_server.url) + r"/help/[0-9a-f-]{36}/review/$"
    )
    expect(page).to_have_url(review_url)
    _pages_wider_than_the_phone(page, too_wide)
    main = page.get_by_role("main")
    expect(main).to_contain_text("<script>alert(1)</script>")
    assert not page.evaluate(
        "[...document.scripts].some(s => s.textContent.includes('alert(1)'))"
    )
    expect(page.locator("#unsafe-alert")).to_be_visible()
    assert dialogs == []

    page.locator("#id_email").fill("Lotte@Example.test")
    page.locator('form[action$="/confirm/"] button[type=submit]').tap()
    expect(main).to_contain_text("lotte@example.test")

    [confirmation] = celery_worker.wait_for_emails(1)
    assert confirmation["To"] == "lotte@example.test"
    link = re.search(r"https?://\S+?(/help/confirm/\S+/)", _text_part(confirmation))
    assert link is not None
    page.goto(link.group(1))

    expect(page).to_have_url(review_url)
    expect(page.get_by_test_id("current-user")).to_contain_text("Lotte Visser")
    send_button = page.locator('form[action$="/send/"] button[type=submit]')
    expect(send_button).to_be_visible()
    for answer in (STORY.splitlines()[1], "Lotte Visser", "1781 AB", "12A", "4, 9"):
        expect(main).to_contain_text(answer)
    resident = User.objects.get(email="lotte@example.test")
    assert resident.role == Role.RESIDENT

    sends: list[str] = []

    def note_send(environ: dict[str, str], **kwargs: object) -> None:
        if environ["PATH_INFO"].endswith("/send/"):
            sends.append(environ["REQUEST_METHOD"])

    request_started.connect(note_send)
    try:
        # Chromium merges the two clicks of page.dblclick() into one submission; a
        # person's second press comes while the first request is on its way.
        send_button.evaluate(
            "button => { button.click(); setTimeout(() => button.click(), 5); }"
        )
        expect(page).to_have_url(re.compile(r"/help/sent/HV-\d{4}-\d{6}/$"))
    finally:
        request_started.disconnect(note_send)
    assert sends == ["POST", "POST"]
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"HV-\d{4}-\d{6}", reference)
    help_request = HelpRequest.objects.get()
    assert help_request.reference == reference
    assert help_request.resident == resident
    assert help_request.neighbourhood == den_helder.neighbourhood
    # Browsers send a textarea's line breaks as CRLF.
    assert help_request.story.replace("\r\n", "\n") == STORY
    assert sorted(help_request.life_events) == ["divorce", "money_worries"]
    assert (help_request.adults, help_request.children_ages) == (2, [4, 9])
    assert help_request.urgent_situations == ["unsafe"]
    assert help_request.is_urgent
    assert (help_request.postcode, help_request.house_number) == ("1781 AB", "12A")
    assert help_request.contact_methods == ["email"]
    assert [(c.recipient, c.method) for c in help_request.consents.all()] == [
        ("volunteers", "online")
    ]
    [received] = _new_emails(celery_worker, count=2, seen=[confirmation])
    assert received["To"] == "lotte@example.test"
    assert reference in _subject(received)

    main.locator(f'a[href="/my-requests/{reference}/"]').tap()
    expect(page).to_have_url(f"{live_server.url}/my-requests/{reference}/")
    _pages_wider_than_the_phone(page, too_wide)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("li")).to_have_count(5)
    expect(timeline.locator("li[aria-current=step]")).to_contain_text(
        _label(page, Status.RECEIVED)
    )
    expect(page.get_by_test_id("status")).to_contain_text(_label(page, Status.RECEIVED))

    staff_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    try:
        staff = staff_context.new_page()
        staff.set_default_timeout(10_000)
        log_in(staff, caseworker, password)
        staff.goto(f"/casework/requests/{reference}/")
        expect(staff.get_by_role("main")).to_contain_text("<script>alert(1)</script>")
        staff.locator("#id_body").fill("Dag Lotte, ik kom graag bij je langs.")
        expect(staff.locator("#id_for_resident")).to_be_checked()
        staff.locator("button[name=send_message]").click()
        expect(staff.get_by_test_id("messages")).to_contain_text(
            "ik kom graag bij je langs"
        )
        visit = date.today() + timedelta(days=7)
        staff.locator("#id_stage").select_option("intake_planned")
        staff.locator("#id_next_step").fill("Huisbezoek om de post samen te bekijken")
        staff.locator("#id_next_step_date").fill(visit.isoformat())
        staff.locator("button[name=save_progress]").click()
        expect(staff.get_by_test_id("status")).to_contain_text(
            _label(staff, Status.APPOINTMENT_PLANNED)
        )
        help_request.refresh_from_db()
        assert help_request.status == Status.APPOINTMENT_PLANNED
        assert help_request.contact_person == caseworker
        assert help_request.next_step_date == visit

        page.reload()
        expect(page.get_by_test_id("messages")).to_contain_text(
            "ik kom graag bij je langs"
        )
        expect(page.get_by_test_id("contact-person")).to_contain_text(
            "Mohamed El Amrani"
        )
        expect(page.get_by_test_id("next-step")).to_contain_text(
            "Huisbezoek om de post samen te bekijken"
        )
        expect(page.get_by_test_id("status")).to_contain_text(
            _label(page, Status.APPOINTMENT_PLANNED)
        )
        page.locator("#id_body").fill("Fijn, dinsdagmiddag kan ik goed.")
        page.locator("form:has(#id_body) button[type=submit]").tap()
        expect(page.get_by_test_id("messages")).to_contain_text(
            "dinsdagmiddag kan ik goed"
        )

        staff.reload()
        expect(staff.get_by_test_id("messages")).to_contain_text(
            "dinsdagmiddag kan ik goed"
        )
    finally:
        staff_context.close()

    # The worker handles its queue in order: a second confirmation would have come
    # before the notices of the two messages (one to the resident, one to the
    # caseworker as contact person).
    notices = _new_emails(celery_worker, count=4, seen=[confirmation, received])
    by_recipient = {notice["To"]: notice for notice in notices}
    assert set(by_recipient) == {"lotte@example.test", caseworker.email}
    notice = by_recipient["lotte@example.test"]
    assert reference in _subject(notice)
    assert _subject(notice) != _subject(received)
    assert reference in _subject(by_recipient[caseworker.email])
    assert len(celery_worker.sent_emails()) == 4
    assert HelpRequest.objects.count() == 1

    # The resident downloads all of their data from "My data".
    page.goto("/my-data/")
    _pages_wider_than_the_phone(page, too_wide)
    with page.expect_download() as download_info:
        page.locator("a[href='/my-data/export.json']").tap()
    exported = json.loads(Path(download_info.value.path()).read_text())
    assert exported["account"]["email"] == "lotte@example.test"
    [own_request] = exported["help_requests"]
    assert own_request["reference"] == reference
    assert any("dinsdagmiddag" in m["text"] for m in own_request["messages"])
    assert own_request["looked_at_by"], "the caseworker's look is in the access log"
    assert dialogs == []
    if too_wide:
        raise HorizontalScrolling("\n".join(too_wide))


def test_keyboard_only_resident_completes_a_step_and_goes_back(
    page: Page, live_server: LiveServer
) -> None:
    _start_asking(page, live_server)
    page.locator("input[name=for_whom][value=myself]").check()
    _next(page)
    expect(page).to_have_url(_step_url(live_server, "situation"))

    _tab_to(page, "input[name=life_events][value=illness]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=life_events][value=loneliness]")
    page.keyboard.press("Space")
    _tab_to(page, "#id_story")
    page.keyboard.type("Ik ben vaak alleen sinds ik ziek ben.")
    _tab_to(page, "button[name=next]:not([tabindex='-1'])")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step_url(live_server, "household"))
    _tab_to(page, "#id_adults")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("3")
    _tab_to(page, "#id_children_ages")
    page.keyboard.type("7, 12")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step_url(live_server, "own-strength"))
    _tab_to(page, "button[name=back]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step_url(live_server, "household"))
    expect(page.locator("#id_adults")).to_have_value("3")
    expect(page.locator("#id_children_ages")).to_have_value("7, 12")
    _tab_to(page, "button[name=back]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step_url(live_server, "situation"))
    expect(page.locator("input[name=life_events][value=illness]")).to_be_checked()
    expect(page.locator("input[name=life_events][value=loneliness]")).to_be_checked()
    expect(page.locator("input[name=life_events]:checked")).to_have_count(2)
    expect(page.locator("#id_story")).to_have_value(
        "Ik ben vaak alleen sinds ik ziek ben."
    )


def test_a_refused_document_keeps_the_typed_story(
    page: Page, live_server: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    _start_asking(page, live_server)
    page.locator("input[name=for_whom][value=myself]").check()
    _next(page)
    expect(page).to_have_url(_step_url(live_server, "situation"))
    page.locator("input[name=life_events][value=housing]").check()
    page.locator("#id_story").fill("De verhuurder stuurde mij deze brief.")

    page.locator("#id_document").set_input_files(
        files=[
            {
                "name": "letter.pdf",
                "mimeType": "application/pdf",
                "buffer": b"Dit is gewoon tekst, geen PDF.\n",
            }
        ]
    )
    page.locator("button[name=stay]").click()

    expect(page.locator("#id_document_error")).to_be_visible()
    expect(page.locator("#id_document")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_document_error\b")
    )
    expect(page.locator("#id_story")).to_have_value(
        "De verhuurder stuurde mij deze brief."
    )
    expect(page.locator("input[name=life_events][value=housing]")).to_be_checked()
    expect(page.get_by_test_id("documents")).to_have_count(0)
    assert not Attachment.objects.exists()

    page.locator("#id_document").set_input_files(
        files=[{"name": "brief.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.locator("button[name=stay]").click()

    expect(page).to_have_url(_step_url(live_server, "situation"))
    expect(page.locator("#id_document_error")).to_have_count(0)
    expect(page.get_by_test_id("documents")).to_contain_text("brief.pdf")
    expect(page.locator("#id_story")).to_have_value(
        "De verhuurder stuurde mij deze brief."
    )
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.size) == ("brief.pdf", len(TINY_PDF))
    assert attachment.content_type == "application/pdf"
