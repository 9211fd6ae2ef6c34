from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RktRenstraIndicator(models.Model):
    """A performance indicator (indikator kinerja) of a strategic objective: its
    unit, baseline, the target of each year of the period, and the division that
    owns it — the division whose Form RKT is pre-filled with it.

    ``program_id`` is the programme, kegiatan or sub-kegiatan whose code, name and
    indicative budget of the year go onto the RKT line.
    """

    _name = "rkt.renstra.indicator"
    _inherit = ["rkt.renstra.part.mixin"]
    _description = "Renstra Performance Indicator"
    _order = "renstra_id, objective_id, sequence, id"
    _rec_names_search = ["code", "name"]

    objective_id = fields.Many2one(
        "rkt.renstra.objective",
        string="Strategic Objective",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('renstra_id', '=', renstra_id)]",
    )
    renstra_id = fields.Many2one(
        related="objective_id.renstra_id", store=True, index=True, string="Renstra"
    )
    company_id = fields.Many2one(
        related="renstra_id.company_id", store=True, index=True, string="Agency"
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(help="The indicator's number in the Renstra, e.g. 'IK1.1.1'.")
    name = fields.Text(string="Performance Indicator", required=True)
    uom = fields.Char(string="Unit", required=True)
    baseline = fields.Char(help="The value at the start of the period, as written.")
    target_y1 = fields.Char(string="Target Year 1", required=True)
    target_y2 = fields.Char(string="Target Year 2", required=True)
    target_y3 = fields.Char(string="Target Year 3", required=True)
    target_y4 = fields.Char(string="Target Year 4", required=True)
    target_y5 = fields.Char(string="Target Year 5", required=True)
    is_iku = fields.Boolean(
        string="IKU", help="A key performance indicator (Indikator Kinerja Utama)."
    )
    formula = fields.Text(help="How the indicator is computed.")
    data_source = fields.Char()
    department_id = fields.Many2one(
        "hr.department",
        string="Division",
        index=True,
        check_company=True,
        help="The division that owns the indicator: its Form RKT is pre-filled with "
        "it. Leave empty for an indicator of the agency as a whole.",
    )
    program_id = fields.Many2one(
        "rkt.renstra.program",
        string="Programme or Activity",
        index=True,
        ondelete="restrict",
        domain="[('objective_id', '=', objective_id)]",
        help="The programme, kegiatan or sub-kegiatan serving this indicator; its "
        "codes, names and indicative budget of the year go onto the RKT line.",
    )

    @api.constrains("program_id", "objective_id")
    def _check_program(self):
        for indicator in self.filtered("program_id"):
            if indicator.program_id.objective_id != indicator.objective_id:
                raise ValidationError(
                    self.env._(
                        "Indicator '%(indicator)s': programme or activity %(code)s serves "
                        "another strategic objective.",
                        indicator=indicator.name,
                        code=indicator.program_id.code,
                    )
                )

    def _get_target(self, year):
        """The target of fiscal ``year``, as written (False outside the period)."""
        return self._get_year_value("target", year)
