from odoo import api, fields, models
from odoo.exceptions import UserError

from .rkt_sop_step import ROLE_CODES


class RktSop(models.Model):
    """A Standard Operating Procedure (SOP AP, PermenPAN-RB 35/2012) for preparing the RKT.

    An SOP is data: its identity block, the names the agency gives the five SOP roles
    and its steps.  A record without agency is a template that any agency may copy.
    Revising an SOP creates a new version; the old version stays readable (archived)
    and the plans already running keep the version they started with.
    """

    _name = "rkt.sop"
    _inherit = ["mail.thread"]
    _description = "RKT SOP"
    _order = "name, version desc, id desc"
    _rec_names_search = ["name", "code"]

    name = fields.Char(string="SOP Name", required=True, tracking=True)
    code = fields.Char(string="SOP Number", tracking=True)
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Agency",
        index=True,
        help="The agency this SOP belongs to. Leave empty for a template that any "
        "agency may copy.",
    )
    unit_name = fields.Text(
        help="The government and unit named in the identity block of the sheet.",
    )
    date_made = fields.Date()
    date_revised = fields.Date(copy=False)
    date_approved = fields.Date()
    approved_by = fields.Char(
        help="Position of the official who approved the SOP."
    )
    approver_employee_id = fields.Many2one(
        "hr.employee",
        string="Approving Official",
        help="The official whose name and NIP are printed under 'Approved By'.",
    )
    approver_title = fields.Char(
        string="Signature Title",
        help="The title written above the approving official's signature, e.g. "
        "'Plt. Kepala Dinas Kesehatan'.",
    )
    approver_name = fields.Char(
        help="Printed when no approving official is set."
    )
    approver_rank = fields.Char()
    approver_nip = fields.Char(string="Approver NIP")
    legal_basis = fields.Text()
    executor_qualification = fields.Text(string="Executor Qualifications")
    related_sops = fields.Text(string="Related SOPs")
    equipment = fields.Text()
    warning = fields.Text()
    records_kept = fields.Text()
    role_team_name = fields.Char(string="Team Role Name", default="Tim", required=True)
    role_planner_name = fields.Char(
        string="Planning Head Role Name",
        default="Kasubbag Perencanaan",
        required=True,
    )
    role_division_head_name = fields.Char(
        string="Division Head Role Name", default="Kabid/Kasubbag", required=True
    )
    role_secretary_name = fields.Char(
        string="Secretary Role Name", default="Sekretaris", required=True
    )
    role_head_name = fields.Char(
        string="Head Role Name", default="Kepala", required=True
    )
    step_ids = fields.One2many(
        "rkt.sop.step", "sop_id", string="Steps", copy=False
    )
    step_count = fields.Integer(compute="_compute_step_count")
    total_duration = fields.Integer(
        string="Working Days (Straight Path)",
        compute="_compute_step_count",
        help="Working days of all steps when no decision returns the plan.",
    )
    root_id = fields.Many2one(
        "rkt.sop",
        string="First Version",
        readonly=True,
        copy=False,
        index=True,
        help="The first version of this SOP; every revision points to it.",
    )
    previous_version_id = fields.Many2one(
        "rkt.sop", string="Previous Version", readonly=True, copy=False
    )
    plan_count = fields.Integer(string="Plans", compute="_compute_plan_count")

    @api.depends("step_ids.duration", "step_ids.active")
    def _compute_step_count(self):
        for sop in self:
            sop.step_count = len(sop.step_ids)
            sop.total_duration = sum(sop.step_ids.mapped("duration"))

    def _compute_plan_count(self):
        counts = dict(
            self.env["rkt.plan"]._read_group(
                [("sop_id", "in", self.ids)], ["sop_id"], ["__count"]
            )
        )
        for sop in self:
            sop.plan_count = counts.get(sop, 0)

    @api.model_create_multi
    def create(self, vals_list):
        sops = super().create(vals_list)
        for sop in sops.filtered(lambda s: not s.root_id):
            sop.root_id = sop
        return sops

    def get_role_name(self, role):
        """Return the name this SOP gives a role code (see ``ROLE_CODES``)."""
        self.ensure_one()
        return self[f"role_{role}_name"]

    def get_role_names(self, roles):
        """Return the agency's names of ``roles``, in the SOP's column order."""
        self.ensure_one()
        return [self.get_role_name(role) for role in ROLE_CODES if role in roles]

    def _copy_with_steps(self, default):
        """Copy this SOP and its steps, pointing every return step at its copy."""
        self.ensure_one()
        new_sop = self.copy(default)
        step_map = {}
        # In order: a 'tidak' arrow always points to an earlier, already copied step.
        for step in self.with_context(active_test=False).step_ids:
            step_map[step] = step.copy(
                {
                    "sop_id": new_sop.id,
                    "return_step_id": step_map[step.return_step_id].id
                    if step.return_step_id
                    else False,
                }
            )
        return new_sop

    def action_revise(self):
        """Create the next version of this SOP and archive this one."""
        self.ensure_one()
        if not self.active:
            raise UserError(
                self.env._("Only the current version of an SOP can be revised.")
            )
        new_sop = self._copy_with_steps(
            {
                "version": self.version + 1,
                "root_id": self.root_id.id or self.id,
                "previous_version_id": self.id,
                "date_revised": fields.Date.context_today(self),
            }
        )
        self.active = False
        self.message_post(
            body=self.env._(
                "Revised as version %(version)s.", version=new_sop.version
            )
        )
        return new_sop._get_form_action()

    def action_copy_for_agency(self):
        """Copy a template SOP for the current agency."""
        self.ensure_one()
        new_sop = self._copy_with_steps(
            {"company_id": self.env.company.id, "name": self.name, "version": 1}
        )
        return new_sop._get_form_action()

    def action_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rkt_planning.rkt_plan_action"
        )
        action["domain"] = [("sop_id", "=", self.id)]
        action["context"] = {"default_sop_id": self.id}
        return action

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "rkt.sop",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _get_first_step(self):
        self.ensure_one()
        return self.step_ids[:1]

    def _is_used(self):
        """Whether a plan runs (or ran) on this SOP version."""
        # sudo: a template SOP may be used by plans of agencies the user cannot read;
        # only the existence of such a plan is disclosed.
        return bool(
            self.env["rkt.plan"].sudo().search_count([("sop_id", "in", self.ids)], limit=1)
        )

    def _check_not_in_use(self):
        """Refuse to change how a running plan moves; a revision is the way."""
        for sop in self:
            if sop._is_used():
                raise UserError(
                    self.env._(
                        "SOP '%(sop)s' (version %(version)s) is used by a plan: its "
                        "steps' kinds, executors, times and order cannot change. Use "
                        "'Revise' to create a new version.",
                        sop=sop.name,
                        version=sop.version,
                    )
                )
