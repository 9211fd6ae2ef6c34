from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .rkt_plan_signed_document import SIGNED_DOCUMENT_FIELDS

# Set in the context while a plan creates its division forms (rkt.plan.form checks
# who may add divisions otherwise).  No RPC call can forge it.
PLAN_CREATE_TOKEN = object()

# The plan's fields that only the workflow engine writes (see rkt.engine.guard.mixin;
# its read-only stored computed fields are guarded as well).
PLAN_ENGINE_FIELDS = (
    "state",
    "step_id",
    "round",
    "step_date_start",
    "step_deadline",
    "meeting_event_id",
    "archive_number",
    "archive_date",
    "dpa_date",
    *SIGNED_DOCUMENT_FIELDS,
)
# Who runs the plan: from the agency's settings; an RKT manager or the head may
# change them while the plan is a draft.
OFFICIAL_FIELDS = {
    "company_id",
    "sop_id",
    "head_employee_id",
    "secretary_employee_id",
    "planner_employee_id",
    "team_employee_ids",
    "form_ids",
    "renstra_id",
}
# What defines a plan and its people: editable until the procedure starts.
DRAFT_ONLY_FIELDS = OFFICIAL_FIELDS | {"year"}


class RktPlan(models.Model):
    """The annual performance plan (RKT) of one agency for one fiscal year.

    The plan runs the steps of its SOP version.  Who may act is decided by one check,
    ``_get_allowed_actions``: the current user must hold a role of the current step on
    this plan (be the official assigned, or their acting official).

    ==========================  ==========================================================
    Action                      Who, when
    ==========================  ==========================================================
    Start (disposition)         executors of the first step (the head), plan in draft
    Complete step               executors of the current process / meeting / compile /
                                correction / archive step (division heads act through
                                their forms instead)
    Schedule meeting            executors of the current meeting step
    Close collection early      executors of the collect step, while divisions fill
    Accept (ya) / Return        executors of the current decision step
    Sign (ya) / Return          executors of the current sign step
    Submit division form        the division head (or acting official), form open
    Accept / return a form      non-division executors of the correction step; the
                                collect step's executors while divisions fill
    Edit plan lines             division head: own division, form open; secretary:
                                correction step; team / planning head: compile or
                                process step they execute
    Cancel                      the head, or an RKT manager, before signature
    ==========================  ==========================================================

    Nothing changes on a signed, archived or cancelled plan except through the engine.
    """

    _name = "rkt.plan"
    _inherit = [
        "rkt.engine.guard.mixin",
        "rkt.plan.engine",
        "rkt.plan.activity.mixin",
        "rkt.plan.signed.document",
        "rkt.plan.pk.mixin",
        "rkt.notice.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Annual Performance Plan (RKT)"
    _order = "year desc, id desc"
    _check_company_auto = True
    # Everyone who reads a plan or a division form may discuss it in the chatter.
    _mail_post_access = "read"
    _rkt_engine_fields = PLAN_ENGINE_FIELDS
    # the number is given at creation (by the sequence, or by an import)
    _rkt_create_only_fields = ("name",)

    @api.model
    def _default_sop_id(self, company=None):
        """The agency's default SOP, else its latest own SOP, else a template.  For a
        template, the agency's copy when there is one; else the plan's ``create``
        makes it (see ``_get_agency_sop``)."""
        company = company or self.env.company
        sop = company.rkt_sop_id
        if sop and not sop.company_id:
            sop = sop._find_agency_copy(company) or sop
        return sop or self.env["rkt.sop"].search(
            [("company_id", "in", [company.id, False])],
            order="company_id, id desc",
            limit=1,
        )

    @api.model
    def _get_agency_sop(self, sop, company):
        """A plan runs on an SOP of its own agency: a template gives the agency's
        copy (made the first time), so that nobody else's edit or archiving of the
        template can change the plan's procedure."""
        if sop and not sop.company_id and company:
            return sop._get_agency_copy(company)
        return sop

    @api.model
    def _default_year(self):
        """The next fiscal year for which the agency has no RKT yet: an RKT is
        prepared during the year before the one it plans."""
        company = (
            self.env["res.company"].browse(self.env.context.get("default_company_id"))
            or self.env.company
        )
        year = fields.Date.context_today(self).year + 1
        taken = set(
            self.search(
                [
                    ("company_id", "=", company.id),
                    ("year", ">=", year),
                    ("state", "!=", "cancelled"),
                ]
            ).mapped("year")
        )
        while year in taken:
            year += 1
        return year

    @api.model
    def _get_default_departments(self, company):
        """The divisions (Sekretariat, Bidang) that take part in the RKT by default.

        With one root department whose children exist, its managed children; otherwise
        every managed department that the head of agency does not lead.
        """
        departments = self.env["hr.department"].search(
            [("company_id", "=", company.id), ("manager_id", "!=", False)]
        )
        roots = self.env["hr.department"].search(
            [("company_id", "=", company.id), ("parent_id", "=", False)]
        )
        if len(roots) == 1 and roots.child_ids:
            return departments.filtered(lambda d: d.parent_id == roots)
        head = self._get_default_head(company)
        return departments.filtered(lambda d: d.manager_id != head)

    @api.model
    def _get_default_head(self, company):
        if company.rkt_head_employee_id:
            return company.rkt_head_employee_id
        roots = self.env["hr.department"].search(
            [("company_id", "=", company.id), ("parent_id", "=", False)]
        )
        return roots.manager_id if len(roots) == 1 else self.env["hr.employee"]

    @api.model
    def _default_form_ids(self):
        company = self.env["res.company"].browse(
            self.env.context.get("default_company_id")
        ) or self.env.company
        return [
            Command.create(
                {"department_id": department.id, "head_employee_id": department.manager_id.id}
            )
            for department in self._get_default_departments(company)
        ]

    # numbered when created (RKT/<year>/<n>); an unsaved plan has no number yet
    name = fields.Char(string="Number", readonly=True, copy=False, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Agency",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(
        string="Fiscal Year",
        required=True,
        default=lambda self: self._default_year(),
        tracking=True,
    )
    sop_id = fields.Many2one(
        "rkt.sop",
        string="SOP",
        required=True,
        default=lambda self: self._default_sop_id(),
        domain="[('company_id', '=', company_id)]",
        tracking=True,
    )
    sop_version = fields.Integer(related="sop_id.version", string="SOP Version")
    sop_root_id = fields.Many2one(
        "rkt.sop",
        string="SOP (All Versions)",
        compute="_compute_sop_root_id",
        store=True,
        index=True,
        help="The first version of the plan's SOP: one plan per agency, year and SOP.",
    )
    renstra_id = fields.Many2one(
        "rkt.renstra",
        string="Renstra",
        compute="_compute_renstra_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        domain="[('company_id', '=', company_id), ('year_start', '<=', year), "
        "('year_end', '>=', year)]",
        help="The agency's Renstra this RKT is drawn from: when the division forms "
        "open, each is pre-filled with the Renstra indicators its division owns, "
        "with this year's target, programme and budget. By default the agency's "
        "active Renstra whose period covers the year.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("signed", "Signed"),
            ("archived", "Archived"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    step_id = fields.Many2one(
        "rkt.sop.step",
        string="Current Step",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        group_expand="_read_group_step_id",
    )
    step_kind = fields.Selection(related="step_id.kind", store=True, string="Step Kind")
    round = fields.Integer(
        default=1,
        readonly=True,
        copy=False,
        help="Incremented each time a decision returns the plan to an earlier step.",
    )
    step_date_start = fields.Datetime(
        string="Step Started", readonly=True, copy=False
    )
    step_deadline = fields.Datetime(
        readonly=True, copy=False, index=True
    )
    is_late = fields.Boolean(
        string="Late", compute="_compute_is_late", search="_search_is_late"
    )
    remaining_days = fields.Integer(
        string="Working Days Left",
        compute="_compute_remaining_days",
        help="Working days until the deadline of the current step; negative when late.",
    )
    head_employee_id = fields.Many2one(
        "hr.employee",
        ondelete="restrict",
        string="Head of Agency",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    secretary_employee_id = fields.Many2one(
        "hr.employee",
        ondelete="restrict",
        string="Secretary",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    planner_employee_id = fields.Many2one(
        "hr.employee",
        ondelete="restrict",
        string="Planning Head",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    team_employee_ids = fields.Many2many(
        "hr.employee",
        "rkt_plan_team_rel",
        "plan_id",
        "employee_id",
        string="Team",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
    )
    form_ids = fields.One2many(
        "rkt.plan.form",
        "plan_id",
        string="Division Forms",
        default=lambda self: self._default_form_ids(),
        copy=False,
    )
    line_ids = fields.One2many("rkt.plan.line", "plan_id", string="RKT Lines")
    log_ids = fields.One2many("rkt.plan.log", "plan_id", string="Log", readonly=True)
    disposition = fields.Text(
        help="The head's disposition that starts the preparation of the RKT."
    )
    program_document_ids = fields.Many2many(
        "ir.attachment",
        "rkt_plan_program_document_rel",
        "plan_id",
        "attachment_id",
        string="Work Programme Documents",
        help="Dokumen Program Kerja: what the disposition is based on.",
    )
    program_document_ref = fields.Char(
        string="Work Programme Reference",
        help="Reference of the Dokumen Program Kerja when it is not attached.",
    )
    meeting_start = fields.Datetime(
        string="Meeting Date", help="When the coordination meeting takes place."
    )
    meeting_location = fields.Char()
    meeting_event_id = fields.Many2one(
        "calendar.event", string="Meeting", readonly=True, copy=False
    )
    archive_number = fields.Char(readonly=True, copy=False)
    archive_date = fields.Date(readonly=True, copy=False)
    form_count = fields.Integer(compute="_compute_form_stats")
    form_done_count = fields.Integer(
        string="Forms In", compute="_compute_form_stats"
    )
    form_progress = fields.Float(
        string="Forms Progress", compute="_compute_form_stats"
    )
    line_count = fields.Integer(string="Number of Lines", compute="_compute_line_stats")
    budget_total = fields.Monetary(
        string="Total Budget", compute="_compute_line_stats"
    )
    user_role_names = fields.Char(
        string="My Roles", compute="_compute_user_actions"
    )
    user_can_start = fields.Boolean(compute="_compute_user_actions")
    user_can_complete = fields.Boolean(compute="_compute_user_actions")
    user_can_schedule_meeting = fields.Boolean(compute="_compute_user_actions")
    user_can_close_collection = fields.Boolean(compute="_compute_user_actions")
    user_can_approve = fields.Boolean(compute="_compute_user_actions")
    user_can_sign = fields.Boolean(compute="_compute_user_actions")
    user_can_return = fields.Boolean(compute="_compute_user_actions")
    user_can_cancel = fields.Boolean(compute="_compute_user_actions")
    user_can_edit_lines = fields.Boolean(compute="_compute_user_actions")
    is_user_turn = fields.Boolean(
        string="To Act On By Me",
        compute="_compute_user_actions",
        search="_search_is_user_turn",
    )

    # ------------------------------------------------------------------
    # Computes, searches and group expansion
    # ------------------------------------------------------------------

    @api.depends("company_id", "year")
    def _compute_renstra_id(self):
        for plan in self:
            if plan.state == "draft" or not plan.renstra_id:
                plan.renstra_id = self.env["rkt.renstra"]._find_for_year(
                    plan.company_id, plan.year
                )

    @api.depends("sop_id")
    def _compute_sop_root_id(self):
        for plan in self:
            plan.sop_root_id = plan.sop_id.root_id or plan.sop_id

    def _read_group_step_id(self, steps, domain):
        sops = self.search(domain).sop_id
        return steps.search([("sop_id", "in", sops.ids)])

    @api.depends("step_deadline", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for plan in self:
            plan.is_late = bool(
                plan.state in ("in_progress", "signed")
                and plan.step_deadline
                and plan.step_deadline < now
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        late = [
            ("state", "in", ("in_progress", "signed")),
            ("step_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return late
        return ["!", "&", *late]

    @api.depends("step_deadline", "state")
    def _compute_remaining_days(self):
        for plan in self:
            plan.remaining_days = (
                plan._get_remaining_working_days(plan.step_deadline)
                if plan.state in ("in_progress", "signed")
                else 0
            )

    @api.depends("company_id")
    def _compute_officials(self):
        for plan in self:
            if plan.state != "draft":
                continue
            company = plan.company_id
            plan.head_employee_id = self._get_default_head(company)
            plan.secretary_employee_id = company.rkt_secretary_employee_id
            plan.planner_employee_id = company.rkt_planner_employee_id
            plan.team_employee_ids = company.rkt_team_employee_ids

    @api.depends("form_ids.state")
    def _compute_form_stats(self):
        for plan in self:
            forms = plan.form_ids
            done = forms.filtered(lambda f: f.state in ("submitted", "accepted"))
            plan.form_count = len(forms)
            plan.form_done_count = len(done)
            plan.form_progress = 100.0 * len(done) / len(forms) if forms else 0.0

    @api.depends("line_ids.budget")
    def _compute_line_stats(self):
        stats = self.env["rkt.plan.line"]._get_stats_by("plan_id", self)
        for plan in self:
            plan.line_count, plan.budget_total = stats.get(plan._origin, (0, 0.0))

    @api.depends_context("uid")
    @api.depends(
        "state",
        "step_id",
        "head_employee_id",
        "secretary_employee_id",
        "planner_employee_id",
        "team_employee_ids",
        "form_ids.head_employee_id",
    )
    def _compute_user_actions(self):
        capacities = self._get_user_capacities()
        for plan in self:
            roles = capacities.get(plan.id, {})
            actions = plan._get_allowed_actions(roles)
            plan.user_role_names = ", ".join(plan.sop_id.get_role_names(roles))
            plan.user_can_start = "start" in actions
            plan.user_can_complete = "complete" in actions
            plan.user_can_schedule_meeting = "schedule_meeting" in actions
            plan.user_can_close_collection = "close_collection" in actions
            plan.user_can_approve = "approve" in actions
            plan.user_can_sign = "sign" in actions
            plan.user_can_return = "return" in actions
            plan.user_can_cancel = "cancel" in actions
            plan.user_can_edit_lines = "edit_lines" in actions
            plan.is_user_turn = bool(actions - {"cancel", "edit_lines"}) or bool(
                plan.form_ids.filtered("user_can_submit")
            )

    def _search_is_user_turn(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        plans = self.search([("state", "in", ("draft", "in_progress", "signed"))])
        ids = plans.filtered("is_user_turn").ids
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    # ------------------------------------------------------------------
    # Numbering
    # ------------------------------------------------------------------

    def _next_number(self, code, date=None):
        """The next number of sequence ``code`` for this plan's agency, counted per
        year: the fiscal year by default (plan numbers), or ``date``'s (the
        archive register of the year the RKT is filed)."""
        self.ensure_one()
        # sudo: numbering is configuration; the planning head creating a plan may
        # not write sequences, but takes the next number of his agency's.
        sequences = self.env["ir.sequence"].sudo()
        sequence = sequences.search(
            [("code", "=", code), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not sequence:
            template = sequences.search(
                [("code", "=", code), ("company_id", "=", False)], limit=1
            )
            prefix = (template.prefix or "").replace("%(year)s", "%(range_year)s")
            sequence = sequences.create(
                {
                    "name": f"{template.name or code} – {self.company_id.name}",
                    "code": code,
                    "company_id": self.company_id.id,
                    "prefix": prefix,
                    "padding": template.padding or 4,
                    "use_date_range": True,
                }
            )
        return sequence._next(
            sequence_date=date or fields.Date.to_date(f"{self.year}-01-01")
        )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    def init(self):
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS rkt_plan_unique_year_idx
                   ON rkt_plan (company_id, year, sop_root_id)
                   WHERE state != 'cancelled'"""
            )
        )

    def _check_unique_year(self, company_id, year, sop_root_id):
        """Refuse a second plan (not cancelled) for one agency, year and SOP.

        Checked before writing, with a clear message; the partial unique index
        created in ``init`` is the guard against concurrent transactions.
        """
        domain = [
            ("company_id", "=", company_id),
            ("year", "=", year),
            ("sop_root_id", "=", sop_root_id),
            ("state", "!=", "cancelled"),
            ("id", "not in", self.ids),
        ]
        existing = self.search(domain, limit=1)
        if not existing:
            return
        values = {
            "agency": self.env["res.company"].browse(company_id).name,
            "year": year,
            "sop": self.env["rkt.sop"].browse(sop_root_id).name,
            "plan": existing.name,
        }
        if existing.state in ("draft", "in_progress"):
            raise ValidationError(
                self.env._(
                    "%(agency)s already has RKT %(plan)s for %(year)s with SOP "
                    "'%(sop)s'. Choose another fiscal year, or have the head or an "
                    "RKT manager cancel %(plan)s first.",
                    **values,
                )
            )
        raise ValidationError(
            self.env._(
                "%(agency)s already has RKT %(plan)s for %(year)s with SOP '%(sop)s'; "
                "it is signed or archived, so it stays. Choose another fiscal year.",
                **values,
            )
        )

    @api.constrains("year")
    def _check_year(self):
        for plan in self:
            if not 2000 <= plan.year <= 2100:
                raise ValidationError(
                    self.env._(
                        "The fiscal year %(year)s is not valid.", year=plan.year
                    )
                )

    @api.constrains("renstra_id", "year")
    def _check_renstra_year(self):
        for plan in self.filtered("renstra_id"):
            if not plan.renstra_id._get_year_index(plan.year):
                raise ValidationError(
                    self.env._(
                        "Renstra %(renstra)s does not cover the fiscal year %(year)s "
                        "of RKT %(plan)s.",
                        renstra=plan.renstra_id.display_name,
                        year=plan.year,
                        plan=plan.name,
                    )
                )

    @api.constrains("form_ids")
    def _check_form_departments(self):
        for plan in self:
            departments = plan.form_ids.department_id
            if len(departments) != len(plan.form_ids):
                raise ValidationError(
                    self.env._("Each division takes part in an RKT only once.")
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.context.get("default_company_id")
            ) or self.env.company
            sop = self.env["rkt.sop"].browse(vals.get("sop_id")) or self._default_sop_id(company)
            sop = self._get_agency_sop(sop, company)
            vals["sop_id"] = sop.id
            self.browse()._check_unique_year(
                company.id,
                vals.get("year") or self._default_year(),
                sop.root_id.id or sop.id,
            )
        plans = (
            super(RktPlan, self.with_context(rkt_plan_create=PLAN_CREATE_TOKEN))
            .create(vals_list)
            .with_env(self.env)
        )
        for plan in plans:
            first = plan.sop_id._get_first_step()
            vals = {"step_id": first.id}
            if not plan.name or plan.name == "/":
                vals["name"] = f"RKT/{plan.year}/{plan._next_number('rkt.plan')}"
            plan._engine_write(vals)
        plans._check_officials_from_settings()
        return plans

    def write(self, vals):
        if vals.get("sop_id") and not self.env["rkt.sop"].browse(vals["sop_id"]).company_id:
            # a template: each agency's plans take the agency's copy
            company = self.env["res.company"].browse(vals.get("company_id"))
            if not company and len(self.company_id) > 1:
                return all(
                    self.filtered(lambda p, c=c: p.company_id == c).write(vals)
                    for c in self.company_id
                )
            sop = self._get_agency_sop(
                self.env["rkt.sop"].browse(vals["sop_id"]), company or self.company_id
            )
            vals = dict(vals, sop_id=sop.id)
        if not self._is_engine():
            self._check_not_locked()
            if OFFICIAL_FIELDS & vals.keys():
                self._check_can_change_officials()
            started = self.filtered(lambda p: p.state != "draft")
            if started and DRAFT_ONLY_FIELDS & vals.keys():
                raise UserError(
                    self.env._(
                        "The agency, year, SOP, officials and divisions of RKT "
                        "%(plan)s cannot change once the procedure has started.",
                        plan=started[0].name,
                    )
                )
        if {"company_id", "year", "sop_id"} & vals.keys():
            sop = self.env["rkt.sop"].browse(vals.get("sop_id"))
            for plan in self.filtered(lambda p: p.state != "cancelled"):
                sop = sop or plan.sop_id
                plan._check_unique_year(
                    vals.get("company_id", plan.company_id.id),
                    vals.get("year", plan.year),
                    sop.root_id.id or sop.id,
                )
        return super().write(vals)

    def action_preview_draft(self):
        """The draft RKT as a page in the app (HTML), readable on a phone: the same
        report as the PDF, without the download."""
        self.ensure_one()
        action = self.env.ref("rkt_planning.action_report_rkt_plan").report_action(self)
        action["report_type"] = "qweb-html"
        return action

    def copy(self, default=None):
        """An RKT is not duplicated: each year's plan runs the procedure anew."""
        if not self._is_engine():
            raise UserError(
                self.env._(
                    "An RKT cannot be duplicated: create a new RKT for the next "
                    "fiscal year; its divisions fill their forms anew."
                )
            )
        return super().copy(default=default)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        started = self.filtered(
            lambda p: p.log_ids or p.state not in ("draft", "cancelled")
        )
        if started:
            raise UserError(
                self.env._(
                    "RKT %(plan)s has started: its log is kept, so it cannot be deleted. "
                    "Cancel it instead.",
                    plan=started[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Mail thread
    # ------------------------------------------------------------------

