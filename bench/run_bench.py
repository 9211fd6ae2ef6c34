#!/usr/bin/env python3
"""Benchmark rkt_planning at scale against a real Odoo 18.

From the repository root::

    python bench/run_bench.py --sizes small,medium,large

For each size (D divisions, L lines per division, P late plans) it creates a fresh
database (a copy of one database where ``rkt_planning`` was just installed without
demo data), runs ``bench/bench_rkt.py`` in Odoo's Python against it, drops it, and
prints one table: queries and seconds of each step transition, the compilation, a
division head's list and search of lines against the administrator's, the RKT PDF
against wkhtmltopdf alone, and the daily deadline job.

Only the standard library is used here; Odoo's Python runs the measurement.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEASURE = Path(__file__).resolve().parent / "bench_rkt.py"

# name: (divisions, lines per division, late plans)
SIZES = {
    "small": (2, 5, 10),
    "medium": (30, 70, 100),
    "large": (40, 100, 1000),
}
# The targets of the benchmark (docs/performance.md; issue 12).
COMPILE_LINES = 2100
COMPILE_SECONDS = 1.0
# a transition that touches every division may cost this many more queries per
# division (Odoo subscribes each division head to their form); the others none
PER_DIVISION_QUERIES = 12
JOB_PLANS = 1000
JOB_SECONDS = 15.0
LIST_RATIO = 1.5
PDF_RATIO = 1.3


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def interpreter_of(script):
    """The Python of an ``odoo`` console script or ``odoo-bin`` (its shebang)."""
    with open(script, "rb") as handle:
        first = handle.readline(512).decode("utf-8", "replace").strip()
    if first.startswith("#!"):
        parts = shlex.split(first[2:])
        if parts and os.path.basename(parts[0]) == "env":
            parts = [part for part in parts[1:] if not part.startswith("-")]
        if parts and shutil.which(parts[0]):
            return shutil.which(parts[0])
    return sys.executable


def odoo_root(python):
    out = subprocess.run(
        [python, "-c", "import odoo, os; print(os.path.dirname(odoo.__path__[0]))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def psql(python, *statements, dbname="postgres"):
    """Run SQL statements in autocommit through Odoo's psycopg2 (honours PG*)."""
    code = (
        "import sys, psycopg2\n"
        "conn = psycopg2.connect(dbname=sys.argv[1])\n"
        "conn.autocommit = True\n"
        "cur = conn.cursor()\n"
        "for statement in sys.argv[2:]:\n"
        "    cur.execute(statement)\n"
    )
    subprocess.run([python, "-c", code, dbname, *statements], check=True)


def drop_database(python, name):
    psql(
        python,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        f'DROP DATABASE IF EXISTS "{name}"',
    )
    filestore = Path.home() / ".local/share/Odoo/filestore" / name
    shutil.rmtree(filestore, ignore_errors=True)


def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if part in SIZES:
            sizes.append((part, *SIZES[part]))
            continue
        try:
            divisions, lines, late = (int(value) for value in part.split("x"))
        except ValueError:
            raise SystemExit(
                f"unknown size {part!r}: use {', '.join(SIZES)} or DxLxP, e.g. 10x20x50"
            ) from None
        sizes.append((part, divisions, lines, late))
    return sizes


# ----------------------------------------------------------------------
# Table
# ----------------------------------------------------------------------


GROUPS = {
    "transition": "step",
    "action": "action",
    "list": "list",
    "pdf": "PDF",
    "job": "cron",
}
# Rows whose label names a size get one label for all sizes.
GENERIC_LABELS = {
    "enter_lines": "A division head enters L lines (one save)",
    "compile_enter": "Last division submits: fill > collect > compile (D x L lines)",
    "pdf_render": "RKT PDF rendered by Odoo (D x L lines)",
    "deadline_job": "Daily deadline job over P late plans",
}


def render_table(results):
    """One markdown table: a row per measurement, a column per size."""
    header = ["Measurement", "Kind"]
    for result in results:
        header.append(
            f"{result['name']} D={result['divisions']} L={result['lines_per_division']} "
            f"P={result['late_plans']}: queries / s"
        )
    rows = {}
    for result in results:
        for row in result["rows"]:
            rows.setdefault(row["key"], row)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for key, first in rows.items():
        cells = [GENERIC_LABELS.get(key, first["label"]), GROUPS.get(first["group"], "")]
        for result in results:
            row = next((r for r in result["rows"] if r["key"] == key), None)
            cells.append(f"{row['queries']} / {row['seconds']:.3f}" if row else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_targets(results):
    """The targets of the issue, as (target, met, detail) for the results."""
    checks = []
    by_key = [{row["key"]: row for row in result["rows"]} for result in results]
    if len(results) > 1:
        growing = {"transition": [], "action": []}
        too_much = []
        for row in results[0]["rows"]:
            if row["group"] not in growing:
                continue
            measured = [
                (result["divisions"], rows[row["key"]]["queries"])
                for result, rows in zip(results, by_key)
                if row["key"] in rows
            ]
            counts = [count for _d, count in measured]
            if len(set(counts)) > 1:
                growing[row["group"]].append(f"{row['key']} {'/'.join(map(str, counts))}")
            if row["group"] != "transition":
                continue
            # the same number of divisions: the same queries, whatever the lines;
            # more divisions: at most PER_DIVISION_QUERIES more per division
            for d1, c1 in measured:
                for d2, c2 in measured:
                    if d2 > d1 and c2 - c1 > PER_DIVISION_QUERIES * (d2 - d1):
                        too_much.append(f"{row['key']} D={d1}: {c1}, D={d2}: {c2}")
                    elif d2 == d1 and c2 != c1:
                        too_much.append(f"{row['key']} D={d1}: {c1} / {c2} (lines)")
        checks.append(
            (
                "queries of each step transition constant in the lines, at most "
                f"{PER_DIVISION_QUERIES} more per division",
                not too_much,
                ("exceeded: " + "; ".join(too_much) if too_much else "met")
                + (
                    "; grow with D: " + "; ".join(growing["transition"])
                    if growing["transition"]
                    else "; all constant"
                ),
            )
        )
        # one person's action within a step: not a target, said for the record
        checks.append(
            (
                "queries of each action within a step at every size",
                None,
                "grows: " + "; ".join(growing["action"]) if growing["action"] else "all constant",
            )
        )
    for result, rows in zip(results, by_key):
        name = result["name"]
        lines = result["info"].get("lines", 0)
        if "compile_enter" in rows and lines >= COMPILE_LINES:
            seconds = rows["compile_enter"]["seconds"]
            checks.append(
                (
                    f"[{name}] compile of {lines} lines < {COMPILE_SECONDS} s",
                    seconds < COMPILE_SECONDS,
                    f"{seconds:.3f} s",
                )
            )
        ratios = result["info"].get("list_ratio") or {}
        if ratios:
            checks.append(
                (
                    f"[{name}] a division head's list, search, grouping within "
                    f"{LIST_RATIO}x of admin's",
                    all(ratio <= LIST_RATIO for ratio in ratios.values()),
                    ", ".join(f"{what} {ratio}x" for what, ratio in ratios.items()),
                )
            )
        if "pdf_ratio" in result["info"] and lines >= COMPILE_LINES:
            ratio = result["info"]["pdf_ratio"]
            checks.append(
                (
                    f"[{name}] {lines}-line PDF within {PDF_RATIO}x of wkhtmltopdf alone",
                    ratio <= PDF_RATIO,
                    f"{ratio}x ({result['info'].get('pdf_pages')} pages; Odoo's own part "
                    f"{result['info'].get('pdf_odoo_seconds')} s = "
                    f"{result['info'].get('pdf_ratio_odoo_part')}x)",
                )
            )
    for result, rows in zip(results, by_key):
        if "deadline_job" in rows and result["late_plans"] >= JOB_PLANS:
            seconds = rows["deadline_job"]["seconds"]
            checks.append(
                (
                    f"[{result['name']}] deadline job over {result['late_plans']} late "
                    f"plans < {JOB_SECONDS} s",
                    seconds < JOB_SECONDS,
                    f"{seconds:.3f} s",
                )
            )
    if len(results) > 1:
        # the job's statements grow with the ORM's batches (100 rows per INSERT)
        # and the recipients (one notice each), not with the plans one by one
        details = []
        for result, rows in zip(results, by_key):
            if "deadline_job" not in rows:
                continue
            info = result["info"]
            details.append(
                f"P={result['late_plans']}: {rows['deadline_job']['queries']} queries "
                f"({info.get('job_write_statements')} INSERT/UPDATE/DELETE) for "
                f"{info.get('job_reminders')} reminders, {info.get('job_escalations')} "
                f"escalations, {info.get('job_notices')} notices to recipients, "
                f"{info.get('job_mails')} e-mails queued"
            )
        checks.append(("deadline job statements", None, "; ".join(details)))
    return checks


def render_report(results):
    out = [render_table(results), ""]
    machine = results[0]["machine"]
    out.append(
        "Machine: {cpu}, {cores} cores, {memory_gb} GB RAM; {platform}; Python {python}; "
        "Odoo {odoo}; PostgreSQL {postgresql}; {wkhtmltopdf}.".format(
            **{key: machine.get(key, "?") for key in (
                "cpu", "cores", "memory_gb", "platform", "python", "odoo",
                "postgresql", "wkhtmltopdf",
            )}
        )
    )
    out.append(
        "Load average (1/5/15 min) at the start of each size: "
        + "; ".join(
            f"{result['name']} {'/'.join(map(str, result['machine'].get('load_average_start', [])))}"
            for result in results
        )
    )
    for result in results:
        info = result["info"]
        out.append(
            f"- {result['name']}: {info.get('divisions')} divisions, {info.get('lines')} lines; "
            f"PDF {info.get('pdf_pages')} pages, {info.get('pdf_bytes', 0) // 1024} KiB "
            f"(HTML {info.get('html_bytes', 0) // 1024} KiB), Odoo/wkhtmltopdf "
            f"{info.get('pdf_ratio')}x, Odoo's own part {info.get('pdf_odoo_seconds')} s "
            f"({info.get('pdf_ratio_odoo_part')}x); list ratios division head/admin "
            f"{info.get('list_ratio')}; {info.get('late_plans')} late plans in "
            f"{info.get('late_agencies')} agencies ({info.get('late_forms')} late forms), "
            f"{info.get('job_reminders')} reminders and {info.get('job_escalations')} "
            f"escalations; run {result.get('total_seconds')} s"
        )
    out.append("")
    for target, met, detail in check_targets(results):
        verdict = "INFO  " if met is None else "MET   " if met else "MISSED"
        out.append(f"- {verdict} {target}: {detail}")
    return "\n".join(out)


# ----------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--odoo-bin", default=os.environ.get("ODOO_BIN", "odoo"))
    parser.add_argument(
        "--python", default=os.environ.get("ODOO_PYTHON"),
        help="Odoo's interpreter (default: the shebang of --odoo-bin)",
    )
    parser.add_argument("--db", default="rkt_bench", help="prefix of the databases")
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--addons-path", help="default: <odoo>/addons and this repository")
    parser.add_argument("--http-port", default="18300", help="for the install run")
    parser.add_argument("--keep-db", action="store_true", help="keep the databases")
    parser.add_argument("--reuse-template", action="store_true",
                        help="reuse <db>_template if it exists (no fresh install)")
    parser.add_argument("--json", help="write all results to this file")
    parser.add_argument("--markdown", help="write the table and the targets to this file")
    args = parser.parse_args(argv)

    odoo_bin = shutil.which(args.odoo_bin) or args.odoo_bin
    if not os.path.isfile(odoo_bin):
        raise SystemExit(f"odoo-bin not found: {args.odoo_bin}")
    python = args.python or interpreter_of(odoo_bin)
    addons_path = args.addons_path or ",".join(
        str(path) for path in (odoo_root(python) / "addons", REPO) if path.is_dir()
    )
    sizes = parse_sizes(args.sizes)
    template = f"{args.db}_template"
    started = time.perf_counter()

    if not args.reuse_template:
        drop_database(python, template)
    exists = subprocess.run(
        [python, "-c",
         "import psycopg2, sys; c = psycopg2.connect(dbname='postgres'); cur = c.cursor(); "
         "cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', [sys.argv[1]]); "
         "sys.exit(0 if cur.fetchone() else 1)", template],
        check=False,
    ).returncode == 0
    if not exists:
        log(f"installing rkt_planning in a fresh database {template}")
        subprocess.run(
            [python, odoo_bin, "-d", template, f"--addons-path={addons_path}",
             "-i", "rkt_planning", "--without-demo=all", "--stop-after-init",
             f"--http-port={args.http_port}", "--log-level=warn"],
            check=True,
        )
    results = []
    try:
        for name, divisions, lines, late in sizes:
            database = f"{args.db}_{name if name in SIZES else name.replace('x', '_')}"
            drop_database(python, database)
            psql(python, f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
            src = Path.home() / ".local/share/Odoo/filestore" / template
            if src.is_dir():
                shutil.copytree(src, Path.home() / ".local/share/Odoo/filestore" / database)
            log(f"{name}: D={divisions} L={lines} P={late} in {database}")
            out = Path(os.environ.get("TMPDIR", "/tmp")) / f"{database}.json"
            try:
                subprocess.run(
                    [python, str(MEASURE), "--db", database, "--addons-path", addons_path,
                     "--divisions", str(divisions), "--lines", str(lines),
                     "--late-plans", str(late), "--name", name, "--json", str(out)],
                    check=True,
                )
            finally:
                if not args.keep_db:
                    drop_database(python, database)
            results.append(json.loads(out.read_text(encoding="utf-8")))
            out.unlink()
    finally:
        if not args.keep_db and not args.reuse_template:
            drop_database(python, template)
    report = render_report(results)
    print(report)
    log(f"done in {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
