from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RktCommon

# Who may act at each step of the seed SOP (by position), as the sheet gives it.
EXECUTORS = {
    1: {"head"},
    2: {"planner"},
    3: {"planner", "team"},
    4: set(),  # division heads act through their own forms
    5: {"team"},
    6: {"team"},
    7: {"secretary"},  # division heads act through their own forms
    8: {"team", "planner"},
    9: {"secretary"},
    10: {"head"},
    11: {"planner", "team"},
}
ROLES = ("head", "secretary", "planner", "team", "manager", "outsider")


@tagged("post_install", "-at_install", "rkt_access")
@freeze_time("2027-01-11 01:00:00")
class TestRktAccessStates(RktCommon):
    """For every step, every role that does not execute it is refused."""

    def _users(self):
        users = dict(self.agency.users)
        users["division"] = self.agency.division_users[0]
        return users

    def _attempts(self):
        return {
            "start": lambda p: p.action_start(),
            "complete": lambda p: p.complete_step("hasil"),
            "meeting": lambda p: p.action_schedule_meeting(),
            "close": lambda p: p.action_close_collection(),
            "approve": lambda p: p.action_approve(),
            "sign": lambda p: p.action_sign(),
            "return": lambda p: p.return_to_step("alasan"),
        }

    def _assert_only(self, plan, allowed_roles, allowed_actions=None):
        """Every role outside ``allowed_roles`` is refused every action."""
        number = plan.step_id.number
        for role, user in self._users().items():
            for name, attempt in self._attempts().items():
                if role in allowed_roles and (
                    allowed_actions is None or name in allowed_actions
                ):
                    continue
                with self.subTest(step=number, role=role, action=name):
                    with self.assertRaises(UserError), self.cr.savepoint():
                        attempt(self.as_user(plan, user))
                    self.assertEqual(plan.step_id.number, number)
            flags = self.as_user(plan, user)
            flags.invalidate_recordset()
            if role not in allowed_roles:
                with self.subTest(step=number, role=role, flags=True):
                    self.assertFalse(
                        flags.user_can_start
                        or flags.user_can_complete
                        or flags.user_can_approve
                        or flags.user_can_sign
                        or flags.user_can_return
                        or flags.user_can_schedule_meeting
                        or flags.user_can_close_collection
                    )

    def test_every_step_refuses_other_roles(self):
        plan = self._make_plan()
        users = self.agency.users
        self.as_user(plan, users["head"]).disposition = "Susun RKT"
        self._assert_only(plan, EXECUTORS[1], {"start"})
        self.start(plan)
        self._assert_only(plan, EXECUTORS[2], {"complete"})
        self.complete(plan, users["planner"], "Jadwal")
        self._assert_only(plan, EXECUTORS[3], {"complete", "meeting"})
        self.schedule_meeting(plan)
        self.complete(plan, users["team"], "Form RKT")
        self.assertEqual(plan.step_id.number, 4)
        self._assert_only(plan, EXECUTORS[5], {"close"})
        # forms: only their own division head submits
        form = plan.form_ids[0]
        self.fill_form(form, form.head_employee_id.user_id, count=1)
        other = plan.form_ids[1]
        for role, user in self._users().items():
            with self.subTest(role=role, action="submit other form"):
                with self.assertRaises(UserError), self.cr.savepoint():
                    self.as_user(other, user).action_submit()
        for f in plan.form_ids[1:]:
            self.fill_form(f, f.head_employee_id.user_id, count=1)
        self.assertEqual(plan.step_id.number, 6)
        self._assert_only(plan, EXECUTORS[6], {"complete"})
        self.complete(plan, users["team"], "Draft")
        self.assertEqual(plan.step_id.number, 7)
        self._assert_only(plan, EXECUTORS[7], {"complete"})
        for role in ("head", "planner", "team", "outsider"):
            with self.subTest(role=role, action="accept form"):
                with self.assertRaises(UserError), self.cr.savepoint():
                    self.as_user(form, users[role]).action_accept_form()
        self.complete(plan, users["secretary"], "Koreksi")
        self._assert_only(plan, EXECUTORS[8], {"complete"})
        self.complete(plan, users["planner"], "Draft")
        self._assert_only(plan, EXECUTORS[9], {"approve", "return"})
        self.as_user(plan, users["secretary"]).action_approve()
        self._assert_only(plan, EXECUTORS[10], {"sign", "return"})
        self.as_user(plan, users["head"]).action_sign()
        self._assert_only(plan, EXECUTORS[11], {"complete"})
        self.complete(plan, users["team"], "Berkas")
        self._assert_only(plan, set())
        self.assertEqual(plan.state, "archived")


@tagged("post_install", "-at_install", "rkt_access")
@freeze_time("2027-01-11 01:00:00")
class TestRktAccessRead(RktCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls._make_agency("Dinas Lain", "ot", divisions=1)

    def test_agencies_do_not_see_each_other(self):
        plan = self._make_plan()
        other_plan = self._make_plan(agency=self.other)
        for role in ("head", "secretary", "planner", "team", "manager"):
            user = self.other.users[role]
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    plan.with_user(user).read(["name"])
                self.assertFalse(
                    self.env["rkt.plan"].with_user(user).search([("id", "=", plan.id)])
                )
                self.assertEqual(
                    self.env["rkt.plan"].with_user(user).search([]), other_plan
                )
        with self.assertRaises(AccessError):
            plan.form_ids[0].with_user(self.other.division_users[0]).read(["state"])

    def test_division_head_reads_but_does_not_write_the_plan(self):
        plan = self._make_plan()
        me = self.agency.division_users[0]
        self.assertEqual(plan.with_user(me).read(["name"])[0]["name"], plan.name)
        with self.assertRaises(AccessError):
            plan.with_user(me).write({"disposition": "x"})
        with self.assertRaises(AccessError):
            self.env["rkt.plan"].with_user(me).create({"year": 2030})
        self.run_to_fill(plan)
        # another division's form cannot be changed, even while open
        with self.assertRaises(UserError):
            plan.form_ids[1].with_user(me).write({"sequence": 1})

    def test_sop_configuration_is_for_managers(self):
        for role in ("head", "secretary", "planner", "team"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["rkt.sop"].with_user(self.agency.users[role]).create({"name": "x"})
        self.env["rkt.sop"].with_user(self.agency.users["manager"]).with_context(
            allowed_company_ids=self.agency.company.ids
        ).create({"name": "SOP baru", "company_id": self.agency.company.id})
