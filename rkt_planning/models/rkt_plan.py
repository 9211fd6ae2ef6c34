import base64
import hashlib
import json
import time as pytime
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .rkt_sop_step import DIVISION_KINDS, ROLE_CODES

# Only the workflow engine of this module may write these fields.  It does so with
# this object in its context, which no RPC call can forge (a context sent over the
# network is JSON, and this is no JSON value).
ENGINE_TOKEN = object()
ENGINE_FIELDS = {
    "state",
    "step_id",
    "round",
    "step_date_start",
    "step_deadline",
    "meeting_event_id",
    "signed_user_id",
    "signed_employee_id",
    "signed_capacity",
    "signed_date",
    "archive_number",
    "archive_date",
    "signed_attachment_id",
    "signed_sha256",
    "signed_digest",
    "sop_root_id",
}
# What defines a plan and its people: editable until the procedure starts.
DRAFT_ONLY_FIELDS = {
    "company_id",
    "year",
    "sop_id",
    "head_employee_id",
    "secretary_employee_id",
    "planner_employee_id",
    "team_employee_ids",
    "form_ids",
}
LOCKED_STATES = ("signed", "archived", "cancelled")
# What the signed content and the RKT document read of each line.
DOCUMENT_LINE_FIELDS = [
    "sequence",
    "form_id",
    "department_id",
    "strategic_objective",
    "indicator",
    "target",
    "uom",
    "program_code",
    "program_name",
    "activity_code",
    "activity_name",
    "sub_activity_code",
    "sub_activity_name",
    "budget",
    "is_compiled",
]
SIGNED_CAPACITIES = [
    ("head", "Head of Agency"),
    ("plt", "Plt. (Acting)"),
    ("plh", "Plh. (Daily Acting)"),
]


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
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Annual Performance Plan (RKT)"
    _order = "year desc, id desc"
    _check_company_auto = True
    # Everyone who reads a plan or a division form may discuss it in the chatter.
    _mail_post_access = "read"

    @api.model
    def _default_sop_id(self):
        company = self.env.company
        return company.rkt_sop_id or self.env["rkt.sop"].search(
            [("company_id", "in", [company.id, False])],
            order="company_id, id desc",
            limit=1,
        )

    @api.model
    def _default_year(self):
        return fields.Date.context_today(self).year

    name = fields.Char(
        string="Number", readonly=True, copy=False, default="/", tracking=True
    )
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
        domain="[('company_id', 'in', [company_id, False])]",
        tracking=True,
    )
    sop_version = fields.Integer(related="sop_id.version", string="SOP Version")
    sop_root_id = fields.Many2one(
        "rkt.sop",
        string="SOP (All Versions)",
        readonly=True,
        copy=False,
        index=True,
        help="The first version of the plan's SOP: one plan per agency, year and SOP.",
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
        string="Head of Agency",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    secretary_employee_id = fields.Many2one(
        "hr.employee",
        string="Secretary",
        compute="_compute_officials",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    planner_employee_id = fields.Many2one(
        "hr.employee",
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
    signed_user_id = fields.Many2one(
        "res.users", string="Signed By (User)", readonly=True, copy=False
    )
    signed_employee_id = fields.Many2one(
        "hr.employee", string="Signed By", readonly=True, copy=False
    )
    signed_capacity = fields.Selection(
        SIGNED_CAPACITIES, string="Signed As", readonly=True, copy=False
    )
    signed_date = fields.Date(readonly=True, copy=False)
    archive_number = fields.Char(readonly=True, copy=False)
    archive_date = fields.Date(readonly=True, copy=False)
    # -- signed document (see the "Signed document" section at the end) --
    signed_attachment_id = fields.Many2one(
        "ir.attachment", string="Signed RKT", readonly=True, copy=False
    )
    signed_sha256 = fields.Char(string="SHA-256 of Signed File", readonly=True, copy=False)
    signed_digest = fields.Char(
        string="Content Digest",
        readonly=True,
        copy=False,
        help="Digest of the signed content (lines, signer, date), printed in the QR "
        "code of the signed RKT.",
    )
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
    # Defaults and computes
    # ------------------------------------------------------------------

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

    @api.depends("step_deadline", "state")
    def _compute_remaining_days(self):
        for plan in self:
            plan.remaining_days = (
                plan._get_remaining_working_days(plan.step_deadline)
                if plan.state in ("in_progress", "signed")
                else 0
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
        if self.search_count(domain, limit=1):
            raise ValidationError(
                self.env._(
                    "%(agency)s already has an RKT for %(year)s with SOP '%(sop)s'. "
                    "Cancel it before creating another one.",
                    agency=self.env["res.company"].browse(company_id).name,
                    year=year,
                    sop=self.env["rkt.sop"].browse(sop_root_id).name,
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
        if not self._is_engine():
            for vals in vals_list:
                forbidden = ENGINE_FIELDS & vals.keys()
                if forbidden:
                    raise UserError(self._engine_field_message(forbidden))
        for vals in vals_list:
            sop = self.env["rkt.sop"].browse(vals.get("sop_id")) or self._default_sop_id()
            vals["sop_root_id"] = sop.root_id.id or sop.id
            self.browse()._check_unique_year(
                vals.get("company_id") or self.env.company.id,
                vals.get("year") or self._default_year(),
                vals["sop_root_id"],
            )
        plans = super().create(vals_list)
        for plan in plans:
            first = plan.sop_id._get_first_step()
            vals = {"step_id": first.id}
            if plan.name == "/":
                number = self.env["ir.sequence"].next_by_code("rkt.plan") or "/"
                vals["name"] = f"RKT/{plan.year}/{number}"
            plan._engine_write(vals)
        return plans

    def write(self, vals):
        if not self._is_engine():
            forbidden = ENGINE_FIELDS & vals.keys()
            if forbidden:
                raise UserError(self._engine_field_message(forbidden))
            self._check_not_locked()
            started = self.filtered(lambda p: p.state != "draft")
            if started and DRAFT_ONLY_FIELDS & vals.keys():
                raise UserError(
                    self.env._(
                        "The agency, year, SOP, officials and divisions of RKT "
                        "%(plan)s cannot change once the procedure has started.",
                        plan=started[0].name,
                    )
                )
        if "sop_id" in vals:
            sop = self.env["rkt.sop"].browse(vals["sop_id"])
            vals["sop_root_id"] = sop.root_id.id or sop.id
        if {"company_id", "year", "sop_id"} & vals.keys():
            for plan in self.filtered(lambda p: p.state != "cancelled"):
                plan._check_unique_year(
                    vals.get("company_id", plan.company_id.id),
                    vals.get("year", plan.year),
                    vals.get("sop_root_id", plan.sop_root_id.id),
                )
        return super().write(vals)

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
    # Actions (buttons and public API)
    # ------------------------------------------------------------------

    def action_start(self):
        """The head gives the disposition: completes the first step of the SOP."""
        self._check_can("start")
        for plan in self:
            if not (plan.disposition or "").strip():
                raise UserError(
                    self.env._(
                        "Write the disposition before starting RKT %(plan)s.",
                        plan=plan.name,
                    )
                )
            if not plan.program_document_ids and not plan.program_document_ref:
                raise UserError(
                    self.env._(
                        "Attach the Dokumen Program Kerja, or give its reference, "
                        "before starting RKT %(plan)s.",
                        plan=plan.name,
                    )
                )
            plan._check_ready_to_start()
            first = plan.sop_id._get_first_step()
            plan._engine_write({"state": "in_progress", "round": 1})
            plan._enter_step(first)
            plan._complete_current_step(note=plan.disposition)
        return True

    def action_complete_step(self):
        """Open the dialog that records the output of the current step."""
        self.ensure_one()
        self._check_can("complete")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complete Step"),
            "res_model": "rkt.plan.step.complete",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def complete_step(self, output_note=False, attachment_ids=None):
        """Complete the current step, recording what it produced.

        :param output_note: what the step produced (required for process steps
            without attachment)
        :param attachment_ids: ids of ``ir.attachment`` records that hold the output
        """
        self._check_can("complete")
        attachments = self.env["ir.attachment"].browse(attachment_ids or [])
        for plan in self:
            kind = plan.step_kind
            if kind == "process" and not (output_note or "").strip() and not attachments:
                raise UserError(
                    self.env._(
                        "Step '%(step)s' must produce '%(output)s': describe it or "
                        "attach it before completing the step.",
                        step=plan.step_id.name,
                        output=plan.step_id.output or "",
                    )
                )
            plan._complete_current_step(
                note=output_note, attachments=attachments, decision="done"
            )
        return True

    def action_schedule_meeting(self):
        """Schedule the coordination meeting of the current meeting step."""
        self._check_can("schedule_meeting")
        for plan in self:
            if not plan.meeting_start:
                raise UserError(
                    self.env._("Set the meeting date before scheduling the meeting.")
                )
            plan._engine_write(
                {"meeting_event_id": plan._create_meeting_event().id}
            )
        return True

    def action_close_collection(self):
        """Close the collection of division forms before every division submitted."""
        self._check_can("close_collection")
        for plan in self:
            missing = plan.form_ids.filtered(
                lambda f: f.state not in ("submitted", "accepted")
            )
            missing._set_state("missing")
            missing.activity_unlink(["rkt_planning.mail_act_rkt_fill"])
            plan._check_forms_done()
        return True

    def action_approve(self):
        """Answer 'ya' to the current decision step."""
        self._check_can("approve")
        for plan in self:
            plan._complete_current_step(decision="yes")
        return True

    def action_sign(self):
        """The head's 'ya': sign the RKT."""
        self._check_can("sign")
        for plan in self:
            capacity = plan._get_acting_capacity()
            plan._engine_write(
                {
                    "state": "signed",
                    "signed_user_id": self.env.user.id,
                    "signed_employee_id": capacity["employee"].id,
                    "signed_capacity": capacity["signed_capacity"],
                    "signed_date": fields.Date.context_today(plan),
                }
            )
            plan._on_signed()
            plan._complete_current_step(decision="yes")
        return True

    def action_return(self):
        """Open the dialog that asks the reason of a 'tidak'."""
        self.ensure_one()
        self._check_can("return")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return (Tidak)"),
            "res_model": "rkt.plan.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def return_to_step(self, reason):
        """Answer 'tidak': return the plan to the step the SOP names, in a new round."""
        self._check_can("return")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for returning the RKT."))
        for plan in self:
            step = plan.step_id
            target = step.return_step_id
            if not target:
                raise UserError(
                    self.env._(
                        "The SOP names no step for the 'tidak' of '%(step)s'.",
                        step=step.name,
                    )
                )
            plan._close_log(decision="no", reason=reason)
            plan._activity_cancel()
            plan._engine_write({"round": plan.round + 1})
            plan.message_post(
                body=self.env._(
                    "Returned (tidak) at '%(step)s' to '%(target)s', round %(round)s: "
                    "%(reason)s",
                    step=step.name,
                    target=target.name,
                    round=plan.round,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_comment",
            )
            plan._enter_step(target)
        return True

    def action_cancel(self):
        self._check_can("cancel")
        for plan in self:
            plan._close_log(decision="cancelled")
            plan._engine_write({"state": "cancelled"})
            plan._activity_cancel()
        return True

    # ------------------------------------------------------------------
    # Business methods: who may act
    # ------------------------------------------------------------------

    def _get_role_holders(self):
        """The officials assigned to each role code on this plan."""
        self.ensure_one()
        return {
            "team": self.team_employee_ids,
            "planner": self.planner_employee_id,
            "division_head": self.form_ids.head_employee_id,
            "secretary": self.secretary_employee_id,
            "head": self.head_employee_id,
        }

    def _get_user_capacities(self, user=None):
        """Roles the user holds on each plan: ``{plan_id: {role: capacity}}``.

        ``capacity`` is ``{'employee': <official>, 'kind': False | 'plt' | 'plh'}``:
        the official whose role it is, and how the user acts for them.
        """
        user = user or self.env.user
        holders = {plan.id: plan._get_role_holders() for plan in self}
        officials = self.env["hr.employee"].union(
            *(emp for roles in holders.values() for emp in roles.values())
        )
        delegations = self.env["rkt.delegation"]._get_active(officials).filtered(
            lambda d: d.delegate_employee_id.user_id == user
        )
        acting_for = {d.employee_id: d.kind for d in delegations}
        result = {}
        for plan in self:
            roles = {}
            for role, employees in holders[plan.id].items():
                for employee in employees:
                    if employee.user_id == user:
                        roles[role] = {"employee": employee, "kind": False}
                        break
                    if employee in acting_for:
                        roles.setdefault(
                            role, {"employee": employee, "kind": acting_for[employee]}
                        )
            result[plan.id] = roles
        return result

    def _get_allowed_actions(self, roles):
        """The actions the holder of ``roles`` may take on this plan now."""
        self.ensure_one()
        actions = set()
        roles = set(roles)
        if self.state in ("draft", "in_progress") and (
            "head" in roles or self.env.user.has_group("rkt_planning.group_rkt_manager")
        ):
            actions.add("cancel")
        step = self.step_id
        if not step or self.state in ("archived", "cancelled"):
            return actions
        if self.state == "draft":
            if step.get_roles() & roles:
                actions.add("start")
            return actions
        kind = step.kind
        actors = step.get_roles() & roles
        if kind in DIVISION_KINDS:
            actors.discard("division_head")
        if actors:
            if kind == "decision":
                actions |= {"approve", "return"}
            elif kind == "sign":
                actions |= {"sign", "return"}
            elif kind == "meeting":
                actions.add("schedule_meeting")
                actions.add("complete")
            elif kind != "fill":
                actions.add("complete")
            if kind in ("compile", "process", "correction"):
                actions.add("edit_lines")
        if kind in ("fill", "collect") and self._get_collect_step().get_roles() & roles:
            actions.add("close_collection")
        return actions

    def _check_can(self, action):
        """Raise unless the current user may take ``action`` on every plan of self."""
        capacities = self._get_user_capacities()
        for plan in self:
            if action not in plan._get_allowed_actions(capacities.get(plan.id, {})):
                raise UserError(plan._get_refusal_message(action))

    def _get_refusal_message(self, action):
        self.ensure_one()
        if action == "cancel":
            return self.env._(
                "Only the head of agency or an RKT manager may cancel RKT %(plan)s, "
                "and only before it is signed.",
                plan=self.name,
            )
        step = self.step_id
        if self.state not in ("draft", "in_progress", "signed") or not step:
            return self.env._(
                "RKT %(plan)s is closed: no step can be taken on it.", plan=self.name
            )
        roles = step.get_roles()
        if action == "close_collection":
            roles = self._get_collect_step().get_roles()
        holders = self._get_role_holders()
        names = self.env["hr.employee"].union(
            *(holders[role] for role in roles if role in holders)
        ).mapped("name")
        return self.env._(
            "You may not do this on RKT %(plan)s now. The current step '%(step)s' is "
            "for %(roles)s (%(names)s), or their acting official.",
            plan=self.name,
            step=step.name,
            roles=", ".join(self.sop_id.get_role_names(roles)),
            names=", ".join(names) or "-",
        )

    def _get_acting_capacity(self):
        """How the current user acts on the current step: for whom and in what capacity."""
        self.ensure_one()
        roles = self._get_user_capacities().get(self.id, {})
        for role in ROLE_CODES[::-1]:
            if role in roles and role in self.step_id.get_roles():
                capacity = roles[role]
                return {
                    "role": role,
                    "employee": capacity["employee"],
                    "kind": capacity["kind"],
                    "signed_capacity": capacity["kind"] or "head",
                }
        return {
            "role": False,
            "employee": self.env.user.employee_id,
            "kind": False,
            "signed_capacity": "head",
        }

    def _get_collect_step(self):
        """The collect step that closes the current division fill."""
        self.ensure_one()
        step = self.step_id
        while step and step.kind in ("fill", "collect"):
            if step.kind == "collect":
                return step
            step = step._get_next_step()
        return self.env["rkt.sop.step"]

    def _check_ready_to_start(self):
        self.ensure_one()
        problems = []
        if not self.sop_id.step_ids:
            problems.append(self.env._("the SOP has no steps"))
        for role, employees in self._get_role_holders().items():
            needed = any(step.get_roles() & {role} for step in self.sop_id.step_ids)
            if needed and not employees:
                problems.append(
                    self.env._(
                        "nobody holds the role %(role)s",
                        role=self.sop_id.get_role_name(role),
                    )
                )
        if not self.form_ids and any(
            step.kind in DIVISION_KINDS for step in self.sop_id.step_ids
        ):
            problems.append(self.env._("no division takes part"))
        without_head = self.form_ids.filtered(lambda f: not f.head_employee_id.user_id)
        if without_head:
            problems.append(
                self.env._(
                    "these divisions have no head with a user: %(divisions)s",
                    divisions=", ".join(without_head.department_id.mapped("name")),
                )
            )
        if problems:
            raise UserError(
                self.env._(
                    "RKT %(plan)s cannot start: %(problems)s.",
                    plan=self.name,
                    problems="; ".join(problems),
                )
            )

    # ------------------------------------------------------------------
    # Business methods: the engine
    # ------------------------------------------------------------------

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # see rkt.plan.form._subscribe_later: activities for many people at once
        if self.env["rkt.plan.form"]._defer_subscription(self, partner_ids, subtype_ids):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _is_engine(self):
        return self.env.context.get("rkt_planning_engine") is ENGINE_TOKEN

    def _engine(self):
        return self.with_context(rkt_planning_engine=ENGINE_TOKEN)

    def _engine_write(self, vals):
        return self._engine().write(vals)

    def _engine_field_message(self, fields_):
        labels = ", ".join(sorted(self._fields[f]._description_string(self.env) for f in fields_))
        return self.env._(
            "%(fields)s change only through the workflow buttons of the RKT.",
            fields=labels,
        )

    def _get_step_deadline(self, step, start):
        """End of the ``step.duration``-th working day after the day ``start`` falls on.

        Working days come from the agency's working calendar, with its public holidays
        and collective leave (calendar leaves without resource), in its time zone.
        """
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return start + timedelta(days=step.duration)
        tz = pytz.timezone(calendar.tz or "UTC")
        local_start = pytz.utc.localize(start).astimezone(tz)
        next_day = tz.localize(
            datetime.combine(local_start.date() + timedelta(days=1), time.min)
        )
        deadline = calendar.plan_days(step.duration, next_day, compute_leaves=True)
        if not deadline:
            return start + timedelta(days=step.duration)
        # plan_days stops at the first interval of the last day: the step is due at
        # the end of that working day.
        day = deadline.astimezone(tz).date()
        day_start = tz.localize(datetime.combine(day, time.min))
        intervals = calendar._work_intervals_batch(
            day_start, day_start + timedelta(days=1)
        )[False]
        deadline = max([deadline, *(stop for _start, stop, _meta in intervals)])
        return deadline.astimezone(pytz.utc).replace(tzinfo=None)

    def _enter_step(self, step):
        """Make ``step`` the current step and open its log row."""
        self.ensure_one()
        now = fields.Datetime.now()
        deadline = self._get_step_deadline(step, now)
        self._engine_write(
            {"step_id": step.id, "step_date_start": now, "step_deadline": deadline}
        )
        self.env["rkt.plan.log"]._open(self, step, now, deadline)
        hook = getattr(self, f"_on_enter_{step.kind}", None)
        if hook:
            hook()
        self._activity_update()

    def _complete_current_step(self, decision="done", note=False, reason=False, attachments=None):
        """Run the completion hook of the current step, log it and enter the next one."""
        self.ensure_one()
        step = self.step_id
        hook = getattr(self, f"_on_complete_{step.kind}", None)
        if hook:
            hook()
        self._close_log(decision=decision, note=note, reason=reason, attachments=attachments)
        if self.step_id != step:
            return  # a hook moved the plan on already
        next_step = step._get_next_step()
        if next_step:
            self._enter_step(next_step)
        else:
            self._on_finished()

    def _close_log(self, decision="done", note=False, reason=False, attachments=None):
        self.ensure_one()
        capacity = self._get_acting_capacity()
        decisions = dict(self.env["rkt.plan.log"]._fields["decision"]._description_selection(self.env))
        feedback = self.env._(
            "%(step)s: %(decision)s by %(user)s.",
            step=self.step_id.name,
            decision=decisions.get(decision, decision),
            user=self.env.user.name,
        )
        if reason:
            feedback = f"{feedback} {reason}"
        self._activity_done(feedback)
        self.log_ids._close_open(
            decision=decision,
            note=note,
            reason=reason,
            attachments=attachments,
            capacity=capacity,
        )

    def _on_enter_fill(self):
        forms = self.form_ids.filtered(lambda f: f.state in ("draft", "missing"))
        forms._set_state("to_fill", deadline=self.step_deadline)
        forms._activity_schedule_division()
        self._check_forms_done()

    def _on_enter_collect(self):
        self._check_forms_done()

    def _on_enter_compile(self):
        forms = self.form_ids.filtered(lambda f: f.state in ("submitted", "accepted"))
        if not forms:
            return
        # One UPDATE for all the lines, however many: an ORM write sends one per 100
        # lines (and reads them all first).  No field depends on is_compiled.
        lines = self.env["rkt.plan.line"]
        lines.flush_model(["form_id", "is_compiled"])
        self.env.cr.execute(
            SQL(
                "UPDATE rkt_plan_line SET is_compiled = TRUE, write_uid = %s, "
                "write_date = %s WHERE form_id IN %s AND is_compiled IS NOT TRUE",
                self.env.uid,
                self.env.cr.now(),
                tuple(forms.ids),
            )
        )
        lines.invalidate_model(["is_compiled", "write_uid", "write_date"])

    def _on_enter_correction(self):
        forms = self.form_ids.filtered(
            lambda f: f.state in ("submitted", "accepted", "returned")
        )
        forms._set_state("correction", deadline=self.step_deadline)
        forms._activity_schedule_division()

    def _on_complete_meeting(self):
        if not self.meeting_event_id:
            raise UserError(
                self.env._(
                    "Schedule the meeting of step '%(step)s' before completing it.",
                    step=self.step_id.name,
                )
            )

    def _on_complete_compile(self):
        if not self.env["rkt.plan.line"].search_count(
            [("plan_id", "=", self.id), ("is_compiled", "=", True)], limit=1
        ):
            raise UserError(
                self.env._(
                    "No division has submitted a line: there is nothing to compile "
                    "into the draft RKT."
                )
            )

    def _on_complete_correction(self):
        pending = self.form_ids.filtered(
            lambda f: f.state in ("correction", "submitted", "returned")
        )
        pending._set_state("accepted")
        pending.activity_unlink(["rkt_planning.mail_act_rkt_fill"])

    def _on_complete_archive(self):
        number = self.env["ir.sequence"].next_by_code("rkt.plan.archive") or "/"
        self._engine_write(
            {
                "archive_number": number,
                "archive_date": fields.Date.context_today(self),
            }
        )

    def _on_finished(self):
        self.ensure_one()
        self._engine_write({"state": "archived", "step_deadline": False})

    def _check_forms_done(self):
        """Complete the fill / collect step once every division form is in."""
        for plan in self:
            if plan.state != "in_progress" or plan.step_kind not in ("fill", "collect"):
                continue
            if not all(
                form.state in ("submitted", "accepted", "missing") for form in plan.form_ids
            ):
                continue
            missing = plan.form_ids.filtered(lambda f: f.state == "missing")
            if missing:
                plan._complete_current_step(
                    decision="closed",
                    note=self.env._(
                        "Collection closed early; missing divisions: %(divisions)s",
                        divisions=", ".join(missing.department_id.mapped("name")),
                    ),
                )
            else:
                plan._complete_current_step(
                    decision="auto", note=self.env._("Every division form is in.")
                )

    def _check_corrections_done(self):
        """Complete the correction step once every division form is accepted."""
        for plan in self:
            if plan.state == "in_progress" and plan.step_kind == "correction" and all(
                form.state in ("accepted", "missing") for form in plan.form_ids
            ):
                plan._complete_current_step(
                    decision="auto",
                    note=self.env._("Every division's correction is accepted."),
                )

    def _create_meeting_event(self):
        self.ensure_one()
        employees = (
            self.planner_employee_id
            | self.team_employee_ids
            | self.secretary_employee_id
            | self.form_ids.head_employee_id
        )
        partners = employees.user_id.partner_id | employees.work_contact_id
        return self.env["calendar.event"].create(
            {
                "name": self.env._(
                    "RKT %(year)s coordination meeting (%(plan)s)",
                    year=self.year,
                    plan=self.name,
                ),
                "start": self.meeting_start,
                "stop": self.meeting_start + timedelta(hours=2),
                "location": self.meeting_location,
                "partner_ids": [Command.set(partners.ids)],
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
                "description": self.step_id.name,
            }
        )

    # ------------------------------------------------------------------
    # Business methods: activities and deadlines
    # ------------------------------------------------------------------

    def _get_activity_type_xmlids(self):
        return [
            "rkt_planning.mail_act_rkt_step",
            "rkt_planning.mail_act_rkt_decide",
            "rkt_planning.mail_act_rkt_sign",
            "rkt_planning.mail_act_rkt_escalation",
        ]

    def _get_step_activity_type(self, step):
        return self.env.ref(
            {
                "decision": "rkt_planning.mail_act_rkt_decide",
                "sign": "rkt_planning.mail_act_rkt_sign",
            }.get(step.kind, "rkt_planning.mail_act_rkt_step")
        )

    def _get_step_executor_roles(self, step):
        """Roles that act on the plan itself at ``step`` (division heads act on forms)."""
        roles = step.get_roles()
        if step.kind in DIVISION_KINDS:
            roles = roles - {"division_head"}
        return roles

    def _get_role_users(self, roles, delegations=None):
        """The users who act for ``roles`` today: the officials, or their acting
        official (Plt./Plh.) while a delegation is in force."""
        self.ensure_one()
        holders = self._get_role_holders()
        employees = self.env["hr.employee"].union(
            *(holders[role] for role in roles if role in holders)
        )
        return self.env["rkt.delegation"]._get_acting_users(
            employees, delegations=delegations
        )

    def _deadline_date(self, deadline):
        """The date, in the agency's time zone, of a UTC deadline."""
        self.ensure_one()
        if not deadline:
            return fields.Date.context_today(self)
        tz = pytz.timezone(self.company_id.resource_calendar_id.tz or "UTC")
        return pytz.utc.localize(deadline).astimezone(tz).date()

    def _activity_update(self):
        """Schedule the activities of the current step, one per executor, never twice.

        Division heads get theirs on their division forms (see rkt.plan.form).
        """
        vals_list = []
        for plan in self:
            step = plan.step_id
            if plan.state not in ("in_progress", "signed") or not step:
                continue
            act_type = plan._get_step_activity_type(step)
            existing = plan.activity_ids.filtered(
                lambda a, s=step, p=plan: a.rkt_step_id == s and a.rkt_round == p.round
            ).user_id
            users = plan._get_role_users(plan._get_step_executor_roles(step))
            for user in users - existing:
                vals_list.append(
                    plan._prepare_activity_vals(act_type, user, step, plan.step_deadline)
                )
        return self.env["mail.activity"].create(vals_list)

    def _prepare_activity_vals(self, act_type, user, step, deadline, record=None):
        self.ensure_one()
        record = record or self
        note = self.env._(
            "<p>Step %(number)s of %(plan)s: %(step)s</p>"
            "<p>Needs: %(requirement)s<br/>Produces: %(output)s</p>",
            number=step.number,
            plan=self.name,
            step=step.name,
            requirement=step.requirement or "-",
            output=step.output or "-",
        )
        return {
            "activity_type_id": act_type.id,
            "automated": True,
            "user_id": user.id,
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
            "date_deadline": self._deadline_date(deadline),
            "summary": f"{self.name}: {step.name}"[:250],
            "note": note,
            "rkt_step_id": step.id,
            "rkt_round": self.round,
        }

    def _activity_done(self, feedback):
        """Mark done the open activities of the current step, for everyone concerned."""
        for plan in self:
            activities = plan.activity_ids.filtered(
                lambda a, p=plan: a.rkt_step_id == p.step_id and a.rkt_round == p.round
            )
            if activities:
                activities.action_feedback(feedback=feedback)

    def _activity_cancel(self, keep_steps=None):
        """Cancel the open RKT activities of the plan and its forms, except those of
        ``keep_steps``."""
        keep_steps = keep_steps or self.env["rkt.sop.step"]
        activities = (self.activity_ids | self.form_ids.activity_ids).filtered(
            lambda a: a.rkt_step_id and a.rkt_step_id not in keep_steps
        )
        activities.unlink()

    @api.model
    def _cron_deadline_alerts(self):
        """Daily scheduled action: remind and escalate late steps and division forms
        (see ``rkt.deadline.job``)."""
        self.env["rkt.deadline.job"]._run()

    def _get_remaining_working_days(self, deadline):
        """Whole working days from today until the day of ``deadline``; negative:
        working days late (today counts once the deadline's day is over)."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not deadline or not calendar:
            return 0
        tz = pytz.timezone(calendar.tz or "UTC")
        now = fields.Datetime.now()
        today = pytz.utc.localize(now).astimezone(tz).date()
        deadline_day = pytz.utc.localize(deadline).astimezone(tz).date()
        first, last = sorted((today, deadline_day))
        start = tz.localize(datetime.combine(first + timedelta(days=1), time.min))
        stop = tz.localize(datetime.combine(last + timedelta(days=1), time.min))
        if start >= stop:
            return 0
        intervals = calendar._work_intervals_batch(start, stop)[False]
        days = len({interval[0].astimezone(tz).date() for interval in intervals})
        return days if deadline_day >= today else -days

    def _get_form_reviewer_roles(self):
        """Roles that accept or return division forms at the current step."""
        self.ensure_one()
        if self.state != "in_progress":
            return set()
        if self.step_kind == "correction":
            return self.step_id.get_roles() - {"division_head"}
        if self.step_kind in ("fill", "collect"):
            return self._get_collect_step().get_roles() - {"division_head"}
        return set()

    def _check_draft_divisions(self):
        started = self.filtered(lambda p: p.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "The divisions of RKT %(plan)s cannot change once the procedure "
                    "has started.",
                    plan=started[0].name,
                )
            )

    def _check_not_locked(self):
        locked = self.filtered(lambda p: p.state in LOCKED_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "RKT %(plan)s is signed, archived or cancelled: it can no longer "
                    "be changed.",
                    plan=locked[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Signed document
    # ------------------------------------------------------------------

    SIGNED_REPORT = "rkt_planning.action_report_rkt_plan"

    def _get_document_lines(self):
        """The lines the RKT document prints, in the order of the divisions.

        The lines of divisions whose form was recorded as missing stay out unless the
        team compiled them; lines the team or secretary add after the compilation
        belong to the document.
        """
        self.ensure_one()
        # one query for the lines and every field the digest and the report read:
        # ``line_ids`` would fetch their values 1,000 lines per query
        lines = self.env["rkt.plan.line"].search_fetch(
            [("plan_id", "=", self.id)], DOCUMENT_LINE_FIELDS
        )
        # and the forms and divisions of all lines at once: a loop over more than
        # 1,000 records fetches their relations 1,000 records at a time
        lines.form_id.fetch(["state"])
        lines.department_id.fetch(["name"])
        return lines.filtered(
            lambda line: line.is_compiled or line.form_id.state != "missing"
        )

    def _get_signer_employee(self):
        """Whose name, rank and NIP stand under the signature.

        The head's own, or — when an acting official (Plt./Plh.) signed — the acting
        official's: ``signed_employee_id`` stays the head whose role was used.
        """
        self.ensure_one()
        if self.signed_capacity in ("plt", "plh") and self.signed_user_id:
            employees = self.signed_user_id.employee_ids
            return (
                employees.filtered(lambda e: e.company_id == self.company_id)[:1]
                or employees[:1]
                or self.signed_employee_id
            )
        return self.signed_employee_id or self.head_employee_id

    def _get_signed_content(self):
        """What the signature covers, in a canonical form: the plan, its lines, the
        signer and the date."""
        self.ensure_one()
        signer = self._get_signer_employee()
        return {
            "plan": self.name,
            "agency": self.company_id.name,
            "year": self.year,
            "lines": [
                [
                    line.sequence,
                    line.department_id.name or "",
                    line.strategic_objective or "",
                    line.indicator or "",
                    line.target or "",
                    line.uom or "",
                    line.program_code or "",
                    line.program_name or "",
                    line.activity_code or "",
                    line.activity_name or "",
                    line.sub_activity_code or "",
                    line.sub_activity_name or "",
                    f"{line.budget:.2f}",
                ]
                for line in self._get_document_lines()
            ],
            "signer": {
                "name": signer.name or "",
                "nip": signer.nip or "",
                "capacity": self.signed_capacity or "",
            },
            "signed_date": fields.Date.to_string(self.signed_date) or "",
        }

    def _get_content_digest(self):
        """SHA-256 (hex) of the canonical JSON of ``_get_signed_content``."""
        self.ensure_one()
        payload = json.dumps(
            self._get_signed_content(),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def _get_verification_code(self):
        """The first 64 bits of the content digest, printed under the QR code."""
        self.ensure_one()
        digest = (self.signed_digest or "").upper()
        return "-".join(digest[index : index + 4] for index in range(0, 16, 4))

    def _get_signed_qr_value(self):
        self.ensure_one()
        return f"RKT:{self.name};SHA256:{self.signed_digest}"

    def _get_signed_qr_data_uri(self):
        """The QR code of the signed RKT as a data URI: wkhtmltopdf needs no HTTP
        request to draw it."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode(
            "QR", self._get_signed_qr_value(), width=300, height=300, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _on_signed(self):
        """The head (or their acting official) has signed: state, signer and date are
        written.  Fix the digest of the signed content, then render the signed RKT
        once and keep the file with its SHA-256."""
        for plan in self:
            plan._engine_write({"signed_digest": plan._get_content_digest()})
            plan._store_signed_document()

    def _store_signed_document(self):
        """Render the signed RKT and keep it as an attachment of the plan.

        The report stores its first rendering of a signed plan (``attachment`` /
        ``attachment_use``) and prints that file again afterwards.  It is rendered as
        the signer, in Indonesian when the language is installed (the archived copy
        of an Indonesian official document), else in the signer's language.  Odoo
        stores it as the signer, who needs write access to the plan; an acting
        official who may only read it gets the file stored by the engine.  In a test
        run without ``force_report_rendering`` the report yields HTML: nothing is
        stored.
        """
        self.ensure_one()
        lang = self.env["res.lang"]._get_code("id_ID") or self.env.lang
        reports = self.env["ir.actions.report"].with_context(lang=lang)
        content, report_format = reports._render_qweb_pdf(self.SIGNED_REPORT, self.ids)
        if report_format != "pdf":
            return
        report = reports._get_report(self.SIGNED_REPORT)
        attachment = report.retrieve_attachment(self)
        if not attachment:
            # sudo: the file of the plan the current user has just signed.
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": safe_eval(
                            report.attachment, {"object": self, "time": pytime}
                        ),
                        "raw": content,
                        "res_model": self._name,
                        "res_id": self.id,
                        "type": "binary",
                    }
                )
            )
        self._engine_write(
            {
                "signed_attachment_id": attachment.id,
                "signed_sha256": hashlib.sha256(attachment.raw).hexdigest(),
            }
        )

    def _check_signed_document(self):
        """Check the stored signed RKT against what was recorded at signature.

        :return: ``(status, message)``; status is ``ok``, ``missing`` (no stored
            file), ``altered`` (the file no longer matches its SHA-256) or
            ``content_changed`` (the file is intact, but the plan's lines, signer or
            date now differ from what was signed)
        """
        self.ensure_one()
        attachment = self.signed_attachment_id
        if not (self.signed_sha256 and attachment):
            return "missing", self.env._(
                "RKT %(plan)s has no stored signed file to check.", plan=self.name
            )
        if hashlib.sha256(attachment.raw or b"").hexdigest() != self.signed_sha256:
            return "altered", self.env._(
                "The stored file of RKT %(plan)s (%(file)s) no longer matches the "
                "SHA-256 recorded when it was signed: it has been altered.",
                plan=self.name,
                file=attachment.name,
            )
        if self._get_content_digest() != self.signed_digest:
            return "content_changed", self.env._(
                "The stored file of RKT %(plan)s is intact, but the plan's lines or "
                "the signer's name or NIP now differ from what was signed.",
                plan=self.name,
            )
        return "ok", self.env._(
            "The stored file of RKT %(plan)s matches the SHA-256 recorded when it was "
            "signed.",
            plan=self.name,
        )

    def action_verify_signed_document(self):
        """Button: tell whether the stored signed RKT is still the signed file."""
        self.ensure_one()
        status, message = self._check_signed_document()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Signed RKT"),
                "message": message,
                "type": {"ok": "success", "content_changed": "warning"}.get(
                    status, "danger"
                ),
                "sticky": status != "ok",
            },
        }
