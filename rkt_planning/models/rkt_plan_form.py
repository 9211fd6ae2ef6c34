import functools

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from .rkt_plan import PLAN_CREATE_TOKEN
from .rkt_plan_activity import get_decision_link
from .rkt_plan_engine import LOCKED_STATES, ROLE_GROUPS

FORM_STATES = [
    ("draft", "Not Open Yet"),
    ("to_fill", "To Fill"),
    ("submitted", "Submitted"),
    ("returned", "Returned for Correction"),
    ("correction", "In Correction"),
    ("accepted", "Accepted"),
    ("missing", "Not Submitted"),
]
OPEN_STATES = ("to_fill", "returned", "correction")


class RktPlanForm(models.Model):
    """Form RKT: the part of the RKT that one division (Sekretariat, Bidang) fills.

    The division head (or their acting official) fills the lines while the form is
    open (``to_fill``, ``returned``, ``correction``) and submits it; the reviewers of
    the current step (the team while divisions fill, the secretary during correction)
    accept it or return it with a reason.
    """

    _name = "rkt.plan.form"
    _inherit = [
        "rkt.engine.guard.mixin",
        "rkt.notice.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "rkt.alert.mixin",
    ]
    _description = "RKT Division Form"
    _order = "plan_id, sequence, id"
    _rkt_notice_group = "rkt_reviewers"
    _check_company_auto = True
    _rec_names_search = ["plan_id.name", "department_id.name"]
    # Everyone who reads a plan or a division form may discuss it in the chatter.
    _mail_post_access = "read"
    _rkt_engine_fields = (
        "state",
        "date_deadline",
        "return_reason",
        "date_submitted",
        "last_reminder_date",
        "reminder_count",
        "escalation_level",
    )
    _rkt_create_only_fields = ("plan_id",)

    plan_id = fields.Many2one(
        "rkt.plan", string="RKT", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    year = fields.Integer(related="plan_id.year", string="Fiscal Year")
    plan_state = fields.Selection(related="plan_id.state", string="RKT Status")
    step_id = fields.Many2one(related="plan_id.step_id", string="RKT Step")
    sequence = fields.Integer(default=10)
    department_id = fields.Many2one(
        "hr.department", string="Division", required=True, check_company=True
    )
    head_employee_id = fields.Many2one(
        "hr.employee",
        ondelete="restrict",
        string="Division Head",
        compute="_compute_head_employee_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    state = fields.Selection(
        FORM_STATES, default="draft", required=True, readonly=True, copy=False, index=True
    )
    is_open = fields.Boolean(
        compute="_compute_is_open",
        store=True,
        help="The division head may change the form's lines.",
    )
    date_deadline = fields.Datetime(string="Deadline", readonly=True, copy=False)
    is_late = fields.Boolean(string="Late", compute="_compute_is_late")
    remaining_days = fields.Integer(
        string="Working Days Left",
        compute="_compute_remaining_days",
        help="Working days until the form's deadline; negative when late.",
    )
    line_ids = fields.One2many("rkt.plan.line", "form_id", string="Lines")
    line_count = fields.Integer(string="Number of Lines", compute="_compute_line_stats")
    budget_total = fields.Monetary(string="Total Budget", compute="_compute_line_stats")
    return_reason = fields.Text(string="Reason for Return", readonly=True, copy=False)
    date_submitted = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    user_can_submit = fields.Boolean(compute="_compute_user_can")
    user_can_review = fields.Boolean(compute="_compute_user_can")
    user_can_edit_lines = fields.Boolean(
        compute="_compute_user_can_edit_lines",
        help="The current user may add, change and delete the lines of this form now "
        "(the views offer only that; rkt.plan.line._check_can_edit decides).",
    )
    user_is_head = fields.Boolean(
        string="My Division",
        compute="_compute_user_can",
        search="_search_user_is_head",
    )

    _sql_constraints = [
        (
            "plan_department_unique",
            "UNIQUE(plan_id, department_id)",
            "Each division takes part in an RKT only once.",
        ),
    ]

    @api.depends("plan_id.name", "department_id.name")
    def _compute_display_name(self):
        for form in self:
            form.display_name = " – ".join(
                name for name in (form.plan_id.name, form.department_id.name) if name
            )

    @api.depends("department_id")
    def _compute_head_employee_id(self):
        for form in self:
            form.head_employee_id = form.department_id.manager_id

    @api.depends("state")
    def _compute_is_open(self):
        for form in self:
            form.is_open = form.state in OPEN_STATES

    @api.depends("date_deadline", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for form in self:
            form.is_late = bool(
                form.state in OPEN_STATES
                and form.date_deadline
                and form.date_deadline < now
            )

    @api.depends("date_deadline", "state")
    def _compute_remaining_days(self):
        for form in self:
            form.remaining_days = (
                form.plan_id._get_remaining_working_days(form.date_deadline)
                if form.state in OPEN_STATES
                else 0
            )

    @api.depends("line_ids.budget")
    def _compute_line_stats(self):
        stats = self.env["rkt.plan.line"]._get_stats_by("form_id", self)
        for form in self:
            form.line_count, form.budget_total = stats.get(form._origin, (0, 0.0))

    @api.depends_context("uid")
    @api.depends("state", "head_employee_id", "plan_id.step_id")
    def _compute_user_can(self):
        acting = self._get_user_division_officials()
        reviewable = self._get_reviewable_forms()
        for form in self:
            form.user_is_head = form.head_employee_id in acting
            form.user_can_submit = (
                form.user_is_head
                and form.state in OPEN_STATES
                and form.plan_id.state == "in_progress"
            )
            form.user_can_review = form in reviewable

    @api.depends_context("uid")
    @api.depends("state", "head_employee_id", "plan_id.step_id", "plan_id.state")
    def _compute_user_can_edit_lines(self):
        editable = self._get_line_editable_forms()
        for form in self:
            form.user_can_edit_lines = form in editable

    def _search_user_is_head(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        acting = self._get_user_division_officials()
        positive = (operator == "=") == value
        return [("head_employee_id", "in" if positive else "not in", acting.ids)]

    def _check_access(self, operation):
        """A refused change of a form says, in the addon's words, who may change it
        (instead of the record rules' generic message)."""
        result = super()._check_access(operation)
        if result and operation != "read":
            forbidden = result[0]
            return forbidden, functools.partial(self._rkt_make_access_error, forbidden)
        return result

    @api.model_create_multi
    def create(self, vals_list):
        forms = super().create(vals_list)
        if not self._is_engine():
            forms.plan_id._check_draft_divisions()
            # the forms of a new plan come with it: rkt.plan.create checks them
            if self.env.context.get("rkt_plan_create") is not PLAN_CREATE_TOKEN:
                forms.plan_id._check_can_change_officials()
        return forms

    def write(self, vals):
        if not self._is_engine():
            if {"department_id", "head_employee_id"} & vals.keys():
                self.plan_id._check_draft_divisions()
                self.plan_id._check_can_change_officials()
            self.plan_id._check_not_locked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        self.plan_id._check_draft_divisions()
        self.plan_id._check_can_change_officials()

    def action_submit(self):
        """The division head submits the form to the team."""
        self.plan_id._lock_for_transition()
        self._check_can_submit()
        for form in self:
            if not form.line_ids:
                raise UserError(
                    self.env._(
                        "Form RKT of %(division)s has no line: add at least one line "
                        "before submitting it.",
                        division=form.department_id.name,
                    )
                )
            # with_prefetch: this form's lines only, not every line of the plan
            form.line_ids.with_prefetch()._check_required_values()
        self._set_state("submitted", extra={"date_submitted": fields.Datetime.now()})
        # the notices are written in the agency's language
        notices = self._rkt_with_agency_lang()
        for form in notices:
            form._post_submitted(notices.env._("Form submitted."))
        notices._activity_close(feedback=notices.env._("Form submitted."))
        # the last submission completes the fill (and collect) step by itself, as
        # the SOP says: the engine writes the plan (_engine_write), the log names
        # the submitting user
        self.plan_id._check_forms_done()
        return True

    def action_return_form(self):
        """Open the dialog that asks why the form is returned."""
        self.ensure_one()
        self._check_can_review()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Form"),
            "res_model": "rkt.plan.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_form_id": self.id},
        }

    def return_form(self, reason):
        """Return the form to its division head for correction, with a reason."""
        self.plan_id._lock_for_transition()
        self._check_can_review()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for returning the form."))
        self._set_state("returned", extra={"return_reason": reason})
        # the notices are written in the agency's language
        self = self._rkt_with_agency_lang()
        for form in self:
            body = self.env._(
                "Form RKT of %(division)s returned for correction: %(reason)s",
                division=form.department_id.name,
                reason=reason,
            )
            form.message_post(body=body, subtype_xmlid="mail.mt_comment")
            form.plan_id.message_post(body=body)
        self._activity_schedule_division()
        return True

    def action_accept_form(self):
        """Accept the division's corrections."""
        self.plan_id._lock_for_transition()
        self._check_can_review()
        self._set_state("accepted")
        # the notices are written in the agency's language
        notices = self._rkt_with_agency_lang()
        for form in notices:
            form.message_post(body=notices.env._("Form accepted."))
        notices._activity_close(feedback=notices.env._("Form accepted."))
        self.plan_id._check_corrections_done()
        return True

    @api.model
    def _get_user_division_officials(self):
        """The division heads the current user acts as (themselves, or as acting
        official), provided they hold the division heads' group."""
        if not self.env.user.has_group(ROLE_GROUPS["division_head"]):
            return self.env["hr.employee"]
        return self.env["rkt.delegation"]._get_acting_employees(self.env.user)

    def _post_submitted(self, text):
        """Note the submission in the form's chatter.  When it waits for a review
        (a correction resubmitted at the correction step), its reviewers are told, in their inbox or by
        e-mail, with the buttons that accept or return it (the e-mail's come from
        ``_notify_get_recipients_groups``)."""
        self.ensure_one()
        plan = self.plan_id
        # the corrections' review (the team collects the first submissions itself)
        actions = self._rkt_get_decision_actions() if plan.step_kind == "correction" else []
        reviewers = self._rkt_get_decider_users() if actions else False
        if not reviewers:
            self.message_post(body=text)
            return
        buttons = Markup(" ").join(
            Markup('<a href="%s" class="btn btn-primary">%s</a>') % (action["url"], action["title"])
            for action in actions
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (text, buttons),
            partner_ids=reviewers.partner_id.ids,
        )

    def _rkt_get_decision_actions(self):
        """The buttons of this form's notices for its reviewers, while it waits
        for their review."""
        self.ensure_one()
        plan = self.plan_id
        if self.state not in ("submitted", "correction") or not plan._get_form_reviewer_roles():
            return []
        return [
            {
                "url": get_decision_link(self, decision, plan.step_id, plan.round),
                "title": title,
            }
            for decision, title in (
                ("accept", self.env._("Accept")),
                ("return", self.env._("Return for Correction")),
            )
        ]

    def _rkt_get_decider_users(self):
        """The users who review this form: the roles the plan's SOP gives the
        review of the forms."""
        self.ensure_one()
        plan = self.plan_id
        return plan._get_role_users(plan._get_form_reviewer_roles())

    def _rkt_make_access_error(self, forbidden):
        # sudo: the names of the divisions refused, in the user's own agencies only
        divisions = (
            forbidden.sudo()
            .filtered(lambda form: form.company_id in self.env.companies)
            .department_id
        )
        return AccessError(
            self.env._(
                "You may not change the Form RKT of %(divisions)s. A division head "
                "changes only their own division's form, while it is open; the "
                "officials of the agency act on forms through the buttons of the "
                "steps they execute.",
                divisions=", ".join(divisions.mapped("name")) or "-",
            )
        )

    def _set_state(self, state, deadline=None, extra=None):
        vals = dict(extra or {}, state=state)
        if deadline is not None:
            # a new deadline: the alerts of the old one are history
            vals.update(date_deadline=deadline, last_reminder_date=False, escalation_level=0)
        return self._engine_write(vals)

    def _get_reviewable_forms(self):
        """The forms of self that the current user may accept or return now."""
        plans = self.plan_id
        capacities = plans._get_user_capacities()
        forms = self.browse()
        for plan in plans:
            roles = set(capacities.get(plan.id, {})) & plan._get_form_reviewer_roles()
            if roles:
                states = ("submitted", "correction") if plan.step_kind == "correction" else ("submitted",)
                forms |= self.filtered(lambda f, p=plan, s=states: f.plan_id == p and f.state in s)
        return forms

    def _get_line_editable_forms(self):
        """The forms of self whose lines the current user may change now: the same
        rule as ``rkt.plan.line._check_can_edit`` (which decides), for the views."""
        plans = self.plan_id
        acting = self._get_user_division_officials()
        capacities = plans._get_user_capacities()
        editors = plans.filtered(
            lambda p: p.state not in LOCKED_STATES
            and "edit_lines" in p._get_allowed_actions(capacities.get(p.id, {}))
        )
        return self.filtered(
            lambda f: f.plan_id.state not in LOCKED_STATES
            and (f.plan_id in editors or (f.is_open and f.head_employee_id in acting))
        )

    def _check_can_submit(self):
        for form in self:
            if not form.user_can_submit:
                raise UserError(
                    self.env._(
                        "Only the head of %(division)s (%(head)s), or their acting "
                        "official, may submit this form, and only while it is open.",
                        division=form.department_id.name,
                        head=form.head_employee_id.name or "-",
                    )
                )

    def _check_can_review(self):
        refused = self - self._get_reviewable_forms()
        if refused:
            plan = refused[0].plan_id
            raise UserError(
                self.env._(
                    "You may not accept or return the form of %(division)s now: at "
                    "this step forms are reviewed by %(roles)s.",
                    division=refused[0].department_id.name,
                    roles=", ".join(
                        plan.sop_id.get_role_names(plan._get_form_reviewer_roles())
                    )
                    or "-",
                )
            )

    def _activity_close(self, feedback=None):
        """Close the open RKT activities of these forms: the division head's
        activity to fill the form and the escalations of its lateness (which are
        someone else's). Marked done with ``feedback``, cancelled without."""
        activities = self.activity_ids.filtered("rkt_step_id")
        if not activities:
            return
        # sudo: the workflow's activities are the engine's (see mail.activity and
        # rkt.plan._activity_done)
        if feedback is None:
            activities.sudo().unlink()
            return
        engine_activities = activities.sudo()
        engine_activities.with_env(
            engine_activities.env(context=clean_context(self.env.context))
        )._action_done(feedback=feedback)

    def _activity_schedule_division(self):
        """Give each division head (or acting official) an activity on their open
        form, with the form's deadline, unless they have one already."""
        self = self._rkt_with_agency_lang()  # its notices: the agency's language
        act_type = self.env.ref("rkt_planning.mail_act_rkt_fill")
        forms = self.filtered("is_open")
        # the acting officials of every division head, in one query
        delegations = self.env["rkt.delegation"]._get_active(forms.head_employee_id)
        vals_list = []
        for form in forms:
            plan = form.plan_id
            step = plan.step_id
            existing = form.activity_ids.filtered(
                lambda a, s=step, p=plan: a.rkt_step_id == s and a.rkt_round == p.round
            ).user_id
            users = self.env["rkt.delegation"]._get_acting_users(
                form.head_employee_id, delegations=delegations
            )
            for user in users - existing:
                vals_list.append(
                    plan._prepare_activity_vals(
                        act_type, user, step, form.date_deadline or plan.step_deadline, form
                    )
                )
        # each activity's res_name is its form's display name, computed one form at
        # a time: compute them for all forms at once
        forms.mapped("display_name")
        # sudo: see rkt.plan._activity_update.  mail.activity.create makes each
        # division head follow their form (one message_subscribe per head: a few
        # queries per division, see tests/test_performance.py); quick update: no
        # "activity assigned" notice per division, the plan's notice below tells
        # them all at once.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
            .with_env(self.env)
        )
        # One notice on each plan tells every division head at once, instead of one
        # "activity assigned" e-mail per division: the cost stays flat with the
        # number of divisions.
        for plan, plan_activities in activities.grouped(
            lambda a: self.browse(a.res_id).plan_id
        ).items():
            plan.message_post(
                body=self.env._(
                    "Division forms to fill for step '%(step)s', due %(deadline)s.",
                    step=plan.step_id.name,
                    deadline=plan._rkt_format_date(plan.step_deadline),
                ),
                partner_ids=plan_activities.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return activities

    # ------------------------------------------------------------------
    # Renstra: the forms drawn from it
    # ------------------------------------------------------------------

    def _renstra_prefill(self):
        """Pre-fill each form with a line per indicator of the plan's Renstra that
        its division owns and the form has not yet: the year's target, the
        programme / activity / sub-activity and their budget.  Called by the engine
        when the forms open (``_on_enter_fill``), after the transition's check; the
        lines are the engine's (``_engine``), and only it sets their Renstra link.

        A programme node's budget is carried once per plan: by the first line
        drawn from it, in the Renstra's order of the indicators, whichever
        division's it is (or by the line that carries it already); the other
        lines drawn from the node carry 0 (``renstra_budget_carried`` unset).  So
        do lines drawn from a node inside or above one already carried (a
        kegiatan of a carried programme, the programme of a carried kegiatan):
        the budget of a programme holds its kegiatan's.
        """
        vals_list = []
        Line = self.env["rkt.plan.line"]
        for plan, forms in self.grouped("plan_id").items():
            renstra = plan.renstra_id
            if not renstra:
                continue
            # sudo: the engine reads the Renstra, and the lines of every division
            # of the plan, whoever's action opens the forms
            indicators = (
                self.env["rkt.renstra.indicator"]
                .sudo()
                .search(
                    [
                        ("renstra_id", "=", renstra.id),
                        ("department_id", "in", forms.department_id.ids),
                    ]
                )
            )
            plan_lines = plan.sudo().line_ids.filtered("renstra_indicator_id")
            drawn = {(line.form_id.id, line.renstra_indicator_id.id) for line in plan_lines}
            carried = plan_lines.filtered(
                "renstra_budget_carried"
            ).renstra_indicator_id.program_id
            forms_by_department = forms.grouped("department_id")
            carried_paths = set(carried.mapped("parent_path"))
            for indicator in indicators:
                node = indicator.program_id
                path = node.parent_path or ""
                for form in forms_by_department.get(indicator.department_id, []):
                    if (form.id, indicator.id) in drawn:
                        continue
                    # the same node, or one inside or above a carried one
                    overlaps = any(
                        path.startswith(other) or other.startswith(path)
                        for other in carried_paths
                    )
                    vals_list.append(
                        Line._prepare_renstra_line_vals(
                            form, indicator, plan.year, carries_budget=not overlaps
                        )
                    )
                    if path:
                        carried_paths.add(path)
        if vals_list:
            # sudo: the engine's lines, created after the transition's check
            # whoever's action opens the forms (the head may not create lines)
            self.env["rkt.plan.line"].sudo()._engine().create(vals_list)
