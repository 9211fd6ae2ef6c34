from collections import Counter

import pytz
from markupsafe import Markup

from odoo import api, fields, models

from .sql_insert import insert_records, insert_relation

# What the job reads of the late rows and of their plans, fetched once for all of
# them: a loop over more than 1,000 records fetches their fields 1,000 at a time.
ALERT_FIELDS = [
    "plan_id",
    "company_id",
    "date_deadline",
    "last_reminder_date",
    "escalation_level",
]
LOG_FIELDS = ALERT_FIELDS + ["step_id"]
FORM_FIELDS = ALERT_FIELDS + ["head_employee_id", "department_id"]
PLAN_FIELDS = [
    "name",
    "company_id",
    "form_ids",
    "team_employee_ids",
    "planner_employee_id",
    "secretary_employee_id",
    "head_employee_id",
]


class RktDeadlineJob(models.AbstractModel):
    """The daily deadline job: reminds the executors of late steps and division
    forms, and escalates them along the SOP chain.

    All late plans are handled in one batch whose number of queries does not grow
    with the number of plans: what it reads is fetched once for all of them, and
    each kind of row it writes (messages, notifications, activities, followers,
    bus notifications) is inserted with one statement (see ``sql_insert``).
    """

    _name = "rkt.deadline.job"
    _description = "RKT Deadline Job"

    # Who hears of a late step, one level further up the SOP chain at a time.
    _ESCALATION_CHAIN = {
        "division_head": {"planner", "secretary"},
        "team": {"planner"},
        "planner": {"secretary"},
        "secretary": {"head"},
        "head": set(),
    }

    @api.model
    def _get_escalation_roles(self, roles, level):
        """The roles that hear of a step of ``roles`` late by ``level`` delays."""
        current = set(roles)
        for _level in range(level):
            current = set().union(*(self._ESCALATION_CHAIN[role] for role in current))
        return current - set(roles)

    @api.model
    def _run(self):
        """Remind the executors of late steps and late division forms, at most once
        a day, and escalate them along the SOP chain once per level.

        Rows are claimed with ``FOR UPDATE SKIP LOCKED`` and stamped with the day,
        so the job is safe when run twice or by two workers.
        """
        now = fields.Datetime.now()
        logs = self.env["rkt.plan.log"].search(
            [
                ("date_end", "=", False),
                ("date_deadline", "<", now),
                ("plan_id.state", "in", ("in_progress", "signed")),
                ("company_id.rkt_reminders_enabled", "=", True),
            ]
        )
        forms = self.env["rkt.plan.form"].search(
            [
                ("is_open", "=", True),
                ("date_deadline", "<", now),
                ("plan_id.state", "=", "in_progress"),
                ("company_id.rkt_reminders_enabled", "=", True),
            ]
        )
        logs = logs._claim_for_alert()
        forms = forms._claim_for_alert()
        if not logs and not forms:
            return
        logs.fetch(LOG_FIELDS)
        forms.fetch(FORM_FIELDS)
        plans = logs.plan_id | forms.plan_id
        plans.fetch(PLAN_FIELDS)
        plans.form_ids.fetch(["head_employee_id"])
        late_days = self._get_late_working_days([*logs, *forms], now)
        alerts = []
        for log in logs:
            plan = log.plan_id
            roles = plan._get_step_executor_roles(log.step_id)
            alerts.append((plan, log, roles, late_days[log]))
        for form in forms:
            alerts.append((form.plan_id, form, {"division_head"}, late_days[form]))
        self._send_alerts(plans, alerts)

    @api.model
    def _get_late_working_days(self, records, now):
        """``{record: working days late}`` for ``records`` (with ``date_deadline``),
        counted on each agency's calendar with one computation per calendar: the
        working days after the deadline's day, up to today."""
        by_calendar = {}
        for record in records:
            calendar = record.company_id.resource_calendar_id
            by_calendar.setdefault(calendar, []).append(record)
        result = dict.fromkeys(records, 0)
        for calendar, items in by_calendar.items():
            if not calendar:
                continue
            start = pytz.utc.localize(min(item.date_deadline for item in items))
            intervals = calendar._work_intervals_batch(
                start, pytz.utc.localize(now)
            )[False]
            tz = pytz.timezone(calendar.tz or "UTC")
            days = sorted({interval[0].astimezone(tz).date() for interval in intervals})
            for item in items:
                deadline_day = pytz.utc.localize(item.date_deadline).astimezone(tz).date()
                result[item] = sum(1 for day in days if day > deadline_day)
        return result

    @api.model
    def _send_alerts(self, plans, alerts):
        """Post the reminders and escalations of ``alerts`` in one batch.

        ``alerts``: ``(plan, record, roles, working_days_late)`` with ``record`` the
        open log row of a plan's step, or a division form.
        """
        today = fields.Date.context_today(self)
        messages, escalations = [], []
        reminded, escalated = [], {}
        officials = self.env["hr.employee"].union(
            *(employees for plan in plans for employees in plan._get_role_holders().values())
        )
        # the officials of every plan, their users and partners: one read each for
        # all agencies, instead of one per agency when each plan reads its own
        officials.fetch(["user_id"])
        officials.user_id.fetch(["partner_id"])
        officials.user_id.partner_id.fetch(["tz"])  # the users' time zone
        delegations = self.env["rkt.delegation"]._get_active(officials)
        for plan, record, roles, days_late in alerts:
            company = plan.company_id
            executors = (
                self.env["rkt.delegation"]._get_acting_users(
                    record.head_employee_id, delegations=delegations
                )
                if record._name == "rkt.plan.form"
                else plan._get_role_users(roles, delegations)
            )
            # the document the alert is posted on: the division form, or the plan
            target = record if record._name == "rkt.plan.form" else plan
            what = (
                self.env._(
                    "Form RKT of %(division)s", division=record.department_id.name
                )
                if record._name == "rkt.plan.form"
                else record.step_id.name
            )
            if record.last_reminder_date != today:
                reminded.append(record)
                messages.append(
                    (
                        target,
                        executors.partner_id,
                        self.env._(
                            "Peringatan: Tepat Waktu. %(what)s of %(plan)s was due on "
                            "%(deadline)s and is %(days)s working day(s) late.",
                            what=what,
                            plan=plan.name,
                            deadline=plan._deadline_date(record.date_deadline),
                            days=days_late,
                        ),
                    )
                )
            delay = max(company.rkt_escalation_days, 1)
            level = days_late // delay
            if level <= record.escalation_level:
                continue
            escalated.setdefault(level, []).append(record)
            for new_level in range(record.escalation_level + 1, level + 1):
                up_roles = self._get_escalation_roles(
                    roles, new_level
                ) - self._get_escalation_roles(roles, new_level - 1)
                supervisors = plan._get_role_users(up_roles, delegations) - executors
                if not supervisors:
                    continue
                body = self.env._(
                    "Escalation (level %(level)s): %(what)s of %(plan)s is "
                    "%(days)s working day(s) late.",
                    level=new_level,
                    what=what,
                    plan=plan.name,
                    days=days_late,
                )
                messages.append((target, supervisors.partner_id, body))
                escalations += [(target, user, body) for user in supervisors]
        self._post_alerts(messages)
        self._schedule_escalations(escalations, today)
        for model in ("rkt.plan.log", "rkt.plan.form"):
            records = self.env[model].union(*(r for r in reminded if r._name == model))
            records._stamp_reminder(today)
            for level, items in escalated.items():
                self.env[model].union(
                    *(r for r in items if r._name == model)
                )._stamp_escalation(level)
        # the rows were inserted without the ORM: forget what the cache holds of
        # the documents' messages, activities and followers
        self.env.invalidate_all()

    @api.model
    def _post_alerts(self, messages):
        """Post ``(document, partners, text)`` notes by OdooBot, each notifying its
        ``partners`` in their inbox: one insert for all messages, one for their
        recipients and one for all notifications.

        The messages are what ``mail.message.create`` makes of the same values
        (message id, author's address, reply-to, document name, sanitized body).
        """
        if not messages:
            return
        # sudo: alerts are system notes posted by the scheduler (OdooBot) on the
        # plans and forms it found late; no user acts here.
        Message = self.env["mail.message"].sudo()
        author = self.env.ref("base.partner_root")
        subtype = self.env.ref("mail.mt_note")
        documents = {}
        for document, _partners, _text in messages:
            documents.setdefault(document._name, []).append(document)
        reply_to, names = {}, {}
        for model, records in documents.items():
            records = self.env[model].union(*records)
            # the reply-to addresses of all documents, one computation per model
            for res_id, address in (
                records.sudo()._notify_get_reply_to(default=author.email_formatted).items()
            ):
                reply_to[model, res_id] = address
            for record in records.sudo():
                names[model, record.id] = record.display_name
        now = fields.Datetime.now()
        vals_list = []
        for document, _partners, text in messages:
            key = (document._name, document.id)
            vals = {
                "model": document._name,
                "res_id": document.id,
                "body": Markup("<p>%s</p>") % text,
                "message_type": "notification",
                "subtype_id": subtype.id,
                "author_id": author.id,
                "email_from": author.email_formatted,
                "reply_to": reply_to.get(key) or False,
                "record_name": names[key],
                "date": now,
            }
            vals["message_id"] = Message._get_message_id(vals)
            vals_list.append(vals)
        created = insert_records(Message, vals_list)
        recipients = [
            (message.id, partner.id)
            for message, (_document, partners, _text) in zip(created, messages)
            for partner in partners
        ]
        insert_relation(Message, "partner_ids", recipients)
        insert_records(
            self.env["mail.notification"].sudo(),
            [
                {
                    "mail_message_id": message_id,
                    "res_partner_id": partner_id,
                    "author_id": author.id,
                    "notification_type": "inbox",
                    "is_read": False,
                }
                for message_id, partner_id in recipients
            ],
        )

    @api.model
    def _schedule_escalations(self, escalations, today):
        """Give each ``(document, user, text)`` an activity "Late RKT Step" due
        today, make the users follow the documents and update their activity
        counters, as ``mail.activity.create`` does: one insert each for all
        activities, followers and bus notifications."""
        if not escalations:
            return
        activity_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        IrModel = self.env["ir.model"]
        # sudo: the scheduler's activities on the late plans and forms
        insert_records(
            self.env["mail.activity"].sudo(),
            [
                {
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "user_id": user.id,
                    "user_tz": user.tz or False,
                    "res_model_id": IrModel._get_id(document._name),
                    "res_model": document._name,
                    "res_id": document.id,
                    "res_name": document.sudo().display_name,
                    "date_deadline": today,
                    "date_done": False,
                    "active": True,
                    "summary": text[:250],
                }
                for document, user, text in escalations
            ],
        )
        followers = {}
        for document, user, _text in escalations:
            followers.setdefault((document._name, document.id), set()).add(
                user.partner_id.id
            )
        self.env["rkt.plan.form"]._message_subscribe_batch(followers)
        new_activities = Counter(user for _document, user, _text in escalations)
        for user, count in new_activities.items():
            user._bus_send(
                "mail.activity/updated", {"activity_created": True, "count_diff": count}
            )
        self._insert_bus_notifications()

    @api.model
    def _insert_bus_notifications(self):
        """Insert the bus notifications queued in this transaction with one
        statement (the bus inserts them at commit, 100 per statement); the
        websocket is still told at commit."""
        queued = self.env.cr.precommit.data.get("bus.bus.values")
        if queued:
            insert_records(self.env["bus.bus"].sudo(), list(queued))
            queued.clear()
