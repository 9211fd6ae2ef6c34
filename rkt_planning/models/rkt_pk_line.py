from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# What a PK line copies of its RKT line when the PK is drafted.
PK_LINE_COPIED_FIELDS = (
    "sequence",
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
    "is_iku",
)


class RktPkLine(models.Model):
    """One row of a Perjanjian Kinerja: a line of the signed RKT, copied when the
    PK is drafted.  Its target may differ from the RKT's only with a reason."""

    _name = "rkt.pk.line"
    _inherit = ["rkt.engine.guard.mixin"]
    _description = "Perjanjian Kinerja Line"
    _order = "pk_id, sequence, id"
    _check_company_auto = True
    _rkt_engine_fields = ("plan_line_id", "rkt_target")
    _rkt_create_only_fields = ("pk_id",)

    pk_id = fields.Many2one(
        "rkt.pk",
        string="Perjanjian Kinerja",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="pk_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="pk_id.currency_id")
    plan_line_id = fields.Many2one(
        "rkt.plan.line",
        string="RKT Line",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The line of the signed RKT this line was copied from.",
    )
    sequence = fields.Integer(default=10)
    strategic_objective = fields.Char()
    indicator = fields.Text(string="Performance Indicator")
    target = fields.Char()
    rkt_target = fields.Char(
        string="Target in the RKT",
        readonly=True,
        help="The target of the signed RKT when the PK was drafted.",
    )
    deviation_reason = fields.Text(
        string="Reason for Changed Target",
        help="Why the target differs from the signed RKT's; required then.",
    )
    uom = fields.Char(string="Unit")
    program_code = fields.Char(string="Programme Code")
    program_name = fields.Char(string="Programme")
    activity_code = fields.Char()
    activity_name = fields.Char(string="Activity")
    sub_activity_code = fields.Char(string="Sub-activity Code")
    sub_activity_name = fields.Char(string="Sub-activity")
    budget = fields.Monetary(currency_field="currency_id")
    is_iku = fields.Boolean(string="IKU")
    is_target_changed = fields.Boolean(
        string="Target Changed", compute="_compute_is_target_changed"
    )

    @api.depends("target", "rkt_target", "plan_line_id")
    def _compute_is_target_changed(self):
        for line in self:
            line.is_target_changed = line._is_target_changed()

    @api.constrains("target", "deviation_reason")
    def _check_deviation_reason(self):
        for line in self:
            if line._is_target_changed() and not (line.deviation_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "The target of '%(indicator)s' differs from the signed RKT "
                        "(%(rkt_target)s): write the reason for the change.",
                        indicator=line.indicator or line.strategic_objective or "-",
                        rkt_target=line.rkt_target or "-",
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_can_edit()
        return lines

    def write(self, vals):
        self._check_can_edit()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_editable(self):
        self._check_can_edit()

    def _is_target_changed(self):
        self.ensure_one()
        return bool(self.plan_line_id) and (self.target or "").strip() != (
            self.rkt_target or ""
        ).strip()

    def _check_can_edit(self):
        """A PK's lines change while it is a draft, by its first party (or their
        acting official), the planning head or an RKT manager."""
        if self._is_engine():
            return
        for pk in self.pk_id:
            if not pk._can_edit_lines():
                raise UserError(
                    self.env._(
                        "You may not change the lines of %(pk)s: they change while it "
                        "is a draft, by its first party (or their acting official), "
                        "the planning head or an RKT manager.",
                        pk=pk.name,
                    )
                )
