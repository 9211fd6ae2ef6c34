"""Project test harness: static checks of the addon + its Odoo test suite.

See README.md, section "Tests", for the command and the environment variables.
"""

import signal
import threading

import pytest
from rkt_harness import SESSION, addon_dir, addon_name, rel
from rkt_harness.odoo import (
    OdooError,
    OdooNotFound,
    detect,
    drop_stale_databases,
    pg_ping,
)
from rkt_harness.suite import OdooSuite, remove_stale_results, results_json_path

def _terminate(signum, frame):
    # Turn SIGTERM (CI cancel, `kill`) into what Ctrl-C does, so that the
    # running Odoo is stopped and the test databases are dropped on the way out.
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def pytest_collection_modifyitems(config, items):
    """Static checks first (seconds), then the Odoo suite (minutes)."""
    items.sort(key=lambda item: item.get_closest_marker("odoo") is not None)


def pytest_report_header(config):
    return [f"addon under test: {rel(addon_dir())} ({addon_name()})"]


@pytest.fixture(scope="session")
def addon():
    """Path of the addon; every static check fails if it is missing."""
    path = addon_dir()
    if not (path / "__manifest__.py").is_file():
        pytest.fail(f"addon not found: {path}/__manifest__.py does not exist", pytrace=False)
    return path


@pytest.fixture(scope="session")
def odoo_setup():
    """(suite, None) when Odoo 18 and PostgreSQL are usable, (None, why) when
    Odoo 18 is there but unusable. Skips the Odoo suite when there is no Odoo 18."""
    try:
        install = detect()
    except OdooNotFound as exc:
        line = exc.skip_line()
        SESSION["skip_line"] = line
        pytest.skip(line)
    except OdooError as exc:
        yield None, str(exc)
        return
    ok, message = pg_ping(install)
    if not ok:
        yield None, (
            f"Odoo {install.version} was found ({install.bin}) but PostgreSQL does not answer:\n"
            f"{message}\n"
            "Start it (e.g. `pg_ctlcluster 15 main start`) and make sure a role for this OS user "
            "exists (`createuser -s $USER` as postgres), or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
        )
        return
    drop_stale_databases(install)
    remove_stale_results()
    suite = OdooSuite(install)
    SESSION["suite"] = suite
    yield suite, None
    suite.close()


def _first_line(report):
    text = str(getattr(report.longrepr, "reprcrash", None) and report.longrepr.reprcrash.message or report.longrepr)
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = line.removeprefix("Failed: ")
    return line if len(line) <= 160 else line[:157] + "..."


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    # pytest's own short summary (-r) repeats whole multi-line messages with -v;
    # this one names each failed test with the first line of its message.
    bad = [("FAILED", r) for r in tr.stats.get("failed", [])] + [("ERROR", r) for r in tr.stats.get("error", [])]
    if bad:
        tr.write_sep("=", "failed checks")
        for word, report in bad:
            tr.write_line(f"{word} {report.nodeid} - {_first_line(report)}")
    if SESSION["skip_line"]:
        tr.write_line("")
        tr.write_line(SESSION["skip_line"])
    for note in SESSION["notes"]:
        tr.write_line(note)
    suite = SESSION["suite"]
    if suite is not None and (suite.runs or suite.i18n):
        tr.write_sep("-", "Odoo suite")
        for line in suite.summary_lines():
            tr.write_line(line)
        path = results_json_path()
        if path.exists():
            tr.write_line(f"recorded in {rel(path)}")
