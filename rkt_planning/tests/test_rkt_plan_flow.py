from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RktCommon


@tagged("post_install", "-at_install", "rkt_flow")
@freeze_time("2027-01-11 01:00:00")
class TestRktPlanFlow(RktCommon):
    def test_defaults_from_org_chart(self):
        plan = self._make_plan()
        agency = self.agency
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.step_id, plan.sop_id.step_ids[0])
        self.assertTrue(plan.name.startswith("RKT/2027/"))
        self.assertEqual(plan.head_employee_id, agency.employees["head"])
        self.assertEqual(plan.secretary_employee_id, agency.employees["secretary"])
        self.assertEqual(plan.planner_employee_id, agency.employees["planner"])
        self.assertEqual(plan.team_employee_ids, agency.employees["team"])
        self.assertEqual(plan.form_ids.department_id, agency.departments)
        self.assertEqual(
            plan.form_ids.head_employee_id,
            self.env["hr.employee"].union(*agency.division_employees),
        )
        self.assertEqual(set(plan.form_ids.mapped("state")), {"draft"})

    def test_signed_and_archived_on_the_agency_day(self):
        """00:30 in the agency (WITA) is still yesterday for a head whose browser
        says Europe/Brussels, and in UTC: the dates are the agency's."""
        users = self.agency.users
        for user in users.values():
            user.tz = "Europe/Brussels"
        plan = self._make_plan()
        self.run_to_decision(plan)
        with freeze_time("2027-01-11 16:30:00"):
            self.as_user(plan, users["secretary"]).action_approve()
            self.as_user(plan, users["head"]).action_sign()
            self.complete(plan, users["planner"], "Berkas RKT")
        self.assertEqual(plan.state, "archived")
        self.assertEqual(str(plan.signed_date), "2027-01-12")
        self.assertEqual(str(plan.archive_date), "2027-01-12")

    def _run_full(self, sop, agency):
        plan = self._make_plan(agency=agency, sop=sop)
        sop = plan.sop_id  # the agency's copy of the template
        users = agency.users
        self.start(plan, agency)
        self.assertEqual(plan.state, "in_progress")
        self.assertEqual(plan.step_id, sop.step_ids[1])
        self.assertEqual(plan.log_ids[0].note, "Segera susun RKT tahun 2027.")
        self.run_to_decision_from_step2(plan, agency)
        self.assertEqual(plan.step_id, sop.step_ids[8])
        # secretary: tidak -> back to step 8, round 2
        self.as_user(plan, users["secretary"]).return_to_step("Target IKU belum sesuai Renstra")
        self.assertEqual(plan.step_id, sop.step_ids[7])
        self.assertEqual(plan.round, 2)
        self.complete(plan, users["planner"], "Draft RKT diperbaiki")
        self.as_user(plan, users["secretary"]).action_approve()
        self.assertEqual(plan.step_id, sop.step_ids[9])
        # head: tidak -> back to step 8, round 3
        self.as_user(plan, users["head"]).return_to_step("Anggaran belum sesuai DPA")
        self.assertEqual(plan.step_id, sop.step_ids[7])
        self.assertEqual(plan.round, 3)
        self.complete(plan, users["team"], "Draft RKT diperbaiki lagi")
        self.as_user(plan, users["secretary"]).action_approve()
        self.as_user(plan, users["head"]).action_sign()
        self.assertEqual(plan.state, "signed")
        self.assertEqual(plan.signed_employee_id, agency.employees["head"])
        self.assertEqual(plan.signed_user_id, users["head"])
        self.assertEqual(plan.signed_capacity, "head")
        self.assertEqual(str(plan.signed_date), "2027-01-11")
        self.assertEqual(plan.step_id, sop.step_ids[10])
        self.complete(plan, users["planner"], "Berkas RKT")
        self.assertEqual(plan.state, "archived")
        self.assertTrue(plan.archive_number)
        self.assertEqual(str(plan.archive_date), "2027-01-11")
        # the log: every step entered, every round, the reasons
        logs = plan.log_ids
        self.assertTrue(all(logs.mapped("date_end")))
        self.assertEqual(logs.mapped("round").count(1), 9)  # steps 1-9 in round 1
        returns = logs.filtered(lambda entry: entry.decision == "no")
        self.assertEqual(
            returns.mapped("reason"),
            ["Target IKU belum sesuai Renstra", "Anggaran belum sesuai DPA"],
        )
        self.assertEqual(returns.step_id, sop.step_ids[8] | sop.step_ids[9])
        self.assertEqual(len(logs.filtered(lambda e: e.step_id == sop.step_ids[7])), 3)
        self.assertEqual(logs[-1].step_id, sop.step_ids[10])
        messages = plan.message_ids.mapped("body")
        self.assertTrue(any("Anggaran belum sesuai DPA" in str(body) for body in messages))
        return plan

    def run_to_decision_from_step2(self, plan, agency):
        users = agency.users
        self.complete(plan, users["planner"], "Jadwal penyusunan RKT")
        self.schedule_meeting(plan, agency)
        self.complete(plan, users["planner"], "Form RKT dibagikan")
        self.assertEqual(plan.step_kind, "fill")
        self.assertEqual(set(plan.form_ids.mapped("state")), {"to_fill"})
        self.fill_all(plan, agency)
        # collect closed by itself: compile is current, every line compiled
        self.assertEqual(plan.step_kind, "compile")
        self.assertTrue(all(plan.line_ids.mapped("is_compiled")))
        self.assertEqual(len(plan.line_ids), 2 * len(plan.form_ids))
        self.complete(plan, users["team"], "Draft RKT")
        self.assertEqual(plan.step_kind, "correction")
        self.assertEqual(set(plan.form_ids.mapped("state")), {"correction"})
        for form in plan.form_ids:
            self.as_user(form, form.head_employee_id.user_id).action_submit()
        self.as_user(plan.form_ids, users["secretary"]).action_accept_form()
        self.assertEqual(plan.step_kind, "process")
        self.complete(plan, users["team"], "Draft RKT disusun")

    def test_full_procedure_bkpsdm(self):
        plan = self._run_full(self.sop, self.agency)
        self.assertEqual(plan.sop_id.template_id, self.sop)
        self.assertEqual(plan.sop_id.company_id, self.agency.company)

    def test_full_procedure_dinkes(self):
        agency = self._make_agency("Dinkes Test", "dk", divisions=2, sop=self.sop_dinkes)
        plan = self._run_full(self.sop_dinkes, agency)
        # the agency's own names of the roles (the plan was created by the planner):
        # its copy reads the sheet's "Kasub/Bag Program" corrected
        self.assertEqual(plan.user_role_names, "Kasubbag Program")

    def test_meeting_event(self):
        plan = self._make_plan()
        self.start(plan)
        self.complete(plan, self.agency.users["planner"], "Jadwal")
        with self.assertRaisesRegex(UserError, "Schedule the meeting"):
            self.complete(plan, self.agency.users["planner"], "Form")
        self.schedule_meeting(plan)
        event = plan.meeting_event_id
        attendees = event.partner_ids
        for role in ("secretary", "planner", "team"):
            self.assertIn(self.agency.users[role].partner_id, attendees)
        for user in self.agency.division_users:
            self.assertIn(user.partner_id, attendees)
        self.assertNotIn(self.agency.users["outsider"].partner_id, attendees)

    def test_early_close_names_missing_divisions(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        first = plan.form_ids[0]
        self.fill_form(first, first.head_employee_id.user_id)
        self.assertEqual(plan.step_kind, "fill")
        with self.assertRaises(UserError):
            self.as_user(plan, self.agency.division_users[1]).action_close_collection()
        self.as_user(plan, self.agency.users["team"]).action_close_collection()
        self.assertEqual(plan.step_kind, "compile")
        self.assertEqual(plan.form_ids[1:].mapped("state"), ["missing", "missing"])
        closed = plan.log_ids.filtered(lambda entry: entry.decision == "closed")
        self.assertTrue(closed)
        for form in plan.form_ids[1:]:
            self.assertIn(form.department_id.name, closed[0].note)
        self.assertNotIn(first.department_id.name, closed[0].note)
        self.assertEqual(plan.line_ids.filtered("is_compiled").department_id, first.department_id)

    def test_bad_input_is_refused(self):
        plan = self._make_plan()
        users = self.agency.users
        head_plan = self.as_user(plan, users["head"])
        with self.assertRaisesRegex(UserError, "disposition"):
            head_plan.action_start()
        head_plan.disposition = "Susun"
        head_plan.program_document_ref = False
        with self.assertRaisesRegex(UserError, "Dokumen Program Kerja"):
            head_plan.action_start()
        self.assertEqual(plan.state, "draft")
        head_plan.program_document_ref = "Renstra"
        head_plan.action_start()
        with self.assertRaisesRegex(UserError, "must produce"):
            self.complete(plan, users["planner"], " ")
        self.assertEqual(plan.step_id, plan.sop_id.step_ids[1])
        with self.assertRaisesRegex(ValidationError, "already has RKT .* cancel"):
            self._make_plan()
        self.complete(plan, users["planner"], "Jadwal")
        self.schedule_meeting(plan)
        self.complete(plan, users["planner"], "Form")
        form = plan.form_ids[0]
        head_user = form.head_employee_id.user_id
        with self.assertRaisesRegex(UserError, "has no line"):
            self.as_user(form, head_user).action_submit()
        Line = self.env["rkt.plan.line"].with_user(head_user)
        base = {"form_id": form.id, "indicator": "Indikator", "target": "100", "uom": "%"}
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            Line.create(dict(base, budget=-5))
        with self.assertRaisesRegex(ValidationError, "unit"), self.cr.savepoint():
            Line.create(dict(base, uom=""))
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            Line.create(dict(base, target_value=-1))
        form.invalidate_recordset()
        self.assertFalse(form.line_ids)
        self.fill_all(plan)
        self.complete(plan, users["team"], "Draft")
        for f in plan.form_ids:
            self.as_user(f, f.head_employee_id.user_id).action_submit()
        self.as_user(plan.form_ids, users["secretary"]).action_accept_form()
        self.complete(plan, users["team"], "Draft")
        with self.assertRaisesRegex(UserError, "reason"):
            self.as_user(plan, users["secretary"]).return_to_step("  ")
        self.assertEqual(plan.round, 1)
        self.assertEqual(plan.step_kind, "decision")

    def test_direct_writes_of_the_workflow_are_refused(self):
        plan = self._make_plan()
        self.start(plan)
        for user in (self.agency.users["head"], self.agency.users["planner"]):
            with self.assertRaisesRegex(UserError, "workflow"):
                self.as_user(plan, user).write({"step_id": plan.sop_id.step_ids[9].id})
            with self.assertRaisesRegex(UserError, "workflow"):
                self.as_user(plan, user).write({"state": "signed"})
        with self.assertRaises(UserError):
            self.as_user(plan, self.agency.users["planner"]).write(
                {"head_employee_id": self.agency.employees["team"].id}
            )
        form = plan.form_ids[0]
        with self.assertRaises(UserError):
            self.as_user(form, form.head_employee_id.user_id).write({"state": "accepted"})
        with self.assertRaises(UserError):
            self.as_user(plan.log_ids[0], self.agency.users["manager"]).write({"reason": "x"})
        with self.assertRaises(UserError):
            self.as_user(plan.log_ids[0], self.agency.users["manager"]).unlink()
        with self.assertRaisesRegex(UserError, "log"):
            self.as_user(plan, self.agency.users["manager"]).unlink()

    def test_signed_plan_is_read_only(self):
        plan = self._make_plan()
        users = self.agency.users
        self.run_to_decision(plan)
        self.as_user(plan, users["secretary"]).action_approve()
        self.as_user(plan, users["head"]).action_sign()
        for user in (users["head"], users["manager"], users["planner"]):
            with self.assertRaises(UserError):
                self.as_user(plan, user).write({"disposition": "ubah"})
            with self.assertRaises(UserError):
                self.as_user(plan.line_ids[0], user).write({"target": "1"})
            with self.assertRaises(UserError):
                self.as_user(plan.line_ids[0], user).unlink()
            with self.assertRaises(UserError):
                self.as_user(plan.form_ids[0], user).write({"sequence": 3})
            with self.assertRaises(UserError):
                self.as_user(plan, user).unlink()
        with self.assertRaises(UserError):
            self.as_user(plan, users["head"]).action_cancel()

    def test_division_head_edits_own_lines_only_while_open(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        mine, other = plan.form_ids[0], plan.form_ids[1]
        me = mine.head_employee_id.user_id
        self.fill_form(other, other.head_employee_id.user_id)
        Line = self.env["rkt.plan.line"].with_user(me)
        with self.assertRaises(UserError):
            Line.create({"form_id": other.id, "indicator": "x", "target": "1", "uom": "%"})
        with self.assertRaises(UserError):
            other.line_ids[0].with_user(me).write({"target": "2"})
        line = Line.create({"form_id": mine.id, "indicator": "x", "target": "1", "uom": "%"})
        line.target = "2"
        self.as_user(mine, me).action_submit()
        with self.assertRaises(UserError):
            line.with_user(me).write({"target": "3"})
        # the division head reads every line of the plan
        self.assertEqual(
            len(self.env["rkt.plan.line"].with_user(me).search([("plan_id", "=", plan.id)])),
            3,
        )

    def test_secretary_returns_a_form_in_correction(self):
        plan = self._make_plan()
        users = self.agency.users
        self.run_to_fill(plan)
        self.fill_all(plan)
        self.complete(plan, users["team"], "Draft RKT")
        form = plan.form_ids[0]
        me = form.head_employee_id.user_id
        # the division head corrects their own lines during the correction step
        self.as_user(form.line_ids[0], me).write({"target": "≥ 85"})
        with self.assertRaises(UserError):
            self.as_user(plan.form_ids[1].line_ids[0], me).write({"target": "1"})
        # the secretary corrects any line
        self.as_user(plan.form_ids[1].line_ids[0], users["secretary"]).write({"uom": "Dokumen"})
        self.as_user(form, me).action_submit()
        self.as_user(form, users["secretary"]).return_form("Satuan indikator 2 salah")
        self.assertEqual(form.state, "returned")
        self.assertEqual(form.return_reason, "Satuan indikator 2 salah")
        self.as_user(form.line_ids[1], me).write({"uom": "Orang"})
        self.as_user(form, me).action_submit()
        self.as_user(form, users["secretary"]).action_accept_form()
        self.assertEqual(form.state, "accepted")
        self.assertEqual(plan.step_kind, "correction")
        # the secretary closes the correction step: the others are taken as they are
        self.complete(plan, users["secretary"], "Koreksi selesai")
        self.assertEqual(set(plan.form_ids.mapped("state")), {"accepted"})
        self.assertEqual(plan.step_kind, "process")

    def test_cancel(self):
        plan = self._make_plan()
        with self.assertRaises(UserError):
            self.as_user(plan, self.agency.users["team"]).action_cancel()
        self.as_user(plan, self.agency.users["head"]).action_cancel()
        self.assertEqual(plan.state, "cancelled")
        # a cancelled plan frees the year
        self._make_plan()


@tagged("post_install", "-at_install", "rkt_flow", "is_query_count")
@freeze_time("2027-01-11 01:00:00")
class TestRktPlanQueries(RktCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big_agency = cls._make_agency("Badan Besar", "bb", divisions=30)

    def _plan_at_step2(self, agency, year):
        plan = self._make_plan(agency=agency, year=year)
        self.start(plan, agency)
        return self.as_user(plan, agency.users["planner"])

    def _plan_at_meeting(self, agency, year):
        plan = self._plan_at_step2(agency, year)
        plan.complete_step("Jadwal")
        self.schedule_meeting(plan, agency)
        return plan

    def _measure(self, plan, note):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        plan.complete_step(note)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _assert_cost(self, prepare, note, expected):
        """Completing the step costs ``expected`` queries, with 3 divisions as with 30.

        Each size is warmed up once (caches of its users) before it is counted.
        """
        for agency in (self.agency, self.big_agency):
            self._measure(prepare(agency, 2026), note)
            plan = prepare(agency, 2027)
            self.env.flush_all()
            self.env.invalidate_all()
            # flush=False: the deferred mail tracking of every record touched before
            # would be counted too; the step's own writes are flushed inside.
            with self.assertQueryCount(expected, flush=False):
                plan.complete_step(note)
                self.env.flush_all()
        return plan

    def test_query_count_planning_step(self):
        plan = self._assert_cost(self._plan_at_step2, "Jadwal", 104)
        self.assertEqual(plan.step_kind, "meeting")

    def test_query_count_drafting_step(self):
        def prepare(agency, year):
            plan = self._plan_at_meeting(agency, year)
            plan.complete_step("Form")
            self.fill_all(plan, agency)
            self.complete(plan, agency.users["team"], "Draft RKT")
            self.complete(plan, agency.users["secretary"], "Koreksi")
            return self.as_user(plan, agency.users["team"])

        plan = self._assert_cost(prepare, "Draft RKT disusun", 116)
        self.assertEqual(plan.step_kind, "decision")

    def test_cost_of_opening_division_forms_per_division(self):
        """Opening the forms gives each division head an activity: Odoo assigns and
        subscribes per user, so this transition alone grows with the divisions, by a
        bounded number of queries each."""
        counts = {}
        for agency in (self.agency, self.big_agency):
            self._measure(self._plan_at_meeting(agency, 2026), "Form")
            counts[len(agency.departments)] = self._measure(
                self._plan_at_meeting(agency, 2027), "Form"
            )
        per_division = (counts[30] - counts[3]) / 27
        self.assertLessEqual(per_division, 7)
