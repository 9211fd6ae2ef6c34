from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError

# The to-dos the procedure closes itself, when its step is taken: marking one
# done by hand would drop the to-do and leave the step untaken.
RKT_ACTION_ACTIVITY_TYPES = (
    "rkt_planning.mail_act_rkt_step",
    "rkt_planning.mail_act_rkt_fill",
    "rkt_planning.mail_act_rkt_decide",
    "rkt_planning.mail_act_rkt_sign",
)
# Every activity type of the addon: its activities are the workflow's (steps,
# escalations, PK signatures), scheduled and closed by it.
RKT_ACTIVITY_TYPES = RKT_ACTION_ACTIVITY_TYPES + (
    "rkt_planning.mail_act_rkt_escalation",
    "rkt_planning.mail_act_rkt_pk_sign",
)
# What marking one's own reminder done writes (mail.activity._action_done of a
# type that keeps done activities).
RKT_ACTIVITY_DONE_FIELDS = {"active", "date_done", "feedback"}


class MailActivity(models.Model):
    _inherit = "mail.activity"

    rkt_step_id = fields.Many2one(
        "rkt.sop.step",
        string="RKT Step",
        index="btree_not_null",
        help="The SOP step this RKT activity belongs to.",
    )
    rkt_round = fields.Integer(string="RKT Round")
    # -- "Tugas Saya": each RKT to-do as a card with the actions allowed now --
    rkt_step_name = fields.Text(related="rkt_step_id.name", string="Step")
    rkt_line_count = fields.Integer(string="Lines", compute="_compute_rkt_task")
    rkt_budget_total = fields.Monetary(
        string="Total Budget", compute="_compute_rkt_task", currency_field="rkt_currency_id"
    )
    rkt_currency_id = fields.Many2one(
        "res.currency", string="Currency", compute="_compute_rkt_task"
    )
    rkt_last_note = fields.Text(string="Last Note", compute="_compute_rkt_task")
    rkt_can_submit = fields.Boolean(string="Can Submit", compute="_compute_rkt_task")
    rkt_can_review = fields.Boolean(string="Can Review", compute="_compute_rkt_task")
    rkt_can_approve = fields.Boolean(string="Can Accept", compute="_compute_rkt_task")
    rkt_can_return = fields.Boolean(string="Can Return", compute="_compute_rkt_task")
    rkt_can_sign = fields.Boolean(string="Can Sign", compute="_compute_rkt_task")
    rkt_can_complete = fields.Boolean(string="Can Complete", compute="_compute_rkt_task")

    @api.depends_context("uid")
    @api.depends("res_model", "res_id", "rkt_step_id", "rkt_round")
    def _compute_rkt_task(self):
        """What the card of an RKT to-do shows: the plan's or form's summary and
        the actions the current user may take on it now (the records' own
        user_can_* fields, which the server checks of the actions also use)."""
        for activity in self:
            record = activity._rkt_get_record()
            plan = record.plan_id if record._name == "rkt.plan.form" else record
            current = bool(
                plan
                and plan.step_id == activity.rkt_step_id
                and plan.round == activity.rkt_round
            )
            is_form = record._name == "rkt.plan.form"
            activity.rkt_line_count = record.line_count if record else 0
            activity.rkt_budget_total = record.budget_total if record else 0.0
            activity.rkt_currency_id = plan.currency_id if plan else False
            # the last word of the log: a return's reason, else a step's output
            last = plan.log_ids.filtered(lambda e: e.note or e.reason)[-1:]
            activity.rkt_last_note = (last.reason or last.note) if last else False
            activity.rkt_can_submit = current and is_form and record.user_can_submit
            activity.rkt_can_review = current and is_form and record.user_can_review
            activity.rkt_can_approve = current and not is_form and plan.user_can_approve
            activity.rkt_can_return = current and not is_form and plan.user_can_return
            activity.rkt_can_sign = current and not is_form and plan.user_can_sign
            activity.rkt_can_complete = (
                current and not is_form and plan.user_can_complete
            )

    # ------------------------------------------------------------------
    # CRUD
    #
    # The workflow's activities are scheduled, reassigned and closed by the engine
    # (as superuser) only.  Odoo lets whoever may post on a document (every reader
    # of an RKT, _mail_post_access = "read") create, change and delete its
    # activities: a reader could otherwise delete or reassign the head's "Sign
    # RKT" to-do, or forge one.  Its assignee may still mark their own reminder
    # done (an escalation, a PK's); a step's to-do is done by taking the step.
    # A system administrator is not bound (archiving a user who leaves deletes
    # their activities: res.users.action_archive).
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self._rkt_is_trusted():
            types = self._rkt_get_activity_types()
            if any(
                vals.get("rkt_step_id")
                or vals.get("rkt_round")
                or vals.get("activity_type_id") in types.ids
                for vals in vals_list
            ):
                raise AccessError(self._rkt_get_guard_message())
        return super().create(vals_list)

    def write(self, vals):
        if not self._rkt_is_trusted():
            self._rkt_check_can_change(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_rkt_workflow(self):
        if not self._rkt_is_trusted():
            self._rkt_check_can_change()

    # ------------------------------------------------------------------
    # Actions
    #
    # The web client's "Mark Done" calls action_feedback (the "Done" button) or
    # action_feedback_schedule_next ("Done & Schedule Next"); list views call
    # action_done / action_done_schedule_next, which call these.  An RKT step's
    # to-do is done by taking the step: these open the record where the step is
    # taken instead.  The engine closes the to-dos itself through _action_done.
    # ------------------------------------------------------------------

    def action_feedback(self, feedback=False, attachment_ids=None):
        self._rkt_check_done_by_step()
        return super().action_feedback(feedback=feedback, attachment_ids=attachment_ids)

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        self._rkt_check_done_by_step()
        return super().action_feedback_schedule_next(
            feedback=feedback, attachment_ids=attachment_ids
        )

    # The buttons of a "Tugas Saya" card: each takes the action on the plan or
    # form through its own public method, for the step the card was made for.
    def action_rkt_open(self):
        self.ensure_one()
        return self._rkt_open_action(self._rkt_get_record())

    def action_rkt_submit(self):
        self.ensure_one()
        record = self._rkt_get_current_record()
        record.action_submit()  # closes this to-do
        return self._rkt_open_action(record)

    def action_rkt_approve(self):
        self.ensure_one()
        record = self._rkt_get_current_record()
        record.action_approve()  # closes this to-do
        return self._rkt_open_action(record)

    def action_rkt_sign(self):
        self.ensure_one()
        record = self._rkt_get_current_record()
        record.action_sign()  # closes this to-do
        return self._rkt_open_action(record)

    def action_rkt_return(self):
        self.ensure_one()
        return self._rkt_get_current_record().action_return()

    def action_rkt_complete(self):
        self.ensure_one()
        return self._rkt_get_current_record().action_complete_step()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _rkt_get_record(self):
        """The plan or division form of an RKT to-do (empty for another to-do)."""
        self.ensure_one()
        if not self.rkt_step_id or self.res_model not in ("rkt.plan", "rkt.plan.form"):
            return self.env["rkt.plan"]
        return self.env[self.res_model].browse(self.res_id).exists()

    @api.model
    def _rkt_open_action(self, record):
        """The plan or form of a card, as the main screen."""
        return record._get_records_action(target="main", context={})

    def _rkt_get_current_record(self):
        """The record of this to-do, carrying the step it was made for: the
        action is refused if the plan has moved on (``_lock_for_transition``)."""
        record = self._rkt_get_record()
        if not record:
            raise UserError(self.env._("This to-do belongs to no RKT any more."))
        return record.with_context(rkt_expected_step_id=self.rkt_step_id.id)

    def _rkt_is_trusted(self):
        """The engine (superuser) and system administrators change the
        workflow's activities; nobody else."""
        return self.env.su or self.env.is_system()

    @api.model
    def _rkt_get_activity_types(self):
        types = self.env["mail.activity.type"]
        for xmlid in RKT_ACTIVITY_TYPES:
            types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        return types

    def _rkt_check_can_change(self, vals=None):
        """Refuse a change of the workflow's activities by anyone but the engine:
        only their assignee marks their own reminder (not a step's to-do) done.

        :param vals: the values written; ``None`` for a deletion
        """
        types = self._rkt_get_activity_types()
        if vals and (
            "rkt_step_id" in vals
            or "rkt_round" in vals
            or vals.get("activity_type_id") in types.ids
        ):
            raise AccessError(self._rkt_get_guard_message())
        # sudo: the type and assignee of activities the user may change otherwise
        guarded = self.sudo().filtered(
            lambda a: a.rkt_step_id or a.activity_type_id in types
        )
        if not guarded:
            return
        marking_done = vals is None or set(vals) <= RKT_ACTIVITY_DONE_FIELDS
        for activity in guarded:
            if (
                marking_done
                and activity.user_id.id == self.env.uid
                and not activity._rkt_get_step_activities()
            ):
                continue
            raise AccessError(self._rkt_get_guard_message())

    def _rkt_get_guard_message(self):
        return self.env._(
            "The to-dos and reminders of the RKT procedure are scheduled and closed "
            "by the procedure itself: they cannot be created, changed or deleted by "
            "hand. A step's to-do closes when its step is taken."
        )

    def _rkt_get_step_activities(self):
        """The activities of self that stand for an RKT step's action."""
        types = self.env["mail.activity.type"]
        for xmlid in RKT_ACTION_ACTIVITY_TYPES:
            types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        return self.filtered(lambda a: a.rkt_step_id and a.activity_type_id in types)

    def _rkt_check_done_by_step(self):
        """Refuse to mark an RKT step's to-do done by hand: offer to open the plan
        or form where its action is taken (submit, decide, sign...)."""
        activity = self._rkt_get_step_activities()[:1]
        if not activity:
            return
        record = self.env[activity.res_model].browse(activity.res_id)
        what = {
            "rkt_planning.mail_act_rkt_fill": self.env._(
                "fill the form and submit it (Serahkan)"
            ),
            "rkt_planning.mail_act_rkt_decide": self.env._(
                "decide it: accept (Ya) or return it with a reason (Tidak)"
            ),
            "rkt_planning.mail_act_rkt_sign": self.env._(
                "sign it (Ya) or return it with a reason (Tidak)"
            ),
        }.get(
            activity.activity_type_id.get_external_id()[activity.activity_type_id.id],
            self.env._("complete the step"),
        )
        raise RedirectWarning(
            self.env._(
                "'%(todo)s' is done by taking its step, not by marking it done: open "
                "%(record)s and %(what)s. The to-do closes by itself then.",
                todo=activity.summary or activity.activity_type_id.name,
                record=record.display_name,
                what=what,
            ),
            record._get_records_action(),
            self.env._("Open %(record)s", record=record.display_name),
        )
