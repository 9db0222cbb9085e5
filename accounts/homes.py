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
    Role.FUNCTIONAL_ADMIN: "accounts:admin_home",
}

# (label, url name) per role; later capabilities add their pages here.
ROLE_NAVIGATION: dict[str, list[tuple[Promise, str]]] = {
    Role.RESIDENT: [
        (_("My page"), "citizens:home"),
        (_("Ask for help"), "citizens:ask_start"),
        (_("My help requests"), "citizens:request_list"),
        (_("My data"), "citizens:my_data"),
    ],
    Role.CASEWORKER: [(_("My work"), "casework:home"), (_("Queue"), "casework:queue")],
    Role.TEAM_LEAD: [(_("My team"), "casework:home"), (_("Queue"), "casework:queue")],
    Role.PARTNER: [(_("My organisation"), "networks:partner_home")],
    Role.PILOT_OWNER: [(_("Pilots"), "pilots:home")],
    Role.ALDERMAN: [(_("Overview"), "dashboards:home")],
    Role.FUNCTIONAL_ADMIN: [
        (_("Administration"), "accounts:admin_home"),
        (_("Staff accounts"), "accounts:account_list"),
        (_("Access log"), "accounts:access_log"),
    ],
}


def home_url_for(user: User) -> str:
    return reverse(ROLE_HOME_URL_NAMES[user.role])
