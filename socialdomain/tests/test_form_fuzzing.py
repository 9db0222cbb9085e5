"""Every form class of the project, fed 500 Hypothesis-generated submissions: binding
and validating never raises. Form classes are discovered by importing every
`<app>/forms*.py` module, so a new form is fuzzed without touching this file; a form
that needs constructor arguments must have an entry in CONSTRUCTOR_KWARGS, or its
test fails (never a silent skip)."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from casework.models import PlanGoal
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from pilots.models import Goal, Pilot
from pilots.tests.factories import PilotFactory
from tests.fixtures.personas import Place

ROOT = Path(__file__).resolve().parents[2]
NOT_APPS = {".venv", "tests", "scripts", "docs", "static", "templates", "locale"}


def form_modules() -> list[str]:
    modules = []
    for path in sorted(ROOT.glob("*/forms*.py")) + sorted(ROOT.glob("*/forms/*.py")):
        if path.parts[len(ROOT.parts)] in NOT_APPS:
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        modules.append(".".join(relative.parts).removesuffix(".__init__"))
    return modules


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for name in form_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
            ):
                found.append(value)
    return found


def qualified(form_class: type) -> str:
    return f"{form_class.__module__}.{form_class.__name__}"


@dataclass
class World:
    """The personas and objects the forms are built for (Den Helder)."""

    place: Place
    caseworker: User
    team_lead: User
    functional_admin: User
    pilot_owner: User
    alderman: User
    resident: User
    help_request: HelpRequest
    pilot: Pilot
    goals: list[Goal]


def _areas(world: World) -> list[Any]:
    from dashboards.board import areas_of

    return areas_of((world.place.municipality.pk,))


def _login_request(world: World) -> Any:
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.7")


# Constructor keyword arguments per form, as the views pass them. A form missing here
# that needs any makes its test fail with a TypeError.
CONSTRUCTOR_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    # django-axes needs the request to count failures per address.
    "accounts.forms.LoginForm": lambda w: {"request": _login_request(w)},
    "accounts.forms.AccessLogFilterForm": lambda w: {"admin": w.functional_admin},
    "accounts.forms.ReauthenticationForm": lambda w: {"with_code": True},
    "accounts.forms.StaffAccountForm": lambda w: {
        "account": w.caseworker,
        "admin": w.functional_admin,
    },
    # Casework: a request in progress of the caseworker's team.
    "casework.forms.ProgressForm": lambda w: {
        "help_request": w.help_request,
        "stage": "intake_done",
    },
    "casework.forms.TriageForm": lambda w: {
        "user": w.caseworker,
        "help_request": w.help_request,
    },
    "casework.forms.AssignForm": lambda w: {"team_lead": w.team_lead},
    "casework.forms.ReferralForm": lambda w: {"help_request": w.help_request},
    "casework.forms.ConsentRecordForm": lambda w: {"help_request": w.help_request},
    "casework.forms_plan.LinkRequestForm": lambda w: {
        "user": w.caseworker,
        "help_request": w.help_request,
    },
    "casework.forms_plan.CoordinatorForm": lambda w: {"user": w.caseworker},
    "casework.forms_plan.ActionForm": lambda w: {"goals": PlanGoal.objects.all()},
    "casework.forms_queue.QueueFilterForm": lambda w: {"user": w.caseworker},
    "casework.forms_queue.SavedFilterForm": lambda w: {"user": w.caseworker},
    "casework.forms_team.BulkReassignForm": lambda w: {
        "team_lead": w.team_lead,
        "chosen": [str(w.help_request.public_id)],
    },
    "casework.forms_wmo.WmoApplicationForm": lambda w: {"help_request": w.help_request},
    "casework.forms_wmo.WmoDecisionForm": lambda w: {"help_request": w.help_request},
    # Dashboards: the alderman's areas and the pilots of the municipality.
    "dashboards.forms.DashboardFilterForm": lambda w: {
        "user": w.alderman,
        "areas": _areas(w),
        "pilots": [(w.pilot.pk, w.pilot.title)],
    },
    "dashboards.forms.ReportForm": lambda w: {
        "user": w.alderman,
        "pilots": [(w.pilot.pk, w.pilot.title)],
    },
    # Networks: the municipality of the page.
    "networks.forms.SocialMapSearchForm": lambda w: {
        "municipality": w.place.municipality
    },
    "networks.forms.OrganisationForm": lambda w: {"municipality": w.place.municipality},
    "networks.forms.PartnerOrganisationForm": lambda w: {
        "municipality": w.place.municipality
    },
    "networks.forms.KeyContactForm": lambda w: {"municipality": w.place.municipality},
    "networks.forms.VolunteerSignUpForm": lambda w: {
        "municipality": w.place.municipality
    },
    "networks.forms.MatchProposeForm": lambda w: {
        "municipality_id": w.place.municipality.pk
    },
    "networks.forms.MatchAnswerForm": lambda w: {
        "allowed": frozenset({"accepted", "declined", "active"})
    },
    "networks.forms.ReferralResponseForm": lambda w: {
        "allowed": frozenset({"accepted", "declined", "completed"})
    },
    "notifications.forms.PreferencesForm": lambda w: {"user": w.caseworker},
    # Pilots: the pilot owner's pilot with one KPI.
    "pilots.forms.PilotForm": lambda w: {"user": w.pilot_owner},
    "pilots.forms.PhaseForm": lambda w: {"pilot": w.pilot},
    "pilots.forms.GoalValuesForm": lambda w: {"goals": w.goals},
    "pilots.forms.BudgetLineForm": lambda w: {"pilot": w.pilot},
    "pilots.forms.BudgetEntryForm": lambda w: {"pilot": w.pilot},
    "pilots.forms.EnrolFromCaseForm": lambda w: {"user": w.caseworker},
    "pilots.forms.ScoresForm": lambda w: {"instrument": "zrm"},
    "pilots.forms.MeasurementForm": lambda w: {"instrument": "positive_health"},
    "privacy.forms.LegalHoldForm": lambda w: {"admin": w.functional_admin},
}

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "9999-12-31",
    "2026-06-01T25:61",
    "on",
    "true",
    "\x00",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "00000000-0000-0000-0000-000000000000",
    "x" * 5000,
    "1781 AB",
    "HV-2026-000001",
]


def _choices(field: forms.Field) -> list[str]:
    choices = getattr(field, "choices", None)
    if choices is None or isinstance(field, forms.ModelChoiceField):
        return []
    values: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return values


def _value_strategy(field: forms.Field) -> st.SearchStrategy[str]:
    options = [st.text(max_size=30), st.sampled_from(NASTY), st.integers().map(str)]
    valid = _choices(field)
    if valid:
        options.append(st.sampled_from(valid))
    if isinstance(field, forms.DateField | forms.DateTimeField):
        options.append(st.dates().map(lambda day: day.isoformat()))
    return st.one_of(options)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    # What the multipart parser hands a view: it drops parts without a usable name
    # and keeps only the base name (hostile names are tested through the real parser
    # in test_upload_hardening).
    clean = MultiPartParser.sanitize_file_name(None, name) or "document.pdf"  # type: ignore[arg-type]
    return SimpleUploadedFile(clean, content)


def _file_strategy() -> st.SearchStrategy[SimpleUploadedFile]:
    heads = st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"MZ", b"<svg"])
    return st.builds(
        lambda name, head, body: _upload(name, head + body),
        st.text(max_size=40),
        heads,
        st.binary(max_size=64),
    )


def submissions(
    form: forms.BaseForm,
) -> st.SearchStrategy[tuple[MultiValueDict, MultiValueDict]]:
    data = {}
    files = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            files[key] = st.lists(_file_strategy(), max_size=2)
        else:
            data[key] = st.lists(_value_strategy(field), max_size=3)
    data["unexpected_field"] = st.lists(st.text(max_size=10), max_size=1)
    return st.tuples(
        st.fixed_dictionaries(data).map(MultiValueDict),
        st.fixed_dictionaries(files).map(MultiValueDict),
    )


@pytest.fixture
def world(
    den_helder: Place,
    caseworker: User,
    team_lead: User,
    functional_admin: User,
    pilot_owner: User,
    alderman: User,
    resident: User,
) -> World:
    help_request = HelpRequestFactory(
        in_progress=True,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        resident=resident,
    )
    pilot = PilotFactory(municipality=den_helder.municipality, owner=pilot_owner)
    goal = Goal.objects.create(
        pilot=pilot,
        description="Meer meedoen",
        indicator="Deelnemers",
        baseline=0,
        target=40,
    )
    return World(
        place=den_helder,
        caseworker=caseworker,
        team_lead=team_lead,
        functional_admin=functional_admin,
        pilot_owner=pilot_owner,
        alderman=alderman,
        resident=resident,
        help_request=help_request,
        pilot=pilot,
        goals=[goal],
    )


def test_every_form_module_is_found() -> None:
    names = {qualified(form_class) for form_class in form_classes()}
    assert "citizens.forms.SituationForm" in names
    assert "privacy.forms.LegalHoldForm" in names
    # The mapping names only forms that exist.
    assert set(CONSTRUCTOR_KWARGS) <= names


@pytest.mark.parametrize("form_class", form_classes(), ids=qualified)
def test_random_submissions_never_raise(
    world: World, form_class: type[forms.BaseForm]
) -> None:
    kwargs_for = CONSTRUCTOR_KWARGS.get(qualified(form_class), lambda w: {})
    # Unbound first: this is where a missing constructor argument fails the test.
    shape = form_class(**kwargs_for(world))

    def check(form: forms.BaseForm) -> None:
        # A savepoint per example: a database error would otherwise poison the rest.
        with transaction.atomic():
            form.is_valid()
            form.errors.as_data()
            transaction.set_rollback(True)

    common = {
        "deadline": None,
        "database": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }

    # Through the constructor, exactly as a view binds a submission.
    @settings(max_examples=60, **common)
    @given(submission=submissions(shape))
    def construct_and_validate(
        submission: tuple[MultiValueDict, MultiValueDict],
    ) -> None:
        data, files = submission
        check(form_class(data=data, files=files, **kwargs_for(world)))

    # 500 more, bound to a copy of the constructed form: the constructors cost up to
    # 5 ms (querysets, choices) and read no submitted data, validation does.
    @settings(max_examples=500, **common)
    @given(submission=submissions(shape))
    def bind_and_validate(submission: tuple[MultiValueDict, MultiValueDict]) -> None:
        form = copy.copy(shape)
        form.data, form.files = submission
        form.is_bound = True
        form._errors = None
        form._bound_fields_cache = {}
        check(form)

    construct_and_validate()
    bind_and_validate()


def test_the_dates_in_the_corpus_are_real_edge_cases() -> None:
    # 2026-02-30 does not exist; the corpus relies on it being refused.
    with pytest.raises(ValueError):
        dt.date.fromisoformat("2026-02-30")
