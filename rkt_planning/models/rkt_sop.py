from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from .rkt_sop_step import ROLE_CODES

# Put in the context by ``action_revise`` to archive the old version, which a plan
# may use.  No RPC call can forge it: a context sent over the network is JSON, and
# this is no JSON value.
REVISION_TOKEN = object()

# What an SOP version says: frozen, with its steps (FROZEN_STEP_FIELDS), while a plan
# runs or ran on it.  The identity block and the executor names are printed on the
# SOP sheet of the plan; archiving or moving the version would take it from the plan.
FROZEN_SOP_FIELDS = frozenset(
    {
        "name",
        "code",
        "version",
        "active",
        "company_id",
        "template_id",
        "unit_name",
        "date_made",
        "date_revised",
        "date_approved",
        "approved_by",
        "approver_employee_id",
        "approver_title",
        "approver_name",
        "approver_rank",
        "approver_nip",
        "legal_basis",
        "executor_qualification",
        "related_sops",
        "equipment",
        "warning",
        "records_kept",
        *(f"role_{role}_name" for role in ROLE_CODES),
        "step_ids",
        "root_id",
        "previous_version_id",
        "copy_corrections",
    }
)


class RktSop(models.Model):
    """A Standard Operating Procedure (SOP AP, PermenPAN-RB 35/2012) for preparing the RKT.

    An SOP is data: its identity block, the names the agency gives the five SOP roles
    and its steps.  A record without agency is a template that any agency may copy;
    only a system administrator changes a template, and a plan never runs on one but
    on its agency's own copy (``_get_agency_copy``).  Revising an SOP creates a new
    version; the old version stays readable (archived) and the plans already running
    keep the version they started with.  A version a plan runs or ran on is frozen
    whole (``FROZEN_SOP_FIELDS``, ``FROZEN_STEP_FIELDS``).
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
        default=lambda self: self._default_company_id(),
        help="The agency this SOP belongs to. Leave empty for a template that any "
        "agency may copy (only a system administrator changes templates).",
    )
    template_id = fields.Many2one(
        "rkt.sop",
        string="Copied From Template",
        readonly=True,
        copy=False,
        index=True,
        help="The template this agency's SOP was copied from; its plans that name the "
        "template run on this copy.",
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
    copy_corrections = fields.Json(
        string="Corrections of Agency Copies",
        copy=False,
        help="Template only: what an agency's copy reads instead of the sheet's "
        "words, where the sheet as extracted is wrong (the template keeps it "
        "verbatim): SOP fields by name, and under 'steps' the step names, "
        "{sheet's wording: corrected}.",
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

    @api.model
    def _default_company_id(self):
        # A new SOP is its agency's own.  The templates come from the data files
        # (loaded as superuser) or from a system administrator who clears the agency.
        return False if self.env.su else self.env.company

    @api.model_create_multi
    def create(self, vals_list):
        # before the record rules, so that the refusal says why
        if not self.env.is_system():
            default_company = self.default_get(["company_id"]).get("company_id")
            for vals in vals_list:
                if not vals.get("company_id", default_company):
                    self._raise_template_access(vals.get("name"))
        sops = super().create(vals_list)
        for sop in sops.filtered(lambda s: not s.root_id):
            sop.root_id = sop
        return sops

    def write(self, vals):
        self._check_template_access()
        if "company_id" in vals and not vals["company_id"] and not self.env.is_system():
            self._raise_template_access(self[:1].name)
        frozen = FROZEN_SOP_FIELDS & vals.keys()
        if self.env.context.get("rkt_sop_revision") is REVISION_TOKEN:
            frozen -= {"active"}  # action_revise archives the old version
        if frozen:
            self._check_not_in_use()
        return super().write(vals)

    def unlink(self):
        # before the record rules, so that the refusal says why
        self._check_template_access()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._check_not_in_use()

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
                "template_id": self.template_id.id,
                "root_id": self.root_id.id or self.id,
                "previous_version_id": self.id,
                "date_revised": fields.Date.context_today(self),
            }
        )
        self.with_context(rkt_sop_revision=REVISION_TOKEN).active = False
        self.message_post(
            body=self.env._(
                "Revised as version %(version)s.", version=new_sop.version
            )
        )
        return new_sop._get_form_action()

    def action_copy_for_agency(self):
        """Copy a template SOP for the current agency."""
        self.ensure_one()
        new_sop = self._copy_with_steps(self._get_agency_copy_values(self.env.company))
        return new_sop._get_form_action()

    def _get_agency_copy_values(self, company):
        self.ensure_one()
        return {
            "company_id": company.id,
            "name": self.name,
            "version": 1,
            "template_id": (self.template_id if self.company_id else self).id,
        }

    def _apply_copy_corrections(self, corrections):
        """Correct this new agency copy as its template's ``copy_corrections`` say:
        the agency's users read words ("Tim", not the sheet's "TEM")."""
        self.ensure_one()
        corrections = dict(corrections or {})
        step_names = corrections.pop("steps", None) or {}
        values = {key: value for key, value in corrections.items() if key in self._fields}
        if values:
            self.write(values)
        for step in self.step_ids:
            if step.name in step_names:
                step.name = step_names[step.name]

    def _find_agency_copy(self, company):
        """The current version of ``company``'s copy of this template, if any: the
        agency's default SOP when it is one, else the latest copy."""
        self.ensure_one()
        # sudo: only which of the agency's own SOPs is its copy is read, whatever the
        # companies the context allows.
        copies = (
            self.env["rkt.sop"]
            .sudo()
            .search(
                [("template_id", "=", self.id), ("company_id", "=", company.id)],
                order="id desc",
            )
        )
        copy = (copies & company.rkt_sop_id) or copies[:1]
        return self.browse(copy.ids)

    def _get_agency_copy(self, company):
        """The SOP a plan of ``company`` runs on when it names this one: an agency
        SOP itself; for a template, the current version of the agency's copy, made
        when the agency has none."""
        self.ensure_one()
        if self.company_id:
            return self
        copy = self._find_agency_copy(company)
        if not copy:
            # sudo: whoever creates the plan (a planning head) may not write SOPs.
            # What is made is only a copy of the template, for the plan's agency.
            # The context is the caller's without its default_* keys, which are
            # meant for the plan (clean_context keeps everything else).
            context = clean_context(self.env.context)
            template = self.sudo().with_context(context)  # pylint: disable=context-overridden
            copy = template._copy_with_steps(self._get_agency_copy_values(company))
            copy._apply_copy_corrections(template.copy_corrections)
            copy = self.browse(copy.ids)
        return copy

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
        """Refuse to change a version a plan runs or ran on; a revision is the way."""
        for sop in self:
            if sop._is_used():
                raise UserError(
                    self.env._(
                        "SOP '%(sop)s' (version %(version)s) is used by a plan: it is "
                        "frozen, with its identity, executor names and steps, and "
                        "stays as it is. Use 'Revise' to create a new version and "
                        "change that one.",
                        sop=sop.name,
                        version=sop.version,
                    )
                )

    def _check_template_access(self):
        """Only a system administrator changes a template (an SOP without agency)."""
        if self.env.is_system():
            return
        template = self.filtered(lambda sop: not sop.company_id)[:1]
        if template:
            self._raise_template_access(template.name)

    def _raise_template_access(self, name):
        raise AccessError(
            self.env._(
                "SOP template '%(sop)s' can only be changed by a system "
                "administrator; copy it for your agency ('Copy for My Agency') and "
                "change the copy.",
                sop=name or "",
            )
        )
