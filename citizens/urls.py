from django.urls import path

from citizens.views import ask, attachments, follow_up, home, mine, privacy

app_name = "citizens"

urlpatterns = [
    path("resident/", home.home, name="home"),
    path("help/", ask.start, name="ask_start"),
    path("help/<uuid:public_id>/review/", ask.review, name="ask_review"),
    path("help/<uuid:public_id>/confirm/", ask.request_confirmation, name="ask_email"),
    path("help/<uuid:public_id>/send/", ask.send, name="ask_send"),
    path("help/<uuid:public_id>/remind-me/", ask.remind_me, name="ask_remind_me"),
    path(
        "help/<uuid:public_id>/documents/<uuid:attachment_id>/remove/",
        ask.remove_document,
        name="ask_remove_document",
    ),
    path("help/<uuid:public_id>/<slug:slug>/", ask.step, name="ask_step"),
    path("help/confirm/<str:token>/", ask.confirm_email, name="confirm_email"),
    path(
        "help/invitation/<str:token>/", ask.accept_invitation, name="accept_invitation"
    ),
    path("help/sent/<str:reference>/", ask.sent, name="ask_sent"),
    path("follow-up/<str:token>/", follow_up.follow_up, name="follow_up"),
    path("my-requests/", mine.request_list, name="request_list"),
    path("my-requests/<str:reference>/", mine.request_detail, name="request_detail"),
    path(
        "my-requests/<str:reference>/withdraw/",
        mine.request_withdraw,
        name="request_withdraw",
    ),
    path(
        "my-requests/<str:reference>/consents/<uuid:public_id>/withdraw/",
        mine.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "documents/<uuid:public_id>/", attachments.download, name="attachment_download"
    ),
    path("my-requests/<str:reference>/score/", mine.request_rate, name="request_rate"),
    path("my-data/", privacy.my_data, name="my_data"),
    path("my-data/export.json", privacy.my_data_export, name="my_data_export"),
    path("my-data/erase/", privacy.erase, name="erase"),
]
