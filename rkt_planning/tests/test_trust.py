from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RktCommon

OFFICIAL_FIELDS = (
    "head_employee_id",
    "secretary_employee_id",
    "planner_employee_id",
)


@tagged("post_install", "-at_install", "rkt_trust")
@freeze_time("2027-01-11 01:00:00")
class TestRktTrust(RktCommon):
    """Only the entitled act: roles need the official's place *and* the role's
    group; officials come from the settings; what the engine writes is refused to
    everyone else; a stale call is refused."""

    def _snapshot(self, plan):
        plan.invalidate_recordset()
        return {
            "officials": [plan[name] for name in OFFICIAL_FIELDS],
            "team": plan.team_employee_ids,
            "forms": [(f.department_id, f.head_employee_id) for f in plan.form_ids],
            "step": plan.step_id,
            "state": plan.state,
        }

    # ------------------------------------------------------------------
    # Roles and officials
    # ------------------------------------------------------------------

    def test_team_member_cannot_appoint_himself(self):
        """Issue 11 (1): the team member set himself as every official."""
        plan = self._make_plan()
        before = self._snapshot(plan)
        for role in ("team", "planner", "secretary"):
            user = self.agency.users[role]
            me = self.agency.employees[role]
            attacker = self.as_user(plan, user)
            for name in OFFICIAL_FIELDS:
                with self.subTest(role=role, field=name), self.assertRaises(UserError):
                    attacker.write({name: me.id})
            with self.subTest(role=role, field="team"), self.assertRaises(UserError):
                attacker.write({"team_employee_ids": [Command.set(me.ids)]})
            form = plan.form_ids[0]
            with self.subTest(role=role, field="form_ids"), self.assertRaises(UserError):
                attacker.write(
                    {"form_ids": [Command.update(form.id, {"head_employee_id": me.id})]}
                )
            with self.subTest(role=role, field="form head"), self.assertRaises(UserError):
                self.as_user(form, user).write({"head_employee_id": me.id})
            with self.subTest(role=role, field="new form"), self.assertRaises(UserError):
                self.as_user(self.env["rkt.plan.form"], user).create(
                    {"plan_id": plan.id, "department_id": self.agency.root.id}
                )
        self.assertEqual(self._snapshot(plan), before)

    def test_manager_and_head_change_officials_of_a_draft(self):
        plan = self._make_plan()
        other = self.agency.employees["outsider"]
        self.as_user(plan, self.agency.users["manager"]).write(
            {"planner_employee_id": other.id}
        )
        self.assertEqual(plan.planner_employee_id, other)
        self.as_user(plan, self.agency.users["head"]).write(
            {"planner_employee_id": self.agency.employees["planner"].id}
        )
        self.assertEqual(plan.planner_employee_id, self.agency.employees["planner"])

    def test_creating_with_other_officials_is_refused(self):
        env = self.env(
            user=self.agency.users["planner"],
            context=dict(self.env.context, allowed_company_ids=self.agency.company.ids),
        )
        with self.assertRaises(UserError) as refused:
            env["rkt.plan"].create(
                {
                    "company_id": self.agency.company.id,
                    "year": 2031,
                    "sop_id": self.sop.id,
                    "program_document_ref": "x",
                    "head_employee_id": self.agency.employees["planner"].id,
                }
            )
        self.assertIn("settings", str(refused.exception))
        self.assertFalse(self.env["rkt.plan"].search([("year", "=", 2031)]))

    def test_role_needs_its_group(self):
        """Issue 11 (1): a user holding only the Team group, set as head, signed."""
        plan = self._make_plan()
        team_user = self.agency.users["team"]
        self.as_user(plan, self.agency.users["manager"]).write(
            {"head_employee_id": self.agency.employees["team"].id}
        )
        self.as_user(plan, team_user).disposition = "Susun RKT"
        with self.assertRaisesRegex(UserError, "may not do this"):
            self.as_user(plan, team_user).action_start()
        self.assertEqual(plan.state, "draft")
        # even on a running plan whose head lost the group, the head may not sign
        plan2 = self._make_plan(year=2028)
        self.run_to_decision(plan2)
        self.as_user(plan2, self.agency.users["secretary"]).action_approve()
        head = self.agency.users["head"]
        head.groups_id = [Command.unlink(self.env.ref("rkt_planning.group_rkt_head").id)]
        with self.assertRaises(UserError):
            self.as_user(plan2, head).action_sign()
        self.assertEqual(plan2.state, "in_progress")
        self.assertFalse(plan2.signed_user_id)

    def test_head_and_secretary_are_two_people(self):
        plan = self._make_plan()
        manager = self.agency.users["manager"]
        self.as_user(plan, manager).write(
            {"secretary_employee_id": self.agency.employees["head"].id}
        )
        self.agency.users["head"].groups_id = [
            Command.link(self.env.ref("rkt_planning.group_rkt_secretary").id)
        ]
        self.as_user(plan, self.agency.users["head"]).disposition = "Susun RKT"
        with self.assertRaisesRegex(UserError, "both the head and the secretary"):
            self.as_user(plan, self.agency.users["head"]).action_start()
        self.assertEqual(plan.state, "draft")

    def test_one_person_cannot_take_both_decisions(self):
        """The secretary, acting as Plt. head, may not sign what he accepted."""
        plan = self._make_plan()
        secretary = self.agency.users["secretary"]
        secretary.groups_id = [Command.link(self.env.ref("rkt_planning.group_rkt_head").id)]
        self.run_to_decision(plan)
        self.as_user(plan, secretary).action_approve()
        self.env["rkt.delegation"].create(
            {
                "company_id": self.agency.company.id,
                "employee_id": self.agency.employees["head"].id,
                "delegate_employee_id": self.agency.employees["secretary"].id,
                "kind": "plt",
                "date_from": "2027-01-01",
                "date_to": "2027-01-31",
            }
        )
        with self.assertRaisesRegex(UserError, "two different people"):
            self.as_user(plan, secretary).action_sign()
        self.assertEqual(plan.state, "in_progress")

    # ------------------------------------------------------------------
    # What only the engine writes
    # ------------------------------------------------------------------

    def test_derived_fields_are_refused(self):
        """Issue 11 (3): stored computed and related fields were writable."""
        plan = self._make_plan()
        other_plan = self._make_plan(year=2028)
        self.run_to_fill(plan)
        form = plan.form_ids[0]
        head = form.head_employee_id.user_id
        line = self.add_lines(form, head, count=1)
        team = self.agency.users["team"]
        attempts = [
            (line, head, {"plan_id": other_plan.id}),
            (line, head, {"form_id": plan.form_ids[1].id}),
            (line, head, {"department_id": plan.form_ids[1].department_id.id}),
            (line, head, {"company_id": self.env.company.id}),
            (line, head, {"is_compiled": True}),
            (plan, team, {"step_kind": "sign"}),
            (plan, team, {"sop_root_id": False}),
            (plan, team, {"state": "signed"}),
            (form, team, {"is_open": False}),
            (form, team, {"plan_id": other_plan.id}),
            (form, team, {"state": "accepted"}),
        ]
        for record, user, vals in attempts:
            with self.subTest(model=record._name, vals=vals):
                before = record.read(list(vals))[0]
                with self.assertRaises(UserError):
                    self.as_user(record, user).write(vals)
                record.invalidate_recordset()
                self.assertEqual(record.read(list(vals))[0], before)
        # submitted: the team reopens it by writing is_open, and the division head
        # edits his submitted lines
        self.as_user(form, head).action_submit()
        with self.assertRaises(UserError):
            self.as_user(form, team).write({"is_open": True})
        with self.assertRaises(UserError):
            self.as_user(line, head).write({"target": "100"})
        # create and copy: no engine field
        with self.assertRaises(UserError):
            self.as_user(self.env["rkt.plan.line"], head).create(
                {"form_id": form.id, "indicator": "x", "target": "1", "uom": "%",
                 "is_compiled": True}
            )
        with self.assertRaises(UserError):
            self.as_user(other_plan, self.agency.users["planner"]).copy(
                {"state": "signed"}
            )

    def test_import_cannot_set_engine_fields(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        form = plan.form_ids[0]
        head = form.head_employee_id.user_id
        lines = self.as_user(self.env["rkt.plan.line"], head)
        result = lines.load(
            ["form_id/.id", "indicator", "target", "uom", "is_compiled"],
            [[str(form.id), "Indikator impor", "80", "%", "1"]],
        )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertFalse(form.line_ids)
        # the same row without the engine's field imports
        result = lines.load(
            ["form_id/.id", "indicator", "target", "uom"],
            [[str(form.id), "Indikator impor", "80", "%"]],
        )
        self.assertEqual(len(result["ids"]), 1)
        self.assertFalse(form.line_ids.is_compiled)

    def test_complete_step_links_only_this_plans_documents(self):
        """Issue 11 (7): complete_step linked any attachment id."""
        plan = self._make_plan()
        other_agency = self._make_agency("Dinas Lain", "dl", divisions=1)
        foreign = self.env["ir.attachment"].create(
            {"name": "RKT lain - signed.pdf", "raw": b"%PDF-1.4 x",
             "res_model": "rkt.plan", "res_id": self._make_plan(agency=other_agency).id}
        )
        self.start(plan)
        planner = self.agency.users["planner"]
        with self.assertRaises(UserError):
            self.as_user(plan, planner).complete_step("jadwal", [foreign.id])
        self.assertEqual(plan.step_id.number, 2)
        mine = self.as_user(self.env["ir.attachment"], planner).create(
            {"name": "jadwal.pdf", "raw": b"%PDF-1.4 jadwal",
             "res_model": "rkt.plan.step.complete"}
        )
        self.as_user(plan, planner).complete_step("jadwal", [mine.id])
        self.assertEqual(plan.log_ids.filtered("attachment_ids").attachment_ids, mine)

    def test_log_is_for_rkt_users_only(self):
        plan = self._make_plan()
        self.start(plan)
        plain = new_test_user(
            self.env, login="plain_user", groups="base.group_user",
            company_id=self.agency.company.id,
            company_ids=[Command.set(self.agency.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.as_user(plan.log_ids, plain).read(["reason"])

    def _agency_sop(self):
        """A copy of the seed SOP for the agency, not used by any plan yet."""
        return self.sop.with_company(self.agency.company)._copy_with_steps(
            {"company_id": self.agency.company.id, "name": "SOP uji", "version": 1}
        )

    def test_workflow_activities_are_the_engines(self):
        """Every user of the agency may post on an RKT, which in Odoo lets them
        create, change and delete its activities: the procedure's to-dos and
        reminders are refused to them; the assignee marks only their own reminder
        done; ordinary activities stay as Odoo has them."""
        plan = self._make_plan()
        self.run_to_fill(plan)
        form = plan.form_ids[0]
        todo = form.activity_ids
        self.assertEqual(len(todo), 1)
        self.assertTrue(todo.rkt_step_id)
        owner = form.head_employee_id.user_id
        team = self.agency.users["team"]
        secretary = self.agency.users["secretary"]
        for user in (plan.form_ids[1].head_employee_id.user_id, team, secretary, owner):
            with self.assertRaises(AccessError):
                self.as_user(todo, user).unlink()
            with self.assertRaises(AccessError):
                self.as_user(todo, user).write({"user_id": user.id})
            with self.assertRaises(AccessError):
                self.as_user(todo, user).write({"date_deadline": "2030-01-01"})
        self.assertEqual(todo.user_id, owner)
        Activity = self.as_user(self.env["mail.activity"], team)
        plan_model = self.env["ir.model"]._get_id("rkt.plan")
        # nobody forges a to-do of the procedure
        with self.assertRaises(AccessError):
            Activity.create(
                {
                    "res_model_id": plan_model,
                    "res_id": plan.id,
                    "activity_type_id": self.env.ref("rkt_planning.mail_act_rkt_sign").id,
                    "user_id": team.id,
                }
            )
        # an ordinary activity on the plan: as Odoo has it, but not made a to-do
        mine = Activity.create(
            {
                "res_model_id": plan_model,
                "res_id": plan.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Siapkan bahan rapat",
                "user_id": team.id,
            }
        )
        mine.write({"summary": "Siapkan bahan rapat koordinasi"})
        with self.assertRaises(AccessError):
            mine.write({"rkt_step_id": plan.step_id.id, "rkt_round": plan.round})
        mine.unlink()
        # an escalation is its assignee's reminder: she marks it done, nobody else
        escalation = self.env["mail.activity"].create(
            {
                "res_model_id": plan_model,
                "res_id": plan.id,
                "activity_type_id": self.env.ref(
                    "rkt_planning.mail_act_rkt_escalation"
                ).id,
                "user_id": secretary.id,
                "rkt_step_id": plan.step_id.id,
                "rkt_round": plan.round,
            }
        )
        with self.assertRaises(AccessError):
            self.as_user(escalation, team).unlink()
        with self.assertRaises(AccessError):
            self.as_user(escalation, secretary).write({"user_id": team.id})
        self.as_user(escalation, secretary).action_feedback(feedback="Sudah ditindaklanjuti")
        self.assertFalse(escalation.exists())
        # a system administrator archives a division head who leaves: Odoo deletes
        # their activities, the RKT to-do included
        admin = self.env.ref("base.user_admin")
        admin.company_ids = [Command.link(self.agency.company.id)]
        self.assertFalse(self.env(user=admin).su)
        self.as_user(owner, admin).action_archive()
        self.assertFalse(todo.exists())

    def test_activity_note_escapes_the_steps_text(self):
        sop = self._agency_sop()
        sop.step_ids[1].requirement = "<img src=x onerror=alert(1)>"
        plan = self._make_plan(sop=sop)
        self.start(plan)
        note = str(plan.activity_ids.note)
        self.assertNotIn("<img", note)
        self.assertIn("&lt;img", note)

    def test_meeting_scheduled_twice_is_one_event(self):
        plan = self._make_plan()
        self.start(plan)
        self.complete(plan, self.agency.users["planner"], "Jadwal")
        self.schedule_meeting(plan)
        event = plan.meeting_event_id
        planner_plan = self.as_user(plan, self.agency.users["planner"])
        planner_plan.meeting_start = "2027-01-13 02:00:00"
        planner_plan.action_schedule_meeting()
        self.assertEqual(plan.meeting_event_id, event)
        self.assertEqual(str(event.start), "2027-01-13 02:00:00")
        self.assertEqual(
            self.env["calendar.event"].search_count(
                [("res_model", "=", "rkt.plan"), ("res_id", "=", plan.id)]
            ),
            1,
        )

    def test_numbers_per_agency_and_fiscal_year(self):
        other_agency = self._make_agency("Badan Lain", "bl", divisions=1)
        first = self._make_plan(year=2027)
        second = self._make_plan(agency=other_agency, year=2027)
        third = self._make_plan(year=2028)
        self.assertTrue(first.name.startswith("RKT/2027/"))
        self.assertEqual(first.name.rsplit("/", 1)[1], second.name.rsplit("/", 1)[1])
        self.assertEqual(third.name, f"RKT/2028/{first.name.rsplit('/', 1)[1]}")

    def test_overlapping_delegations_are_refused(self):
        vals = {
            "company_id": self.agency.company.id,
            "employee_id": self.agency.employees["head"].id,
            "delegate_employee_id": self.agency.employees["secretary"].id,
            "kind": "plh",
            "date_from": "2027-01-01",
            "date_to": "2027-01-15",
        }
        self.env["rkt.delegation"].create(vals)
        with self.assertRaises(ValidationError):
            self.env["rkt.delegation"].create(
                dict(vals, delegate_employee_id=self.agency.employees["planner"].id,
                     date_from="2027-01-10", date_to="2027-01-20")
            )
        self.env["rkt.delegation"].create(
            dict(vals, date_from="2027-01-16", date_to="2027-01-20")
        )

    def test_submission_chain_is_not_run_as_superuser(self):
        """Issue 11 (7): action_submit ran the whole automatic chain with sudo."""
        plan = self._make_plan()
        self.run_to_fill(plan)
        for form in plan.form_ids[1:]:
            self.fill_form(form, form.head_employee_id.user_id)
        seen = []
        Plan = type(self.env["rkt.plan"])
        original = Plan._complete_current_step

        def spy(records, *args, **kwargs):
            seen.append(records.env.su)
            return original(records, *args, **kwargs)

        last = plan.form_ids[0]
        with patch.object(Plan, "_complete_current_step", spy):
            self.fill_form(last, last.head_employee_id.user_id)
        self.assertTrue(seen)
        self.assertFalse(any(seen))
        closed = plan.log_ids.filtered(lambda log: log.step_id.kind == "fill")
        self.assertEqual(closed.user_id, last.head_employee_id.user_id)

    # ------------------------------------------------------------------
    # Stale and doubled calls
    # ------------------------------------------------------------------

    def test_stale_call_is_refused(self):
        """Issue 11 (4): a doubled request completed the next step too."""
        plan = self._make_plan()
        self.start(plan)
        planner = self.as_user(plan, self.agency.users["planner"])
        step2 = plan.step_id
        planner.complete_step("Jadwal", expected_step_id=step2.id)
        step3 = plan.step_id
        self.assertNotEqual(step2, step3)
        # step 3 has the same executor: the doubled request must not complete it
        with self.assertRaisesRegex(UserError, "moved on"):
            planner.complete_step("Jadwal", expected_step_id=step2.id)
        self.assertEqual(plan.step_id, step3)
        # the buttons send the step in the context
        with self.assertRaisesRegex(UserError, "moved on"):
            planner.with_context(rkt_expected_step_id=step2.id).action_schedule_meeting()

    def test_tidak_to_a_fill_step_reopens_the_forms(self):
        """Issue 11 (7): a 'tidak' back to the fill step skipped straight to compile."""
        sop = self._agency_sop()
        fill = sop.step_ids.filtered(lambda s: s.kind == "fill")
        sop.step_ids.filtered(lambda s: s.kind in ("decision", "sign")).write(
            {"return_step_id": fill.id}
        )
        plan = self._make_plan(sop=sop)
        self.run_to_decision(plan)
        secretary = self.as_user(plan, self.agency.users["secretary"])
        secretary.return_to_step("Isi ulang semua")
        self.assertEqual(plan.step_id, fill)
        self.assertEqual(set(plan.form_ids.mapped("state")), {"to_fill"})
        self.assertTrue(all(plan.form_ids.mapped("is_open")))
