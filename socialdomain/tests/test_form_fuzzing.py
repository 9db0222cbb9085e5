"""Every form class of the project, fed 500 Hypothesis-generated submissions: binding
and validating never raises. Form classes are discovered by importing every
`<app>/forms*.py` module (tests/fixtures/forms.py), so a new form is fuzzed without
touching this file; a form that needs constructor arguments must have an entry in
CONSTRUCTOR_KWARGS there, or its test fails (never a silent skip)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.forms import CONSTRUCTOR_KWARGS, World, form_classes, qualified

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
