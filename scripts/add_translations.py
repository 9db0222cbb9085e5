"""Add or update Dutch translations in locale/nl from a JSON file, then compile.

Several people (or helpers) can add strings at the same time: the catalogue is
locked while it is read, changed and written. `make messages` later brings the
catalogue in step with the code (it keeps these translations and drops strings no
longer used).

JSON: a mapping of English msgid to Dutch text, or a list of objects with the keys
msgid, msgstr, and optionally msgctxt, msgid_plural and msgstr_plural (a list).

    .venv/bin/python scripts/add_translations.py my-strings.json
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PO_PATH = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
LOCK_PATH = ROOT / "locale" / ".catalogue.lock"


def _entries(data: object) -> list[dict]:
    if isinstance(data, dict):
        return [{"msgid": msgid, "msgstr": msgstr} for msgid, msgstr in data.items()]
    if isinstance(data, list):
        return data
    raise SystemExit("expected a JSON object or list")


def merge(catalogue: polib.POFile, items: list[dict]) -> tuple[int, int]:
    added = updated = 0
    for item in items:
        msgid = item["msgid"]
        context = item.get("msgctxt")
        entry = catalogue.find(msgid, msgctxt=context) if context else None
        if entry is None and not context:
            entry = next(
                (e for e in catalogue if e.msgid == msgid and not e.msgctxt), None
            )
        if entry is None:
            entry = polib.POEntry(msgid=msgid)
            if context:
                entry.msgctxt = context
            catalogue.append(entry)
            added += 1
        else:
            updated += 1
        if item.get("msgid_plural"):
            entry.msgid_plural = item["msgid_plural"]
            entry.msgstr_plural = dict(enumerate(item["msgstr_plural"]))
        else:
            entry.msgstr = item["msgstr"]
        entry.obsolete = False
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    return added, updated


def main(paths: list[str]) -> None:
    if not paths:
        raise SystemExit(__doc__)
    items: list[dict] = []
    for path in paths:
        items += _entries(json.loads(Path(path).read_text(encoding="utf-8")))
    LOCK_PATH.touch()
    with LOCK_PATH.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalogue = polib.pofile(str(PO_PATH), wrapwidth=79)
        added, updated = merge(catalogue, items)
        catalogue.save(str(PO_PATH))
        catalogue.save_as_mofile(str(PO_PATH.with_suffix(".mo")))
    print(f"{added} added, {updated} updated, catalogue compiled")


if __name__ == "__main__":
    main(sys.argv[1:])
