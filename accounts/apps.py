from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.two_factor import login_counts_as_authentication

        user_logged_in.connect(
            login_counts_as_authentication, dispatch_uid="accounts-authenticated-at"
        )
