from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views, views_two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("administration/", views.admin_home, name="admin_home"),
    path("administration/accounts/", views.account_list, name="account_list"),
    path(
        "administration/accounts/<uuid:public_id>/",
        views.account_detail,
        name="account_detail",
    ),
    path(
        "administration/accounts/<uuid:public_id>/change/",
        views.account_change,
        name="account_change",
    ),
    path(
        "administration/accounts/<uuid:public_id>/two-factor-reset/",
        views.account_two_factor_reset,
        name="account_two_factor_reset",
    ),
    path("administration/access-log/", views.access_log, name="access_log"),
    # Two-factor authentication and re-authentication (accounts.two_factor).
    path("two-factor/", views_two_factor.two_factor_code, name="two_factor_code"),
    path(
        "two-factor/set-up/",
        views_two_factor.two_factor_enrol,
        name="two_factor_enrol",
    ),
    path(
        "two-factor/recovery-codes/",
        views_two_factor.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "two-factor/recovery-codes/renew/",
        views_two_factor.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path(
        "confirm-identity/",
        views_two_factor.reauthenticate,
        name="reauthenticate",
    ),
]

urlpatterns += [
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
