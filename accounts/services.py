from accounts.models import User


def password_reset_request(*, email: str) -> None:
    """Send a reset link to the active account with this address, if there is one.

    The caller shows the same answer either way, so nobody learns which addresses
    have an account. The e-mail goes out from a task once the transaction commits.
    """
    for user_id in User.objects.filter(email__iexact=email, is_active=True).values_list(
        "pk", flat=True
    ):
        # Imported here: the Celery client only in the process that queues a task.
        from accounts.tasks import send_password_reset_email

        send_password_reset_email.delay_on_commit(user_id)
