"""Where each role lands after logging in, and what its navigation shows."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

ROLE_HOME_URL_NAMES: dict[str, str] = {
    Role.RESIDENT: "citizens:home",
    Role.CASEWORKER: "casework:home",
    Role.TEAM_LEAD: "casework:home",
    Role.PARTNER: "networks:partner_home",
    Role.PILOT_OWNER: "pilots:home",
    Role.ALDERMAN: "dashboards:home",
    Role.REGIONAL_MANAGER: "dashboards:home",
    Role.FUNCTIONAL_ADMIN: "accounts:admin_home",
}

# (label, url name) per role; later capabilities add their pages here.
ROLE_NAVIGATION: dict[str, list[tuple[Promise, str]]] = {
    Role.RESIDENT: [
        (_("My page"), "citizens:home"),
        (_("Ask for help"), "citizens:ask_start"),
        (_("My help requests"), "citizens:request_list"),
        (_("My data"), "citizens:my_data"),
        (_("My pilots"), "pilots:mine"),
        (_("Volunteering"), "networks:volunteer_home"),
        (_("Social map"), "networks:social_map_start"),
    ],
    Role.CASEWORKER: [
        (_("My work"), "casework:home"),
        (_("Queue"), "casework:queue"),
        (_("Enrol in a pilot"), "pilots:enrol_from_case"),
    ],
    Role.TEAM_LEAD: [
        (_("My team"), "casework:home"),
        (_("Queue"), "casework:queue"),
        (_("Enrol in a pilot"), "pilots:enrol_from_case"),
    ],
    Role.PARTNER: [(_("My organisation"), "networks:partner_home")],
    Role.PILOT_OWNER: [
        (_("Pilots"), "pilots:home"),
        (_("Shared library"), "pilots:library"),
    ],
    Role.ALDERMAN: [
        (_("Overview"), "dashboards:home"),
        (_("Pilots"), "pilots:register"),
    ],
    Role.REGIONAL_MANAGER: [
        (_("Regional overview"), "dashboards:home"),
        (_("Reports"), "dashboards:reports"),
        (_("Shared library"), "pilots:library"),
    ],
    Role.FUNCTIONAL_ADMIN: [
        (_("Administration"), "accounts:admin_home"),
        (_("Staff accounts"), "accounts:account_list"),
        (_("Pilots"), "pilots:register"),
        (_("Social map"), "networks:organisation_list"),
        (_("Access log"), "accounts:access_log"),
        (_("Data protection"), "privacy:data_protection"),
    ],
}

# Notifications: the centre (with the unread badge) for staff, settings for everyone.
for _role in (Role.CASEWORKER, Role.TEAM_LEAD, Role.PARTNER, Role.PILOT_OWNER):
    ROLE_NAVIGATION[_role].append((_("Notifications"), "notifications:list"))
ROLE_NAVIGATION[Role.RESIDENT].append(
    (_("Notification settings"), "notifications:preferences")
)
ROLE_NAVIGATION[Role.FUNCTIONAL_ADMIN].append(
    (_("Reminders and jobs"), "notifications:operations")
)


def home_url_for(user: User) -> str:
    return reverse(ROLE_HOME_URL_NAMES[user.role])
