from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<str:reference>/", views.request_detail, name="request_detail"),
    path("requests/<str:reference>/triage/", views.triage, name="triage"),
    path("requests/<str:reference>/claim/", views.claim, name="claim"),
    path(
        "requests/<str:reference>/contacts/",
        views.contact_moment,
        name="contact_moment",
    ),
    path("requests/<str:reference>/assign/", views.assign, name="assign"),
    path(
        "requests/<str:reference>/deadlines/<int:pk>/<str:action>/",
        views.deadline_clock,
        name="deadline_clock",
    ),
]
