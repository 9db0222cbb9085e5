"""Staff sessions end after a period without activity (BIO: a workstation left alone
must not keep special-category data open)."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES
from accounts.two_factor import is_verified, needs_second_factor, with_next

LAST_ACTIVITY = "staff_last_activity"
# Writing the moment at most once a minute spares a session write on every request.
RESOLUTION_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role in STAFF_ROLES:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            limit = settings.STAFF_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were logged out after %(minutes)d minutes without "
                        "activity. Log in again to continue."
                    )
                    % {"minutes": settings.STAFF_IDLE_TIMEOUT_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


# Pages a staff user may open before the second factor: the code step, enrolment,
# logging out (and every public page, which opts out of logging in).
TWO_FACTOR_OPEN = frozenset(
    {
        "accounts:two_factor_code",
        "accounts:two_factor_enrol",
        "accounts:logout",
    }
)


class TwoFactorGateMiddleware:
    """Staff reach no page with personal data before their second factor.

    The check reads the session only (accounts.two_factor.is_verified): a verified
    session costs no query. An unverified one is sent to the code step, which sends
    a user without a confirmed device on to enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not needs_second_factor(user) or is_verified(request):
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN:
            return None
        return redirect(
            with_next(reverse("accounts:two_factor_code"), request.get_full_path())
        )
