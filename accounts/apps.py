from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_started

        from accounts.sessions import forget_preloaded_user
        from accounts.two_factor import login_counts_as_authentication

        request_started.connect(
            forget_preloaded_user, dispatch_uid="accounts-forget-preloaded-user"
        )
        user_logged_in.connect(
            login_counts_as_authentication, dispatch_uid="accounts-authenticated-at"
        )
