"""The addon's own Odoo test suite, run by a real Odoo 18 on fresh databases.

Once with demo data and once without; then the terms are exported from the
database without demo data and compared with the committed .pot. Skipped (with
one plain line in the summary) when no Odoo 18 is installed; FAILED when Odoo 18
is there but unusable (e.g. PostgreSQL does not answer).
"""

import polib
import pytest
from rkt_harness import SESSION, addon_dir, addon_name, check, env_flag, rel

pytestmark = pytest.mark.odoo


def _suite(odoo_setup):
    """The OdooSuite, or fail the test (not error, not skip) with the reason."""
    suite, error = odoo_setup
    check(not error, error)
    return suite


def test_odoo_suite_with_demo_data(odoo_setup):
    suite = _suite(odoo_setup)
    if env_flag("RKT_ODOO_SKIP_DEMO_RUN"):
        note = "RKT_ODOO_SKIP_DEMO_RUN is set: the Odoo run WITH demo data was SKIPPED"
        SESSION["notes"].append(note)
        pytest.skip(note)
    db = suite.db_name(True)
    try:
        result = suite.run_tests(demo=True)
    finally:
        drop_error = suite.cleanup(db)
        suite.write_json()
    check(result.passed, result.report())
    check(not drop_error, drop_error)


@pytest.fixture(scope="module")
def nodemo_run(odoo_setup):
    """The run without demo data; its database stays until the term export is done."""
    suite, error = odoo_setup
    if error:
        yield None
        return
    db = suite.db_name(False)
    try:
        result = suite.run_tests(demo=False)
        suite.write_json()
        yield result
    finally:
        drop_error = suite.cleanup(db)
        if drop_error:
            SESSION["notes"].append(drop_error)


def test_odoo_suite_without_demo_data(odoo_setup, nodemo_run):
    _suite(odoo_setup)
    check(nodemo_run.passed, nodemo_run.report())


def test_exported_terms_are_in_committed_pot(odoo_setup, nodemo_run):
    suite = _suite(odoo_setup)
    installed = (nodemo_run.module_state or {}).get(addon_name(), {}).get("state") == "installed"
    check(
        installed,
        f"{addon_name()} did not install in {nodemo_run.db}, so its terms cannot be exported "
        "(see test_odoo_suite_without_demo_data)",
    )
    export, exported_path = suite.export_terms(nodemo_run.db)
    record = {"passed": False, "exported": rel(exported_path), "missing_from_pot": [], "summary": ""}
    suite.i18n = record
    try:
        check(export.passed, export.report())
        exported = polib.pofile(str(exported_path), wrapwidth=0)
        terms = [e.msgid for e in exported if e.msgid and not e.obsolete]
        record["terms"] = len(terms)
        committed_path = addon_dir() / "i18n" / f"{addon_name()}.pot"
        if not committed_path.is_file():
            record["summary"] = f"{len(terms)} terms exported, {committed_path.name} does not exist"
            check(False, f"{rel(committed_path)} does not exist (Odoo exported {len(terms)} terms to {rel(exported_path)})")
        committed = polib.pofile(str(committed_path), wrapwidth=0)
        known = {e.msgid for e in committed if not e.obsolete}
        missing = [t for t in terms if t not in known]
        stale = sorted(known - set(terms) - {""})
        record["missing_from_pot"] = missing
        record["stale_in_pot"] = len(stale)
        record["summary"] = (
            f"{len(terms)} terms exported, {len(missing)} missing from {committed_path.name}"
            + (f", {len(stale)} in the .pot but no longer exported" if stale else "")
        )
        check(
            not missing,
            f"{len(missing)} term(s) that Odoo exports for {addon_name()} are missing from "
            f"{rel(committed_path)} (regenerate it from {rel(exported_path)} and translate them in id.po):\n"
            + "\n".join(f"  {t[:100]!r}" for t in missing),
        )
        record["passed"] = True
    finally:
        if not record["summary"]:
            record["summary"] = "term export failed"
        suite.write_json()
