"""The order in which apps load their demo data; each step is idempotent."""

from collections.abc import Callable

from accounts import demo as accounts_demo
from casework import demo as casework_demo
from citizens import demo as citizens_demo
from dashboards import demo as dashboards_demo
from municipalities import demo as municipalities_demo
from networks import demo as networks_demo
from notifications import demo as notifications_demo
from pilots import demo as pilots_demo

STEPS: list[tuple[str, Callable[[], None]]] = [
    ("municipalities, districts, neighbourhoods and teams", municipalities_demo.seed),
    ("organisations", networks_demo.seed),
    ("demo accounts", accounts_demo.seed),
    ("help requests in every state", citizens_demo.seed),
    ("triage and statutory deadlines", casework_demo.seed),
    ("volunteers, matches and referrals", networks_demo.seed_volunteers),
    ("pilots in every phase, ideas and the shared library", pilots_demo.seed),
    ("reminders of every kind", notifications_demo.seed),
    ("two years of help requests for the dashboards", dashboards_demo.seed),
    ("authenticator apps of the demo staff", accounts_demo.seed_two_factor),
]
