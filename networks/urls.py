from django.urls import path

from networks.views import case, maintain, partner, public, volunteers

app_name = "networks"

urlpatterns = [
    # Public: the social map and the neighbourhood pages.
    path("social-map/", public.social_map_start, name="social_map_start"),
    path("social-map/<slug:municipality>/", public.social_map, name="social_map"),
    path(
        "social-map/<slug:municipality>/organisations/<uuid:public_id>/",
        public.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "social-map/<slug:municipality>/services/<uuid:public_id>/",
        public.service_detail,
        name="service_detail",
    ),
    path(
        "neighbourhoods/<str:cbs_code>/",
        public.neighbourhood_detail,
        name="neighbourhood_detail",
    ),
    # Partners.
    path("partner/", partner.partner_home, name="partner_home"),
    path(
        "partner/referrals/<uuid:public_id>/",
        partner.referral_detail,
        name="referral_detail",
    ),
    path("volunteers/", partner.volunteer_list, name="volunteer_list"),
    path(
        "volunteers/<uuid:public_id>/screening/",
        partner.volunteer_screening,
        name="volunteer_screening",
    ),
    # Maintaining the social map.
    path("map/organisations/", maintain.organisation_list, name="organisation_list"),
    path(
        "map/organisations/new/",
        maintain.organisation_create,
        name="organisation_create",
    ),
    path(
        "map/organisations/<uuid:public_id>/",
        maintain.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "map/organisations/<uuid:public_id>/services/new/",
        maintain.service_create,
        name="service_create",
    ),
    path("map/services/<uuid:public_id>/", maintain.service_edit, name="service_edit"),
    path(
        "map/key-contacts/new/", maintain.key_contact_create, name="key_contact_create"
    ),
    # Residents as volunteers.
    path("volunteer/", volunteers.volunteer_home, name="volunteer_home"),
    path(
        "volunteer/sign-up/",
        volunteers.volunteer_sign_up_view,
        name="volunteer_sign_up",
    ),
    path("volunteer/status/", volunteers.volunteer_status, name="volunteer_status"),
    path(
        "volunteer/matches/<uuid:public_id>/",
        volunteers.match_detail,
        name="match_detail",
    ),
    # Caseworkers.
    path("cases/<str:reference>/", case.case_network, name="case_network"),
    path(
        "cases/<str:reference>/matches/<uuid:public_id>/stop/",
        case.case_match_stop,
        name="case_match_stop",
    ),
]
