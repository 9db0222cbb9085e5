from django.urls import path

from casework import views, views_plan, views_queue, views_team, views_wmo

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views_queue.queue, name="queue"),
    path("queue/saved/", views_queue.saved_filter_create, name="saved_filter_create"),
    path(
        "queue/saved/<int:pk>/delete/",
        views_queue.saved_filter_delete,
        name="saved_filter_delete",
    ),
    path("team/reassign/", views_team.bulk_reassign, name="bulk_reassign"),
    path(
        "requests/<str:reference>/wmo/application/",
        views_wmo.wmo_application,
        name="wmo_application",
    ),
    path(
        "requests/<str:reference>/wmo/decision/",
        views_wmo.wmo_decision,
        name="wmo_decision",
    ),
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
    path(
        "requests/<str:reference>/household/",
        views_plan.household_plan,
        name="household_plan",
    ),
    path("requests/<str:reference>/referrals/", views.referral, name="referral"),
    path(
        "requests/<str:reference>/consents/",
        views.consent_record,
        name="consent_record",
    ),
    path(
        "requests/<str:reference>/consents/<uuid:public_id>/withdraw/",
        views.consent_withdraw_for_resident,
        name="consent_withdraw",
    ),
]
