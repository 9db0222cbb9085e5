"""Every route of the project is declared in one policy table: who may pass its role
check. Each route is requested as anonymous and as every role, with GET and POST:
a role outside the policy never gets a 2xx answer, and a route without a policy entry
fails the test.

Object-level scoping (another resident's, team's or municipality's objects: 404) is
proved per app next to each view; here the path parameters are samples, so the roles
that may pass answer 404 for objects that do not exist, which is allowed.
"""

import pytest
from django.test import Client

from accounts.models import User
from socialdomain.tests.test_security_baseline import PUBLIC, ROUTES
from tests.fixtures.personas import Place, client_for

RESIDENT = "resident"
CASEWORKER = "caseworker"
TEAM_LEAD = "team_lead"
PARTNER = "partner"
PILOT_OWNER = "pilot_owner"
ALDERMAN = "alderman"
REGIONAL = "regional_manager"
ADMIN = "functional_admin"
ROLES = (
    RESIDENT,
    CASEWORKER,
    TEAM_LEAD,
    PARTNER,
    PILOT_OWNER,
    ALDERMAN,
    REGIONAL,
    ADMIN,
)
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {RESIDENT}
TEAM = frozenset({CASEWORKER, TEAM_LEAD})
MANAGERS = frozenset({PILOT_OWNER, ADMIN})
DASHBOARD = frozenset({ALDERMAN, REGIONAL})

# Route name -> the roles that may pass its role check. Public routes (open to anyone,
# listed in the security baseline) need no entry.
POLICY: dict[str, frozenset[str]] = {
    "home": EVERYONE,
    "accounts:logout": EVERYONE,
    "accounts:password_change": EVERYONE,
    "accounts:password_change_done": EVERYONE,
    "accounts:admin_home": frozenset({ADMIN}),
    "accounts:account_list": frozenset({ADMIN}),
    "accounts:account_detail": frozenset({ADMIN}),
    "accounts:access_log": frozenset({ADMIN}),
    "accounts:account_change": frozenset({ADMIN}),
    "accounts:account_two_factor_reset": frozenset({ADMIN}),
    # The second login step and enrolment answer only staff (others are redirected);
    # recovery codes are staff's; everyone confirms their identity before an export.
    "accounts:two_factor_code": STAFF,
    "accounts:two_factor_enrol": STAFF,
    "accounts:recovery_codes": STAFF,
    "accounts:recovery_codes_renew": STAFF,
    "accounts:reauthenticate": EVERYONE,
    "citizens:home": frozenset({RESIDENT}),
    "citizens:ask_send": EVERYONE,
    "citizens:ask_remind_me": EVERYONE,
    "citizens:ask_sent": EVERYONE,
    "citizens:request_list": frozenset({RESIDENT}),
    "citizens:request_detail": frozenset({RESIDENT}),
    "citizens:request_withdraw": frozenset({RESIDENT}),
    "citizens:attachment_download": frozenset({RESIDENT}) | TEAM,
    "citizens:request_rate": frozenset({RESIDENT}),
    "citizens:consent_withdraw": frozenset({RESIDENT}),
    "citizens:my_data": frozenset({RESIDENT}),
    "citizens:my_data_export": frozenset({RESIDENT}),
    "citizens:erase": frozenset({RESIDENT}),
    "casework:home": TEAM,
    "casework:queue": TEAM,
    "casework:saved_filter_create": TEAM,
    "casework:saved_filter_delete": TEAM,
    "casework:bulk_reassign": frozenset({TEAM_LEAD}),
    "casework:wmo_application": TEAM,
    "casework:wmo_decision": TEAM,
    "casework:request_detail": TEAM,
    "casework:triage": TEAM,
    "casework:claim": TEAM,
    "casework:contact_moment": TEAM,
    "casework:assign": frozenset({TEAM_LEAD}),
    "casework:deadline_clock": TEAM,
    "casework:household_plan": TEAM,
    "casework:referral": TEAM,
    "casework:consent_record": TEAM,
    "casework:consent_withdraw": TEAM,
    "networks:partner_home": frozenset({PARTNER}),
    "networks:referral_detail": frozenset({PARTNER}),
    # Coordinators are partners of a volunteer organisation; others get 403.
    "networks:volunteer_list": frozenset({ADMIN}),
    "networks:volunteer_screening": frozenset({PARTNER, ADMIN}),
    "networks:organisation_list": frozenset({ADMIN}),
    "networks:organisation_create": frozenset({ADMIN}),
    "networks:organisation_edit": frozenset({PARTNER, ADMIN}),
    "networks:service_create": frozenset({PARTNER, ADMIN}),
    "networks:service_edit": frozenset({PARTNER, ADMIN}),
    "networks:key_contact_create": frozenset({ADMIN}),
    "networks:volunteer_home": frozenset({RESIDENT}),
    "networks:volunteer_sign_up": frozenset({RESIDENT}),
    "networks:volunteer_status": frozenset({RESIDENT}),
    "networks:match_detail": frozenset({RESIDENT}),
    "networks:case_network": TEAM,
    "networks:case_match_stop": TEAM,
    "pilots:home": frozenset({PILOT_OWNER}),
    "pilots:register": MANAGERS | {ALDERMAN},
    "pilots:create": MANAGERS,
    "pilots:detail": MANAGERS | {ALDERMAN},
    "pilots:edit": MANAGERS,
    "pilots:results_publish": MANAGERS,
    "pilots:participant": MANAGERS,
    "pilots:action": MANAGERS,
    "pilots:enrol_from_case": TEAM,
    "pilots:library": STAFF,
    "pilots:library_detail": STAFF,
    "pilots:idea_new": frozenset({RESIDENT, PARTNER}),
    "pilots:idea_support": frozenset({RESIDENT, PARTNER}),
    "pilots:idea_comment": frozenset({RESIDENT, PARTNER}) | MANAGERS,
    "pilots:idea_answer": MANAGERS | {ALDERMAN},
    "pilots:interest": frozenset({RESIDENT}),
    "pilots:mine": frozenset({RESIDENT}),
    "pilots:leave_own": frozenset({RESIDENT}),
    "dashboards:home": DASHBOARD,
    "dashboards:csv": DASHBOARD,
    "dashboards:reports": DASHBOARD,
    "dashboards:research_export": frozenset({ADMIN}),
    "dashboards:report_status": DASHBOARD,
    "dashboards:report_download": DASHBOARD,
    "notifications:list": STAFF,
    "notifications:read_all": STAFF,
    "notifications:open": STAFF,
    "notifications:preferences": EVERYONE,
    "notifications:operations": frozenset({ADMIN}),
    "notifications:operations_retry": frozenset({ADMIN}),
    "privacy:data_protection": frozenset({ADMIN}),
    "privacy:hold_set": frozenset({ADMIN}),
    "privacy:hold_lift": frozenset({ADMIN}),
}

NOT_PUBLIC = [(name, path) for name, path in ROUTES if name not in PUBLIC]


def test_every_route_is_declared_in_the_policy_or_public() -> None:
    names = {name for name, _ in ROUTES}
    undeclared = sorted(names - PUBLIC - set(POLICY))
    unknown = sorted(set(POLICY) - names)
    assert undeclared == [], f"routes without a policy entry: {undeclared}"
    assert unknown == [], f"policy entries for routes that do not exist: {unknown}"


def _violations(
    path: str, allowed: frozenset[str], everyone: dict[str, User]
) -> list[str]:
    problems = []
    for role in ROLES:
        client = client_for(everyone[role])
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status >= 500 or (200 <= status < 300 and role not in allowed):
                problems.append(f"{role} {method.upper()} {path}: {status}")
    anonymous = Client()
    for method in ("get", "post"):
        status = getattr(anonymous, method)(path).status_code
        if 200 <= status < 300 or status >= 500:
            problems.append(f"anonymous {method.upper()} {path}: {status}")
    return problems


def test_the_sweep_reports_a_role_that_gets_in_without_a_policy_entry(
    everyone: dict[str, User], den_helder: Place
) -> None:
    problems = _violations("/accounts/administration/", frozenset(), everyone)

    assert problems == [
        f"{ADMIN} GET /accounts/administration/: 200",
        f"{ADMIN} POST /accounts/administration/: 200",
    ]


@pytest.mark.parametrize(("name", "path"), NOT_PUBLIC, ids=[n for n, _ in NOT_PUBLIC])
def test_no_role_outside_the_policy_gets_a_2xx_answer(
    name: str, path: str, everyone: dict[str, User], den_helder: Place
) -> None:
    assert _violations(path, POLICY[name], everyone) == []
