"""Demo staff get the published demo key; `manage.py demo_code` prints its code."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.demo import DEMO_DOMAIN, DEMO_TOTP_KEY, seed_two_factor
from accounts.tests.factories import UserFactory
from tests.fixtures.personas import Place


def test_the_demo_key_is_the_one_the_readme_gives() -> None:
    from base64 import b32encode
    from pathlib import Path

    text_key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
    grouped = " ".join(text_key[i : i + 4] for i in range(0, len(text_key), 4))
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert grouped in readme


def test_every_demo_staff_account_gets_the_demo_key_once(den_helder: Place) -> None:
    staff = UserFactory(
        caseworker=True,
        team=den_helder.team,
        email=f"consulent@den-helder.{DEMO_DOMAIN}",
        totp_device=False,
    )
    resident = UserFactory(email=f"inwoner@den-helder.{DEMO_DOMAIN}")
    outsider = UserFactory(
        alderman=True, municipality=den_helder.municipality, totp_device=False
    )

    seed_two_factor()
    seed_two_factor()

    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.key == DEMO_TOTP_KEY
    assert not TOTPDevice.objects.filter(user__in=[resident, outsider]).exists()


def test_an_account_that_set_up_its_own_app_keeps_it(den_helder: Place) -> None:
    staff = UserFactory(
        alderman=True,
        municipality=den_helder.municipality,
        email=f"wethouder@den-helder.{DEMO_DOMAIN}",
    )
    seed_two_factor()
    assert list(
        TOTPDevice.objects.filter(user=staff).values_list("key", flat=True)
    ) != [DEMO_TOTP_KEY]


def test_demo_code_prints_the_current_code_of_a_demo_account(
    den_helder: Place,
) -> None:
    staff = UserFactory(
        caseworker=True,
        team=den_helder.team,
        email=f"consulent@den-helder.{DEMO_DOMAIN}",
        totp_device=False,
    )
    seed_two_factor()
    out = StringIO()

    call_command("demo_code", staff.email.upper(), stdout=out)

    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = two_factor.confirmed_totp_device(staff)
    assert code == two_factor.current_code(device) or code == two_factor.current_code(
        device, at=__import__("time").time() - 30
    )
    assert device.verify_token(code)


def test_demo_code_refuses_accounts_without_the_demo_key(
    caseworker,
    resident,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(CommandError, match="demo key"):
        call_command("demo_code", caseworker.email)
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo_code", resident.email)
    with pytest.raises(CommandError, match="No account"):
        call_command("demo_code", "nobody@example.test")
