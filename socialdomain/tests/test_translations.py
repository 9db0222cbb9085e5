"""The Dutch catalogue is complete, compiled, and in step with the code.

The site defaults to Dutch, so an English msgid without a translation is a bug that
residents see.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

NOT_SOURCE = {".venv", ".data", "staticfiles", ".git", "locale", "node_modules"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# Python's %-format with a mapping key: %(name)s, %(count)d, %(share).1f ...
PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")

EntryKey = tuple[str, str, str]


def load_catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def current_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def key(entry: polib.POEntry | polib.MOEntry) -> EntryKey:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def describe(entry_key: EntryKey) -> str:
    context, msgid, msgid_plural = entry_key
    text = repr(msgid)
    if msgid_plural:
        text += f" (plural {msgid_plural!r})"
    if context:
        text += f" (context {context!r})"
    return text


def placeholders(text: str) -> set[str]:
    return {match for match in PLACEHOLDER.findall(text) if match != "%%"}


def translations(mo: polib.MOFile) -> set[tuple[EntryKey, tuple[str, ...]]]:
    pairs = set()
    for entry in mo:
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        pairs.add((key(entry), forms))
    return pairs


def copy_sources(destination: Path) -> None:
    """Copy manage.py and every top-level folder holding code or templates."""
    for path in ROOT.iterdir():
        if path.name in NOT_SOURCE:
            continue
        if path.is_file() and path.suffix == ".py":
            shutil.copy2(path, destination / path.name)
        elif path.is_dir() and any(
            child.suffix in SOURCE_SUFFIXES for child in path.rglob("*")
        ):
            shutil.copytree(
                path,
                destination / path.name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"),
            )


def extract_msgids(project: Path) -> set[EntryKey]:
    """Run `makemessages` as `make messages` does, inside a copy of the project.

    The copy has its own settings module, so LOCALE_PATHS points into the copy and the
    committed catalogue is never touched.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env.update(
        DJANGO_SETTINGS_MODULE="socialdomain.settings_test",
        DJANGO_SECRET_KEY="messages",
        DATABASE_URL="postgres://unused/x",
        REDIS_URL="redis://unused",
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "nl",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            ".venv/*",
            "--ignore",
            "staticfiles/*",
            "--ignore",
            "tests/*",
        ],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    extracted = project / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    return {key(entry) for entry in current_entries(polib.pofile(str(extracted)))}


def test_dutch_catalogue_is_complete() -> None:
    catalogue = load_catalogue()
    assert catalogue.metadata["Language"] == "nl"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"

    problems = []
    for entry in current_entries(catalogue):
        if entry.fuzzy:
            problems.append(f"fuzzy: {describe(key(entry))}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in range(2)]
            if not all(forms) or len(entry.msgstr_plural) != 2:
                problems.append(f"plural form missing: {describe(key(entry))}")
        elif not entry.msgstr:
            problems.append(f"not translated: {describe(key(entry))}")

    assert current_entries(catalogue), f"{PO_PATH} has no entries"
    assert not problems, "The Dutch catalogue is incomplete:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_the_source(tmp_path: Path) -> None:
    expected_path = tmp_path / "django.mo"
    load_catalogue().save_as_mofile(str(expected_path))

    expected = polib.mofile(str(expected_path))
    committed = polib.mofile(str(MO_PATH))

    assert committed.metadata.get("Plural-Forms") == expected.metadata["Plural-Forms"]
    stale = translations(expected) ^ translations(committed)
    assert not stale, (
        f"{MO_PATH.name} is out of date with {PO_PATH.name}; run `make messages`. "
        f"Differences: {sorted({describe(entry_key) for entry_key, _ in stale})}"
    )


def test_every_translatable_string_in_the_code_is_in_the_catalogue(
    tmp_path: Path,
) -> None:
    copy_sources(tmp_path)

    in_code = extract_msgids(tmp_path)
    in_catalogue = {key(entry) for entry in current_entries(load_catalogue())}

    assert in_code, "makemessages found no translatable strings at all"
    missing = sorted(in_code - in_catalogue)
    assert not missing, (
        "These strings are in the code but not in the Dutch catalogue. Run "
        "`make messages`, translate them in locale/nl/LC_MESSAGES/django.po and run "
        "`make messages` again to compile:\n"
        + "\n".join(f"  {describe(entry_key)}" for entry_key in missing)
    )


def test_placeholders_survive_translation() -> None:
    problems = []
    for entry in current_entries(load_catalogue()):
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if form == 0 else entry.msgid_plural, text)
                for form, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            if placeholders(source) != placeholders(translation):
                problems.append(
                    f"{source!r} -> {translation!r}: expected "
                    f"{sorted(placeholders(source))}, "
                    f"found {sorted(placeholders(translation))}"
                )

    assert not problems, "Placeholders changed in translation:\n" + "\n".join(problems)
