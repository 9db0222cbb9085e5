"""Sending a request is one statement (`help_request_submit`): every row it writes is
checked here against what the separate writes it replaced would have made, and a
submission that finds the draft taken writes nothing at all."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.access import SESSION_DRAFTS
from citizens.models import (
    Attachment,
    Consent,
    ConsentMethod,
    ConsentRecipient,
    HelpRequest,
    HelpRequestDraft,
    ReferenceCounter,
    Status,
    StatusChange,
)
from citizens.services import (
    INPUT,
    DraftIncomplete,
    help_request_send,
    help_request_submit,
)
from citizens.tests.factories import (
    HelpRequestDraftFactory,
    answers_for_someone_else,
    complete_answers,
    postcode_area,
)
from municipalities.models import Place, PostcodeArea
from municipalities.tests.factories import NeighbourhoodFactory
from notifications.models import Delivery, OutboxEmail
from socialdomain.lib.compiled import literal, numbered, preparing_cursor
from socialdomain.lib.inserts import Literal, insert_values, new_instance
from tests.fixtures.personas import Place as Persona

pytestmark = pytest.mark.django_db

RECEIVED = "citizens.help_request_received"
FOLLOW_INVITATION = "citizens.follow_invitation"


def _document(help_request: HelpRequest) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM citizens_helprequest WHERE id = %s",
            [help_request.pk],
        )
        return cursor.fetchone()[0]


def _recomputed_document(help_request: HelpRequest) -> str:
    help_request.refresh_search_document()
    return _document(help_request)


def test_the_written_search_document_is_the_one_a_refresh_computes(
    den_helder_postcode: PostcodeArea,
) -> None:
    # A resident without a name yet: the name typed in the form is in the document.
    resident = UserFactory(full_name="")
    draft = HelpRequestDraftFactory(owner=resident)

    help_request = help_request_submit(draft=draft, user=resident)

    written = _document(help_request)
    assert "sann" in written and "woningcorporatie" in written
    assert "'hv':1A" in written  # the reference, first and weighing most
    assert written == _recomputed_document(help_request)
    # The search document is the database's: read from it when asked for.
    assert str(help_request.search_document) == written


def test_a_request_for_someone_else_has_their_name_and_an_invitation(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    answers = answers_for_someone_else("Oma@Example.test")
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)

    help_request = help_request_submit(draft=draft, user=resident)

    help_request.refresh_from_db()
    assert help_request.resident is None
    assert help_request.filed_by == resident
    assert help_request.subject_email == "Oma@Example.test"
    written = _document(help_request)
    assert "oma" in written
    assert written == _recomputed_document(help_request)
    deliveries = {d.kind: d for d in Delivery.objects.all()}
    assert set(deliveries) == {RECEIVED, FOLLOW_INVITATION}
    assert deliveries[RECEIVED].recipient == resident
    assert deliveries[RECEIVED].recipient_key == f"u{resident.pk}"
    assert deliveries[FOLLOW_INVITATION].recipient_key == "eoma@example.test"
    assert deliveries[FOLLOW_INVITATION].address == "Oma@Example.test"
    assert {d.object_id for d in deliveries.values()} == {str(help_request.pk)}
    assert OutboxEmail.objects.filter(delivery__in=deliveries.values()).count() == 2


def test_every_row_of_the_submission_is_written_with_the_request(
    den_helder: Persona, den_helder_postcode: PostcodeArea
) -> None:
    resident = UserFactory(full_name="")
    answers = complete_answers(
        {
            "consent": {
                "share_with_community_centre": "on",
                "share_with_local_organisations": "on",
            }
        }
    )
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)
    document = Attachment.objects.create(
        draft=draft,
        uploaded_by=resident,
        original_name="brief.pdf",
        content_type="application/pdf",
        size=10,
        storage_name="a" * 64,
    )
    before = timezone.now()

    help_request = help_request_submit(draft=draft, user=resident)

    stored = HelpRequest.objects.get(pk=help_request.pk)
    assert stored.reference == help_request.reference
    assert stored.resident == resident
    assert stored.municipality == den_helder.municipality
    assert stored.neighbourhood == den_helder.neighbourhood
    assert stored.life_events == ["money_worries", "housing"]
    assert stored.adults == 2
    assert stored.status == Status.RECEIVED
    assert stored.submitted_at == stored.privacy_accepted_at
    assert stored.submitted_at >= before
    draft = HelpRequestDraft.objects.get(pk=draft.pk)
    assert draft.submitted_request == stored
    document.refresh_from_db()
    assert document.help_request == stored
    [change] = StatusChange.objects.filter(help_request=stored)
    assert (change.from_status, change.to_status, change.by) == (
        "",
        Status.RECEIVED,
        resident,
    )
    assert change.at == stored.submitted_at
    consents = Consent.objects.filter(help_request=stored).order_by("recipient")
    assert [c.recipient for c in consents] == sorted(
        [ConsentRecipient.COMMUNITY_CENTRES, ConsentRecipient.LOCAL_ORGANISATIONS]
    )
    for consent in consents:
        assert consent.method == ConsentMethod.ONLINE
        assert consent.recorded_by == resident
        assert consent.given_at == stored.submitted_at
        assert consent.expires_at == consent.given_at + dt.timedelta(
            days=settings.CONSENT_VALID_DAYS
        )
        assert consent.withdrawn_at is None
    resident.refresh_from_db()
    assert resident.full_name == "Sanne de Vries"
    [email] = OutboxEmail.objects.all()
    assert email.delivery.kind == RECEIVED
    assert email.municipality_id == stored.municipality_id
    assert email.delivery.municipality_id == stored.municipality_id
    # The returned request knows the place the statement found.
    assert (help_request.municipality_id, help_request.neighbourhood_id) == (
        den_helder.municipality.pk,
        den_helder.neighbourhood.pk,
    )


def test_a_resident_with_a_name_keeps_it(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    answers = complete_answers({"contact": {"full_name": "S. de Vries-Bakker"}})
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)

    help_request_submit(draft=draft, user=resident)

    resident.refresh_from_db()
    assert resident.full_name == "Sanne de Vries"


def test_a_submission_that_finds_the_draft_taken_writes_nothing(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    stale = HelpRequestDraft.objects.get(pk=draft.pk)  # read before the first send
    first = help_request_submit(draft=draft, user=resident)
    counts = {
        model: model.objects.count()
        for model in (HelpRequest, StatusChange, Consent, Delivery, OutboxEmail)
    }

    # The stale copy does not know that the draft was sent: the statement does.
    again = help_request_submit(draft=stale, user=resident)

    assert again == first
    assert ReferenceCounter.objects.get().last_number == 1
    assert {model: model.objects.count() for model in counts} == counts


def test_a_postcode_that_lost_its_place_writes_nothing_and_names_the_contact_step(
    resident: User, client: Client, den_helder_postcode: PostcodeArea
) -> None:
    """The send does not look the postcode up before its statement: the statement
    does, and writes nothing when the postcode lies in no municipality any more
    (here its area was removed after the contact step was answered)."""
    draft = HelpRequestDraftFactory(owner=resident)
    den_helder_postcode.delete()

    with pytest.raises(DraftIncomplete) as incomplete:
        help_request_submit(draft=draft, user=resident)

    assert incomplete.value.step.slug == "contact"
    for model in (HelpRequest, StatusChange, Consent, Delivery, OutboxEmail):
        assert not model.objects.exists(), model
    assert not ReferenceCounter.objects.exists()
    assert HelpRequestDraft.objects.get(pk=draft.pk).submitted_request is None

    # In the browser: back to the contact step, which says what is wrong with it.
    client.force_login(resident)
    response = client.post(f"/help/{draft.public_id}/send/", follow=True)
    assert response.redirect_chain[-1][0] == f"/help/{draft.public_id}/contact/"
    assert "Eén stap is nog niet helemaal ingevuld" in response.content.decode()
    response = client.post(
        f"/help/{draft.public_id}/contact/", draft.answers_for("contact")
    )
    assert response.status_code == 400
    assert "Deze postcode ligt niet in een gemeente die met Buurtkracht werkt" in (
        response.content.decode()
    )
    assert not HelpRequest.objects.exists()


def test_a_draft_removed_while_it_is_sent_is_not_found(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    HelpRequestDraft.objects.filter(pk=draft.pk).delete()

    with pytest.raises(HelpRequestDraft.DoesNotExist):
        help_request_submit(draft=draft, user=resident)

    assert not HelpRequest.objects.exists()


def test_a_submission_rolled_back_with_its_transaction_leaves_no_trace(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    with transaction.atomic():
        help_request_submit(draft=draft, user=resident)
        transaction.set_rollback(True)

    assert not HelpRequest.objects.exists()
    assert not StatusChange.objects.exists()
    assert not ReferenceCounter.objects.exists()
    assert HelpRequestDraft.objects.get(pk=draft.pk).submitted_request is None
    # The draft can still be sent, and gets the first number.
    sent = help_request_submit(draft=draft, user=resident)
    assert sent.reference.endswith("-000001")


def test_references_past_a_million_get_a_seventh_digit(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    year = timezone.localdate().year
    ReferenceCounter.objects.create(year=year, last_number=999_999)

    help_request = help_request_submit(
        draft=HelpRequestDraftFactory(owner=resident), user=resident
    )

    assert help_request.reference == f"HV-{year}-1000000"
    assert HelpRequest.objects.get(pk=help_request.pk).reference == (
        help_request.reference
    )


def test_a_postcode_lies_in_the_neighbourhood_of_its_longest_known_prefix(
    den_helder: Persona,
) -> None:
    four = postcode_area(den_helder.neighbourhood, "1781")
    five = postcode_area(NeighbourhoodFactory(district=den_helder.district), "1781A")
    full = postcode_area(NeighbourhoodFactory(district=den_helder.district), "1781AB")
    municipality_id = den_helder.municipality.pk

    def place(postcode: str) -> Place | None:
        found = PostcodeArea.objects.place_of(postcode)
        # The submission's statement finds the same from the postcode as SQL.
        sql, params = PostcodeArea.objects.place_sql(literal(postcode))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        assert ([tuple(found)] if found else []) == rows, (postcode, rows)
        return found

    assert place("1781 AB") == Place(full.neighbourhood_id, municipality_id)
    assert place("1781ab") == Place(full.neighbourhood_id, municipality_id)
    assert place("1781 AC") == Place(five.neighbourhood_id, municipality_id)
    assert place("1781 BC") == Place(four.neighbourhood_id, municipality_id)
    assert place("1782 AB") is None
    for not_a_postcode in ("1781", "ABCD EF", "1781 ABC", "", "1781 A%"):
        with pytest.raises(ValueError, match="not a postcode"):
            place(not_a_postcode)


def test_insert_values_writes_given_values_as_typed_parameters(
    resident: User,
) -> None:
    from citizens.tests.factories import HelpRequestFactory

    help_request = HelpRequestFactory(resident=resident)
    note = "50% klaar; 'quote'"
    values = {
        "from_status": "",
        "to_status": Status.IN_PROGRESS,
        "by_id": resident.pk,
        "note": note,
        "at": timezone.now(),
    }
    given = {"help_request_id": ("%s::bigint", [help_request.pk])}
    sql, params = insert_values(StatusChange, values, sql=given)
    assert note in params and help_request.pk in params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    # The same, as the submission runs it: numbered, over a raw cursor.
    with preparing_cursor(raw=True) as cursor:
        cursor.execute(numbered(sql), params)
    stored = StatusChange.objects.filter(help_request=help_request, note=note)
    assert stored.count() == 2
    assert {change.to_status for change in stored} == {Status.IN_PROGRESS}
    assert {change.at for change in stored} == {values["at"]}
    assert {change.by_id for change in stored} == {resident.pk}

    # By attname only: a related instance under the field's name is refused, as
    # is an unknown column given as SQL or as a literal.
    for wrong_values, wrong_sql in (
        ({**values, "by": resident}, None),
        (values, {"help_request": "1"}),
        ({**values, "remark": Literal("x")}, None),
    ):
        with pytest.raises(ValueError, match="not columns of citizens.StatusChange"):
            insert_values(StatusChange, wrong_values, sql=wrong_sql)


def test_constant_defaults_and_literals_are_written_into_the_text(
    resident: User,
) -> None:
    """What is the same in every row (a constant default, a Literal) is in the
    statement's text; a callable default is a parameter, anew for each row, and
    auto_now_add is filled in as save() does."""
    from citizens.tests.factories import HelpRequestFactory

    help_request = HelpRequestFactory(resident=resident)
    note = "50% klaar; 'quote'"
    values = {
        "help_request_id": help_request.pk,
        "from_status": Literal(""),
        "to_status": Literal(Status.IN_PROGRESS),
        "by_id": resident.pk,
        "note": Literal(note),
        "at": timezone.now(),
    }
    sql, params = insert_values(StatusChange, values)
    assert params == [help_request.pk, resident.pk, values["at"]]
    assert "'50%% klaar; ''quote'''" in sql  # quoted, its % doubled for binding
    # One text per literal value, made once.
    assert insert_values(StatusChange, values)[0] is sql
    other = insert_values(StatusChange, {**values, "to_status": Literal("closed")})
    assert other[0] != sql
    with preparing_cursor(raw=True) as cursor:
        cursor.execute(numbered(sql), params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    stored = StatusChange.objects.filter(help_request=help_request, note=note)
    assert [change.to_status for change in stored] == [Status.IN_PROGRESS] * 2

    draft_values = {"owner_id": resident.pk, "answers": {"a": [1, "ü"]}}
    remind_me = HelpRequestDraft._meta.get_field("remind_me")
    assert not callable(remind_me.default)
    # Given (owner, answers), callable defaults (public id) and auto_now(_add):
    # every parameter is one of those, never a constant default.
    fields = {field.attname: field for field in HelpRequestDraft._meta.concrete_fields}
    per_row = [
        name
        for name, field in fields.items()
        if name in draft_values
        or (field.has_default() and callable(field.default))
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    ]
    sql, params = insert_values(HelpRequestDraft, draft_values)
    assert len(params) == len(per_row)
    new_ids = []
    for _ in range(2):
        sql, params = insert_values(HelpRequestDraft, draft_values)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} RETURNING id", params)
            new_ids.append(cursor.fetchone()[0])
    first, second = (HelpRequestDraft.objects.get(pk=pk) for pk in new_ids)
    assert first.answers == {"a": [1, "ü"]}
    assert first.owner == resident
    assert first.public_id != second.public_id
    assert first.created_at is not None
    assert first.remind_me == remind_me.default
    unsaved = HelpRequestDraft(owner=resident, answers={"a": [1, "ü"]})
    for name, field in fields.items():
        if name not in per_row and not field.primary_key:
            assert getattr(first, name) == getattr(unsaved, name), name


def test_new_instance_is_the_row_as_the_orm_loads_it(resident: User) -> None:
    values = {"owner_id": resident.pk, "answers": {"a": [1]}, "email": Literal("")}
    sql, params = insert_values(HelpRequestDraft, values)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING id, public_id", params)
        pk, public_id = cursor.fetchone()
    made = new_instance(HelpRequestDraft, values, {"id": pk, "public_id": public_id})
    loaded = HelpRequestDraft.objects.get(pk=pk)
    assert not made._state.adding and made._state.db == "default"
    # Not returned and not constant: deferred, read from the row when asked.
    assert "created_at" in made.get_deferred_fields()
    for field in HelpRequestDraft._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(loaded, field.attname)


def _written() -> dict[type, int]:
    return {
        model: model.objects.count()
        for model in (HelpRequest, StatusChange, Consent, Delivery, OutboxEmail)
    }


def test_a_resident_sends_their_own_checked_draft_in_one_statement(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    """The send's usual case: the statement reads the values the steps were
    checked with from the draft; nothing is loaded before it."""
    draft = HelpRequestDraftFactory(owner=resident)

    with CaptureQueriesContext(connection) as queries:
        help_request = help_request_send(
            public_id=draft.public_id, user=resident, in_session=False
        )

    assert help_request is not None and len(queries) == 1
    stored = HelpRequest.objects.get()
    assert help_request.pk == stored.pk
    for field in HelpRequest._meta.concrete_fields:
        if field.attname != "search_document":
            assert getattr(help_request, field.attname) == getattr(
                stored, field.attname
            ), field.attname
    assert stored.resident == resident and stored.filed_by is None
    assert stored.story == draft.checked["situation"]["values"]["story"]
    assert stored.children_ages == draft.checked["household"]["values"]["children_ages"]
    assert stored.neighbourhood_id == den_helder_postcode.neighbourhood_id
    assert HelpRequestDraft.objects.get(pk=draft.pk).submitted_request == stored


def test_the_statement_sends_no_draft_of_someone_else(
    resident: User, client: Client, den_helder_postcode: PostcodeArea
) -> None:
    other = UserFactory()
    draft = HelpRequestDraftFactory(owner=other)

    for in_session in (False, True):  # the session does not open someone's draft
        assert (
            help_request_send(
                public_id=draft.public_id, user=resident, in_session=in_session
            )
            is None
        ), in_session
    client.force_login(resident)
    response = client.post(f"/help/{draft.public_id}/send/")

    assert response.status_code == 404
    assert set(_written().values()) == {0}
    assert HelpRequestDraft.objects.get(pk=draft.pk).submitted_request is None


def test_staff_cannot_send_a_residents_draft(
    resident: User,
    caseworker: User,
    client: Client,
    den_helder_postcode: PostcodeArea,
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    client.force_login(caseworker)

    response = client.post(f"/help/{draft.public_id}/send/")

    assert response.status_code == 404
    assert set(_written().values()) == {0}


def test_an_ownerless_draft_is_sent_only_from_the_session_it_was_started_in(
    resident: User, client: Client, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=None)

    assert (
        help_request_send(public_id=draft.public_id, user=resident, in_session=False)
        is None
    )
    client.force_login(resident)
    assert client.post(f"/help/{draft.public_id}/send/").status_code == 404
    assert set(_written().values()) == {0}

    session = client.session
    session[SESSION_DRAFTS] = [str(draft.public_id)]
    session.save()
    response = client.post(f"/help/{draft.public_id}/send/")

    help_request = HelpRequest.objects.get()
    assert response["Location"] == f"/help/sent/{help_request.reference}/"
    assert help_request.resident == resident


def test_steps_checked_under_other_rules_are_checked_again_and_kept(
    resident: User, client: Client, den_helder_postcode: PostcodeArea
) -> None:
    """After a deploy that changed the steps' rules, the statement finds the
    draft's values stale and writes nothing; the send checks them again, keeps
    them with the draft and sends."""
    draft = HelpRequestDraftFactory(owner=resident)
    stale = {
        slug: {**checked, "rules": "an earlier release"}
        for slug, checked in draft.checked.items()
    }
    HelpRequestDraft.objects.filter(pk=draft.pk).update(checked=stale)

    assert (
        help_request_send(public_id=draft.public_id, user=resident, in_session=False)
        is None
    )
    assert set(_written().values()) == {0}
    client.force_login(resident)
    response = client.post(f"/help/{draft.public_id}/send/")

    help_request = HelpRequest.objects.get()
    assert response["Location"] == f"/help/sent/{help_request.reference}/"
    kept = HelpRequestDraft.objects.get(pk=draft.pk).checked
    assert kept == draft.checked  # the current rules' stamp and the same values
    assert help_request.story == draft.checked["situation"]["values"]["story"]


def test_every_send_runs_the_same_text_with_only_the_inputs_as_parameters(
    den_helder_postcode: PostcodeArea,
) -> None:
    """What differs between sends is given in the statement's `input` item only,
    so PostgreSQL prepares the text once per connection and nothing is made anew
    per send: one text for residents with a name, one for those without."""
    sent, residents = [], []
    for name in ("Sanne de Vries", "Sanne de Vries", "", ""):
        resident = UserFactory(full_name=name)
        residents.append(resident)
        draft = HelpRequestDraftFactory(owner=resident)
        with CaptureQueriesContext(connection) as queries:
            help_request_send(
                public_id=draft.public_id, user=resident, in_session=False
            )
        sent.append(queries.captured_queries[0]["sql"])

    named, named_again, unnamed, unnamed_again = sent
    assert named == named_again and unnamed == unnamed_again and named != unnamed
    for sql in (named, unnamed):
        placeholders = set(re.findall(r"\$(\d+)", sql))
        assert placeholders == {str(n) for n in range(1, len(INPUT) + 1)}
        assert "%s" not in sql
    assert HelpRequest.objects.count() == 4
    # Those without a name got the one typed in the form.
    names = User.objects.filter(pk__in=[r.pk for r in residents])
    assert set(names.values_list("full_name", flat=True)) == {"Sanne de Vries"}
