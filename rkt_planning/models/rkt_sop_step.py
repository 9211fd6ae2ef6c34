from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# The five executor roles of the SOP, in the column order of the SOP sheet.
ROLE_CODES = ("team", "planner", "division_head", "secretary", "head")

STEP_KINDS = [
    ("start", "Start (Disposition)"),
    ("process", "Process"),
    ("meeting", "Meeting"),
    ("fill", "Division Fill"),
    ("collect", "Collect"),
    ("compile", "Compile"),
    ("correction", "Correction"),
    ("decision", "Decision"),
    ("sign", "Sign"),
    ("archive", "Archive"),
]
# Kinds whose 'tidak' (no) arrow returns the plan to an earlier step.
DECISION_KINDS = ("decision", "sign")
# Kinds that division heads work on through their own division forms.
DIVISION_KINDS = ("fill", "correction")
# Everything a step says or decides: frozen while a plan runs (or ran) on its SOP
# version, since the plan moves along these steps and prints them on its SOP sheet.
# A change is made on a new version ('Revise').  Not to be confused with the
# workflow fields of the plan (PLAN_ENGINE_FIELDS), which only the engine writes.
FROZEN_STEP_FIELDS = frozenset(
    {
        "sop_id",
        "company_id",
        "sequence",
        "active",
        "name",
        "kind",
        *(f"role_{role}" for role in ROLE_CODES),
        "requirement",
        "duration",
        "duration_text",
        "output",
        "note",
        "return_step_id",
    }
)


class RktSopStep(models.Model):
    """One row of the procedure table of an SOP: who does what, with what, how fast."""

    _name = "rkt.sop.step"
    _description = "RKT SOP Step"
    _order = "sop_id, sequence, id"

    sop_id = fields.Many2one(
        "rkt.sop", string="SOP", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="sop_id.company_id", store=True)
    sequence = fields.Integer(default=10, required=True)
    number = fields.Integer(string="No.", compute="_compute_number")
    name = fields.Text(string="Procedure", required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        STEP_KINDS,
        required=True,
        default="process",
        help="What the workflow does at this step.",
    )
    role_team = fields.Boolean(string="Team")
    role_planner = fields.Boolean(string="Planning Head")
    role_division_head = fields.Boolean(string="Division Heads")
    role_secretary = fields.Boolean(string="Secretary")
    role_head = fields.Boolean(string="Head")
    role_names = fields.Char(string="Executors", compute="_compute_role_names")
    requirement = fields.Char(string="Requirements")
    duration = fields.Integer(
        string="Time (Working Days)",
        default=1,
        required=True,
        help="Time allowed for the step, in working days (a week is 5).",
    )
    duration_text = fields.Char(
        string="Time as Written",
        help="The time as the SOP sheet writes it, e.g. '1 minggu'.",
    )
    output = fields.Char()
    note = fields.Char(string="Remarks")
    return_step_id = fields.Many2one(
        "rkt.sop.step",
        string="Return Step (tidak)",
        domain="[('sop_id', '=', sop_id), ('id', '!=', id)]",
        help="For a decision: the earlier step the plan returns to when the answer "
        "is 'tidak'.",
    )

    _sql_constraints = [
        (
            "duration_positive",
            "CHECK(duration > 0)",
            "The time of a step must be at least one working day.",
        ),
    ]

    @api.depends("sop_id.step_ids.sequence")
    def _compute_number(self):
        numbers = {
            step.id: index
            for sop in self.sop_id
            for index, step in enumerate(sop.step_ids, start=1)
        }
        for step in self:
            step.number = numbers.get(step.id, 0)

    @api.depends(*(f"role_{role}" for role in ROLE_CODES), "sop_id")
    def _compute_role_names(self):
        for step in self:
            names = step.sop_id.get_role_names(step.get_roles()) if step.sop_id else []
            step.role_names = ", ".join(names)

    @api.constrains("duration")
    def _check_duration(self):
        for step in self:
            if step.duration <= 0:
                raise ValidationError(
                    self.env._(
                        "The time of step '%(step)s' must be at least one working "
                        "day.",
                        step=step.name,
                    )
                )

    @api.constrains("kind", "return_step_id", "sequence", "sop_id")
    def _check_return_step(self):
        for step in self:
            if step.kind in DECISION_KINDS and not step.return_step_id:
                raise ValidationError(
                    self.env._(
                        "Decision step '%(step)s' needs the step its 'tidak' arrow "
                        "returns to.",
                        step=step.name,
                    )
                )
            target = step.return_step_id
            if target and (
                target.sop_id != step.sop_id
                or (target.sequence, target.id) >= (step.sequence, step.id)
            ):
                raise ValidationError(
                    self.env._(
                        "The 'tidak' arrow of step '%(step)s' must return to an "
                        "earlier step of the same SOP.",
                        step=step.name,
                    )
                )

    @api.constrains(*(f"role_{role}" for role in ROLE_CODES))
    def _check_roles(self):
        for step in self:
            if not step.get_roles():
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' needs at least one executor role.",
                        step=step.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        default_sop = self.env.context.get("default_sop_id")
        sops = self.env["rkt.sop"].browse(
            {vals.get("sop_id") or default_sop for vals in vals_list} - {False, None}
        )
        # before creating, so that the record rules do not refuse first
        sops._check_template_access()
        sops._check_not_in_use()
        return super().create(vals_list)

    def write(self, vals):
        sops = self.sop_id | self.env["rkt.sop"].browse(vals.get("sop_id") or [])
        sops._check_template_access()
        if FROZEN_STEP_FIELDS & vals.keys():
            sops._check_not_in_use()
        return super().write(vals)

    def unlink(self):
        # before the record rules, so that the refusal says why
        self.sop_id._check_template_access()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # A plan's log names only steps of the plan's own SOP version, so the steps
        # a log names are those of a used version.
        used = self.sop_id.filtered(lambda sop: sop._is_used())
        step = self.filtered(lambda s: s.sop_id in used)[:1]
        if step:
            raise UserError(
                self.env._(
                    "Step '%(step)s' cannot be deleted: a plan runs (or ran) on SOP "
                    "'%(sop)s' (version %(version)s), whose procedure is frozen. Use "
                    "'Revise' to create a new version of the SOP and change its steps "
                    "there.",
                    step=step.name,
                    sop=step.sop_id.name,
                    version=step.sop_id.version,
                )
            )

    def get_roles(self):
        """Return the set of role codes (see ``ROLE_CODES``) that execute these steps."""
        return {role for step in self for role in ROLE_CODES if step[f"role_{role}"]}

    def _get_next_step(self):
        """The step that follows this one in its SOP, or an empty recordset."""
        self.ensure_one()
        key = (self.sequence, self.id)
        return self.sop_id.step_ids.filtered(lambda s: (s.sequence, s.id) > key)[:1]
