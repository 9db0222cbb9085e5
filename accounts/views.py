from uuid import UUID

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.access import get_account_for_user, role_required
from accounts.access_log import access_log_page
from accounts.forms import (
    AccessLogFilterForm,
    LoginForm,
    PasswordResetRequestForm,
    StaffAccountForm,
)
from accounts.homes import home_url_for
from accounts.models import Role, SecurityEvent, SecurityEventKind, User
from accounts.services import password_reset_request
from municipalities.models import District, Team
from networks.models import Organisation
from socialdomain.lib.language import set_language_cookie


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if not two_factor.needs_second_factor(user):
            # Residents are done: the login counts as a fresh authentication.
            two_factor.reset_failures(self.request, user)
            two_factor.mark_authenticated(self.request)
        # The language a user chose once follows them to every browser they log in on.
        set_language_cookie(response, user.language)
        return response

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if two_factor.needs_second_factor(self.request.user):
            # Staff: the code step (or enrolment) first, then where they were going.
            return two_factor.with_next(reverse("accounts:two_factor_code"), url)
        return url


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_form.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


@role_required(Role.FUNCTIONAL_ADMIN)
def admin_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role_labels = dict(Role.choices)
    staff_by_role = [
        {"role": row["role"], "label": role_labels[row["role"]], "count": row["count"]}
        for row in User.objects.visible_to(user)
        .values("role")
        .annotate(count=Count("pk"))
        .order_by("role")
    ]
    districts = (
        District.objects.visible_to(user)
        .annotate(neighbourhood_count=Count("neighbourhoods"))
        .order_by("name")
    )
    context = {
        "municipality": user.municipality,
        "staff_by_role": staff_by_role,
        "districts": districts,
        "teams": Team.objects.visible_to(user).select_related("district"),
        "organisations": Organisation.objects.visible_to(user),
    }
    return render(request, "accounts/admin_home.html", context)


@role_required(Role.FUNCTIONAL_ADMIN)
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = (
        User.objects.visible_to(request.user)
        .select_related("team", "organisation")
        .order_by("full_name", "pk")
    )
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page})


@role_required(Role.FUNCTIONAL_ADMIN)
def account_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    account = get_account_for_user(request, public_id)
    context = {
        "account": account,
        "has_second_factor": TOTPDevice.objects.filter(
            user=account, confirmed=True
        ).exists(),
        "events": SecurityEvent.objects.filter(subject=account).select_related("actor")[
            :10
        ],
    }
    return render(request, "accounts/account_detail.html", context)


def _staff_account_to_change(request: HttpRequest, public_id: UUID) -> User:
    """A staff account of the administrator's own municipality (404 otherwise),
    never their own (403: nobody changes their own rights)."""
    account = get_account_for_user(request, public_id)
    if account.pk == request.user.pk:
        raise PermissionDenied
    return account


def _describe(account: User) -> dict[str, str]:
    return {
        "role": account.role,
        "team": account.team.name if account.team else "",
        "organisation": account.organisation.name if account.organisation else "",
    }


@role_required(Role.FUNCTIONAL_ADMIN)
@two_factor.reauthentication_required
@require_http_methods(["GET", "POST"])
def account_change(request: HttpRequest, public_id: UUID) -> HttpResponse:
    account = _staff_account_to_change(request, public_id)
    before = _describe(account)
    form = StaffAccountForm(
        request.POST if request.method == "POST" else None,
        account=account,
        admin=request.user,
    )
    if request.method == "POST":
        if form.is_valid():
            account = form.account
            after = _describe(account)
            if after != before:
                with transaction.atomic():
                    account.save(
                        update_fields=["role", "team", "organisation", "region"]
                    )
                    SecurityEvent.objects.create(
                        kind=SecurityEventKind.ROLE_CHANGED,
                        actor=request.user,
                        subject=account,
                        municipality_id=account.municipality_id,
                        details={
                            key: [before[key], after[key]]
                            for key in before
                            if before[key] != after[key]
                        },
                    )
                messages.success(request, _("The account has been changed."))
            return redirect("accounts:account_detail", public_id=account.public_id)
    return render(
        request,
        "accounts/account_change.html",
        {"account": account, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.FUNCTIONAL_ADMIN)
@two_factor.reauthentication_required
@require_http_methods(["GET", "POST"])
def account_two_factor_reset(request: HttpRequest, public_id: UUID) -> HttpResponse:
    account = _staff_account_to_change(request, public_id)
    if request.method == "POST":
        with transaction.atomic():
            two_factor.reset_second_factor(account)
            SecurityEvent.objects.create(
                kind=SecurityEventKind.TWO_FACTOR_RESET,
                actor=request.user,
                subject=account,
                municipality_id=account.municipality_id,
            )
        messages.success(
            request,
            _(
                "Two-factor authentication has been reset. %(name)s sets up an "
                "authenticator app at the next login."
            )
            % {"name": account.full_name or account.email},
        )
        return redirect("accounts:account_detail", public_id=account.public_id)
    return render(
        request, "accounts/account_two_factor_reset.html", {"account": account}
    )


@role_required(Role.FUNCTIONAL_ADMIN)
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET, admin=request.user)
    if not form.is_valid():
        return render(request, "accounts/access_log.html", {"form": form}, status=400)
    page = access_log_page(admin=request.user, **form.cleaned_data)
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "page": page, "first_page_query": query.urlencode()}
    if page.next_cursor:
        query["after"] = page.next_cursor
        context["next_page_query"] = query.urlencode()
    return render(request, "accounts/access_log.html", context)
