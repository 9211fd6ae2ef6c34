from markupsafe import Markup

from odoo import api, fields, models

# What the job reads of the late rows and of their plans, fetched once for all of
# them: a loop over more than 1,000 records fetches their fields 1,000 at a time.
ALERT_FIELDS = [
    "plan_id",
    "company_id",
    "date_deadline",
    "last_reminder_date",
    "escalation_level",
]
LOG_FIELDS = ALERT_FIELDS + ["step_id", "round"]
FORM_FIELDS = ALERT_FIELDS + ["head_employee_id", "department_id"]
PLAN_FIELDS = [
    "name",
    "company_id",
    "step_id",
    "round",
    "form_ids",
    "team_employee_ids",
    "planner_employee_id",
    "secretary_employee_id",
    "head_employee_id",
]


class RktDeadlineJob(models.AbstractModel):
    """The daily deadline job: reminds the executors of late steps and division
    forms, and escalates them along the SOP chain.

    Everything goes through Odoo's mail API, so that each notice follows the
    recipient's preference (inbox, or e-mail queued as ``mail.mail``) and the
    inbox and activity counters update live:

    * each reminder and escalation is a note by OdooBot in the chatter of the plan
      or form (``_message_log_batch``: one batch per model);
    * each recipient is told once per run of all their late steps and forms
      (``message_notify``, one per recipient, not one per plan);
    * each escalation gives the supervisor a *Late RKT Step* activity carrying the
      step and round it escalates (``mail.activity`` created in one batch; Odoo
      subscribes each supervisor once per model): it closes with that step.

    What it reads is fetched once for all late plans; its queries grow with the
    ORM's batches and the number of recipients, not with the number of plans.
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

        "Today" is each agency's, in its working calendar's time zone.  Rows are
        claimed with ``FOR UPDATE SKIP LOCKED`` and stamped with the agency's day,
        so the job is safe when run twice or by two servers at once.
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
        today = {
            company: company.resource_calendar_id._rkt_today(now)
            for company in plans.company_id
        }
        late_days = self._get_late_working_days([*logs, *forms], today)
        alerts = []
        for log in logs:
            plan = log.plan_id
            roles = plan._get_step_executor_roles(log.step_id)
            alerts.append((plan, log, roles, late_days[log]))
        for form in forms:
            alerts.append((form.plan_id, form, {"division_head"}, late_days[form]))
        self._send_alerts(plans, alerts, today)

    @api.model
    def _get_late_working_days(self, records, today):
        """``{record: working days late}`` for ``records`` (with ``date_deadline``):
        the working days after the deadline's day up to the agency's ``today``,
        with one computation per calendar (see ``resource.calendar``)."""
        by_calendar = {}
        for record in records:
            calendar = record.company_id.resource_calendar_id
            by_calendar.setdefault(calendar, []).append(record)
        result = {}
        for calendar, items in by_calendar.items():
            deadline_days = {
                item: calendar._rkt_local_date(item.date_deadline) for item in items
            }
            last = max(today[item.company_id] for item in items)
            days = calendar._rkt_working_dates(min(deadline_days.values()), last)
            for item in items:
                item_today = today[item.company_id]
                result[item] = sum(
                    1 for day in days if deadline_days[item] < day <= item_today
                )
        return result

    @api.model
    def _get_delegations(self, plans, today):
        """``{company: delegations in force}`` for the officials of ``plans``, on
        each agency's today: one search per distinct date."""
        Delegation = self.env["rkt.delegation"]
        officials = {}
        for plan in plans:
            officials[plan.company_id] = officials.get(
                plan.company_id, self.env["hr.employee"]
            ).union(*plan._get_role_holders().values())
        by_date = {}
        for company, date in today.items():
            by_date.setdefault(date, self.env["res.company"])
            by_date[date] |= company
        result = {}
        for date, companies in by_date.items():
            delegations = Delegation._get_active(
                self.env["hr.employee"].union(*(officials[c] for c in companies)), date
            )
            for company in companies:
                result[company] = delegations.filtered(
                    lambda d, c=company: d.company_id == c
                )
        return result

    @api.model
    def _send_alerts(self, plans, alerts, today):
        """Send the reminders and escalations of ``alerts``.

        ``alerts``: ``(plan, record, roles, working_days_late)`` with ``record`` the
        open log row of a plan's step, or a division form; ``today``: ``{company:
        date}``, each agency's day.
        """
        officials = self.env["hr.employee"].union(
            *(employees for plan in plans for employees in plan._get_role_holders().values())
        )
        # the officials of every plan, their users and partners: one read each for
        # all agencies, instead of one per agency when each plan reads its own
        officials.fetch(["user_id"])
        officials.user_id.fetch(["partner_id"])
        delegations = self._get_delegations(plans, today)
        notes = []  # (document, text): the chatter's record of each alert
        notices = {}  # {partner: [(document, text)]}: what each recipient is told
        escalations = []  # (document, user, text, step, round, date)
        reminded, escalated = {}, {}
        Delegation = self.env["rkt.delegation"]
        langs = {company: company._rkt_get_lang() for company in plans.company_id}
        for plan, record, roles, days_late in alerts:
            company = plan.company_id
            day = today[company]
            # the notes and notices of an agency are written in its language
            # (res.company._rkt_get_lang), not the scheduler's
            _ = self.with_context(lang=langs[company]).env._
            is_form = record._name == "rkt.plan.form"
            executors = (
                Delegation._get_acting_users(
                    record.head_employee_id, delegations=delegations[company]
                )
                if is_form
                else plan._get_role_users(roles, delegations[company])
            )
            # the document the alert is on: the division form, or the plan; the
            # step and round it escalates
            target = record if is_form else plan
            step, round_ = (
                (plan.step_id, plan.round) if is_form else (record.step_id, record.round)
            )
            what = (
                _("Form RKT of %(division)s", division=record.department_id.name)
                if is_form
                else record.step_id.name
            )
            if record.last_reminder_date != day:
                reminded.setdefault(day, []).append(record)
                text = _(
                    "Peringatan: Tepat Waktu. %(what)s of %(plan)s was due on "
                    "%(deadline)s and is %(days)s working day(s) late.",
                    what=what,
                    plan=plan.name,
                    deadline=plan._rkt_format_date(record.date_deadline, langs[company]),
                    days=days_late,
                )
                notes.append((target, text))
                for partner in executors.partner_id:
                    notices.setdefault(partner, []).append((target, text))
            delay = max(company.rkt_escalation_days, 1)
            level = days_late // delay
            if level <= record.escalation_level:
                continue
            escalated.setdefault(level, []).append(record)
            for new_level in range(record.escalation_level + 1, level + 1):
                up_roles = self._get_escalation_roles(
                    roles, new_level
                ) - self._get_escalation_roles(roles, new_level - 1)
                supervisors = plan._get_role_users(up_roles, delegations[company]) - executors
                if not supervisors:
                    continue
                text = _(
                    "Escalation (level %(level)s): %(what)s of %(plan)s is "
                    "%(days)s working day(s) late.",
                    level=new_level,
                    what=what,
                    plan=plan.name,
                    days=days_late,
                )
                notes.append((target, text))
                for user in supervisors:
                    notices.setdefault(user.partner_id, []).append((target, text))
                    escalations.append((target, user, text, step, round_, day))
        self._log_notes(notes)
        self._schedule_escalations(escalations)
        self._notify_recipients(notices)
        for day, records in reminded.items():
            for model in ("rkt.plan.log", "rkt.plan.form"):
                self.env[model].union(
                    *(r for r in records if r._name == model)
                )._stamp_reminder(day)
        for level, records in escalated.items():
            for model in ("rkt.plan.log", "rkt.plan.form"):
                self.env[model].union(
                    *(r for r in records if r._name == model)
                )._stamp_escalation(level)

    @api.model
    def _log_notes(self, notes):
        """Record each ``(document, text)`` as a note by OdooBot in the document's
        chatter, without notifying anyone (``_message_log_batch``: one batch per
        model and per note of a document in this run)."""
        batches = {}
        for document, text in notes:
            key = document._name
            position = 0
            while document.id in batches.get((key, position), {}):
                position += 1
            batches.setdefault((key, position), {})[document.id] = Markup("<p>%s</p>") % text
        author = self.env.ref("base.partner_root")
        for (model, _position), bodies in batches.items():
            # sudo (in _message_log_batch): system notes of the scheduler on the
            # plans and forms it found late; no user acts here.
            self.env[model].browse(list(bodies))._message_log_batch(
                bodies, author_id=author.id
            )

    @api.model
    def _schedule_escalations(self, escalations):
        """Give each ``(document, user, text, step, round, date)`` a *Late RKT Step*
        activity due on the agency's ``date``, carrying the step and round it
        escalates (it is done or cancelled with them, as the executors' are)."""
        if not escalations:
            return
        activity_type = self.env.ref("rkt_planning.mail_act_rkt_escalation")
        IrModel = self.env["ir.model"]
        vals_list = [
            {
                "activity_type_id": activity_type.id,
                "automated": True,
                "user_id": user.id,
                "res_model_id": IrModel._get_id(document._name),
                "res_id": document.id,
                "date_deadline": date,
                "summary": text[:250],
                "note": Markup("<p>%s</p>") % text,
                "rkt_step_id": step.id,
                "rkt_round": round_,
            }
            for document, user, text, step, round_, date in escalations
        ]
        # sudo: the scheduler's activities on the late plans and forms.  Quick
        # update: no "activity assigned" e-mail per activity, the supervisor's
        # notice (_notify_recipients) names them all.  mail.activity.create makes
        # the supervisors follow the documents (one message_subscribe per model
        # and supervisor) and updates their activity counters.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        # Odoo tells the activity counters of activities due on or before today
        # in UTC; an agency east of UTC is already a day further after its
        # midnight (00:30 WITA is 16:30 UTC the day before): tell those too.
        utc_today = fields.Date.today()
        ahead = activities.filtered(lambda activity: activity.date_deadline > utc_today)
        for user, user_activities in ahead.grouped("user_id").items():
            user._bus_send(
                "mail.activity/updated",
                {"activity_created": True, "count_diff": len(user_activities)},
            )

    @api.model
    def _notify_recipients(self, notices):
        """Tell each recipient, once, of all their late steps and forms
        (``{partner: [(document, text)]}``), in their inbox or by e-mail as they
        prefer (e-mails are queued, sent by the mail queue).

        Recipients told exactly the same (the members of a team, say) share one
        notice: ``message_notify`` costs about the same for one recipient or
        many, so the job's queries grow with the distinct notices, not with the
        people nor the plans.  A notice about one document is linked to it.
        """
        author = self.env.ref("base.partner_root")
        groups = {}  # {items: partners}, items in the order they were found
        for partner, items in notices.items():
            key = tuple((document._name, document.id, text) for document, text in items)
            groups[key] = groups.get(key, self.env["res.partner"]) | partner
        for key, partners in groups.items():
            documents = {(model, res_id) for model, res_id, _text in key}
            body = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % text for _model, _res_id, text in key
            )
            model, res_id, _text = key[0]
            lang = self.env[model].browse(res_id).company_id._rkt_get_lang()
            subject = self.with_context(lang=lang).env._(
                "RKT: %(count)s late step(s) or division form(s)", count=len(key)
            )
            # one document: the notice is linked to it (inbox, e-mail button);
            # several: a notice of its own
            if len(documents) == 1:
                model, res_id = next(iter(documents))
                record = self.env[model].browse(res_id)
            else:
                record = self.env["mail.thread"]
            # sudo: a notice of the scheduler (OdooBot) to the plan's officials
            record.sudo().message_notify(
                body=body,
                subject=subject,
                author_id=author.id,
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
                force_send=False,
            )
