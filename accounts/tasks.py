import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from socialdomain.celery import app
from socialdomain.lib.email import TRANSIENT_MAIL_ERRORS, send_email

logger = logging.getLogger(__name__)


@app.task(
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
)
def send_password_reset_email(user_id: int) -> None:
    """E-mail a password reset link; quietly does nothing for a vanished or inactive user."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        logger.info("Password reset for user %s skipped: no active user.", user_id)
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_email(
        template="password_reset",
        context={"user": user, "reset_path": path},
        language=user.language,
        to=[user.email],
    )


@app.task
def clear_expired_sessions() -> None:
    """Remove expired sessions; the same as `manage.py clearsessions`."""
    call_command("clearsessions")
