"""The lists of one help request that the staff pages show (the case page, its
neighbourhood-network page), each as SQL compiled once per process
(socialdomain/lib/compiled.py PreparedModels): compiling their querysets cost the
case page more than running them.

    lists.rows(lists.HISTORY, help_request)

gives the request's rows in the model's order, with their related rows selected
and the request itself set on each, as `help_request.status_changes` would.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Manager

from casework.models import ContactMoment, Deadline, Referral, StageChange
from citizens.models import Attachment, Consent, HelpRequest, Message, StatusChange
from networks.models import Match
from socialdomain.lib.compiled import PreparedModels

# An id no request has: the stand-in that the lists' SQL is compiled with.
_STAND_IN_PK = -7_310_442


def _of_request(manager: Manager[Any], *related: str) -> PreparedModels:
    return PreparedModels(
        lambda pk: manager.filter(help_request_id=pk).select_related(*related),
        _STAND_IN_PK,
    )


DEADLINES = _of_request(Deadline.objects)
STAGES = _of_request(StageChange.objects, "by")
MESSAGES = _of_request(Message.objects, "author")
HISTORY = _of_request(StatusChange.objects, "by")
DOCUMENTS = _of_request(Attachment.objects)
CONTACTS = _of_request(ContactMoment.objects, "by")
REFERRALS = _of_request(Referral.objects, "organisation")
MATCHES = _of_request(Match.objects, "volunteer__user")
CONSENTS = _of_request(Consent.objects, "organisation")


def rows(prepared: PreparedModels, help_request: HelpRequest) -> list[Any]:
    return prepared.instances(help_request.pk, known={"help_request": help_request})
