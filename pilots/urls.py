from django.urls import path

from pilots.views import library, people, public, register

app_name = "pilots"

urlpatterns = [
    path("", register.home, name="home"),
    path("register/", register.register, name="register"),
    path("new/", register.pilot_create_view, name="create"),
    path("<uuid:pilot_id>/", register.pilot_detail, name="detail"),
    path("<uuid:pilot_id>/edit/", register.pilot_edit, name="edit"),
    path(
        "<uuid:pilot_id>/results/publish/",
        register.pilot_results_publish,
        name="results_publish",
    ),
    path(
        "<uuid:pilot_id>/participants/<uuid:participant_id>/",
        people.participant_detail,
        name="participant",
    ),
    path("<uuid:pilot_id>/<slug:action>/", register.pilot_action, name="action"),
    path("enrol/", people.enrol_from_case, name="enrol_from_case"),
    path("measure/<str:token>/", people.measure_by_link, name="measure"),
    path("library/", library.library, name="library"),
    path("library/<uuid:entry_id>/", library.library_detail, name="library_detail"),
    path("neighbourhoods/", public.neighbourhood_index, name="neighbourhoods"),
    path(
        "neighbourhoods/<str:cbs_code>/",
        public.neighbourhood_page,
        name="neighbourhood",
    ),
    path("neighbourhoods/<str:cbs_code>/ideas/new/", public.idea_new, name="idea_new"),
    path("ideas/<uuid:idea_id>/", public.idea_detail, name="idea"),
    path(
        "ideas/<uuid:idea_id>/support/", public.idea_support_view, name="idea_support"
    ),
    path(
        "ideas/<uuid:idea_id>/comment/", public.idea_comment_view, name="idea_comment"
    ),
    path("ideas/<uuid:idea_id>/answer/", public.idea_answer_view, name="idea_answer"),
    path("public/<uuid:pilot_id>/interest/", public.interest, name="interest"),
    path("mine/", public.mine, name="mine"),
    path("mine/<uuid:participant_id>/leave/", people.leave_own, name="leave_own"),
]
