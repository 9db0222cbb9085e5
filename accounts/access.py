"""Access helpers for accounts and role-bound pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import Role, User

View = Callable[..., HttpResponse]


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let only users with one of `roles` in; everyone else logged in gets 403.

    Anonymous users never reach the view: LoginRequiredMiddleware sends them to log in.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated or request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_account_for_user(request: HttpRequest, public_id: UUID) -> User:
    """A staff account the requesting user may look at; 404 for anything outside
    their scope, so that nobody learns whether an account elsewhere exists."""
    return get_object_or_404(
        User.objects.visible_to(request.user).select_related(
            "municipality", "team", "organisation"
        ),
        public_id=public_id,
    )
