#!/usr/bin/env python3
"""Race rkt_planning's transitions over JSON-RPC against a multi-worker Odoo 18.

From the repository root::

    ODOO_BIN=/path/to/odoo python bench/concurrency.py
    python bench/concurrency.py --odoo-bin ~/odoo18-venv/bin/odoo --db rkt_conc_bench \\
        --rounds 5 --divisions 8 --users 20 --load-seconds 60

It creates a database with ``rkt_planning`` and its demo data (or reuses ``--db``
when the addon is installed there), starts Odoo with ``--workers=4
--max-cron-threads=0`` on a free port of 127.0.0.1, logs the demo users in over
JSON-RPC (``/web/session/authenticate``, then ``/web/dataset/call_kw``) and:

1. races: for each of ``--rounds`` rounds, brings a fresh plan of the demo agency
   to the fill step with ``--divisions`` divisions (division heads and departments
   are added as admin when the agency has fewer), lets each division head enter a
   line, then has every division head submit at the same instant (one thread per
   head, released by a barrier).  The round is broken unless the plan left the fill
   step exactly once (one closed log row for the fill step, the plan at the
   compilation, the step after the collection) and every submission answered OK or
   a UserError (never an HTTP error or another exception);
2. doubled transitions: ``--double-rounds`` plans are taken to the compilation, where
   the team's ``complete_step`` is sent twice at once, then to the drafting (same)
   and to the secretary's decision, where ``action_approve`` is sent twice at once
   (one session, as a double click).  Each must move the plan exactly one step, the
   other request being refused by a UserError.  ``expected_step_id`` is sent when
   the server's methods take it;
3. mixed load: ``--users`` users for ``--load-seconds`` seconds (and at most
   ``--max-requests`` requests) list and read plans and forms, edit lines and submit
   forms (division heads), return submitted forms (the team), while each agency's
   planning head replaces its load plan by a fresh one once it left the fill step.
   Afterwards every plan of the run is checked: one open log row per running plan,
   no step entered twice in a round, no plan at the fill step with every form in,
   no plan past the collection with a form open for filling.

It prints the requests, the errors (expected UserErrors apart from unexpected
errors), the median and 95th percentile latency of each kind of request, the broken
rounds and what Odoo's log says (serialisation failures retried, UserErrors,
anything else), then stops the Odoo it started (also on Ctrl-C or an error) and
drops the database it created (unless ``--keep-db``).  Exit status: 0 when no round
is broken and no unexpected error occurred, 1 otherwise, 2 when it could not run.

Traffic goes to 127.0.0.1 only; every loop is bounded in count and in time.  Only
the standard library is needed (``requests`` is used when installed); Odoo is found
as the test harness finds it (``--odoo-bin`` / ``ODOO_BIN``, else ``odoo`` on PATH).
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

try:
    import requests
except ImportError:  # the standard library does it too
    requests = None

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from rkt_harness import odoo as harness  # noqa: E402

ADDON = "rkt_planning"
AGENCIES = {
    # agency: (company xmlid, login prefix)
    "bkpsdm": ("res_company_bkpsdm_demo", "bkpsdm"),
    "dinkes": ("res_company_dinkes_demo", "dinkes"),
}
EXPECTED_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}
FIRST_YEAR, LAST_YEAR = 2040, 2100  # fiscal years of the plans made here
CONCURRENCY_LOG = re.compile(
    r"could not serialize access|deadlock detected|could not obtain lock", re.IGNORECASE
)
RETRY_LOG = re.compile(r"(SERIALIZATION_FAILURE|DEADLOCK_DETECTED|LOCK_NOT_AVAILABLE), \d+ tries left")


def log(message):
    print(f"[concurrency] {message}", file=sys.stderr, flush=True)


class Interrupted(Exception):
    """SIGTERM: stop as on Ctrl-C."""


# ----------------------------------------------------------------------
# JSON-RPC client
# ----------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    status: str  # ok | expected | unexpected
    seconds: float
    result: object = None
    error: str = ""  # exception class, or HTTP / transport problem
    message: str = ""

    @property
    def ok(self):
        return self.status == "ok"


class Stats:
    """Every request's outcome, by kind; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes = defaultdict(list)
        self.total = 0

    def add(self, outcome):
        with self.lock:
            self.outcomes[outcome.kind].append(outcome)
            self.total += 1

    def unexpected(self):
        with self.lock:
            return [o for items in self.outcomes.values() for o in items if o.status == "unexpected"]


class Client:
    """One user's session with Odoo (only on 127.0.0.1)."""

    def __init__(self, base, db, login, password, stats, timeout):
        if urlparse(base).hostname != "127.0.0.1":
            raise ValueError(f"only 127.0.0.1 is allowed, not {base}")
        self.base, self.db, self.login_name, self.password = base, db, login, password
        self.stats, self.timeout = stats, timeout
        self.uid = None
        self.counter = 0
        if requests:
            self.session = requests.Session()
            self.session.trust_env = False  # no proxy: straight to 127.0.0.1
        else:
            self.opener = urllib.request.build_opener(
                urllib.request.ProxyHandler({}),
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            )

    def _post(self, path, params):
        """(HTTP status, decoded JSON or None, transport error or "")."""
        self.counter += 1
        body = {"jsonrpc": "2.0", "method": "call", "id": self.counter, "params": params}
        url = self.base + path
        try:
            if requests:
                response = self.session.post(url, json=body, timeout=self.timeout)
                status, text = response.status_code, response.text
            else:
                request = urllib.request.Request(
                    url,
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"},
                )
                try:
                    with self.opener.open(request, timeout=self.timeout) as response:
                        status, text = response.status, response.read().decode()
                except urllib.error.HTTPError as exc:
                    status, text = exc.code, exc.read().decode(errors="replace")
        except Exception as exc:  # noqa: BLE001 - timeouts, resets: unexpected
            return None, None, f"{type(exc).__name__}: {exc}"
        try:
            return status, json.loads(text), ""
        except ValueError:
            return status, None, f"HTTP {status}, not JSON: {text[:200]!r}"

    def rpc(self, kind, path, params, record=True):
        start = time.perf_counter()
        status, payload, problem = self._post(path, params)
        seconds = time.perf_counter() - start
        if problem or status != 200 or payload is None:
            outcome = Outcome(kind, "unexpected", seconds, error=problem or f"HTTP {status}")
        elif "error" in payload:
            data = payload["error"].get("data") or {}
            name = data.get("name") or payload["error"].get("message", "?")
            outcome = Outcome(
                kind,
                "expected" if name in EXPECTED_ERRORS else "unexpected",
                seconds,
                error=name,
                message=(data.get("message") or "")[:300],
            )
        else:
            outcome = Outcome(kind, "ok", seconds, result=payload.get("result"))
        if record:
            self.stats.add(outcome)
        return outcome

    def login(self):
        outcome = self.rpc(
            "login",
            "/web/session/authenticate",
            {"db": self.db, "login": self.login_name, "password": self.password},
        )
        if not outcome.ok or not (outcome.result or {}).get("uid"):
            raise RuntimeError(f"login of {self.login_name} failed: {outcome.error} {outcome.message}")
        self.uid = outcome.result["uid"]
        return self

    def call(self, kind, model, method, *args, record=True, **kwargs):
        return self.rpc(
            kind,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            record=record,
        )

    def must(self, kind, model, method, *args, **kwargs):
        """``call`` that must succeed (preparation)."""
        outcome = self.call(kind, model, method, *args, **kwargs)
        if not outcome.ok:
            raise RuntimeError(
                f"{self.login_name}: {model}.{method} failed: {outcome.error} {outcome.message}"
            )
        return outcome.result


def race(calls, timeout):
    """Run the zero-argument callables each in its own thread, released together by
    a barrier; return their outcomes (``None`` for a thread still running)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            return
        results[index] = call()

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return results


# ----------------------------------------------------------------------
# The agency, its users and its plans
# ----------------------------------------------------------------------


class Agency:
    """A demo agency seen through its officials' sessions."""

    def __init__(self, bench, key):
        self.bench = bench
        self.key = key
        xmlid, self.prefix = AGENCIES[key]
        admin = bench.admin
        self.company_id = bench.xmlid(xmlid)
        self.context = {"allowed_company_ids": [self.company_id]}
        self.officials = {
            role: bench.client(f"{self.prefix}.{login}")
            for role, login in (
                ("head", "kepala"),
                ("secretary", "sekretaris"),
                ("planner", "perencanaan"),
                ("team", "tim"),
            )
        }
        company = admin.must(
            "prepare", "res.company", "read", [self.company_id],
            ["rkt_sop_id", "rkt_secretary_employee_id"], context=self.context,
        )[0]
        self.sop_id = company["rkt_sop_id"][0]
        # plans run on the agency's own copy of a template SOP (made the first time)
        copies = admin.must(
            "prepare", "rkt.sop", "search_read",
            [("company_id", "=", self.company_id), "|", ("id", "=", self.sop_id),
             ("template_id", "=", self.sop_id)],
            ["id"], order="version desc, id desc", limit=1,
        )
        if copies:
            self.sop_id = copies[0]["id"]
        self.secretary_employee_id = company["rkt_secretary_employee_id"][0]
        # the Sekretariat's form is filled by the Kasubbag, not by the secretary who
        # reviews the forms (as in the demo data)
        kasubbag = admin.must(
            "prepare", "hr.employee", "search_read",
            [("user_id.login", "=", f"{self.prefix}.kasubbag")], ["id"], context=self.context,
        )
        self.kasubbag_employee_id = kasubbag[0]["id"] if kasubbag else None
        steps = admin.must(
            "prepare", "rkt.sop.step", "search_read", [("sop_id", "=", self.sop_id)],
            ["sequence", "kind"], order="sequence, id",
        )
        self.steps = {step["id"]: step for step in steps}
        self.lock = threading.Lock()

    def kind_of(self, step_id):
        return self.steps[step_id]["kind"] if step_id else None

    def step_after(self, kind):
        ordered = list(self.steps.values())
        index = next(i for i, step in enumerate(ordered) if step["kind"] == kind)
        return ordered[index + 1]

    def division_departments(self):
        """The departments that fill a form by default: the managed children of the
        root department."""
        admin = self.bench.admin
        roots = admin.must(
            "prepare", "hr.department", "search_read",
            [("company_id", "=", self.company_id), ("parent_id", "=", False)], ["id"],
            context=self.context,
        )
        departments = admin.must(
            "prepare", "hr.department", "search_read",
            [("parent_id", "=", roots[0]["id"]), ("manager_id", "!=", False)],
            ["id", "manager_id"], order="id", context=self.context,
        )
        return roots[0]["id"], departments

    def ensure_divisions(self, count):
        """Add division heads (users ``<prefix>.concN``, password = login) and their
        departments until the agency has ``count`` divisions."""
        admin = self.bench.admin
        root_id, departments = self.division_departments()
        groups = [self.bench.xmlid("group_user", "base"), self.bench.xmlid("group_rkt_division_head")]
        for number in range(len(departments) + 1, count + 1):
            login = f"{self.prefix}.conc{number}"
            found = admin.must(
                "prepare", "res.users", "search_read", [("login", "=", login)], ["id"]
            )
            user_id = found[0]["id"] if found else admin.must(
                "prepare", "res.users", "create",
                {
                    "name": f"Kabid Uji {number}",
                    "login": login,
                    "password": login,
                    "email": f"{login}@example.com",  # a chatter author needs one
                    "company_id": self.company_id,
                    "company_ids": [(6, 0, [self.company_id])],
                    "groups_id": [(6, 0, groups)],
                    "notification_type": "inbox",
                    "tz": "Asia/Makassar",
                },
                context=dict(self.context, no_reset_password=True),
            )
            employee_id = admin.must(
                "prepare", "hr.employee", "create",
                {"name": f"Kabid Uji {number}", "user_id": user_id, "company_id": self.company_id},
                context=self.context,
            )
            admin.must(
                "prepare", "hr.department", "create",
                {
                    "name": f"Bidang Uji {number}",
                    "company_id": self.company_id,
                    "parent_id": root_id,
                    "manager_id": employee_id,
                },
                context=self.context,
            )
            log(f"{self.key}: added division head {login}")
        return self.division_departments()[1]

    def free_year(self):
        years = {
            plan["year"]
            for plan in self.bench.admin.must(
                "prepare", "rkt.plan", "search_read",
                [("company_id", "=", self.company_id), ("state", "!=", "cancelled")],
                ["year"], context=self.context,
            )
        }
        with self.bench.lock:
            taken = years | self.bench.years_taken[self.key]
            year = next((y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in taken), None)
            if year is None:
                raise RuntimeError(f"{self.key}: no free fiscal year in {FIRST_YEAR}-{LAST_YEAR}")
            self.bench.years_taken[self.key].add(year)
        return year

    def new_plan(self):
        """A new plan (draft) of the planning head, in a free fiscal year."""
        year = self.free_year()
        plan_id = self.officials["planner"].must(
            "prepare", "rkt.plan", "create",
            {
                "company_id": self.company_id,
                "year": year,
                "sop_id": self.sop_id,
                "program_document_ref": "Renstra 2025-2029",
            },
            context=self.context,
        )
        with self.bench.lock:
            self.bench.plans[self.key, plan_id] = year
        return plan_id

    def plan_to_fill(self, divisions=None, lines=True):
        """A fresh plan at the fill step, made by its officials; each division head
        enters a line when ``lines``.  Returns ``(plan_id, {form_id: client})``."""
        planner, head = self.officials["planner"], self.officials["head"]
        plan_id = self.new_plan()
        forms = planner.must(
            "prepare", "rkt.plan.form", "search_read", [("plan_id", "=", plan_id)],
            ["id", "head_employee_id"], order="id", context=self.context,
        )
        # on a draft, the head decides the divisions and who fills their forms
        if divisions is not None and divisions < len(forms):
            head.must(
                "prepare", "rkt.plan", "write", [plan_id],
                {"form_ids": [(2, form["id"]) for form in forms[divisions:]]},
                context=self.context,
            )
            forms = forms[:divisions]
        for form in forms:
            if self.kasubbag_employee_id and form["head_employee_id"][0] == self.secretary_employee_id:
                head.must(
                    "prepare", "rkt.plan.form", "write", [form["id"]],
                    {"head_employee_id": self.kasubbag_employee_id}, context=self.context,
                )
                form["head_employee_id"] = [self.kasubbag_employee_id]
        head.must("prepare", "rkt.plan", "write", [plan_id],
                  {"disposition": "Segera susun RKT."}, context=self.context)
        head.must("prepare", "rkt.plan", "action_start", [plan_id], context=self.context)
        planner.must("prepare", "rkt.plan", "complete_step", [plan_id], "Jadwal penyusunan RKT",
                     context=self.context)
        planner.must("prepare", "rkt.plan", "write", [plan_id],
                     {"meeting_start": "2039-12-01 02:00:00", "meeting_location": "Aula"},
                     context=self.context)
        # no invitation e-mails (as the demo data does): no SMTP server here
        planner.must("prepare", "rkt.plan", "action_schedule_meeting", [plan_id],
                     context=dict(self.context, no_mail_to_attendees=True))
        planner.must("prepare", "rkt.plan", "complete_step", [plan_id], "Form RKT dibagikan",
                     context=self.context)
        employees = self.bench.admin.must(
            "prepare", "hr.employee", "read",
            [form["head_employee_id"][0] for form in forms], ["user_id"], context=self.context,
        )
        logins = self.bench.admin.must(
            "prepare", "res.users", "read", [e["user_id"][0] for e in employees], ["login"]
        )
        login_of = {e["id"]: u["login"] for e, u in zip(employees, logins)}
        heads = {
            form["id"]: self.bench.client(login_of[form["head_employee_id"][0]]) for form in forms
        }
        if lines:
            for form_id, client in heads.items():
                client.must("prepare", "rkt.plan.line", "create", line_values(form_id, 0),
                            context=self.context)
        return plan_id, heads

    def state(self, plan_id):
        """The plan's step, state, forms and log, as the planning head reads them."""
        planner = self.officials["planner"]
        plan = planner.must(
            "check", "rkt.plan", "read", [plan_id], ["state", "step_id", "round"],
            context=self.context,
        )[0]
        forms = planner.must(
            "check", "rkt.plan.form", "search_read", [("plan_id", "=", plan_id)], ["state"],
            context=self.context,
        )
        logs = planner.must(
            "check", "rkt.plan.log", "search_read", [("plan_id", "=", plan_id)],
            ["step_id", "round", "decision", "date_end"], order="id", context=self.context,
        )
        return {
            "state": plan["state"],
            "step_id": plan["step_id"] and plan["step_id"][0],
            "kind": self.kind_of(plan["step_id"] and plan["step_id"][0]),
            "round": plan["round"],
            "forms": Counter(form["state"] for form in forms),
            "logs": [
                (log_["step_id"][0], log_["round"], log_["decision"] or "open") for log_ in logs
            ],
        }

    def cancel(self, plan_id):
        """The head cancels the plan: its fiscal year is free again."""
        outcome = self.officials["head"].call(
            "prepare", "rkt.plan", "action_cancel", [plan_id], context=self.context
        )
        if outcome.ok:
            with self.bench.lock:
                self.bench.years_taken[self.key].discard(self.bench.plans[self.key, plan_id])
        return outcome


def line_values(form_id, index):
    return {
        "form_id": form_id,
        "strategic_objective": "Meningkatnya kualitas layanan kepegawaian",
        "indicator": f"Indikator uji {index}",
        "target": "≥ 80",
        "target_value": 80,
        "uom": "%",
        "budget": 1000000 * (index + 1),
    }


def invariant_problems(agency, state):
    """What is wrong with a plan's committed state, whatever happened to it."""
    problems = []
    opened = [row for row in state["logs"] if row[2] == "open"]
    if state["state"] == "in_progress" and len(opened) != 1:
        problems.append(f"{len(opened)} open log rows")
    if state["state"] in ("cancelled", "archived") and opened:
        problems.append(f"{len(opened)} open log rows on a closed plan")
    twice = [key for key, count in Counter(row[:2] for row in state["logs"]).items() if count > 1]
    if twice:
        problems.append(f"steps entered twice in a round (step id, round): {twice}")
    forms_in = all(s in ("submitted", "accepted", "missing") for s in state["forms"].elements())
    if state["state"] == "in_progress" and state["kind"] in ("fill", "collect") and forms_in:
        problems.append(f"every form is in but the plan stays at the {state['kind']} step")
    if state["kind"] == "compile" and (state["forms"]["to_fill"] or state["forms"]["returned"]):
        problems.append(f"past the collection with forms open for filling: {dict(state['forms'])}")
    return problems


# ----------------------------------------------------------------------
# The bench
# ----------------------------------------------------------------------


class Bench:
    def __init__(self, args, base, db):
        self.args, self.base, self.db = args, base, db
        self.stats = Stats()
        self.lock = threading.Lock()
        self.clients = {}
        self.plans = {}  # (agency, plan id): fiscal year, of every plan made here
        self.load_plans = {}  # agency: its current plan of the mixed load
        self.years_taken = defaultdict(set)
        self.broken = []  # (phase, description)
        self.admin = self.client("admin", args.admin_password)
        self._xmlids = {}
        self.expected_step = None

    def client(self, login, password=None, fresh=False):
        """A logged-in session of ``login`` (password = login for the demo users);
        ``fresh``: a new session rather than the shared one."""
        with self.lock:
            if login in self.clients and not fresh:
                return self.clients[login]
        client = Client(
            self.base, self.db, login, password or login, self.stats, self.args.request_timeout
        ).login()
        if not fresh:
            with self.lock:
                self.clients.setdefault(login, client)
        return client

    def xmlid(self, name, module=ADDON):
        key = f"{module}.{name}"
        if key not in self._xmlids:
            found = self.admin.must(
                "prepare", "ir.model.data", "search_read",
                [("module", "=", module), ("name", "=", name)], ["res_id"],
            )
            if not found:
                raise RuntimeError(f"no record {key}: is the demo data installed?")
            self._xmlids[key] = found[0]["res_id"]
        return self._xmlids[key]

    def probe_expected_step(self, agency):
        """Whether the server's transitions take ``expected_step_id``: the secretary's
        'ya' on a draft plan is refused either way, by a TypeError without it (not
        counted: Odoo's log shows it as PROBE_TRACEBACK)."""
        plan_id = agency.new_plan()
        step_id = agency.state(plan_id)["step_id"]
        outcome = agency.officials["secretary"].call(
            "probe", "rkt.plan", "action_approve", [plan_id], expected_step_id=step_id,
            context=agency.context, record=False,
        )
        self.expected_step = not (
            "TypeError" in outcome.error and "expected_step_id" in outcome.message
        )
        agency.cancel(plan_id)
        log(f"transitions take expected_step_id: {'yes' if self.expected_step else 'no'}")

    # -- 1. the last submissions at the same instant -----------------------------

    def submission_round(self, agency, number):
        plan_id, heads = agency.plan_to_fill(self.args.divisions)
        before = agency.state(plan_id)
        if before["kind"] != "fill":
            raise RuntimeError(f"plan {plan_id} is not at the fill step: {before}")
        outcomes = race(
            [
                (lambda form_id=form_id, client=client: client.call(
                    "race_submit", "rkt.plan.form", "action_submit", [form_id],
                    context=agency.context,
                ))
                for form_id, client in heads.items()
            ],
            timeout=self.args.request_timeout + 60,
        )
        after = agency.state(plan_id)
        fill = next(s for s in agency.steps.values() if s["kind"] == "fill")["id"]
        expected_next = agency.step_after("collect")
        fill_rows = [row for row in after["logs"] if row[0] == fill]
        problems = invariant_problems(agency, after)
        answers = Counter(o.status if o else "no answer" for o in outcomes)
        if answers["unexpected"] or answers["no answer"]:
            problems.append(f"answers {dict(answers)}")
        if answers["expected"]:
            # every form is open, has a line and is submitted by its own head
            refusals = {o.message[:150] for o in outcomes if o and o.status == "expected"}
            problems.append(f"{answers['expected']} valid submission(s) refused: {refusals}")
        submitted = after["forms"]["submitted"] == len(heads)
        if submitted and (after["step_id"] != expected_next["id"] or fill_rows != [(fill, 1, "auto")]):
            problems.append(
                f"the plan must leave the fill step exactly once, to the step after the "
                f"collection: at step {after['kind']}, fill rows {fill_rows}"
            )
        if not submitted and after["kind"] != "fill":
            problems.append(f"left the fill step with forms not in: {dict(after['forms'])}")
        status = "BROKEN: " + "; ".join(problems) if problems else "ok"
        print(
            f"  round {number}: {len(heads)} divisions submit at once -> answers "
            f"{dict(answers)}, forms {dict(after['forms'])}, plan at '{after['kind']}' "
            f"(log: fill rows {len(fill_rows)}), {status}",
            flush=True,
        )
        if problems:
            self.broken.append(("race", f"round {number} plan {plan_id}: {'; '.join(problems)}"))
        agency.cancel(plan_id)

    # -- 2. a transition sent twice at once -------------------------------------

    def doubled(self, agency, plan_id, client, method, *args):
        """Send ``method`` twice at once in one session; check it moved one step."""
        before = agency.state(plan_id)
        kwargs = {"context": agency.context}
        if self.expected_step:
            kwargs["expected_step_id"] = before["step_id"]
        outcomes = race(
            [
                lambda: client.call(f"double_{method}", "rkt.plan", method, [plan_id], *args, **kwargs)
                for _twice in range(2)
            ],
            timeout=self.args.request_timeout + 60,
        )
        after = agency.state(plan_id)
        ordered = list(agency.steps)
        problems = invariant_problems(agency, after)
        answers = sorted(o.status if o else "no answer" for o in outcomes)
        if answers != ["expected", "ok"]:
            problems.append(f"answers {answers} (one ok, one UserError expected): "
                            + "; ".join(f"{o.error} {o.message[:120]}" for o in outcomes if o and not o.ok))
        moved = ordered.index(after["step_id"]) - ordered.index(before["step_id"])
        closed = [row for row in after["logs"] if row[0] == before["step_id"] and row[2] != "open"]
        if moved != 1 or len(closed) != 1:
            problems.append(f"moved {moved} step(s), {len(closed)} closed log row(s) of the step")
        status = "BROKEN: " + "; ".join(problems) if problems else "ok"
        print(
            f"    {method} twice at '{before['kind']}' -> answers {answers}, "
            f"now at '{after['kind']}', {status}",
            flush=True,
        )
        if problems:
            self.broken.append(("double", f"plan {plan_id} {method} at {before['kind']}: {'; '.join(problems)}"))
        return not problems

    def double_round(self, agency, number):
        print(f"  plan {number}:", flush=True)
        plan_id, heads = agency.plan_to_fill(self.args.divisions)
        for form_id, client in heads.items():
            client.must("prepare", "rkt.plan.form", "action_submit", [form_id], context=agency.context)
        team, secretary = agency.officials["team"], agency.officials["secretary"]
        ok = self.doubled(agency, plan_id, team, "complete_step", "Draft RKT")
        if ok:  # correction: every division submits, the secretary accepts
            for form_id, client in heads.items():
                client.must("prepare", "rkt.plan.form", "action_submit", [form_id], context=agency.context)
            secretary.must("prepare", "rkt.plan.form", "action_accept_form", list(heads),
                           context=agency.context)
            ok = self.doubled(agency, plan_id, team, "complete_step", "Draft RKT disusun")
        if ok:
            self.doubled(agency, plan_id, secretary, "action_approve")
        agency.cancel(plan_id)

    # -- 3. mixed load ---------------------------------------------------------

    def load(self, agencies):
        args = self.args
        load_plans = self.load_plans
        logins = []
        for agency in agencies:
            load_plans[agency.key], heads = agency.plan_to_fill(lines=False)
            logins += [(agency, login, role) for login, role in (
                (f"{agency.prefix}.perencanaan", "planner"),
                (f"{agency.prefix}.tim", "team"),
                (f"{agency.prefix}.kepala", "reader"),
                (f"{agency.prefix}.sekretaris", "reader"),
            )]
            logins += [(agency, client.login_name, "division_head") for client in heads.values()]
        # the planners first: the first user of each login is its only coordinator
        vusers = [logins[index % len(logins)] for index in range(args.users)]
        deadline = time.monotonic() + args.load_seconds
        plan_lock = threading.Lock()
        cycles = Counter()
        coordinators = set()

        def vuser(index, agency, login, role):
            rng = random.Random(args.seed * 1000 + index)
            try:
                client = self.client(login, fresh=True)
            except RuntimeError as exc:
                log(str(exc))
                return
            with plan_lock:
                coordinator = role == "planner" and login not in coordinators
                coordinators.add(login)
            my_form = {}  # plan id -> (form id, line id or None)
            ctx = agency.context
            while time.monotonic() < deadline and self.stats.total < args.max_requests:
                with plan_lock:
                    plan_id = load_plans[agency.key]
                draw = rng.random()
                if role == "division_head" and draw < 0.5:
                    if plan_id not in my_form:
                        found = client.call(
                            "read_form", "rkt.plan.form", "search_read",
                            [("plan_id", "=", plan_id), ("user_is_head", "=", True)],
                            ["id", "line_ids"], context=ctx,
                        )
                        if found.ok and found.result:
                            form = found.result[0]
                            my_form[plan_id] = (form["id"], (form["line_ids"] or [None])[0])
                    if plan_id in my_form:
                        form_id, line_id = my_form[plan_id]
                        if draw < 0.35:
                            if line_id:
                                client.call(
                                    "line_edit", "rkt.plan.line", "write", [line_id],
                                    {"target_value": rng.randint(60, 100),
                                     "budget": rng.randint(1, 500) * 1000000},
                                    context=ctx,
                                )
                            else:
                                created = client.call(
                                    "line_edit", "rkt.plan.line", "create",
                                    line_values(form_id, rng.randint(0, 99)), context=ctx,
                                )
                                if created.ok:
                                    my_form[plan_id] = (form_id, created.result)
                        else:
                            client.call("submit", "rkt.plan.form", "action_submit", [form_id],
                                        context=ctx)
                elif role == "team" and draw < 0.3:
                    found = client.call(
                        "read_form", "rkt.plan.form", "search_read",
                        [("plan_id", "=", plan_id), ("state", "=", "submitted")], ["id"],
                        limit=1, context=ctx,
                    )
                    if found.ok and found.result:
                        client.call("return_form", "rkt.plan.form", "return_form",
                                    [found.result[0]["id"]], "Target belum sesuai Renstra",
                                    context=ctx)
                elif coordinator and draw < 0.3:
                    plan = client.call("read_plan", "rkt.plan", "read", [plan_id], ["step_id", "state"],
                                       context=ctx)
                    if plan.ok and agency.kind_of(plan.result[0]["step_id"][0]) not in ("fill", "collect"):
                        # the plan left the fill step: a fresh one takes its place
                        try:
                            new_plan = agency.plan_to_fill(lines=False)[0]
                        except RuntimeError as exc:
                            log(f"load: {exc}")
                            coordinator = False  # the others go on
                            continue
                        with plan_lock:
                            load_plans[agency.key] = new_plan
                        cycles[agency.key] += 1
                elif draw < 0.65:
                    client.call(
                        "list_plans", "rkt.plan", "web_search_read",
                        specification={
                            "name": {}, "year": {}, "state": {}, "step_deadline": {},
                            "is_late": {}, "form_progress": {},
                            "step_id": {"fields": {"display_name": {}}},
                            "company_id": {"fields": {"display_name": {}}},
                        },
                        domain=[], limit=80, context=ctx,
                    )
                elif draw < 0.85:
                    client.call(
                        "read_plan", "rkt.plan", "web_read", [plan_id],
                        specification={
                            "name": {}, "state": {}, "round": {}, "user_can_complete": {},
                            "step_id": {"fields": {"display_name": {}}},
                            "form_ids": {"fields": {"state": {}, "line_count": {}, "budget_total": {},
                                                    "department_id": {"fields": {"display_name": {}}}}},
                            "log_ids": {"fields": {"decision": {}, "date_end": {},
                                                   "step_id": {"fields": {"display_name": {}}}}},
                        },
                        context=ctx,
                    )
                else:
                    client.call(
                        "list_forms", "rkt.plan.form", "web_search_read",
                        specification={"display_name": {}, "state": {}, "date_deadline": {},
                                       "line_count": {}, "budget_total": {}},
                        domain=[], limit=80, context=ctx,
                    )
                time.sleep(rng.uniform(0, args.think))

        threads = [
            threading.Thread(target=vuser, args=(index, *vusers[index]), daemon=True)
            for index in range(len(vusers))
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline + args.request_timeout + 30 - time.monotonic()))
        alive = sum(thread.is_alive() for thread in threads)
        if alive:
            self.broken.append(("load", f"{alive} user thread(s) still waiting at the end"))
        print(
            f"  {len(vusers)} users, {time.monotonic() - started:.0f} s; load plans that left "
            f"the fill step and were replaced: {dict(cycles)}",
            flush=True,
        )

    def check_all_plans(self, agencies):
        by_key = {agency.key: agency for agency in agencies}
        bad = 0
        for key, plan_id in sorted(self.plans):
            problems = invariant_problems(by_key[key], by_key[key].state(plan_id))
            if problems:
                bad += 1
                self.broken.append(("check", f"plan {plan_id} ({key}): {'; '.join(problems)}"))
        print(f"  {len(self.plans)} plans checked, {bad} inconsistent", flush=True)


# ----------------------------------------------------------------------
# Odoo: database and server
# ----------------------------------------------------------------------


def ensure_database(install, db, args, logdir):
    """(created, problem): install the addon with demo data unless it is there."""
    ok, out = harness.pg(install, "list", db.replace("_", r"\_"))
    exists = ok and db in json.loads(out)
    if exists:
        states = harness.module_states(install, db, [ADDON]) or {}
        if states.get(ADDON, {}).get("state") == "installed":
            if not states[ADDON].get("demo"):
                return False, f"{db} has {ADDON} without demo data"
            log(f"reusing database {db}")
            return False, None
    log(f"installing {ADDON} with demo data in {'existing' if exists else 'new'} database {db} "
        f"(about a minute)")
    code, seconds, timed_out = harness.run_odoo(
        install,
        ["-d", db, f"--addons-path={','.join(install.addons_path)}", "-i", ADDON,
         "--stop-after-init", "--max-cron-threads=0", "--http-interface=127.0.0.1",
         f"--http-port={args.port}", "--log-level=warn"],
        logdir / "install.log",
        timeout=1800,
    )
    if code != 0 or timed_out:
        return not exists, f"installation failed (exit {code}), see {logdir / 'install.log'}"
    log(f"installed in {seconds:.0f} s")
    return not exists, None


class Server:
    """Odoo with workers on 127.0.0.1, stopped whatever happens."""

    def __init__(self, install, db, args, log_path):
        self.log_path = log_path
        self.cmd = install.base_cmd() + [
            "-d", db, f"--db-filter=^{re.escape(db)}$",
            f"--addons-path={','.join(install.addons_path)}",
            f"--workers={args.workers}", "--max-cron-threads=0",
            "--http-interface=127.0.0.1", f"--http-port={args.port}",
            f"--gevent-port={args.gevent_port}", f"--logfile={log_path}",
            "--no-database-list", f"--limit-time-real={int(max(120, args.request_timeout + 30))}",
        ]
        self.proc = None

    def start(self, base, timeout=180):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_text("", encoding="utf-8")
        # what does not go to the log file (e.g. a failing gevent process)
        self.output = open(self.log_path.with_suffix(".out"), "w", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            self.cmd, stdin=subprocess.DEVNULL, stdout=self.output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        probe = Client(base, "", "", "", Stats(), timeout=10)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode}: see {self.log_path}")
            status, payload, _problem = probe._post("/web/webclient/version_info", {})
            if status == 200 and payload and "result" in payload:
                return payload["result"].get("server_version")
            time.sleep(1)
        raise RuntimeError(f"Odoo did not answer within {timeout} s: see {self.log_path}")

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.output.close()
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def read_server_log(path):
    """What Odoo's log says: retried serialisation failures, UserErrors answered,
    and anything else at WARNING or above."""
    summary = Counter()
    other = []
    for record in harness.parse_log(path):
        text = "\n".join(record.lines)
        if record.level == "INFO" and RETRY_LOG.search(record.msg):
            summary["retries"] += 1
        elif record.level == "INFO" and "maximum number of tries reached" in record.msg:
            summary["gave_up"] += 1
            other.append(record)
        elif record.level == "ERROR" and record.logger == "odoo.sql_db" and CONCURRENCY_LOG.search(text):
            summary["concurrency_errors"] += 1
        elif record.level == "WARNING" and record.logger == "odoo.http" and "Traceback" not in text:
            summary["user_errors"] += 1
        elif record.level == "ERROR" and "TypeError" in text and "expected_step_id" in text:
            summary["probe"] += 1  # probe_expected_step on a server without it
        elif record.level in harness.BAD_LEVELS:
            other.append(record)
    return summary, other


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(bench, server_summary, server_other, seconds):
    print("\nRequests by kind (seconds):")
    print(f"  {'kind':<24}{'requests':>9}{'ok':>7}{'UserError':>10}{'unexpected':>11}{'p50':>8}{'p95':>8}")
    outcomes = bench.stats.outcomes
    totals = Counter()
    for kind in sorted(outcomes):
        items = outcomes[kind]
        counts = Counter(o.status for o in items)
        totals.update(counts)
        totals["requests"] += len(items)
        latencies = [o.seconds for o in items]
        print(
            f"  {kind:<24}{len(items):>9}{counts['ok']:>7}{counts['expected']:>10}"
            f"{counts['unexpected']:>11}{statistics.median(latencies):>8.3f}"
            f"{percentile(latencies, 0.95):>8.3f}"
        )
    print(
        f"  {'all':<24}{totals['requests']:>9}{totals['ok']:>7}{totals['expected']:>10}"
        f"{totals['unexpected']:>11}"
    )
    unexpected = bench.stats.unexpected()
    if unexpected:
        print("\nUnexpected errors (first 10):")
        for outcome in unexpected[:10]:
            print(f"  {outcome.kind}: {outcome.error} {outcome.message[:200]}")
    expected = Counter(
        (o.kind, o.message[:90]) for items in outcomes.values() for o in items if o.status == "expected"
    )
    if expected:
        print("\nUserErrors (expected), most frequent:")
        for (kind, message), count in expected.most_common(8):
            print(f"  {count:>5} {kind}: {message}")
    print(
        f"\nOdoo's log: {server_summary['concurrency_errors']} serialisation failures "
        f"(retried by Odoo: {server_summary['retries']} retries, "
        f"{server_summary['gave_up']} gave up), {server_summary['user_errors']} UserErrors, "
        f"{len(server_other)} other records at WARNING or above"
    )
    for record in server_other[:5]:
        print("  " + record.text(max_lines=8).replace("\n", "\n  "))
    print(f"\nBroken: {len(bench.broken)}")
    for phase, text in bench.broken:
        print(f"  [{phase}] {text}")
    failed = bool(bench.broken or unexpected or server_other)
    print(
        f"\n{'FAILED' if failed else 'PASSED'}: {len(bench.broken)} broken, "
        f"{len(unexpected)} unexpected request errors, {len(server_other)} unexpected log "
        f"records; {totals['requests']} requests in {seconds:.0f} s"
    )
    return failed


# ----------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", 1)[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--odoo-bin", help="odoo-bin or the odoo script (default: ODOO_BIN, "
                        "else odoo on PATH)")
    parser.add_argument("--db", help="database to use; created if missing and then kept "
                        "(default: a new rkt_conc_<pid>, dropped at the end)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database created")
    parser.add_argument("--port", type=int, help="HTTP port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--gevent-port", type=int, help="Odoo's gevent port (default: a free one)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--agency", choices=sorted(AGENCIES), default="bkpsdm",
                        help="demo agency of the races (default bkpsdm)")
    parser.add_argument("--rounds", type=int, default=5, help="submission races (default 5)")
    parser.add_argument("--divisions", type=int,
                        help="divisions per raced plan (default: all the agency's; more are "
                        "added as admin: users <prefix>.concN)")
    parser.add_argument("--double-rounds", type=int, default=2,
                        help="plans whose transitions are sent twice (default 2)")
    parser.add_argument("--users", type=int, default=20, help="users of the mixed load")
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=20000,
                        help="requests at most in all (the load stops there)")
    parser.add_argument("--think", type=float, default=0.2,
                        help="each load user waits up to so many seconds between requests")
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--logdir", help="where Odoo's logs go (default: .test-results/concurrency)")
    args = parser.parse_args(argv)
    for name in ("rounds", "double_rounds", "users", "workers"):
        if getattr(args, name) < 0 or getattr(args, name) > 1000:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 1000")
    if args.load_seconds > 3600:
        parser.error("--load-seconds must be at most 3600")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.odoo_bin:
        os.environ["ODOO_BIN"] = args.odoo_bin
    try:
        install = harness.detect()
    except (harness.OdooNotFound, harness.OdooError) as exc:
        log(f"no usable Odoo 18: {exc}")
        return 2
    args.port = args.port or harness.free_port()
    args.gevent_port = args.gevent_port or harness.free_port()
    db = args.db or f"rkt_conc_{os.getpid()}"
    logdir = Path(args.logdir or REPO / ".test-results" / "concurrency").resolve()
    logdir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"

    def on_sigterm(_signum, _frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, on_sigterm)
    created = False
    server = Server(install, db, args, logdir / f"odoo-{db}.log")
    started = time.monotonic()
    failed = True
    try:
        created, problem = ensure_database(install, db, args, logdir)
        if problem:
            log(problem)
            return 2
        version = server.start(base)
        log(f"Odoo {version} with {args.workers} workers on {base}, log {server.log_path}")
        bench = Bench(args, base, db)
        agencies = [Agency(bench, args.agency)] + [
            Agency(bench, key) for key in sorted(AGENCIES) if key != args.agency
        ]
        main_agency = agencies[0]
        departments = main_agency.division_departments()[1]
        if args.divisions is None:
            args.divisions = len(departments)
        elif args.divisions > len(departments):
            main_agency.ensure_divisions(args.divisions)
        bench.probe_expected_step(main_agency)

        print(f"\n1. Races: {args.rounds} rounds, {args.divisions} divisions of {main_agency.key} "
              f"submitting at once", flush=True)
        for number in range(1, args.rounds + 1):
            bench.submission_round(main_agency, number)
        print(f"\n2. Doubled transitions: {args.double_rounds} plans", flush=True)
        for number in range(1, args.double_rounds + 1):
            bench.double_round(main_agency, number)
        if args.users and args.load_seconds:
            print(f"\n3. Mixed load: {args.users} users for {args.load_seconds:.0f} s", flush=True)
            bench.load(agencies)
        print("\n4. Every plan of the run:", flush=True)
        bench.check_all_plans(agencies)
        for agency in agencies:
            if agency.key in bench.load_plans:
                agency.cancel(bench.load_plans[agency.key])
        time.sleep(1)  # the last lines of the workers' log
        summary, other = read_server_log(server.log_path)
        failed = report(bench, summary, other, time.monotonic() - started)
    except (KeyboardInterrupt, Interrupted):
        log("interrupted")
        return 130
    except RuntimeError as exc:
        log(f"error: {exc}")
        return 2
    finally:
        server.stop()
        log("Odoo stopped")
        if created and not args.db and not args.keep_db:
            harness.drop_databases(install, [db])
            shutil.rmtree(Path.home() / ".local/share/Odoo/filestore" / db, ignore_errors=True)
            log(f"database {db} dropped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
