"""Command line used by scripts/setup.sh (make demo, make test, .ci/run), sharing
the harness's Odoo detection.

    PYTHONPATH=tests python -m rkt_harness detect   # exit 0 found, 3 not found, 4 broken
    PYTHONPATH=tests python -m rkt_harness pg-ping  # exit 0 if PostgreSQL answers
"""

import json
import sys

from .odoo import OdooError, OdooNotFound, detect, pg_ping


def main(argv):
    command = argv[1] if len(argv) > 1 else "detect"
    try:
        install = detect()
    except OdooNotFound as exc:
        print(exc.skip_line())
        return 3
    except OdooError as exc:
        print(f"Odoo 18 found but unusable: {exc}")
        return 4
    if command == "detect":
        print(json.dumps(install.__dict__))
        return 0
    if command == "pg-ping":
        ok, message = pg_ping(install)
        print(message)
        return 0 if ok else 1
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
