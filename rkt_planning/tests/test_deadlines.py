import json
import pathlib
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

    def _notes(self, records, text, model="rkt.plan"):
        """The job's notes in the chatter of ``records`` (not notifying anyone)."""
        return self.env["mail.message"].search(
            [
                ("model", "=", model),
                ("res_id", "in", records.ids),
                ("message_type", "=", "notification"),
                ("body", "ilike", text),
            ]
        )

    def _alerts(self, plans):
        return self._notes(plans, "Tepat Waktu")

    def _escalations(self, plans):
        return self._notes(plans, "Escalation")

    def _notices(self, partner, text):
        """What the job told ``partner`` (inbox or e-mail, as they prefer)."""
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", partner.ids),
                ("body", "ilike", text),
            ]
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
        self.assertEqual(alerts.author_id, self.env.ref("base.partner_root"))
        planner = self.agency.users["planner"].partner_id
        notice = self._notices(planner, "Tepat Waktu")
        self.assertEqual(len(notice), 1, "told once, however often the job runs")
        self.assertEqual((notice.model, notice.res_id), ("rkt.plan", plan.id))
        self.assertIn(planner, notice.notification_ids.res_partner_id)
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
        secretary = self.agency.users["secretary"]
        self.assertEqual(len(self._notices(secretary.partner_id, "Escalation")), 1)
        escalation_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        activity = plan.activity_ids.filtered(lambda a: a.activity_type_id == escalation_type)
        self.assertEqual(activity.user_id, secretary)
        self.assertEqual((activity.rkt_step_id, activity.rkt_round), (plan.step_id, 1))
        self.assertEqual(log.escalation_level, 1)
        # Mon 11 = 4 working days late: level 2 reaches the head, once
        with freeze_time("2027-01-11 10:00:00"):
            Plan._cron_deadline_alerts()
            Plan._cron_deadline_alerts()
        escalations = self._escalations(plan)
        self.assertEqual(len(escalations), 2)
        self.assertEqual(len(self._notices(self.agency.users["head"].partner_id, "Escalation")), 1)
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
            self.assertEqual(len(self._notes(form, "Tepat Waktu", "rkt.plan.form")), 1)
            notice = self._notices(form.head_employee_id.user_id.partner_id, "Tepat Waktu")
            self.assertEqual((notice.model, notice.res_id), ("rkt.plan.form", form.id))
            self.assertEqual(form.reminder_count, 1)
        self.assertFalse(self._notes(first, "Tepat Waktu", "rkt.plan.form"))

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
class TestRktDeadlineNotifications(RktCommon):
    """What the job's reminders and escalations do for their recipients: a notice
    in the inbox or an e-mail, as each prefers; an escalation activity that closes
    with the step it escalates; each agency's own day."""

    def _escalated_plan(self, agency=None):
        """A plan late by two working days: reminded, and escalated once."""
        agency = agency or self.agency
        agency.company.rkt_escalation_days = 2
        with freeze_time("2027-01-04 01:00:00"):  # Monday
            plan = self._make_plan(agency=agency)
            self.start(plan, agency)
        with freeze_time("2027-01-07 10:00:00"):  # due Tue 5: 2 working days late
            self.env["rkt.plan"]._cron_deadline_alerts()
            self.env.flush_all()
        return plan

    def _escalations(self, record):
        escalation_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        return record.activity_ids.filtered(lambda a: a.activity_type_id == escalation_type)

    def _bus_messages(self, partner):
        """The bus notifications queued for ``partner`` in this transaction (the
        bus writes them at commit)."""
        self.env.cr.precommit.run()
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", partner.id], separators=(",", ":")
        )
        notices = self.env["bus.bus"].sudo().search([("channel", "=", channel)])
        return [json.loads(notice.message)["type"] for notice in notices]

    def test_email_or_inbox_as_the_recipient_prefers(self):
        planner = self.agency.users["planner"]
        secretary = self.agency.users["secretary"]
        planner.notification_type = "email"
        secretary.notification_type = "inbox"
        plan = self._escalated_plan()
        # the planner, late, prefers e-mail: the reminder is an e-mail in the queue
        mails = self.env["mail.mail"].sudo().search(
            [("recipient_ids", "in", planner.partner_id.ids)]
        ).filtered(lambda m: "Tepat Waktu" in (m.body_html or ""))
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing")
        self.assertEqual((mails.model, mails.res_id), ("rkt.plan", plan.id))
        notification = mails.mail_message_id.notification_ids
        self.assertEqual(notification.notification_type, "email")
        # the secretary, escalated to, prefers the inbox: a notice there, pushed
        # to the web client through the bus, and no e-mail
        notice = self.env["mail.message"].with_user(secretary).search(
            [("needaction", "=", True), ("model", "=", "rkt.plan"), ("res_id", "=", plan.id)]
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("Escalation (level 1)", notice.body)
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"))
        self.assertEqual(notice.notification_ids.notification_type, "inbox")
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", secretary.partner_id.ids)])
        )
        data = Store(notice.with_user(secretary), for_current_user=True).get_result()
        self.assertTrue(data["mail.message"][0]["needaction"])
        bus_types = self._bus_messages(secretary.partner_id)
        self.assertIn("mail.message/inbox", bus_types)
        # ... and an activity, with the step and round it escalates; she follows
        # the plan, and her activity counter is told
        activity = self._escalations(plan)
        self.assertEqual(activity.user_id, secretary)
        self.assertEqual((activity.rkt_step_id, activity.rkt_round), (plan.step_id, plan.round))
        self.assertEqual(str(activity.date_deadline), "2027-01-07")
        self.assertIn("mail.activity/updated", bus_types)
        self.assertIn(secretary.partner_id, plan.message_partner_ids)
        # the chatter keeps a note of each, notifying nobody
        notes = plan.message_ids.filtered(lambda m: m.message_type == "notification")
        self.assertEqual(len(notes.filtered(lambda m: "Tepat Waktu" in m.body)), 1)
        self.assertEqual(len(notes.filtered(lambda m: "Escalation" in m.body)), 1)
        self.assertFalse(notes.notification_ids)

    def test_escalation_done_when_step_completed(self):
        plan = self._escalated_plan()
        activity = self._escalations(plan)
        self.assertTrue(activity)
        with freeze_time("2027-01-07 11:00:00"):
            self.complete(plan, self.agency.users["planner"], "Jadwal")
        self.assertFalse(activity.exists())
        self.assertFalse(self._escalations(plan))
        done = plan.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("rkt_planning.mail_act_rkt_escalation")
        )
        self.assertTrue(done, "marked done, in the chatter")

    def test_escalation_cancelled_when_returned(self):
        users = self.agency.users
        self.agency.company.rkt_escalation_days = 1
        with freeze_time("2027-01-04 01:00:00"):
            plan = self._make_plan()
            self.run_to_decision(plan)
        self.assertEqual(plan.step_kind, "decision")
        # the secretary's decision is late: escalated to the head
        with freeze_time("2027-01-12 10:00:00"):
            self.env["rkt.plan"]._cron_deadline_alerts()
            activity = self._escalations(plan)
            self.assertEqual(activity.user_id, users["head"])
            self.as_user(plan, users["secretary"]).return_to_step("Perbaiki target")
        self.assertFalse(activity.exists())
        self.assertFalse(self._escalations(plan))

    def test_form_escalation_done_when_form_submitted(self):
        users = self.agency.users
        self.agency.company.rkt_escalation_days = 1
        with freeze_time("2027-01-04 01:00:00"):
            plan = self._make_plan()
            self.run_to_fill(plan)
        form = plan.form_ids[0]
        with freeze_time("2027-01-14 10:00:00"):
            self.env["rkt.plan"]._cron_deadline_alerts()
            activities = self._escalations(form)
            # a division head's lateness reaches the planning head and the
            # secretary, then the head
            self.assertEqual(
                activities.user_id, users["planner"] | users["secretary"] | users["head"]
            )
            self.assertEqual(set(activities.mapped("rkt_step_id")), {plan.step_id})
            self.fill_form(form, form.head_employee_id.user_id)
        self.assertFalse(activities.exists())
        self.assertFalse(self._escalations(form))
        # the forms still open keep theirs
        self.assertTrue(self._escalations(plan.form_ids[1]))

    def test_notes_and_notices_in_the_agency_language(self):
        """An agency that writes in Indonesian gets its reminders, escalations and
        notices in Indonesian, dates written out, whatever the scheduler's
        language (OdooBot's: English)."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env.ref("base.module_rkt_planning")._update_translations(["id_ID"])
        self.agency.company.rkt_lang = "id_ID"
        secretary = self.agency.users["secretary"]
        secretary.notification_type = "inbox"
        plan = self._escalated_plan()
        notes = plan.message_ids.filtered(lambda m: m.message_type == "notification")
        reminder = notes.filtered(lambda m: "Tepat Waktu" in m.body)
        self.assertEqual(len(reminder), 1)
        # due Tuesday 5 January, 16:00 WITA
        self.assertIn("seharusnya selesai pada 5 Januari 2027", reminder.body)
        self.assertIn("terlambat 2 hari kerja", reminder.body)
        self.assertNotIn("working day", reminder.body)
        self.assertEqual(len(notes.filtered(lambda m: "Eskalasi (tingkat 1)" in m.body)), 1)
        notice = self.env["mail.message"].with_user(secretary).search(
            [("needaction", "=", True), ("model", "=", "rkt.plan"), ("res_id", "=", plan.id)]
        )
        self.assertEqual(notice.subject, "RKT: 1 langkah atau Form RKT bidang terlambat")
        self.assertIn("Eskalasi (tingkat 1)", notice.body)

    def test_recipients_told_the_same_share_one_notice(self):
        """Late division forms reach the planning head and the secretary with the
        same escalations: one notice to both (in each one's inbox), the head
        another; each division head their own reminder."""
        users = self.agency.users
        for user in users.values():
            user.notification_type = "inbox"
        self.agency.company.rkt_escalation_days = 1
        with freeze_time("2027-01-04 01:00:00"):
            plan = self._make_plan()
            self.run_to_fill(plan)
        with freeze_time("2027-01-14 10:00:00"):
            self.env["rkt.plan"]._cron_deadline_alerts()
        notices = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("author_id", "=", self.env.ref("base.partner_root").id),
                ("partner_ids", "in", plan.form_ids.head_employee_id.user_id.partner_id.ids
                 + [users["planner"].partner_id.id, users["head"].partner_id.id]),
            ]
        )
        shared = notices.filtered(lambda m: users["planner"].partner_id in m.partner_ids)
        self.assertEqual(len(shared), 1)
        self.assertEqual(shared.partner_ids, users["planner"].partner_id | users["secretary"].partner_id)
        self.assertEqual(shared.notification_ids.res_partner_id, shared.partner_ids)
        self.assertEqual(shared.body.count("Escalation (level 1)"), len(plan.form_ids))
        head_notice = notices.filtered(lambda m: users["head"].partner_id in m.partner_ids)
        self.assertEqual(head_notice.partner_ids, users["head"].partner_id)
        for form in plan.form_ids:
            own = notices.filtered(lambda m, f=form: f.head_employee_id.user_id.partner_id in m.partner_ids)
            self.assertEqual(len(own), 1)
            self.assertEqual(own.partner_ids, form.head_employee_id.user_id.partner_id)
            self.assertEqual((own.model, own.res_id), ("rkt.plan.form", form.id))
        self.assertEqual(len(notices), 2 + len(plan.form_ids))

    def test_agencies_in_two_time_zones(self):
        """16:30 UTC: already Thursday in WITA (Asia/Makassar), still Wednesday in
        WIB (Asia/Jakarta): each agency's plans are late by their own day."""
        wita = self.agency
        wib = self._make_agency("Dinas WIB", "wib", divisions=1)
        wib.company.resource_calendar_id.tz = "Asia/Jakarta"
        for user in wib.users.values():
            user.tz = "Asia/Jakarta"
        for agency in (wita, wib):
            agency.company.rkt_escalation_days = 2
        # WITA's planning head is away from Thursday: the team member acts for him
        self.env["rkt.delegation"].create(
            {
                "company_id": wita.company.id,
                "employee_id": wita.employees["planner"].id,
                "delegate_employee_id": wita.employees["team"].id,
                "kind": "plh",
                "date_from": "2027-01-07",
                "date_to": "2027-01-31",
            }
        )
        plans = {}
        with freeze_time("2027-01-04 01:00:00"):  # Monday in both
            for key, agency in (("wita", wita), ("wib", wib)):
                plans[key] = self._make_plan(agency=agency)
                self.start(plans[key], agency)
        logs = {key: plan.log_ids.filtered(lambda e: not e.date_end) for key, plan in plans.items()}
        Plan = self.env["rkt.plan"]
        secretary_bus = self._bus_messages(wita.users["secretary"].partner_id)
        # due Tuesday 16:00 local time in both
        with freeze_time("2027-01-06 16:30:00"):
            Plan._cron_deadline_alerts()
            Plan._cron_deadline_alerts()  # twice: nothing new
        self.assertEqual(str(logs["wita"].last_reminder_date), "2027-01-07")
        self.assertEqual(str(logs["wib"].last_reminder_date), "2027-01-06")
        self.assertEqual(logs["wita"].escalation_level, 1)  # 2 working days late
        self.assertEqual(logs["wib"].escalation_level, 0)  # 1 working day late
        wita_escalation = self._escalations(plans["wita"])
        self.assertEqual(wita_escalation.user_id, wita.users["secretary"])
        self.assertEqual(str(wita_escalation.date_deadline), "2027-01-07")
        # due on WITA's Thursday, still Wednesday in UTC: her counter is told
        secretary_bus = self._bus_messages(wita.users["secretary"].partner_id)[len(secretary_bus):]
        self.assertIn("mail.activity/updated", secretary_bus)
        self.assertFalse(self._escalations(plans["wib"]))
        # Thursday in WITA: the acting planning head is reminded, not the official
        notes = plans["wita"].message_ids
        self.assertEqual(len(notes.filtered(lambda m: "Tepat Waktu" in (m.body or "") and m.message_type == "notification")), 1)
        self.assertIn("2 working day(s) late", notes.filtered(lambda m: "Tepat Waktu" in (m.body or ""))[0].body)
        team_notice = self.env["mail.message"].search(
            [("partner_ids", "in", wita.users["team"].partner_id.ids), ("body", "ilike", "Tepat Waktu")]
        )
        self.assertEqual(len(team_notice), 1)
        self.assertFalse(
            self.env["mail.message"].search(
                [("partner_ids", "in", wita.users["planner"].partner_id.ids), ("body", "ilike", "Tepat Waktu")]
            )
        )
        wib_notes = plans["wib"].message_ids.filtered(lambda m: "Tepat Waktu" in (m.body or ""))
        self.assertTrue(all("1 working day(s) late" in m.body for m in wib_notes))
        # Thursday morning in both: WITA had its Thursday reminder, WIB gets its own
        with freeze_time("2027-01-07 02:00:00"):
            Plan._cron_deadline_alerts()
        self.assertEqual(logs["wita"].reminder_count, 1)
        self.assertEqual(logs["wib"].reminder_count, 2)
        self.assertEqual(str(logs["wib"].last_reminder_date), "2027-01-07")
        self.assertEqual(logs["wib"].escalation_level, 1)
        self.assertEqual(self._escalations(plans["wib"]).user_id, wib.users["secretary"])

    def test_no_raw_insert(self):
        """Every row the module creates goes through the ORM: no INSERT of its own."""
        root = pathlib.Path(__file__).parent.parent
        found = [
            f"{path.relative_to(root)}:{number}"
            for path in root.rglob("*.py")
            if path.name != "test_deadlines.py"
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if "INSERT INTO" in line.upper()
        ]
        self.assertEqual(found, [])


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
