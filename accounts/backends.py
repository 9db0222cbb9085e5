"""Django's ModelBackend, loading the logged-in user by SQL compiled once.

Every logged-in page loads its user; through the ORM that `get(pk=...)` cost about
four times what PostgreSQL needs to answer it. Usually the session's own query
brought the row already (accounts/sessions.py); otherwise one prepared query asks.
Logging in (authenticate) and permissions stay Django's own.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.sessions import NOT_LOADED, USERS, preloaded_user
from socialdomain.lib.compiled import PreparedQuery

_LOAD = PreparedQuery(
    lambda pk: User._default_manager.filter(pk=pk).values_list(*USERS.columns),
    -918_273_645,
)


class UserBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]
        user = preloaded_user(user_id)
        if user is NOT_LOADED:
            rows = _LOAD.rows(user_id)
            user = USERS.instance(rows[0]) if rows else None
        if user is None:
            return None
        assert isinstance(user, User)
        return user if self.user_can_authenticate(user) else None


# For login() without authenticate() (a confirmed e-mail link logs the resident in).
BACKEND = f"{UserBackend.__module__}.{UserBackend.__qualname__}"
