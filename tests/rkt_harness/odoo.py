"""Find an Odoo 18, run the addon's test suite in it, and read the log.

Environment variables (all optional):

* ``ODOO_BIN``          path to ``odoo-bin`` or to the ``odoo`` console script
                        (default: ``odoo``, then ``odoo-bin``, on PATH)
* ``ODOO_PYTHON``       interpreter that runs Odoo (default: the script's shebang,
                        ``python3`` for a shebang-less ``odoo-bin``)
* ``ODOO_ADDONS_PATH``  extra addons directories (separated by ``,`` or ``:``)
* ``RKT_NO_ODOO=1``     behave as if no Odoo were installed (static checks only);
                        ``RKT_NO_ODOO_REASON`` says why (scripts/setup.sh sets both
                        when it could find or install no Odoo 18)
* ``RKT_ODOO_TEST_TAGS`` override ``--test-tags`` (default ``/<addon>``)
* ``RKT_ODOO_TIMEOUT``  seconds allowed per Odoo process (default 3600)
* ``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD`` are honoured by libpq, both
  here and in Odoo (no db_* option is passed to Odoo).

Only the standard library is used here, so ``python -m rkt_harness`` works from
any interpreter.
"""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import addon_name, addons_dir, env_flag

NOT_FOUND_PREFIX = "Odoo 18 not installed: the Odoo suite was SKIPPED (static checks only)"
VERSION_RE = re.compile(r"Odoo Server (\S+)")


class OdooNotFound(Exception):
    """No usable Odoo 18: the Odoo suite is skipped."""

    def skip_line(self):
        return f"{NOT_FOUND_PREFIX} ({self})"


class OdooError(Exception):
    """An Odoo 18 is there but cannot be used: the Odoo suite fails."""


@dataclass
class OdooInstall:
    bin: str
    python: str
    version: str
    root: str
    addons_path: list = field(default_factory=list)

    def base_cmd(self):
        # Run the script with the interpreter we probed, so both always agree.
        return [self.python, self.bin]


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------


def _interpreter_for(script):
    override = os.environ.get("ODOO_PYTHON")
    if override:
        found = shutil.which(override)
        if not found:
            raise OdooNotFound(f"ODOO_PYTHON={override} is not an executable")
        return found
    try:
        with open(script, "rb") as fh:
            first = fh.readline(512).decode("utf-8", "replace").strip()
    except OSError as exc:
        raise OdooNotFound(f"cannot read {script}: {exc}") from exc
    candidate = "python3"
    if first.startswith("#!"):
        parts = shlex.split(first[2:].strip())
        if parts and os.path.basename(parts[0]) == "env":
            rest = [p for p in parts[1:] if not p.startswith("-")]
            if rest:
                candidate = rest[0]
        elif parts:
            candidate = parts[0]
    found = shutil.which(candidate)
    if not found:
        raise OdooNotFound(f"the interpreter of {script} ({candidate}) was not found")
    return found


def _find_script():
    explicit = os.environ.get("ODOO_BIN")
    if explicit:
        path = explicit if os.sep in explicit else (shutil.which(explicit) or explicit)
        if not os.path.isfile(path):
            raise OdooNotFound(f"ODOO_BIN={explicit} does not exist")
        return os.path.abspath(path)
    for name in ("odoo", "odoo-bin"):
        path = shutil.which(name)
        if path:
            return os.path.abspath(path)
    raise OdooNotFound("ODOO_BIN is not set and neither `odoo` nor `odoo-bin` is on PATH")


def _extra_addons_paths():
    raw = os.environ.get("ODOO_ADDONS_PATH", "")
    return [p for p in re.split(r"[,:]", raw) if p.strip()]


def detect():
    """Return an OdooInstall, or raise OdooNotFound / OdooError."""
    if env_flag("RKT_NO_ODOO"):
        raise OdooNotFound(os.environ.get("RKT_NO_ODOO_REASON") or "RKT_NO_ODOO is set")
    script = _find_script()
    python = _interpreter_for(script)
    cwd = os.path.dirname(os.path.realpath(script))
    try:
        proc = subprocess.run(
            [python, script, "--version"],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OdooError(f"`{python} {script} --version` could not run: {exc}") from exc
    match = VERSION_RE.search(proc.stdout + "\n" + proc.stderr)
    if proc.returncode != 0 or not match:
        # Something called odoo is there but broken (e.g. wrong interpreter):
        # that must not pass as "no Odoo here".
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        raise OdooError(
            f"`{python} {script} --version` did not print a version "
            f"(set ODOO_PYTHON if the interpreter is wrong): {' | '.join(tail)}"
        )
    version = match.group(1)
    if version != "18.0" and not version.startswith("18.0"):
        raise OdooNotFound(f"{script} is Odoo {version}, not 18.0")

    proc = subprocess.run(
        [python, "-c", "import odoo, os; print(os.path.dirname(odoo.__path__[0]))"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise OdooError(
            f"{python} runs `{script} --version` but cannot `import odoo`:\n{proc.stderr.strip()}"
        )
    root = proc.stdout.strip().splitlines()[-1]

    paths = [str(addons_dir())]
    for extra in _extra_addons_paths():
        extra = os.path.abspath(os.path.expanduser(extra.strip()))
        if not os.path.isdir(extra):
            raise OdooError(f"ODOO_ADDONS_PATH names {extra}, which is not a directory")
        paths.append(extra)
    if os.path.isdir(os.path.join(root, "addons")):
        paths.append(os.path.join(root, "addons"))
    deduped = []
    for p in paths:
        if p not in deduped:
            deduped.append(p)
    return OdooInstall(bin=script, python=python, version=version, root=root, addons_path=deduped)


# --------------------------------------------------------------------------
# PostgreSQL, through Odoo's own psycopg2 (honours PGHOST/PGUSER/...)
# --------------------------------------------------------------------------

_PG_SCRIPT = r"""
import json, sys
import psycopg2
from psycopg2 import sql

def connect(dbname=None):
    if dbname:
        return psycopg2.connect(dbname=dbname)
    last = None
    for name in ("postgres", "template1"):
        try:
            return psycopg2.connect(dbname=name)
        except psycopg2.OperationalError as exc:
            last = exc
    raise last

action, args = sys.argv[1], sys.argv[2:]
try:
    conn = connect(args[0]) if action == "modules" else connect()
except psycopg2.Error as exc:
    sys.exit(f"{type(exc).__name__}: {str(exc).strip()}")
conn.autocommit = True
cur = conn.cursor()
if action == "ping":
    cur.execute("SELECT current_user, version()")
    print(json.dumps(cur.fetchone()))
elif action == "list":
    cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (args[0],))
    print(json.dumps([r[0] for r in cur.fetchall()]))
elif action == "drop":
    for name in args:
        try:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        except psycopg2.errors.SyntaxError:  # PostgreSQL < 13
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
elif action == "modules":
    cur.execute("SELECT name, state, demo FROM ir_module_module WHERE name = ANY(%s)", (args[1:],))
    print(json.dumps({r[0]: {"state": r[1], "demo": r[2]} for r in cur.fetchall()}))
"""


def pg(install, action, *args, timeout=120):
    """Run one PostgreSQL action with Odoo's interpreter; returns (ok, stdout or error)."""
    try:
        proc = subprocess.run(
            [install.python, "-c", _PG_SCRIPT, action, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        return False, "\n".join(lines[-4:])
    return True, proc.stdout.strip()


def pg_ping(install):
    ok, out = pg(install, "ping")
    if ok:
        user, version = json.loads(out)
        return True, f"connected as {user}: {version.split(',')[0]}"
    return False, out


def drop_databases(install, names):
    names = [n for n in names if n]
    if not names:
        return True, ""
    return pg(install, "drop", *names, timeout=300)


def drop_stale_databases(install, prefix="rkt_test_"):
    """Drop rkt_test_<pid>_* databases whose pytest process is gone."""
    ok, out = pg(install, "list", prefix.replace("_", r"\_") + "%")
    if not ok:
        return []
    stale = []
    for name in json.loads(out):
        m = re.match(re.escape(prefix) + r"(\d+)_", name)
        if m and not Path(f"/proc/{m.group(1)}").exists():
            stale.append(name)
    if stale:
        drop_databases(install, stale)
    return stale


def module_states(install, db, modules):
    ok, out = pg(install, "modules", db, *modules)
    return json.loads(out) if ok else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# Running Odoo
# --------------------------------------------------------------------------


def odoo_timeout():
    try:
        return int(os.environ.get("RKT_ODOO_TIMEOUT", "3600"))
    except ValueError:
        return 3600


def run_odoo(install, args, log_path, timeout=None):
    """Run Odoo with args, all output to log_path. Returns (exit code, seconds, timed_out)."""
    timeout = timeout or odoo_timeout()
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = install.base_cmd() + list(args)
    start = time.monotonic()
    timed_out = False
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("# " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        log.flush()
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        except BaseException:
            _kill_group(proc)
            raise
    return proc.returncode, round(time.monotonic() - start, 1), timed_out


def _kill_group(proc):
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --------------------------------------------------------------------------
# Reading Odoo's log
# --------------------------------------------------------------------------

# 2026-11-23 12:00:00,123 1234 WARNING dbname odoo.module: message
LOG_RE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) (?P<level>[A-Z_]+|\?) "
    r"(?P<db>\S+) (?P<logger>\S+?): ?(?P<msg>.*)$"
)
RESULT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests "
    r"when loading database '(?P<db>[^']*)'"
)
SKIP_RE = re.compile(r"^skipped (?P<test>.*?) : (?P<reason>.*)$")
# SkipTest reasons raised by odoo/tests/common.py when a browser test cannot
# run: "websocket-client module is not installed", "Failed to detect chrome
# devtools port after ...", "<exe> not found", "Chrome executable not found",
# "Error during Chrome headless connection", "Error during Chrome connection:
# never found 'page' target", "Cannot connect to chrome dev tools".
BROWSER_SKIP_RE = re.compile(
    r"websocket-client|devtools|chrome|chromium|browser|\bnot found\b", re.IGNORECASE
)
# SkipTest reasons of the addon's own tests when a tool the set-up installs is
# missing (rkt_planning/tests/test_report.py): "wkhtmltopdf is not installed",
# "pdftotext (poppler-utils) is not installed". A run that skips them hides
# the very step the set-up exists for.
TOOL_SKIP_RE = re.compile(r"wkhtmltopdf|pdftotext|poppler", re.IGNORECASE)
BAD_LEVELS = {"WARNING", "ERROR", "CRITICAL"}

# Log records at WARNING or above that are proved irrelevant to the addon.
# Each entry: (logger regex, message regex, why it is harmless). Keep it as
# short as possible; anything mentioning the addon is never allowed (see
# _allowed). Currently empty: every WARNING/ERROR/CRITICAL fails the run.
WARNING_ALLOWLIST = []


@dataclass
class LogRecord:
    lineno: int
    level: str
    logger: str
    msg: str
    lines: list

    def text(self, max_lines=25):
        shown = self.lines[:max_lines]
        if len(self.lines) > max_lines:
            shown.append(f"    ... {len(self.lines) - max_lines} more line(s)")
        return "\n".join(shown)


def parse_log(path):
    records = []
    current = None
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            m = LOG_RE.match(line)
            if m:
                current = LogRecord(lineno, m.group("level"), m.group("logger"), m.group("msg"), [line])
                records.append(current)
            elif current is not None:
                current.lines.append(line)
    return records


def _allowed(record):
    name = addon_name()
    blob = record.logger + "\n" + "\n".join(record.lines)
    if name in blob:
        return False
    return any(
        re.search(logger_re, record.logger) and re.search(msg_re, record.msg)
        for logger_re, msg_re, _why in WARNING_ALLOWLIST
    )


@dataclass
class RunResult:
    label: str
    demo: bool
    db: str
    log: str
    exit_code: int = None
    seconds: float = 0.0
    timed_out: bool = False
    result_line: str = None
    tests_run: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    browser_skips: list = field(default_factory=list)
    tool_skips: list = field(default_factory=list)
    bad_records: list = field(default_factory=list)
    module_state: dict = None
    problems: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems

    def as_json(self):
        data = asdict(self)
        data["bad_records"] = [r.lines[0] for r in self.bad_records]
        data["passed"] = self.passed
        return data

    def report(self, max_records=15):
        out = [f"Odoo suite ({self.label}) FAILED on database {self.db}:"]
        out += [f"  - {p}" for p in self.problems]
        if self.bad_records:
            out.append("")
            out.append(f"Log records at WARNING or above ({len(self.bad_records)}):")
            for rec in self.bad_records[:max_records]:
                out.append(f"[log line {rec.lineno}]")
                out.append(rec.text())
            if len(self.bad_records) > max_records:
                out.append(f"... and {len(self.bad_records) - max_records} more record(s)")
        out.append("")
        out.append(f"Full log: {self.log}")
        return "\n".join(out)


def analyse_log(result, records, expect_tests=True):
    """Fill result's counters and problems from the parsed log records."""
    result_records = [r for r in records if r.logger == "odoo.tests.result" and RESULT_RE.search(r.msg)]
    for rec in records:
        if rec in result_records:
            continue
        m = SKIP_RE.match(rec.msg)
        if m:
            result.skipped += 1
            if TOOL_SKIP_RE.search(m.group("reason")):
                result.tool_skips.append(f"{m.group('test')}: {m.group('reason')}")
            elif BROWSER_SKIP_RE.search(m.group("reason")):
                result.browser_skips.append(f"{m.group('test')}: {m.group('reason')}")
        if rec.level in BAD_LEVELS and not _allowed(rec):
            result.bad_records.append(rec)

    if result.timed_out:
        result.problems.append(f"Odoo did not finish within {odoo_timeout()} s and was killed")
    if result.exit_code != 0:
        result.problems.append(f"Odoo exited with code {result.exit_code}")
    if expect_tests:
        if not result_records:
            result.problems.append(
                "no `odoo.tests.result: F failed, E error(s) of N tests when loading "
                "database ...` line in the log (did the module install?)"
            )
        else:
            rec = result_records[-1]
            m = RESULT_RE.search(rec.msg)
            result.result_line = f"odoo.tests.result: {m.group(0)}"
            result.failures = int(m.group("failed"))
            result.errors = int(m.group("errors"))
            result.tests_run = int(m.group("tests"))
            if result.failures or result.errors:
                result.problems.append(f"{result.failures} test(s) failed and {result.errors} errored")
            if result.tests_run == 0:
                result.problems.append(
                    "0 tests ran (odoo exits 0 in that case): check --test-tags and the addon's tests/__init__.py"
                )
    if result.browser_skips:
        result.problems.append(
            f"{len(result.browser_skips)} browser test(s) were SKIPPED, which hides them: "
            + "; ".join(result.browser_skips[:5])
        )
    if result.tool_skips:
        result.problems.append(
            f"{len(result.tool_skips)} test(s) were SKIPPED for a missing tool (`make test` installs "
            "wkhtmltopdf and poppler-utils): " + "; ".join(result.tool_skips[:5])
        )
    if result.bad_records:
        result.problems.append(
            f"{len(result.bad_records)} log record(s) at WARNING, ERROR or CRITICAL (the log must be clean)"
        )
    return result
