"""OCA linters, run as subprocesses from the harness's environment."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rkt_harness import REPO_ROOT, check, rel

RCFILE = REPO_ROOT / ".pylintrc-mandatory"


def _tool(name):
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"`{name}` is not installed: pip install -r requirements-dev.txt", pytrace=False)
    return found


def _run(cmd, what):
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    output = (proc.stdout + proc.stderr).strip()
    check(proc.returncode == 0, f"{what} failed (exit {proc.returncode}):\n$ {' '.join(cmd)}\n{output}")
    return output


def test_pylint_odoo_mandatory(addon):
    check(RCFILE.is_file(), f"{rel(RCFILE)} is missing")
    _run(
        [sys.executable, "-m", "pylint", f"--rcfile={RCFILE}", "--output-format=text", str(addon)],
        f"pylint-odoo ({RCFILE.name}) on {rel(addon)}",
    )


def test_oca_checks_odoo_module(addon):
    _run([_tool("oca-checks-odoo-module"), str(addon)], f"oca-checks-odoo-module on {rel(addon)}")


def test_oca_checks_po(addon):
    files = sorted(str(p) for p in (addon / "i18n").glob("*.po*")) if (addon / "i18n").is_dir() else []
    check(files, f"no .po/.pot file in {rel(addon / 'i18n')}")
    _run(
        [_tool("oca-checks-po"), "--disable=po-pretty-format", *files],
        f"oca-checks-po on {rel(addon / 'i18n')}",
    )
