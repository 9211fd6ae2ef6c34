import logging
from collections import Counter

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import RktCommon

_logger = logging.getLogger(__name__)

# Who may take which action at each step of the seed SOP (by number), as the
# sheet gives it.  "cancel" is the head's and the RKT manager's until signature.
ALLOWED = {
    1: {("head", "action_start")},
    2: {("planner", "complete_step")},
    3: {
        ("planner", "complete_step"),
        ("team", "complete_step"),
        ("planner", "action_schedule_meeting"),
        ("team", "action_schedule_meeting"),
    },
    4: {("division", "action_submit"), ("team", "action_close_collection")},
    6: {("team", "complete_step")},
    7: {
        ("secretary", "complete_step"),
        ("secretary", "return_form"),
        ("secretary", "action_accept_form"),
        ("division", "action_submit"),
    },
    8: {("team", "complete_step"), ("planner", "complete_step")},
    9: {("secretary", "action_approve"), ("secretary", "return_to_step")},
    10: {("head", "action_sign"), ("head", "return_to_step")},
    11: {("team", "complete_step"), ("planner", "complete_step")},
}
PLAN_METHODS = {
    "action_start": [],
    "complete_step": ["hasil"],
    "action_schedule_meeting": [],
    "action_close_collection": [],
    "action_approve": [],
    "action_sign": [],
    "return_to_step": ["alasan"],
    "action_cancel": [],
}
FORM_METHODS = {
    "action_submit": [],
    "return_form": ["alasan"],
    "action_accept_form": [],
}
# Fields that must be refused to every user at every step, whatever the model
# declares (so that the matrix does not only test the model against itself).
ENGINE_ONLY = {
    "rkt.plan": {
        "state", "step_id", "step_kind", "round", "step_date_start", "step_deadline",
        "meeting_event_id", "signed_user_id", "signed_employee_id", "signed_capacity",
        "signed_date", "signed_digest", "archive_number", "archive_date", "sop_root_id",
        "name",
    },
    "rkt.plan.form": {
        "state", "is_open", "plan_id", "company_id", "date_deadline", "return_reason",
        "date_submitted", "last_reminder_date", "reminder_count", "escalation_level",
    },
    "rkt.plan.line": {
        "plan_id", "form_id", "department_id", "company_id", "year", "form_sequence",
        "is_compiled",
    },
}
OFFICIALS = {
    "head_employee_id", "secretary_employee_id", "planner_employee_id",
    "team_employee_ids", "company_id", "sop_id",
}
SKIPPED_TYPES = ("one2many", "properties", "properties_definition", "json")
ROLES = ("head", "secretary", "planner", "team", "manager", "division", "outsider", "plain")


@tagged("post_install", "-at_install", "rkt_access_matrix")
class TestRktAccessMatrix(HttpCase, RktCommon):
    """Every public method and a write to every field of plan, form, line, log and
    signature, over JSON-RPC (``/web/dataset/call_kw``) as each role's user at each
    step: what is forbidden is refused with nothing changed; the honest path
    passes over the same route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = dict(cls.agency.users)
        cls.users["division"] = cls.agency.division_users[0]
        cls.users["plain"] = new_test_user(
            cls.env,
            login="bk_plain",
            groups="base.group_user",
            company_id=cls.agency.company.id,
            company_ids=[Command.set(cls.agency.company.ids)],
        )
        cls.counts = Counter()

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------

    def _login(self, role):
        if getattr(self, "_logged_in", None) != role:
            user = self.users[role]
            self.authenticate(user.login, user.login)
            self._logged_in = role

    def rpc(self, role, model, method, args, kwargs=None):
        """Call ``method`` as ``role``: ``(True, result)`` or ``(False, error)``."""
        self._login(role)
        kwargs = dict(kwargs or {})
        kwargs["context"] = {"allowed_company_ids": self.agency.company.ids, "lang": "en_US"}
        try:
            # a refused call is logged as a warning by odoo.http: it is expected here
            with mute_logger("odoo.http"):
                result = self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {"model": model, "method": method, "args": args, "kwargs": kwargs},
                )
        except JsonRpcException as exc:
            return False, exc.args[0] if exc.args else str(exc)
        return True, result

    # ------------------------------------------------------------------
    # State of the plan: what a refused call must leave as it was
    # ------------------------------------------------------------------

    def _state(self, plan):
        self.env.invalidate_all()
        return (
            plan.state,
            plan.step_id.id,
            plan.round,
            tuple(plan.form_ids.mapped("state")),
            len(plan.log_ids),
            plan.signed_user_id.id,
        )

    def _check_methods(self, plan, number):
        allowed = ALLOWED.get(number, set())
        form = plan.form_ids[0]
        for role in ROLES:
            calls = [("rkt.plan", plan.id, m, a) for m, a in PLAN_METHODS.items()]
            calls += [("rkt.plan.form", form.id, m, a) for m, a in FORM_METHODS.items()]
            for model, res_id, method, args in calls:
                if (role, method) in allowed or (
                    method == "action_cancel"
                    and role in ("head", "manager")
                    and plan.state in ("draft", "in_progress")
                ):
                    continue
                before = self._state(plan)
                with self.subTest(step=number, role=role, method=method):
                    ok, error = self.rpc(role, model, method, [[res_id], *args])
                    self.counts["method refused" if not ok else "method WRONGLY allowed"] += 1
                    self.assertFalse(ok, f"{role} may not call {method} at step {number}")
                    self.assertEqual(self._state(plan), before)

    # ------------------------------------------------------------------
    # Field writes
    # ------------------------------------------------------------------

    def _other_value(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            other = self.env[field.comodel_name].search([("id", "!=", value.id)], limit=1)
            return other.id
        if field.type == "many2many":
            other = self.env[field.comodel_name].search([("id", "not in", value.ids)], limit=1)
            return [Command.set(other.ids)]
        if field.type in ("char", "text", "html"):
            return f"{value or ''}-ubah"
        if field.type in ("integer", "float", "monetary"):
            return (value or 0) + 7
        if field.type == "boolean":
            return not value
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in keys if key != value)
        if field.type == "date":
            return "2030-01-02"
        if field.type == "datetime":
            return "2030-01-02 03:04:05"
        if field.type == "binary":
            return "eA=="
        return None

    def _must_refuse(self, record, name, role, plan):
        if record._name in ("rkt.plan.log", "rkt.plan.signature"):
            return True
        if plan.state in ("signed", "archived", "cancelled"):
            return True
        if name in ENGINE_ONLY.get(record._name, set()):
            return True
        guard = getattr(record, "_get_engine_fields", None)
        if guard and name in guard() | set(record._rkt_create_only_fields):
            return True
        if record._name == "rkt.plan" and name in OFFICIALS:
            return not (role in ("head", "manager") and plan.state == "draft")
        if record._name == "rkt.plan.form" and name in ("head_employee_id", "department_id"):
            return not (role in ("head", "manager") and plan.state == "draft")
        return False

    def _check_writes(self, plan, label):
        records = [plan, plan.form_ids[0], *plan.line_ids[:1], *plan.log_ids[:1]]
        if "rkt.plan.signature" in self.env and plan.signature_id:
            records.append(plan.signature_id)
        attempts = []
        for record in records:
            for name, field in record._fields.items():
                if (
                    not field.store
                    or field.automatic
                    or field.type in SKIPPED_TYPES
                    or name.startswith(("message_", "activity_", "website_"))
                    or name in ("create_uid", "create_date", "write_uid", "write_date")
                ):
                    continue
                value = self._other_value(record, name)
                if value is not None:
                    attempts.append((record, name, value))
        for role in ROLES:
            for record, name, value in attempts:
                if not self._must_refuse(record, name, role, plan):
                    continue  # allowed or not depending on the step: not asserted
                before = record.sudo().read([name])[0][name]
                with self.subTest(at=label, model=record._name, field=name, role=role):
                    ok, _error = self.rpc(
                        role, record._name, "write", [[record.id], {name: value}]
                    )
                    self.counts[f"write refused ({record._name})"] += 1
                    self.assertFalse(ok, f"{role} wrote {record._name}.{name} at {label}")
                    record.invalidate_recordset()
                    self.assertEqual(record.sudo().read([name])[0][name], before)

    # ------------------------------------------------------------------
    # The honest path, over the same route
    # ------------------------------------------------------------------

    def _go(self, role, model, res_id, method, *args):
        ok, result = self.rpc(role, model, method, [[res_id], *args])
        self.assertTrue(ok, f"{role} could not {method}: {result}")
        self.counts["method allowed"] += 1

    def test_access_matrix_over_json_rpc(self):
        plan = self._make_plan()
        self._check_writes(plan, "draft")
        ok, _res = self.rpc("head", "rkt.plan", "write", [[plan.id], {"disposition": "Susun RKT"}])
        self.assertTrue(ok)
        self._check_methods(plan, 1)
        self._go("head", "rkt.plan", plan.id, "action_start")
        self._check_methods(plan, 2)
        self._go("planner", "rkt.plan", plan.id, "complete_step", "Jadwal")
        self._check_methods(plan, 3)
        ok, _res = self.rpc(
            "planner", "rkt.plan", "write", [[plan.id], {"meeting_start": "2027-01-12 02:00:00"}]
        )
        self.assertTrue(ok)
        self._go("planner", "rkt.plan", plan.id, "action_schedule_meeting")
        self._go("team", "rkt.plan", plan.id, "complete_step", "Form RKT")
        self.assertEqual(plan.step_id.number, 4)
        self.add_lines(plan.form_ids[0], self.users["division"], count=1)
        self._check_methods(plan, 4)
        self._check_writes(plan, "fill")
        for form in plan.form_ids:
            user = form.head_employee_id.user_id
            if user == self.users["division"]:
                self._go("division", "rkt.plan.form", form.id, "action_submit")
            else:
                self.fill_form(form, user, count=1)
        self.assertEqual(plan.step_id.number, 6)
        self._check_methods(plan, 6)
        self._go("team", "rkt.plan", plan.id, "complete_step", "Draft")
        self._check_methods(plan, 7)
        self._go("division", "rkt.plan.form", plan.form_ids[0].id, "action_submit")
        self._go("secretary", "rkt.plan", plan.id, "complete_step", "Koreksi")
        self._check_methods(plan, 8)
        self._go("planner", "rkt.plan", plan.id, "complete_step", "Draft RKT")
        self._check_methods(plan, 9)
        self._go("secretary", "rkt.plan", plan.id, "action_approve")
        self._check_methods(plan, 10)
        self._go("head", "rkt.plan", plan.id, "action_sign")
        self._check_methods(plan, 11)
        self._go("team", "rkt.plan", plan.id, "complete_step", "Berkas")
        self.assertEqual(plan.state, "archived")
        self._check_methods(plan, 12)
        self._check_writes(plan, "archived")
        _logger.info(
            "RKT access matrix over JSON-RPC: %s",
            ", ".join(f"{key}: {value}" for key, value in sorted(self.counts.items())),
        )
        self.assertFalse(self.counts["method WRONGLY allowed"])
