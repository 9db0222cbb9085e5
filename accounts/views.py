from uuid import UUID

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import get_account_for_user, role_required
from accounts.access_log import access_log_page
from accounts.forms import AccessLogFilterForm, LoginForm, PasswordResetRequestForm
from accounts.homes import home_url_for
from accounts.models import Role, User
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
        # The language a user chose once follows them to every browser they log in on.
        set_language_cookie(response, form.get_user().language)
        return response


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
    return render(request, "accounts/account_detail.html", {"account": account})


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
