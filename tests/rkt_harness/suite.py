"""The Odoo suite: fresh databases, test runs, term export, the JSON record."""

import json
import os
import re
import shutil
import time
from pathlib import Path

from . import RESULTS_DIR, addon_name, env_flag, git_dirty, git_head, is_default_addon, rel
from .odoo import (
    RunResult,
    analyse_log,
    drop_databases,
    free_port,
    module_states,
    odoo_timeout,
    parse_log,
    run_odoo,
)


def odoo_test_tags():
    return os.environ.get("RKT_ODOO_TEST_TAGS") or f"/{addon_name()}"


def result_file(stem, suffix):
    """.test-results/<stem><suffix>; a probe addon gets its own names so that it
    never overwrites what a run on the real addon wrote."""
    if is_default_addon():
        return RESULTS_DIR / f"{stem}{suffix}"
    return RESULTS_DIR / f"{stem}.{addon_name()}{suffix}"


def results_json_path():
    return result_file("odoo-suite", ".json")


def remove_stale_results():
    """Remove data dirs and config files left by killed harness processes."""
    for path in RESULTS_DIR.glob("odoo-*"):
        m = re.match(r"odoo-(?:data-rkt_test_|test-)(\d+)[_.]", path.name)
        if m and not Path(f"/proc/{m.group(1)}").exists():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


class OdooSuite:
    """State shared by the Odoo-suite tests of one pytest session."""

    def __init__(self, install):
        self.install = install
        self.runs = []
        self.i18n = None
        self.pid = os.getpid()
        self.started = time.monotonic()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        # An empty config file: a developer's ~/.odoorc or $ODOO_RC must not
        # change what is tested (database connection comes from PG* env vars).
        self.config_file = RESULTS_DIR / f"odoo-test-{self.pid}.conf"
        self.config_file.write_text("[options]\n", encoding="utf-8")

    def close(self):
        self.config_file.unlink(missing_ok=True)

    # -- databases ---------------------------------------------------------

    def db_name(self, demo):
        return f"rkt_test_{self.pid}_{'demo' if demo else 'nodemo'}"

    def data_dir(self, db):
        return RESULTS_DIR / f"odoo-data-{db}"

    def common_args(self, db):
        return [
            "--config", str(self.config_file),
            "--database", db,
            "--addons-path", ",".join(self.install.addons_path),
            "--data-dir", str(self.data_dir(db)),
            "--log-level", "info",
            "--max-cron-threads", "0",
            "--http-interface", "127.0.0.1",
            "--http-port", str(free_port()),
        ]  # fmt: skip

    def cleanup(self, db):
        """Drop the database and its filestore, whatever happened before."""
        if env_flag("RKT_KEEP_DB"):
            return None
        ok, err = drop_databases(self.install, [db])
        shutil.rmtree(self.data_dir(db), ignore_errors=True)
        default_filestore = Path.home() / ".local/share/Odoo/filestore" / db
        if default_filestore.is_dir():
            shutil.rmtree(default_filestore, ignore_errors=True)
        return None if ok else f"could not drop database {db}: {err}"

    # -- test runs ---------------------------------------------------------

    def run_tests(self, demo):
        db = self.db_name(demo)
        label = "demo" if demo else "nodemo"
        log = result_file(f"odoo-{label}", ".log")
        drop_databases(self.install, [db])  # a leftover of the same name
        shutil.rmtree(self.data_dir(db), ignore_errors=True)
        args = self.common_args(db) + [
            "--init", addon_name(),
            "--test-enable",
            "--test-tags", odoo_test_tags(),
            "--stop-after-init",
        ]  # fmt: skip
        if not demo:
            # Odoo 18 loads demo data unless --without-demo is given a
            # non-empty value (odoo/tools/config.py: `demo = {} if without_demo`).
            args.append("--without-demo=all")
        result = RunResult(label=label, demo=demo, db=db, log=rel(log))
        result.exit_code, result.seconds, result.timed_out = run_odoo(self.install, args, log)
        analyse_log(result, parse_log(log))
        self._check_modules(result)
        self.runs.append(result)
        return result

    def _check_modules(self, result):
        """The addon is installed, with demo data exactly when asked."""
        states = module_states(self.install, result.db, ["base", addon_name()])
        result.module_state = states
        if states is None:
            result.problems.append(f"could not read ir_module_module in {result.db}")
            return
        mod = states.get(addon_name())
        if not mod or mod["state"] != "installed":
            result.problems.append(
                f"{addon_name()} is not installed after the run (state: {mod and mod['state']})"
            )
        base = states.get("base") or {}
        if bool(base.get("demo")) != result.demo:
            result.problems.append(
                f"the database was meant to be {'with' if result.demo else 'without'} demo data, "
                f"but base has demo={base.get('demo')}"
            )

    # -- terms -------------------------------------------------------------

    def export_terms(self, db):
        """Export the addon's terms from db; returns (RunResult, path of the .pot)."""
        out = RESULTS_DIR / f"{addon_name()}.exported.pot"
        if out.exists():
            out.unlink()
        log = result_file("odoo-i18n-export", ".log")
        args = self.common_args(db) + [
            "--i18n-export", str(out),
            "--modules", addon_name(),
            "--stop-after-init",
        ]  # fmt: skip
        result = RunResult(label="i18n-export", demo=False, db=db, log=rel(log))
        result.exit_code, result.seconds, result.timed_out = run_odoo(
            self.install, args, log, timeout=min(odoo_timeout(), 900)
        )
        analyse_log(result, parse_log(log), expect_tests=False)
        if not out.is_file():
            result.problems.append(f"Odoo wrote no file {rel(out)}")
        return result, out

    # -- the record --------------------------------------------------------

    def summary_lines(self):
        lines = []
        for run in self.runs:
            status = "ok" if run.passed else "FAILED"
            line = run.result_line or "no odoo.tests.result line"
            lines.append(f"[{run.label}] {line} ({run.seconds:.0f} s, {status})")
        if self.i18n is not None:
            lines.append(f"[i18n] {self.i18n['summary']}")
        return lines

    def write_json(self):
        if not self.runs and self.i18n is None:
            return None
        data = {
            "commit": git_head(),
            "worktree_dirty": git_dirty(),
            "addon": addon_name(),
            "odoo": f"{self.install.version} ({self.install.bin})",
            "test_tags": odoo_test_tags(),
            "tests_run": sum(r.tests_run for r in self.runs),
            "failures": sum(r.failures for r in self.runs),
            "errors": sum(r.errors for r in self.runs),
            "seconds": round(sum(r.seconds for r in self.runs), 1),
            "passed": all(r.passed for r in self.runs)
            and (self.i18n is None or self.i18n["passed"]),
            "demo_run_skipped": not any(r.demo for r in self.runs),
            "runs": [r.as_json() for r in self.runs],
            "i18n_export": self.i18n,
            "summary": " | ".join(self.summary_lines()),
        }
        path = results_json_path()
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path
