"""Two-factor authentication for staff, and re-authentication before sensitive actions.

Staff (every role but resident) log in with their password and then a code from an
authenticator app (a django-otp TOTP device) or one of their single-use recovery codes
(django-otp static tokens). A staff user without a confirmed device must enrol first.

The outcome lives in the session only (`VERIFIED`: the device's persistent id and the
moment), so that `TwoFactorGateMiddleware` checks it without any query. Resetting a
user's second factor bumps `User.two_factor_epoch`, which is part of the session auth
hash: every open session of that user ends at its next request.

Exports and role changes are wrapped in `reauthentication_required`: the last
authentication (a login, or the re-authentication page) must be at most
`REAUTHENTICATION_MINUTES` old (`AUTHENTICATED_AT`).
"""

from __future__ import annotations

import time
from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import STAFF_ROLES, User

VERIFIED = "two_factor_verified"
AUTHENTICATED_AT = "authenticated_at"
# Recovery codes just made, shown once on the next page and then gone from the session.
NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"

View = Callable[..., HttpResponse]


def needs_second_factor(user: Any) -> bool:
    return bool(user.is_authenticated and user.role in STAFF_ROLES)


def is_verified(request: HttpRequest) -> bool:
    """Did this session pass the second factor? Reads the session only."""
    state = request.session.get(VERIFIED)
    return isinstance(state, dict) and bool(state.get("device"))


def mark_verified(request: HttpRequest, device_id: str) -> None:
    now = int(time.time())
    request.session[VERIFIED] = {"device": device_id, "at": now}
    request.session[AUTHENTICATED_AT] = now


def mark_authenticated(request: HttpRequest) -> None:
    request.session[AUTHENTICATED_AT] = int(time.time())


def is_recently_authenticated(request: HttpRequest) -> bool:
    at = request.session.get(AUTHENTICATED_AT)
    if not isinstance(at, int):
        return False
    return time.time() - at <= settings.REAUTHENTICATION_MINUTES * 60


# --- Devices -------------------------------------------------------------------------


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device that enrolment shows, made on first use."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def text_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, to type into an app."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// address as an inline SVG (the CSP allows no external images).
    segno is imported here: only the enrolment page needs it, not every worker."""
    import segno

    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(
        scale=4, border=4, title=title, svgclass="qr-code", light="#fff"
    )
    return str(svg)


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's app shows now (for `manage.py demo_code` and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: not one already used (django-otp refuses a
    time step twice), waiting for the next step when the tolerance is used up. For
    tests, the benchmarks and the demo, never for the login itself."""
    device.refresh_from_db(fields=["last_t", "drift"])
    now_t = int((time.time() - device.t0) // device.step) + device.drift
    t = max(now_t, device.last_t + 1)
    if t > now_t + device.tolerance:
        start = device.t0 + (t - device.tolerance - device.drift) * device.step
        time.sleep(max(0.0, start - time.time()) + 0.05)
        return fresh_code(device)
    return current_code(device, at=device.t0 + (t - device.drift) * device.step)


def normalise_recovery_code(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by `TWO_FACTOR_RECOVERY_CODES` new ones."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [
            StaticToken.random_token()
            for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)
        ]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user: User, code: str, *, recovery: bool = True) -> str | None:
    """The persistent id of the device that accepts `code`, or None.

    Six digits are tried as an authenticator code; anything else as a recovery code,
    which is used up by a success."""
    code = code.strip().replace(" ", "")
    if code.isdigit() and len(code) == 6:
        device = confirmed_totp_device(user)
        if device is not None and device.verify_token(code):
            return device.persistent_id
        return None
    if not recovery:
        return None
    token = normalise_recovery_code(code)
    if not token:
        return None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token):
            return static.persistent_id
    return None


def reset_second_factor(user: User) -> None:
    """Delete every device of `user` and end their sessions: they enrol again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(
            two_factor_epoch=F("two_factor_epoch") + 1
        )
    user.refresh_from_db(fields=["two_factor_epoch"])


# --- Failures count towards the django-axes lockout ---------------------------------


def _credentials(user: User) -> dict[str, str]:
    return {settings.AXES_USERNAME_FORM_FIELD: user.email}


def locked_out_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """The lockout page (and the session ended) when this user is locked out."""
    credentials = _credentials(user)
    AxesProxyHandler.update_request(request)
    if not AxesProxyHandler.is_locked(request, credentials):
        return None
    logout(request)
    return get_lockout_response(request, None, credentials)


def record_failure(request: HttpRequest, user: User) -> HttpResponse | None:
    """Count a wrong code or password with django-axes; the lockout page when it was
    one too many (the session is ended then)."""
    credentials = _credentials(user)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return get_lockout_response(request, None, credentials)
    return None


def reset_failures(request: HttpRequest, user: User) -> None:
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(
        request, _credentials(user)
    )


# --- Redirects -----------------------------------------------------------------------


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """`value` when it is a path on this site, otherwise `default` (no open redirect)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def reauthentication_required(view: View) -> View:
    """Ask for the password (and, for staff, a code) again when the last
    authentication is older than `REAUTHENTICATION_MINUTES`; then back to this URL.

    A POST without a fresh authentication performs nothing: it is redirected like a
    GET, and the page comes back for the user to send again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_recently_authenticated(request):
            return redirect(
                with_next(reverse("accounts:reauthenticate"), request.get_full_path())
            )
        return view(request, *args, **kwargs)

    wrapped.reauthentication_required = True  # type: ignore[attr-defined]
    return wrapped


def login_counts_as_authentication(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    """Every login of a resident (the form, or a link that logs them in) is a fresh
    authentication; staff get theirs at the code step."""
    if request is not None and hasattr(request, "session"):
        if not needs_second_factor(user):
            mark_authenticated(request)
