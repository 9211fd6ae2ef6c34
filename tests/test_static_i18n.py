"""The Indonesian translation covers the committed term template."""

import polib
import pytest
from rkt_harness import check, rel


def _load(path):
    if not path.is_file():
        pytest.fail(f"{rel(path)} does not exist", pytrace=False)
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        pytest.fail(f"{rel(path)} does not parse: {exc}", pytrace=False)


def test_id_po_parses(addon):
    _load(addon / "i18n" / "id.po")


def test_id_po_translates_every_pot_term(addon):
    pot = _load(addon / "i18n" / f"{addon.name}.pot")
    po = _load(addon / "i18n" / "id.po")
    po_path = rel(addon / "i18n" / "id.po")
    translations = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    for entry in pot:
        if entry.obsolete or not entry.msgid:
            continue
        short = entry.msgid if len(entry.msgid) <= 70 else entry.msgid[:67] + "..."
        tr = translations.get((entry.msgctxt, entry.msgid))
        if tr is None:
            problems.append(f"missing:       {short!r}")
        elif "fuzzy" in tr.flags:
            problems.append(f"fuzzy:         {short!r} (line {tr.linenum})")
        elif entry.msgid_plural:
            if not tr.msgstr_plural or not all(v.strip() for v in tr.msgstr_plural.values()):
                problems.append(f"untranslated:  {short!r} (line {tr.linenum})")
        elif not tr.msgstr.strip():
            problems.append(f"untranslated:  {short!r} (line {tr.linenum})")
    check(
        not problems,
        f"{po_path}: {len(problems)} of {len([e for e in pot if e.msgid and not e.obsolete])} "
        f"term(s) of {addon.name}.pot lack a usable translation:\n" + "\n".join(problems)
    )
