from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("<uuid:public_id>/open/", views.notification_open, name="open"),
    path("settings/", views.preferences, name="preferences"),
    path("operations/", views.operations, name="operations"),
    path(
        "operations/e-mails/<uuid:public_id>/retry/",
        views.operations_retry,
        name="operations_retry",
    ),
]
