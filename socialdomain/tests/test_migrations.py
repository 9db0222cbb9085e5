from io import StringIO

from django.core.management import call_command


def test_models_and_migrations_agree(db: None) -> None:
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_the_custom_user_model_is_in_the_first_migration_of_accounts() -> None:
    from importlib import import_module

    initial = import_module("accounts.migrations.0001_initial").Migration
    assert initial.initial
    assert any(getattr(op, "name", "") == "User" for op in initial.operations)
