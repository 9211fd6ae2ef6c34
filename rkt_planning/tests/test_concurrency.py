"""Two requests at the same instant, each in its own transaction.

With ``odoo --workers=N`` every request runs in its own database transaction, with
its own snapshot (REPEATABLE READ).  A TransactionCase cannot show what happens
then: its ``registry.cursor()`` is a test cursor sharing the test's transaction.
These tests commit their data with real cursors (``odoo.sql_db.db_connect``), run
each request in a thread of its own with its own cursor and environment, let both
threads read before either writes (``threading.Barrier``), and retry a
serialisation failure as Odoo's RPC layer does (``odoo.service.model.retrying``).

Each class makes an agency of its own (unique name and logins) and removes it
with everything it produced, so that nothing is left in the database.
"""

import inspect
import random
import sys
import threading
import time
import traceback
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.sql_db import db_connect
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from .common import RktCommon

# seconds: how long a thread waits for the other at the barrier, and for its end
BARRIER_TIMEOUT = 30
THREAD_TIMEOUT = 60


class Committed:
    """RktCommon's builders (agency, users, plan; the procedure run as the real
    users) on an environment whose cursor commits.  Its classmethods become
    methods of this object: their ``cls`` is the object, so ``cls.env`` is ours."""

    def __init__(self, env):
        self.env = env(
            context=dict(
                env.context,
                mail_create_nolog=True,
                mail_notrack=False,
                tracking_disable=False,
                no_reset_password=True,
                no_mail_to_attendees=True,
            )
        )
        self.sop = self.env.ref("rkt_planning.rkt_sop_bkpsdm_balangan")


for _name in ("_make_calendar", "_make_user", "_make_agency", "_make_plan"):
    setattr(Committed, _name, RktCommon.__dict__[_name].__func__)
for _name in (
    "as_user",
    "start",
    "complete",
    "schedule_meeting",
    "add_lines",
    "fill_form",
    "run_to_fill",
    "fill_all",
    "run_to_decision",
):
    setattr(Committed, _name, RktCommon.__dict__[_name])


def accepts_expected_step(model, method):
    """Whether ``model.method`` takes ``expected_step_id`` (the guard against a
    stale or doubled call)."""
    return "expected_step_id" in inspect.signature(getattr(type(model), method)).parameters


@tagged("post_install", "-at_install", "rkt_concurrency")
class TestRktConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = get_db_name()
        cls.registry = Registry(cls.dbname)
        cls.key = uuid.uuid4().hex[:8]
        cls.company_id = None
        cls.xids = []
        cls.addClassCleanup(cls._remove_agency)
        with cls.cursor() as cr:
            builder = Committed(cls.environment(cr))
            agency = builder._make_agency(f"Concurrency {cls.key}", f"conc{cls.key}", divisions=3)
            # notified in Odoo, not by e-mail: no mail is sent after the commit of a
            # request (SMTP, and a registry lookup the test server's lock would block)
            builder.env["res.users"].search([("company_id", "=", agency.company.id)]).write(
                {"notification_type": "inbox"}
            )
            cls.company_id = agency.company.id
            cls.users = {role: user.id for role, user in agency.users.items()}

    @classmethod
    @contextmanager
    def cursor(cls):
        """A real cursor of its own (``registry.cursor()`` may be a test cursor),
        committed at the end of the block unless it raises.  The id of its
        transaction is noted: the bus notifications it sends are removed at the end."""
        with db_connect(cls.dbname).cursor() as cr:
            cr.execute("SELECT (txid_current() % 4294967296)::text")
            cls.xids.append(cr.fetchone()[0])
            yield cr

    @classmethod
    def environment(cls, cr, uid=SUPERUSER_ID, context=None):
        """An environment on ``cr`` in any thread.  The server runs the tests while
        it holds ``Registry._lock`` (``ThreadedServer.run``), under which
        ``Environment()`` looks the registry up for a cursor without transaction:
        give the cursor its transaction with the registry we hold already."""
        cr.transaction = api.Transaction(cls.registry)
        return api.Environment(cr, uid, context or {})

    # ------------------------------------------------------------------
    # Data: committed, then removed
    # ------------------------------------------------------------------

    def prepare(self, build):
        """Run ``build(builder, agency)`` in a transaction of its own and commit it;
        return what it returns."""
        with self.cursor() as cr:
            builder = Committed(self.environment(cr))
            return build(builder, self.agency(builder.env))

    def agency(self, env):
        """The agency of the class, as ``RktCommon._make_agency`` returned it."""
        company = env["res.company"].browse(self.company_id)
        users = {role: env["res.users"].browse(uid) for role, uid in self.users.items()}
        employees = {role: user.employee_id for role, user in users.items()}
        departments = env["hr.department"].search(
            [("company_id", "=", company.id), ("parent_id", "!=", False)], order="id"
        )
        return SimpleNamespace(
            company=company,
            users=users,
            employees=employees,
            departments=departments,
            division_users=[d.manager_id.user_id for d in departments],
            division_employees=[d.manager_id for d in departments],
        )

    @classmethod
    def _remove_agency(cls):
        """Remove the agency and everything made for it or by its users."""
        if not cls.company_id:
            return
        with cls.cursor() as cr:
            # MODULE_UNINSTALL_FLAG: the RKT log and started plans are otherwise kept
            # forever (their ondelete checks are skipped at uninstallation only).
            env = cls.environment(cr, context={MODULE_UNINSTALL_FLAG: True, "active_test": False})
            company = env["res.company"].browse(cls.company_id)
            plans = env["rkt.plan"].search([("company_id", "=", company.id)])
            events = env["calendar.event"].search(
                [("res_model", "=", "rkt.plan"), ("res_id", "in", plans.ids)]
            )
            # the Perjanjian Kinerja and the signatures, which reference their
            # documents and are referenced back: the links first
            pks = env["rkt.pk"].search([("company_id", "=", company.id)])
            signatures = env["rkt.plan.signature"].search([("company_id", "=", company.id)])
            plans.filtered("signature_id")._engine_write({"signature_id": False})
            pks.filtered("signature_id")._engine_write({"signature_id": False})
            signatures.unlink()
            pks.line_ids.unlink()
            pks.unlink()
            plans.form_ids.line_ids.unlink()
            plans.form_ids.unlink()
            plans.log_ids.unlink()
            plans.unlink()
            events.unlink()
            sops = env["rkt.sop"].search([("company_id", "=", company.id)])
            sops.step_ids.unlink()
            sops.unlink()
            users = env["res.users"].search([("company_id", "=", company.id)])
            partners = users.partner_id
            employees = env["hr.employee"].search([("company_id", "=", company.id)])
            departments = env["hr.department"].search([("company_id", "=", company.id)])
            departments.write({"manager_id": False})
            departments.unlink()
            employees.unlink()
            users.unlink()
            partners.unlink()
            # the agency's numbering (plan and archive numbers, per year); its
            # ranges first, or their PostgreSQL sequences stay
            sequences = env["ir.sequence"].search([("company_id", "=", company.id)])
            sequences.date_range_ids.unlink()
            sequences.unlink()
            calendars = env["resource.calendar"].search([("company_id", "=", company.id)])
            company_partner = company.partner_id
            company.unlink()
            calendars.unlink()
            company_partner.unlink()
        # what our transactions sent on the bus (to our users, and the general
        # channel's news of their arrival), this one's included: no one will read it
        with db_connect(cls.dbname).cursor() as cr:
            cr.execute("DELETE FROM bus_bus WHERE xmin::text = ANY(%s)", [cls.xids])

    # ------------------------------------------------------------------
    # Two requests at once
    # ------------------------------------------------------------------

    def request(self, uid, plan_id, call, barrier, outcome):
        """One request in its own cursor and transaction, as the user ``uid``.

        Like an RPC request it reads (the plan) before it acts, so its snapshot is
        taken before the barrier lets both requests act; a serialisation failure is
        retried in a new transaction as ``odoo.service.model.retrying`` does.  The
        outcome is ``ok``, ``refused`` (a UserError, with its message) or ``error``.
        """
        outcome.update(result=None, retries=0)
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                # committed at the end of the block, rolled back if it raises
                with self.cursor() as cr:
                    env = self.environment(cr, uid, {"allowed_company_ids": [self.company_id]})
                    env["rkt.plan"].browse(plan_id).step_id.ensure_one()
                    if attempt == 1:
                        barrier.wait(timeout=BARRIER_TIMEOUT)
                    call(env)
                outcome["result"] = "ok"
                return
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                outcome["retries"] += 1
            except UserError as exc:
                outcome.update(result="refused", message=str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - reported by the test
                outcome.update(result="error", message=f"{type(exc).__name__}: {exc}")
                return
            time.sleep(random.uniform(0, 0.1 * attempt))
        outcome.update(result="error", message="serialisation failure at every try")

    @mute_logger("odoo.sql_db")  # "bad query" of the serialisation failures retried
    def race(self, plan_id, *calls):
        """Run each ``(uid, call)`` as a request of its own, all at the same
        instant; return their outcomes."""
        barrier = threading.Barrier(len(calls))
        outcomes = [{} for _call in calls]
        threads = [
            threading.Thread(
                target=self.request,
                args=(uid, plan_id, call, barrier, outcome),
                name=f"rkt_concurrency_{index}",
            )
            for index, ((uid, call), outcome) in enumerate(zip(calls, outcomes))
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + THREAD_TIMEOUT
        for thread in threads:
            thread.join(max(0, deadline - time.monotonic()))
        stuck = [thread for thread in threads if thread.is_alive()]
        frames = sys._current_frames()
        self.assertFalse(
            stuck,
            "a request did not finish within %s s; where it waits:\n%s"
            % (
                THREAD_TIMEOUT,
                "\n".join(
                    f"{thread.name}:\n" + "".join(traceback.format_stack(frames[thread.ident]))
                    for thread in stuck
                    if thread.ident in frames
                ),
            ),
        )
        return outcomes

    def read_plan(self, plan_id):
        """The plan's step and state, the log's rows and the forms' states, as
        committed."""
        with self.cursor() as cr:
            env = self.environment(cr)
            plan = env["rkt.plan"].browse(plan_id)
            return {
                "state": plan.state,
                "step": plan.step_id.sequence,
                "kind": plan.step_id.kind,
                "logs": [
                    (log.step_id.sequence, log.round, log.decision or "open")
                    for log in plan.log_ids.sorted("id")
                ],
                "forms": sorted(plan.form_ids.mapped("state")),
            }

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_last_two_submissions(self):
        """The last two division heads submit at once: the plan leaves the fill step
        exactly once, through the collection to the compilation."""

        def build(builder, agency):
            plan = builder._make_plan(agency=agency, year=2031)
            builder.run_to_fill(plan, agency)
            first, *last = plan.form_ids
            builder.fill_form(first, first.head_employee_id.user_id)
            for form in last:
                builder.add_lines(form, form.head_employee_id.user_id)
            return plan.id, [(form.id, form.head_employee_id.user_id.id) for form in last]

        plan_id, last_two = self.prepare(build)
        before = self.read_plan(plan_id)
        self.assertEqual(before["kind"], "fill")
        self.assertEqual(before["forms"], ["submitted", "to_fill", "to_fill"])

        outcomes = self.race(
            plan_id,
            *(
                (uid, lambda env, form_id=form_id: env["rkt.plan.form"].browse(form_id).action_submit())
                for form_id, uid in last_two
            ),
        )

        self.assertEqual(
            [outcome["result"] for outcome in outcomes], ["ok", "ok"], f"outcomes: {outcomes}"
        )
        after = self.read_plan(plan_id)
        self.assertEqual(after["forms"], ["submitted"] * 3)
        fill, collect, compile_ = 4, 5, 6
        self.assertNotEqual(
            after["kind"],
            "fill",
            f"every form is submitted but the plan stayed at the fill step "
            f"(each transaction read the other form as still to fill): {after}, "
            f"retries {[outcome['retries'] for outcome in outcomes]}.  Under REPEATABLE "
            f"READ a lock taken after the first query does not refresh what the "
            f"transaction reads: the second submission must fail (serialisation "
            f"failure, retried) rather than decide on its old snapshot",
        )
        self.assertEqual((after["state"], after["step"]), ("in_progress", compile_), after)
        logs = after["logs"]
        self.assertEqual(
            logs[-3:],
            [(fill, 1, "auto"), (collect, 1, "auto"), (compile_, 1, "open")],
            f"the plan must leave the fill step exactly once: {logs}",
        )
        self.assertEqual([row[0] for row in logs].count(fill), 1, logs)
        self.assertEqual([row[0] for row in logs].count(compile_), 1, logs)
        self.assertEqual([row[2] for row in logs].count("open"), 1, logs)

    def test_doubled_decision(self):
        """The secretary's 'ya' sent twice at once passes once; the other request is
        refused with a UserError.  Also when the next step is the secretary's too,
        where a stale 'ya' would otherwise decide that step as well."""

        def build(builder, agency):
            # the BKPSDM template: decision (secretary), then signature (head)
            plan = builder._make_plan(agency=agency, year=2032)
            builder.run_to_decision(plan, agency)
            # a copy in which the head's signature is a second decision of the
            # secretary: the same executors as the decision before it
            env = builder.env(context=dict(builder.env.context, allowed_company_ids=agency.company.ids))
            sop = builder.sop.with_env(env)._copy_with_steps(
                {"company_id": agency.company.id, "name": f"Same executors {self.key}", "version": 1}
            )
            sop.step_ids.filtered(lambda s: s.kind == "sign").write(
                {"kind": "decision", "role_head": False, "role_secretary": True}
            )
            twice = builder._make_plan(agency=agency, sop=sop, year=2033)
            builder.run_to_decision(twice, agency)
            return [(plan.id, "sign"), (twice.id, "decision")]

        cases = self.prepare(build)
        secretary = self.users["secretary"]
        for plan_id, next_kind in cases:
            with self.subTest(next_step=next_kind):
                before = self.read_plan(plan_id)
                self.assertEqual((before["kind"], before["step"]), ("decision", 9))
                kwargs = {}
                with self.cursor() as cr:
                    env = self.environment(cr)
                    if accepts_expected_step(env["rkt.plan"], "action_approve"):
                        kwargs["expected_step_id"] = env["rkt.plan"].browse(plan_id).step_id.id

                def approve(env, plan_id=plan_id):
                    env["rkt.plan"].browse(plan_id).action_approve(**kwargs)

                outcomes = self.race(plan_id, (secretary, approve), (secretary, approve))

                results = sorted(outcome["result"] for outcome in outcomes)
                after = self.read_plan(plan_id)
                self.assertEqual(
                    (after["step"], after["kind"]),
                    (10, next_kind),
                    f"the 'ya' must move the plan exactly one step: {after}, "
                    f"outcomes {outcomes}",
                )
                self.assertEqual(results, ["ok", "refused"], f"outcomes: {outcomes}")
                decisions = [row for row in after["logs"] if row[0] == 9]
                self.assertEqual(decisions, [(9, 1, "yes")], after["logs"])
                self.assertEqual(after["logs"][-1], (10, 1, "open"), after["logs"])
                self.assertEqual([row[2] for row in after["logs"]].count("open"), 1)

    def test_doubled_pk_signature(self):
        """A division head's first signature of their PK sent twice at once (two
        taps on a phone, two tabs): it passes once; one signature record is in
        force, and the PK waits for the head."""

        def build(builder, agency):
            plan = builder._make_plan(agency=agency, year=2034)
            builder.run_to_decision(plan, agency)
            builder.as_user(plan, agency.users["secretary"]).action_approve()
            builder.as_user(plan, agency.users["head"]).action_sign()
            pks = builder.as_user(plan, agency.users["planner"]).set_dpa_date("2034-02-05")
            pk = pks.filtered(lambda pk: pk.party == "division")[:1]
            return plan.id, pk.id, pk.first_employee_id.user_id.id

        plan_id, pk_id, uid = self.prepare(build)

        def sign(env):
            env["rkt.pk"].browse(pk_id).action_sign_first()

        outcomes = self.race(plan_id, (uid, sign), (uid, sign))

        results = sorted(outcome["result"] for outcome in outcomes)
        self.assertEqual(results, ["ok", "refused"], f"outcomes: {outcomes}")
        with self.cursor() as cr:
            env = self.environment(cr)
            pk = env["rkt.pk"].browse(pk_id)
            self.assertEqual(pk.state, "first_signed")
            signatures = env["rkt.plan.signature"].search([("pk_id", "=", pk_id)])
            self.assertEqual(signatures, pk.signature_id, "one signature record")
            self.assertEqual(len(pk.activity_ids), 1, "one to-do, the head's")
            self.assertEqual(pk.activity_ids.user_id.id, self.users["head"])
