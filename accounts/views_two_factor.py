"""The second login step, enrolment of an authenticator app, recovery codes, and the
re-authentication page (accounts.two_factor holds the rules)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import two_factor
from accounts.access import role_required
from accounts.forms import EnrolForm, ReauthenticationForm, TwoFactorCodeForm
from accounts.models import STAFF_ROLES, SecurityEvent, SecurityEventKind, User


def _next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next")
    return two_factor.safe_next(request, value, reverse("home"))


def _log(request: HttpRequest, kind: str, subject: User) -> None:
    SecurityEvent.objects.create(
        kind=kind,
        actor=request.user,
        subject=subject,
        municipality_id=subject.municipality_id,
    )


@require_http_methods(["GET", "POST"])
def two_factor_code(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next(request)
    if not two_factor.needs_second_factor(user) or two_factor.is_verified(request):
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is None:
        return redirect(
            two_factor.with_next(reverse("accounts:two_factor_enrol"), next_url)
        )
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        locked = two_factor.locked_out_response(request, user)
        if locked is not None:
            return locked
        if form.is_valid():
            device_id = two_factor.verify_code(user, form.cleaned_data["code"])
            if device_id is not None:
                two_factor.reset_failures(request, user)
                request.session.cycle_key()
                two_factor.mark_verified(request, device_id)
                return redirect(next_url)
            form.add_error(
                "code",
                _(
                    "This code is not right. Enter the code that the app shows now, "
                    "or an unused recovery code."
                ),
            )
            locked = two_factor.record_failure(request, user)
            if locked is not None:
                return locked
    return render(
        request, "accounts/two_factor_code.html", {"form": form, "next": next_url}
    )


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next(request)
    if not two_factor.needs_second_factor(user):
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is not None:
        return redirect(
            two_factor.with_next(reverse("accounts:two_factor_code"), next_url)
        )
    device = two_factor.pending_totp_device(user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        locked = two_factor.locked_out_response(request, user)
        if locked is not None:
            return locked
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = two_factor.new_recovery_codes(user)
                _log(request, SecurityEventKind.TWO_FACTOR_ENROLLED, user)
                two_factor.reset_failures(request, user)
                request.session.cycle_key()
                two_factor.mark_verified(request, device.persistent_id)
                request.session[two_factor.NEW_RECOVERY_CODES] = codes
                return redirect(
                    two_factor.with_next(reverse("accounts:recovery_codes"), next_url)
                )
            form.add_error(
                "code",
                _(
                    "This code is not right. Check that the app shows Buurtkracht "
                    "and enter its current code."
                ),
            )
            locked = two_factor.record_failure(request, user)
            if locked is not None:
                return locked
    context = {
        "form": form,
        "next": next_url,
        "text_key": two_factor.text_key(device),
        "qr_svg": two_factor.qr_svg(device, _("QR code to scan with the app")),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(two_factor.NEW_RECOVERY_CODES, None)
    context = {
        "codes": codes,
        "left": two_factor.recovery_codes_left(request.user),
        "next": two_factor.safe_next(request, request.GET.get("next"), ""),
    }
    response = render(request, "accounts/recovery_codes.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*STAFF_ROLES)
@two_factor.reauthentication_required
@require_http_methods(["GET", "POST"])
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(request.user)
        _log(request, SecurityEventKind.RECOVERY_CODES_RENEWED, request.user)
        request.session[two_factor.NEW_RECOVERY_CODES] = codes
        return redirect("accounts:recovery_codes")
    return render(request, "accounts/recovery_codes_renew.html")


@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    user = request.user
    with_code = two_factor.needs_second_factor(user)
    next_url = _next(request)
    form = ReauthenticationForm(
        request.POST if request.method == "POST" else None, with_code=with_code
    )
    if request.method == "POST":
        locked = two_factor.locked_out_response(request, user)
        if locked is not None:
            return locked
        if form.is_valid():
            password_ok = user.check_password(form.cleaned_data["password"])
            code_ok = not with_code or (
                password_ok
                and two_factor.verify_code(
                    user, form.cleaned_data["code"], recovery=False
                )
                is not None
            )
            if password_ok and code_ok:
                two_factor.reset_failures(request, user)
                two_factor.mark_authenticated(request)
                return redirect(next_url)
            if not password_ok:
                form.add_error("password", _("This password is not right."))
            else:
                form.add_error("code", _("This code is not right."))
            locked = two_factor.record_failure(request, user)
            if locked is not None:
                return locked
    context = {"form": form, "next": next_url, "with_code": with_code}
    return render(request, "accounts/reauthenticate.html", context)
