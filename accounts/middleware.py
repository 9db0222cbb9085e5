"""Staff sessions end after a period without activity (BIO: a workstation left alone
must not keep special-category data open)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES

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
