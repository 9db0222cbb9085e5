"""The session store and auth backend that load by SQL compiled once, the user
with the session (accounts/sessions.py, accounts/backends.py): the same answers
as Django's own."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import UserBackend
from accounts.models import LoginSession, User
from accounts.sessions import SessionStore
from tests.fixtures.personas import client_for

pytestmark = pytest.mark.django_db

HOME = "/resident/"


def test_the_portal_uses_them() -> None:
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert settings.AUTHENTICATION_BACKENDS[-1] == "accounts.backends.UserBackend"


def test_a_stored_session_loads_with_what_was_put_in() -> None:
    store = SessionStore()
    store["answer"] = {"steps": [1, 2]}
    store.create()

    loaded = SessionStore(store.session_key)

    assert loaded["answer"] == {"steps": [1, 2]}
    assert loaded.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    LoginSession.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (store.session_key, "unknownsessionkey12345"):
        loaded = SessionStore(key)
        assert loaded.get("answer") is None
        loaded["fresh"] = True
        loaded.save()
        assert loaded.session_key not in (None, key)


def test_no_cookie_costs_no_query() -> None:
    with CaptureQueriesContext(connection) as captured:
        assert SessionStore(None).load() == {}
    assert len(captured) == 0


def test_the_backend_loads_the_user_as_the_orm_does(resident: User) -> None:
    loaded = UserBackend().get_user(resident.pk)

    assert loaded is not None
    assert not loaded._state.adding
    fields = [field.attname for field in User._meta.concrete_fields]
    orm = User.objects.get(pk=resident.pk)
    assert [getattr(loaded, f) for f in fields] == [getattr(orm, f) for f in fields]
    # A model as the ORM makes it: it saves as an update of that row.
    loaded.full_name = "Nieuwe Naam"
    loaded.save(update_fields=["full_name"])
    assert User.objects.get(pk=resident.pk).full_name == "Nieuwe Naam"


def test_the_backend_refuses_an_inactive_or_missing_user(resident: User) -> None:
    User.objects.filter(pk=resident.pk).update(is_active=False)

    assert UserBackend().get_user(resident.pk) is None
    assert UserBackend().get_user(resident.pk + 10_000) is None


def test_a_deactivated_user_is_logged_out_on_the_next_page(resident: User) -> None:
    client = client_for(resident)
    assert client.get(HOME).status_code == 200

    User.objects.filter(pk=resident.pk).update(is_active=False)
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_password_change_elsewhere_ends_the_session(resident: User) -> None:
    client = client_for(resident)
    resident.set_password("een-heel-ander-wachtwoord-2026")
    resident.save(update_fields=["password"])

    response = client.get(HOME)

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_login_form_makes_a_session_the_backend_reads(
    resident: User, password: str
) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": resident.email, "password": password})

    assert client.session["_auth_user_backend"] == "accounts.backends.UserBackend"
    page = client.get(HOME)
    assert page.status_code == 200
    assert resident.full_name in page.content.decode()


def test_the_session_brings_its_user_and_the_backend_asks_no_more(
    resident: User,
) -> None:
    client = client_for(resident)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert LoginSession.objects.get(session_key=key).user_id == resident.pk

    with CaptureQueriesContext(connection) as captured:
        store = SessionStore(key)
        user_id = store[SESSION_KEY]
        loaded = UserBackend().get_user(user_id)

    assert len(captured) == 1
    assert loaded is not None and loaded.pk == resident.pk
    fields = [field.attname for field in User._meta.concrete_fields]
    orm = User.objects.get(pk=resident.pk)
    assert [getattr(loaded, f) for f in fields] == [getattr(orm, f) for f in fields]
    # Taken once: asking again (or for someone else) is a query of its own.
    with CaptureQueriesContext(connection) as captured:
        assert UserBackend().get_user(user_id).pk == resident.pk
    assert len(captured) == 1


def test_a_preloaded_row_serves_only_its_own_user(
    resident: User, caseworker: User
) -> None:
    key = client_for(resident).cookies[settings.SESSION_COOKIE_NAME].value
    SessionStore(key).load()

    assert UserBackend().get_user(caseworker.pk).pk == caseworker.pk


def test_a_page_loads_session_and_user_in_one_query(resident: User) -> None:
    client = client_for(resident)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    sql = [" ".join(query["sql"].split()) for query in captured]
    [session] = [query for query in sql if "accounts_loginsession" in query]
    assert '"accounts_user"' in session  # the join
    assert not [query for query in sql if query.startswith('SELECT "accounts_user"')]


def test_logging_in_writes_the_column_and_logging_out_removes_it(
    resident: User, password: str
) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": resident.email, "password": password})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert LoginSession.objects.get(session_key=key).user_id == resident.pk

    client.post("/accounts/logout/")

    assert not LoginSession.objects.filter(user=resident).exists()


def test_deleting_a_user_ends_their_sessions(resident: User) -> None:
    client = client_for(resident)
    assert LoginSession.objects.filter(user=resident).exists()

    resident.delete()

    assert not LoginSession.objects.exists()
    assert client.get(HOME).status_code == 302


def test_the_migration_carries_unexpired_sessions_over_with_their_user(
    resident: User,
) -> None:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session

    migration = import_module("accounts.migrations.0005_login_session")
    old = DjangoStore()
    old[SESSION_KEY] = str(resident.pk)
    old[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
    old[HASH_SESSION_KEY] = resident.get_session_auth_hash()
    old.create()
    anonymous = DjangoStore()
    anonymous["language"] = "en"
    anonymous.create()
    expired = DjangoStore()
    expired[SESSION_KEY] = str(resident.pk)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    odd = DjangoStore()
    odd[SESSION_KEY] = "not-a-number"
    odd.create()

    migration.carry_sessions_over(apps, None)

    moved = dict(LoginSession.objects.values_list("session_key", "user_id"))
    assert moved == {
        old.session_key: resident.pk,
        anonymous.session_key: None,
        odd.session_key: None,
    }
    # Nothing stays behind that a rollback could bring back.
    assert not Session.objects.exists()
    # The moved session still logs the resident in.
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert client.get(HOME).status_code == 200


def test_the_migration_back_returns_the_unexpired_sessions(resident: User) -> None:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.sessions.models import Session

    migration = import_module("accounts.migrations.0005_login_session")
    client = client_for(resident)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    migration.carry_sessions_back(apps, None)

    assert list(Session.objects.values_list("session_key", flat=True)) == [key]


def test_a_row_left_unused_is_forgotten_when_the_next_request_starts(
    resident: User,
) -> None:
    from django.core.signals import request_started
    from django.db import close_old_connections

    key = client_for(resident).cookies[settings.SESSION_COOKIE_NAME].value
    SessionStore(key).load()  # brought the resident's row, which nobody took

    # The signal as a request sends it, without Django's closing of connections
    # (which would end the test's transaction).
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)

    with CaptureQueriesContext(connection) as captured:
        assert UserBackend().get_user(resident.pk).pk == resident.pk
    assert len(captured) == 1  # asked again, not the row of the earlier request
