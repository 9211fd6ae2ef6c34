from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import RktCommon


@tagged("post_install", "-at_install")
class TestRktOffers(RktCommon):
    """The views offer only what the server allows, and refusals say why in the
    addon's own words."""

    def test_other_division_form_is_read_only(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        own, other = plan.form_ids[0], plan.form_ids[1]
        head = own.head_employee_id.user_id
        self.assertTrue(self.as_user(own, head).user_can_edit_lines)
        self.assertFalse(self.as_user(other, head).user_can_edit_lines)
        # the form's "Lines" button: the editable list for one's own form, a list
        # without New, Delete, Import or edit in place for another's
        arch = self.as_user(own, head).get_view(
            self.env.ref("rkt_planning.rkt_plan_form_view_form").id
        )["arch"]
        readonly_action = self.env.ref("rkt_planning.rkt_plan_line_action_division_form_readonly")
        self.assertIn(f'name="{readonly_action.id}"', arch)
        readonly = self.env["rkt.plan.line"].get_view(
            self.env.ref("rkt_planning.rkt_plan_line_view_list_division_readonly").id
        )["arch"]
        for attribute in ('create="0"', 'delete="0"', 'edit="0"', 'import="0"'):
            self.assertIn(attribute, readonly)
        self.assertNotIn("editable=", readonly)
        # the server decides, with its own message
        with self.assertRaisesRegex(AccessError, "own division") as refused:
            self.add_lines(other, head, count=1)
        self.assertIn(other.department_id.name, str(refused.exception))
        line = self.add_lines(own, head, 1)
        with self.assertRaisesRegex(UserError, "own division"):
            self.as_user(line, other.head_employee_id.user_id).target = "90"
        with self.assertRaisesRegex(AccessError, "own division"):
            self.as_user(other, head).sequence = 5
        for form in plan.form_ids - own:
            self.fill_form(form, form.head_employee_id.user_id)
        # submitted: the division head's form is no longer editable
        self.as_user(own, head).action_submit()
        self.assertFalse(self.as_user(own, head).user_can_edit_lines)
        # at the compile step the team edits every line
        team = self.agency.users["team"]
        self.assertEqual(plan.step_kind, "compile")
        self.assertTrue(all(self.as_user(plan.form_ids, team).mapped("user_can_edit_lines")))

    def test_mark_done_opens_the_step(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        form = plan.form_ids[0]
        head = form.head_employee_id.user_id
        activity = form.activity_ids.filtered(lambda a: a.user_id == head)
        self.assertTrue(activity.rkt_step_id)
        for method in ("action_feedback", "action_feedback_schedule_next", "action_done"):
            with self.subTest(method=method):
                with self.assertRaises(RedirectWarning) as redirect:
                    getattr(activity.with_user(head), method)()
                message, action, _button = redirect.exception.args[:3]
                self.assertIn("Serahkan", message)
                self.assertEqual(
                    (action["res_model"], action["res_id"]), ("rkt.plan.form", form.id)
                )
        self.assertTrue(activity.exists(), "the to-do stays until the form is submitted")
        # an ordinary to-do is still marked done as usual
        todo = form.activity_schedule("mail.mail_activity_data_todo", user_id=head.id)
        self.as_user(todo, head).action_feedback(feedback="ok")
        self.assertFalse(todo.exists())
        self.fill_form(form, head)
        self.assertFalse(activity.exists(), "submitting closes it")

    @freeze_time("2026-10-05")
    def test_new_plan_defaults_to_next_free_year(self):
        planner = self.agency.users["planner"]
        Plan = self.as_user(self.env["rkt.plan"], planner)
        self.assertEqual(Plan._default_year(), 2027)
        self._make_plan(year=2027)
        self.assertEqual(Plan._default_year(), 2028)
        new = Plan.new({})
        self.assertFalse(new.name, "an unsaved plan has no number")

    def test_refusals_give_the_right_advice(self):
        plan = self._make_plan(year=2027)
        with self.assertRaisesRegex(ValidationError, "cancel"):
            self._make_plan(year=2027)
        plan._engine_write({"state": "archived"})
        with self.assertRaisesRegex(ValidationError, "signed or archived") as refused:
            self._make_plan(year=2027)
        self.assertNotIn("cancel", str(refused.exception).lower())
        self.assertTrue(self._make_plan(year=2028))

    def test_plan_is_not_duplicated(self):
        plan = self._make_plan()
        for user in (self.agency.users["manager"], self.agency.users["planner"]):
            with self.assertRaisesRegex(UserError, "cannot be duplicated"):
                self.as_user(plan, user).copy()
        arch = self.env["rkt.plan"].get_view(view_type="form")["arch"]
        self.assertIn('duplicate="0"', arch)

    def test_task_cards_offer_the_step_actions(self):
        """My RKT Tasks: each card offers the actions its user may take now, and
        its buttons go through the records' own checks."""
        plan = self._make_plan()
        self.run_to_fill(plan)
        form = plan.form_ids[0]
        head = form.head_employee_id.user_id
        Activity = self.env["mail.activity"]
        cards = self.as_user(Activity, head).search(
            [("user_id", "=", head.id), ("rkt_step_id", "!=", False)]
        )
        card = cards.filtered(lambda a: a.res_id == form.id)
        self.assertEqual(len(card), 1)
        self.add_lines(form, head, count=2)
        card.invalidate_recordset()
        self.assertTrue(card.rkt_can_submit)
        self.assertFalse(card.rkt_can_approve or card.rkt_can_sign)
        self.assertEqual(card.rkt_line_count, 2)
        self.assertEqual(card.rkt_budget_total, 3000000)
        action = card.action_rkt_submit()
        self.assertEqual((action["res_model"], action["res_id"]), ("rkt.plan.form", form.id))
        self.assertEqual(form.state, "submitted")
        self.assertFalse(card.exists())
        # the secretary's decision card
        for other in plan.form_ids - form:
            self.fill_form(other, other.head_employee_id.user_id)
        users = self.agency.users
        self.complete(plan, users["team"], "Draft RKT")
        for f in plan.form_ids:
            self.as_user(f, f.head_employee_id.user_id).action_submit()
        self.as_user(plan.form_ids, users["secretary"]).action_accept_form()
        self.complete(plan, users["team"], "Draft RKT disusun")
        secretary = users["secretary"]
        card = self.as_user(Activity, secretary).search(
            [("user_id", "=", secretary.id), ("res_model", "=", "rkt.plan"),
             ("res_id", "=", plan.id), ("rkt_step_id", "=", plan.step_id.id)]
        )
        self.assertTrue(card.rkt_can_approve and card.rkt_can_return)
        self.assertFalse(card.rkt_can_sign)
        # the team's card of an earlier step offers nothing any more
        self.assertFalse(
            self.as_user(Activity, users["team"]).search(
                [("user_id", "=", users["team"].id), ("res_id", "=", plan.id),
                 ("res_model", "=", "rkt.plan")]
            ).filtered("rkt_can_complete")
        )
        card.action_rkt_approve()
        self.assertEqual(plan.step_kind, "sign")

    def test_draft_preview_and_template_sheet(self):
        """The draft RKT previews as a page (no download); a template SOP's sheet
        prints no logo of the current company."""
        plan = self._make_plan()
        self.run_to_decision(plan)
        secretary = self.agency.users["secretary"]
        action = self.as_user(plan, secretary).action_preview_draft()
        self.assertEqual(action["report_type"], "qweb-html")
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(secretary)
            .with_context(allowed_company_ids=secretary.company_ids.ids)
            ._render_qweb_html(action["report_name"], plan.ids)
        )
        self.assertIn(plan.line_ids[0].indicator, html.decode())
        report = self.env["report.rkt_planning.report_rkt_sop"]
        self.assertFalse(report._get_identity(self.sop)["logo"])
