import json
from datetime import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tools.discuss import Store

from .common import RktCommon

# 2027-01-07 is a Thursday; Monday 2027-01-11 is a public holiday in these tests.


@tagged("post_install", "-at_install", "rkt_deadline")
class TestRktWorkingDays(RktCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.agency.company.resource_calendar_id
        leaves = cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Libur nasional",
                    "calendar_id": cls.calendar.id,
                    "date_from": "2027-01-10 16:00:00",  # Mon 00:00 WITA
                    "date_to": "2027-01-11 15:59:59",
                },
                {
                    "name": "Cuti bersama",
                    "calendar_id": False,  # every calendar of the agency
                    "date_from": "2027-01-17 16:00:00",  # Mon 18 - Tue 19 WITA
                    "date_to": "2027-01-19 15:59:59",
                },
            ]
        )
        # the company of a leave without calendar is computed: the agency's
        leaves[1].company_id = cls.agency.company
        cls.plan = cls._make_plan()
        steps = cls.plan.sop_id.step_ids  # the agency's copy of the template
        cls.three_days = steps[3]
        cls.one_day = steps[1]
        cls.one_week = steps[7]

    def _deadline(self, step, start):
        return self.plan._get_step_deadline(step, fields.Datetime.to_datetime(start))

    def test_thursday_afternoon_three_days_monday_holiday(self):
        # Thu 14:00 WITA: Fri, (Sat, Sun, Mon holiday), Tue, Wed -> Wed 16:00 WITA
        deadline = self._deadline(self.three_days, "2027-01-07 06:00:00")
        self.assertEqual(deadline, datetime(2027, 1, 13, 8, 0))

    def test_weekend(self):
        # a one-day step started on Friday is due on Monday... a holiday, so Tuesday
        self.assertEqual(
            self._deadline(self.one_day, "2027-01-08 03:00:00"), datetime(2027, 1, 12, 8, 0)
        )
        # a week (5 working days) from Wed 13: Thu, Fri, Mon 18 and Tue 19 are cuti
        # bersama -> Wed 20, Thu 21, Fri 22
        self.assertEqual(
            self._deadline(self.one_week, "2027-01-13 02:00:00"), datetime(2027, 1, 22, 8, 0)
        )

    def test_time_zone_at_day_boundary(self):
        # Wed 23:30 UTC is already Thursday 07:30 in Asia/Makassar
        self.assertEqual(
            self._deadline(self.three_days, "2027-01-06 23:30:00"),
            datetime(2027, 1, 13, 8, 0),
        )
        # Wed 15:30 UTC is still Wednesday 23:30 in Asia/Makassar: Thu, Fri, Tue
        self.assertEqual(
            self._deadline(self.three_days, "2027-01-06 15:30:00"),
            datetime(2027, 1, 12, 8, 0),
        )

    def test_plan_deadline_and_remaining_days(self):
        with freeze_time("2027-01-07 06:00:00"):
            self.start(self.plan)
            self.assertEqual(self.plan.step_deadline, datetime(2027, 1, 8, 8, 0))
            self.assertEqual(self.plan.remaining_days, 1)
            self.assertFalse(self.plan.is_late)
        with freeze_time("2027-01-13 03:00:00"):
            self.plan.invalidate_recordset(["is_late", "remaining_days"])
            self.assertTrue(self.plan.is_late)
            # due Fri 8; Tue 12 and Wed 13 are working days (Mon 11 is a holiday)
            self.assertEqual(self.plan.remaining_days, -2)
            self.assertIn(self.plan, self.env["rkt.plan"].search([("is_late", "=", True)]))


@tagged("post_install", "-at_install", "rkt_deadline")
@freeze_time("2027-01-04 01:00:00")
class TestRktActivities(RktCommon):
    def _open(self, record, user=None):
        # the RKT's own activities (the meeting also gives attendees a calendar one)
        acts = record.activity_ids.filtered("rkt_step_id")
        return acts.filtered(lambda a: a.user_id == user) if user else acts

    def _assert_no_duplicate(self, plan):
        for record in [plan, *plan.form_ids]:
            keys = [(a.user_id, a.rkt_step_id, a.rkt_round) for a in record.activity_ids]
            self.assertEqual(len(keys), len(set(keys)), f"duplicate activity on {record}")

    def test_activities_through_a_full_run(self):
        users = self.agency.users
        step_type = self.env.ref("rkt_planning.mail_act_rkt_step")
        plan = self._make_plan()
        self.assertFalse(plan.activity_ids)
        self.start(plan)
        act = self._open(plan, users["planner"])
        self.assertEqual(act.activity_type_id, step_type)
        self.assertEqual(act.rkt_step_id, plan.sop_id.step_ids[1])
        self.assertEqual(str(act.date_deadline), "2027-01-05")
        self.assertIn("Disposisi", act.note)  # what the step needs
        self.complete(plan, users["planner"], "Jadwal")
        self.assertEqual(self._open(plan).user_id, users["planner"] | users["team"])
        done = plan.message_ids.filtered(lambda m: m.mail_activity_type_id == step_type)
        self.assertTrue(done, "the finished step's activity is marked done")
        self.schedule_meeting(plan)
        self.complete(plan, users["team"], "Form")
        self.assertFalse(self._open(plan), "division heads act on their forms")
        for form in plan.form_ids:
            self.assertEqual(
                self._open(form).user_id, form.head_employee_id.user_id, form.department_id.name
            )
            self.assertEqual(
                self._open(form).activity_type_id, self.env.ref("rkt_planning.mail_act_rkt_fill")
            )
        self.fill_all(plan)
        self.assertFalse(self._open(plan.form_ids))
        self.assertEqual(self._open(plan).user_id, users["team"])  # compile
        self.complete(plan, users["team"], "Draft")
        self.assertEqual(self._open(plan).user_id, users["secretary"])  # correction
        self.assertEqual(len(self._open(plan.form_ids)), 3)
        for form in plan.form_ids:
            self.as_user(form, form.head_employee_id.user_id).action_submit()
        self.as_user(plan.form_ids, users["secretary"]).action_accept_form()
        self.assertFalse(self._open(plan.form_ids))
        self.complete(plan, users["team"], "Draft")
        decide = self.env.ref("rkt_planning.mail_act_rkt_decide")
        self.assertEqual(self._open(plan).activity_type_id, decide)
        self.assertEqual(self._open(plan).user_id, users["secretary"])
        # tidak at 9: the decision is done, the drafting step is due again, round 2
        self.as_user(plan, users["secretary"]).return_to_step("Perbaiki target")
        self.assertEqual(self._open(plan).user_id, users["team"] | users["planner"])
        self.assertEqual(set(self._open(plan).mapped("rkt_round")), {2})
        self._assert_no_duplicate(plan)
        self.complete(plan, users["planner"], "Draft 2")
        self.as_user(plan, users["secretary"]).action_approve()
        sign = self.env.ref("rkt_planning.mail_act_rkt_sign")
        self.assertEqual(self._open(plan).activity_type_id, sign)
        self.assertEqual(self._open(plan).user_id, users["head"])
        # tidak at 10
        self.as_user(plan, users["head"]).return_to_step("Anggaran")
        self.assertEqual(set(self._open(plan).mapped("rkt_round")), {3})
        self.complete(plan, users["team"], "Draft 3")
        self.as_user(plan, users["secretary"]).action_approve()
        self.as_user(plan, users["head"]).action_sign()
        self.assertEqual(self._open(plan).user_id, users["planner"] | users["team"])
        self.complete(plan, users["planner"], "Berkas")
        self.assertFalse(self._open(plan) | self._open(plan.form_ids))

    def test_return_form_schedules_again_and_early_close_cancels(self):
        users = self.agency.users
        plan = self._make_plan()
        self.run_to_fill(plan)
        first = plan.form_ids[0]
        self.fill_form(first, first.head_employee_id.user_id)
        self.assertFalse(self._open(first))
        self.as_user(first, users["team"]).return_form("Lengkapi sasaran")
        self.assertEqual(self._open(first).user_id, first.head_employee_id.user_id)
        self.as_user(first, first.head_employee_id.user_id).action_submit()
        self.as_user(plan, users["team"]).action_close_collection()
        self.assertFalse(self._open(plan.form_ids), "missing divisions' activities cancelled")
        self._assert_no_duplicate(plan)

    def test_cancel_removes_activities(self):
        plan = self._make_plan()
        self.start(plan)
        self.assertTrue(self._open(plan))
        self.as_user(plan, self.agency.users["head"]).action_cancel()
        self.assertFalse(self._open(plan))


@tagged("post_install", "-at_install", "rkt_deadline", "is_query_count")
class TestRktDeadlineCron(RktCommon):
    def _late_plans(self, count, first_year=2030):
        plans = self.env["rkt.plan"]
        with freeze_time("2027-01-04 01:00:00"):  # Monday
            for year in range(first_year, first_year + count):
                plan = self._make_plan(year=year)
                self.start(plan)
                plans |= plan
        return plans

    def _alerts(self, plans):
        return self.env["mail.message"].search(
            [("model", "=", "rkt.plan"), ("res_id", "in", plans.ids), ("body", "ilike", "Tepat Waktu")]
        )

    def _escalations(self, plans):
        return self.env["mail.message"].search(
            [("model", "=", "rkt.plan"), ("res_id", "in", plans.ids), ("body", "ilike", "Escalation")]
        )

    def test_reminder_once_a_day_and_escalation_once_per_level(self):
        plans = self._late_plans(1)
        plan = plans
        self.agency.company.rkt_escalation_days = 2
        Plan = self.env["rkt.plan"]
        # due Tue 5 16:00 WITA; Wed 6 = 1 working day late
        with freeze_time("2027-01-06 10:00:00"):
            Plan._cron_deadline_alerts()
            Plan._cron_deadline_alerts()
        alerts = self._alerts(plan)
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.partner_ids, self.agency.users["planner"].partner_id)
        self.assertIn(self.agency.users["planner"].partner_id, alerts.notification_ids.res_partner_id)
        self.assertFalse(self._escalations(plan))
        log = plan.log_ids.filtered(lambda entry: not entry.date_end)
        self.assertEqual(log.reminder_count, 1)
        # Thu 7 = 2 working days late: reminder and escalation to the secretary
        with freeze_time("2027-01-07 10:00:00"):
            Plan._cron_deadline_alerts()
            Plan._cron_deadline_alerts()
        self.assertEqual(len(self._alerts(plan)), 2)
        escalations = self._escalations(plan)
        self.assertEqual(len(escalations), 1)
        self.assertEqual(escalations.partner_ids, self.agency.users["secretary"].partner_id)
        escalation_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        self.assertEqual(
            plan.activity_ids.filtered(lambda a: a.activity_type_id == escalation_type).user_id,
            self.agency.users["secretary"],
        )
        self.assertEqual(log.escalation_level, 1)
        # Mon 11 = 4 working days late: level 2 reaches the head, once
        with freeze_time("2027-01-11 10:00:00"):
            Plan._cron_deadline_alerts()
            Plan._cron_deadline_alerts()
        escalations = self._escalations(plan)
        self.assertEqual(len(escalations), 2)
        self.assertIn(self.agency.users["head"].partner_id, escalations.partner_ids)
        self.assertEqual(log.escalation_level, 2)
        self.assertEqual(log.reminder_count, 3)

    def test_reminders_off(self):
        plan = self._late_plans(1)
        self.agency.company.rkt_reminders_enabled = False
        with freeze_time("2027-01-08 10:00:00"):
            self.env["rkt.plan"]._cron_deadline_alerts()
        self.assertFalse(self._alerts(plan))

    def test_late_division_forms_are_reminded(self):
        with freeze_time("2027-01-04 01:00:00"):
            plan = self._make_plan()
            self.run_to_fill(plan)
            first = plan.form_ids[0]
            self.fill_form(first, first.head_employee_id.user_id)
        with freeze_time("2027-01-12 10:00:00"):
            self.env["rkt.plan"]._cron_deadline_alerts()
        late_forms = plan.form_ids[1:]
        for form in late_forms:
            messages = form.message_ids.filtered(lambda m: "Tepat Waktu" in (m.body or ""))
            self.assertEqual(messages.partner_ids, form.head_employee_id.user_id.partner_id)
            self.assertEqual(form.reminder_count, 1)
        self.assertFalse(first.message_ids.filtered(lambda m: "Tepat Waktu" in (m.body or "")))

    def test_query_count_independent_of_plans(self):
        """2 or 6 late plans (each reminded and escalated) cost the same queries."""
        self.agency.company.rkt_escalation_days = 2
        expected = None
        for number, first_year in ((2, 2030), (2, 2040), (6, 2050)):
            # the plans of the previous round are no longer late: cancelled
            previous = self.env["rkt.plan"].search(
                [("state", "=", "in_progress"), ("company_id", "=", self.agency.company.id)]
            )
            self.as_user(previous, self.agency.users["head"]).action_cancel()
            plans = self._late_plans(number, first_year)
            with freeze_time("2027-01-07 10:00:00"):
                self.env.flush_all()
                self.env.invalidate_all()
                if first_year == 2030:  # warm-up: caches of the job itself
                    self.env["rkt.plan"]._cron_deadline_alerts()
                    continue
                if expected is None:  # 2 late plans: the reference
                    before = self.cr.sql_log_count
                    self.env["rkt.plan"]._cron_deadline_alerts()
                    self.env.flush_all()
                    expected = self.cr.sql_log_count - before
                else:  # 6 late plans: the same number of queries
                    with self.assertQueryCount(expected, flush=False):
                        self.env["rkt.plan"]._cron_deadline_alerts()
                        self.env.flush_all()
            self.assertEqual(len(self._alerts(plans)), number)
            self.assertEqual(len(self._escalations(plans)), number)


@tagged("post_install", "-at_install", "rkt_deadline")
class TestRktDeadlineJobRows(RktCommon):
    """The job inserts its messages, notifications, activities, followers and bus
    notifications without ``create()``: they must be what the ORM makes, and cost
    one statement per kind whatever their number."""

    def _escalated_plan(self):
        """A plan late by two working days: reminded, and escalated once."""
        self.agency.company.rkt_escalation_days = 2
        with freeze_time("2027-01-04 01:00:00"):  # Monday
            plan = self._make_plan()
            self.start(plan)
        with freeze_time("2027-01-07 10:00:00"):  # due Tue 5: 2 working days late
            self.env["rkt.plan"]._cron_deadline_alerts()
            self.env.flush_all()
        return plan

    @freeze_time("2027-01-07 10:00:00")
    def test_rows_are_what_the_orm_makes(self):
        plan = self._escalated_plan()
        planner = self.agency.users["planner"]
        secretary = self.agency.users["secretary"]
        odoobot = self.env.ref("base.partner_root")
        # the reminder, in the planner's inbox
        reminder = self.env["mail.message"].with_user(planner).search(
            [("needaction", "=", True), ("model", "=", "rkt.plan"), ("res_id", "=", plan.id)]
        )
        self.assertEqual(len(reminder), 1)
        self.assertIn("Peringatan: Tepat Waktu", reminder.body)
        self.assertTrue(reminder.body.startswith("<p>"))
        self.assertEqual(reminder.author_id, odoobot)
        self.assertEqual(reminder.email_from, odoobot.email_formatted)
        self.assertEqual(reminder.record_name, plan.display_name)
        self.assertEqual(reminder.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(reminder.message_type, "notification")
        self.assertIn(f"{plan.id}-rkt.plan", reminder.message_id)
        self.assertEqual(reminder.create_date, self.env.cr.now())
        self.assertEqual(reminder.notification_ids.notification_status, "ready")
        self.assertEqual(reminder.notification_ids.author_id, odoobot)
        self.assertIn(reminder, plan.message_ids)
        # the web client's inbox reads it as any other message
        data = Store(reminder.with_user(planner), for_current_user=True).get_result()
        self.assertEqual([m["id"] for m in data["mail.message"]], reminder.ids)
        self.assertTrue(data["mail.message"][0]["needaction"])
        # the escalation: a message and an activity of the secretary, who now
        # follows the plan with the default subtypes
        escalation = plan.message_ids.filtered(lambda m: "Escalation" in m.body)
        self.assertEqual(escalation.partner_ids, secretary.partner_id)
        self.assertNotEqual(escalation.message_id, reminder.message_id)
        escalation_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        activity = plan.with_user(secretary).activity_ids.filtered(
            lambda a: a.activity_type_id == escalation_type
        )
        self.assertEqual(activity.user_id, secretary)
        self.assertEqual(activity.res_model, "rkt.plan")
        self.assertEqual(activity.res_name, plan.display_name)
        self.assertEqual(activity.state, "today")
        self.assertFalse(activity.date_done)
        self.assertTrue(activity.automated)
        self.assertEqual(activity.create_uid, self.env.user)
        groups = self.env["res.users"].with_user(secretary)._get_activity_groups()
        rkt_group = next(group for group in groups if group["model"] == "rkt.plan")
        self.assertGreaterEqual(rkt_group["today_count"], 1)
        follower = plan.message_follower_ids.filtered(
            lambda f: f.partner_id == secretary.partner_id
        )
        default_subtypes = self.env["mail.message.subtype"].default_subtypes("rkt.plan")[0]
        self.assertEqual(follower.subtype_ids, default_subtypes)
        # the secretary's activity counter is told through the bus
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", secretary.partner_id.id], separators=(",", ":")
        )
        notices = self.env["bus.bus"].sudo().search([("channel", "=", channel)])
        self.assertIn("mail.activity/updated", " ".join(notices.mapped("message")))
        # and the activity is done as any other
        activity.with_user(secretary).action_feedback(feedback="Sudah ditindaklanjuti")
        self.assertFalse(activity.exists())
        self.assertTrue(
            plan.message_ids.filtered(lambda m: "Sudah ditindaklanjuti" in (m.body or ""))
        )

    @freeze_time("2027-01-07 10:00:00")
    def test_one_statement_per_kind_of_row(self):
        """3 or 250 reminders, escalations and new followers (more than the ORM's
        100 rows per insert) cost the same queries."""
        plan = self._escalated_plan()
        job = self.env["rkt.deadline.job"]
        users = self.agency.users
        people = [users[role] for role in ("planner", "secretary", "head")]
        forms = plan.form_ids
        partners = self.env["res.partner"].create(
            [{"name": f"Mitra {index}", "email": f"mitra{index}@example.com"} for index in range(256)]
        )
        rounds = ((3, partners[:3]), (3, partners[3:6]), (250, partners[6:]))
        expected = {}
        for count, new_followers in rounds:
            messages = [
                (forms[index % len(forms)], people[index % 3].partner_id, f"Pesan {count}-{index}")
                for index in range(count)
            ]
            escalations = [
                (forms[index % len(forms)], people[index % 3], f"Eskalasi {count}-{index}")
                for index in range(count)
            ]
            steps = {
                "messages": lambda m=messages: job._post_alerts(m),
                "escalations": lambda e=escalations: job._schedule_escalations(
                    e, fields.Date.today()
                ),
                "followers": lambda p=new_followers: self.env[
                    "rkt.plan.form"
                ]._message_subscribe_batch({("rkt.plan", plan.id): set(p.ids)}),
            }
            for key, func in steps.items():
                self.env.flush_all()
                self.env.invalidate_all()
                if key not in expected:  # first round: warm-up
                    func()
                    expected[key] = None
                    continue
                if expected[key] is None:  # second round of 3: the reference
                    before = self.cr.sql_log_count
                    func()
                    self.env.flush_all()
                    expected[key] = self.cr.sql_log_count - before
                    continue
                with self.subTest(kind=key), self.assertQueryCount(expected[key], flush=False):
                    func()
                    self.env.flush_all()
        self.assertEqual(len(forms.message_ids.filtered(lambda m: "Pesan 250-" in m.body)), 250)
        self.assertEqual(
            len(forms.activity_ids.filtered(lambda a: a.summary.startswith("Eskalasi 250-"))),
            250,
        )
        self.assertEqual(forms.message_ids.filtered(lambda m: "Pesan 250-249" in m.body).partner_ids, people[249 % 3].partner_id)
        self.assertLessEqual(partners, plan.message_partner_ids)
        self.assertTrue(all(plan.message_follower_ids.mapped("subtype_ids")))


@tagged("post_install", "-at_install", "rkt_deadline")
@freeze_time("2027-01-04 01:00:00")
class TestRktDelegation(RktCommon):
    def _to_signature(self):
        plan = self._make_plan()
        self.run_to_decision(plan)
        self.as_user(plan, self.agency.users["secretary"]).action_approve()
        return plan

    def _delegate(self, date_from, date_to, kind="plt"):
        # the acting head holds the head's group; not the secretary, who takes the
        # other decision (separation of duties, see test_trust)
        self.agency.users["planner"].groups_id = [
            Command.link(self.env.ref("rkt_planning.group_rkt_head").id)
        ]
        return self.env["rkt.delegation"].create(
            {
                "company_id": self.agency.company.id,
                "employee_id": self.agency.employees["head"].id,
                "delegate_employee_id": self.agency.employees["planner"].id,
                "kind": kind,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def test_acting_official_inside_range_signs_as_plt(self):
        self._delegate("2027-01-01", "2027-01-31", "plt")
        plan = self._to_signature()
        acting = self.agency.users["planner"]
        sign_act = plan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("rkt_planning.mail_act_rkt_sign")
        )
        self.assertEqual(sign_act.user_id, acting, "the delegate gets the activity")
        flags = self.as_user(plan, acting)
        self.assertTrue(flags.user_can_sign)
        flags.action_sign()
        self.assertEqual(plan.state, "signed")
        self.assertEqual(plan.signed_capacity, "plt")
        self.assertEqual(plan.signed_user_id, acting)
        self.assertEqual(plan.signed_employee_id, self.agency.employees["head"])
        sign_log = plan.log_ids.filtered(lambda e: e.step_id == plan.sop_id.step_ids[9])
        self.assertEqual(sign_log.acting_capacity, "plt")
        self.assertEqual(sign_log.employee_id, self.agency.employees["head"])

    def test_acting_official_outside_range_is_refused(self):
        self._delegate("2027-02-01", "2027-02-28", "plh")
        plan = self._to_signature()
        with self.assertRaises(UserError):
            self.as_user(plan, self.agency.users["planner"]).action_sign()
        self.assertEqual(plan.state, "in_progress")
        self.assertEqual(
            plan.activity_ids.filtered("rkt_step_id").user_id, self.agency.users["head"]
        )

    def test_delegation_dates_checked(self):
        with self.assertRaises(UserError):
            self._delegate("2027-02-10", "2027-02-01")
