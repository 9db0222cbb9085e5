"""Django's ModelBackend, loading the logged-in user by SQL compiled once.

Every logged-in page loads its user; through the ORM that `get(pk=...)` cost about
four times what PostgreSQL needs to answer it. Logging in (authenticate) and
permissions stay Django's own.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from socialdomain.lib.compiled import ModelRows, PreparedQuery

_USERS = ModelRows(User)
_LOAD = PreparedQuery(
    lambda pk: User._default_manager.filter(pk=pk).values_list(*_USERS.columns),
    -918_273_645,
)


class UserBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]
        rows = _LOAD.rows(user_id)
        if not rows:
            return None
        user: User = _USERS.instance(rows[0])
        return user if self.user_can_authenticate(user) else None


# For login() without authenticate() (a confirmed e-mail link logs the resident in).
BACKEND = f"{UserBackend.__module__}.{UserBackend.__qualname__}"
