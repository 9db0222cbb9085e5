"""Building e-mails from templates, in the recipient's language.

Every e-mail has a subject, a plain-text and an HTML part, rendered from
`templates/emails/<name>_subject.txt`, `<name>.txt` and `<name>.html`.
"""

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# A mail server that is down, busy or hung up: worth trying again later.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPSenderRefused,
    ConnectionError,
    TimeoutError,
)


def render_email(
    *, template: str, context: dict[str, Any], language: str, to: list[str]
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # A header may not contain line breaks.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_email(
    *, template: str, context: dict[str, Any], language: str, to: list[str]
) -> None:
    render_email(template=template, context=context, language=language, to=to).send()
