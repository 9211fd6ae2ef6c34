"""Shared helpers of the project's pytest harness (not an Odoo module).

Where the addon under test lives:

* ``RKT_ADDONS_DIR`` - directory that contains the addon (default: the repo root)
* ``RKT_ADDON_NAME`` - technical name of the addon (default: ``rkt_planning``)

Both exist so the harness can be pointed at a throw-away probe addon while
the harness itself is being developed; normal runs leave them unset.
"""

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / ".test-results"
DEFAULT_ADDON = "rkt_planning"

# What the pytest session prints at the end (filled by conftest and tests).
SESSION = {"skip_line": None, "suite": None, "notes": []}


def addons_dir():
    return Path(os.environ.get("RKT_ADDONS_DIR") or REPO_ROOT).resolve()


def addon_name():
    return os.environ.get("RKT_ADDON_NAME") or DEFAULT_ADDON


def addon_dir():
    return addons_dir() / addon_name()


def is_default_addon():
    """True when the harness runs on the repo's own addon (not on a probe)."""
    return addon_name() == DEFAULT_ADDON and addons_dir() == REPO_ROOT


def check(ok, message):
    """Fail the current test with message only (no Python traceback)."""
    if not ok:
        import pytest  # noqa: PLC0415 - only the pytest side needs it

        pytest.fail(message, pytrace=False)


def env_flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def rel(path):
    """Path relative to the repo root (or the addons dir) for messages."""
    path = Path(path)
    for base in (REPO_ROOT, addons_dir()):
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            continue
    return str(path)


def _git(*args):
    """The output of ``git args`` in the repository (None if git is unusable)."""
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def git_head():
    return (_git("rev-parse", "HEAD") or "").strip() or None


def git_dirty():
    """Uncommitted changes outside .test-results/ (None if git is unusable)."""
    out = _git("status", "--porcelain", "--untracked-files=normal")
    if out is None:
        return None
    lines = [
        line
        for line in out.splitlines()
        if line.strip() and ".test-results/" not in line
    ]
    return bool(lines)
