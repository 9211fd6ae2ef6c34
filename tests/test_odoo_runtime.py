"""What a production Odoo needs of the environment the set-up makes, beyond the
suite: checked with the Odoo the suite runs on."""

import subprocess

import pytest
from rkt_harness import check


@pytest.mark.odoo
def test_gevent_process_starts(odoo_setup):
    """`odoo --workers=N` serves the live bus (inbox, activity counters) from its
    gevent process, which patches the interpreter with gevent at start. gevent
    loads its plugins through pkg_resources: with setuptools 82+ (no
    pkg_resources) or before 77 (which cannot find zope.interface's current
    metadata) that process dies at start, and nothing updates live
    (scripts/setup.sh, VENV_SETUPTOOLS)."""
    suite, error = odoo_setup
    check(not error, error)
    proc = subprocess.run(
        [
            suite.install.python,
            "-c",
            "from gevent import monkey; monkey.patch_all(); "
            "import odoo.service.server; print('gevent ok')",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    check(
        proc.returncode == 0 and "gevent ok" in proc.stdout,
        f"Odoo's interpreter {suite.install.python} cannot start the gevent process "
        f"(live bus of a multi-worker server):\n{proc.stderr.strip()[-1500:]}",
    )
