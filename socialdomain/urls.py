from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from socialdomain import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("", include("citizens.urls")),
    path("casework/", include("casework.urls")),
    path("networks/", include("networks.urls")),
    path("pilots/", include("pilots.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("notifications/", include("notifications.urls")),
    path("data-protection/", include("privacy.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
