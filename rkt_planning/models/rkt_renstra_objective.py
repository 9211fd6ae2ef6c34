from odoo import fields, models


class RktRenstraObjective(models.Model):
    """A strategic objective (sasaran strategis) of a Renstra goal, measured by its
    indicators and served by its programmes."""

    _name = "rkt.renstra.objective"
    _inherit = ["rkt.renstra.part.mixin"]
    _description = "Renstra Strategic Objective (Sasaran Strategis)"
    _order = "renstra_id, sequence, code, id"
    _rec_names_search = ["code", "name"]

    goal_id = fields.Many2one(
        "rkt.renstra.goal",
        string="Goal",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('renstra_id', '=', renstra_id)]",
    )
    renstra_id = fields.Many2one(
        related="goal_id.renstra_id", store=True, index=True, string="Renstra"
    )
    company_id = fields.Many2one(
        related="renstra_id.company_id", store=True, index=True, string="Agency"
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(help="The objective's number in the Renstra, e.g. 'S1.1'.")
    name = fields.Text(string="Strategic Objective", required=True)
    indicator_ids = fields.One2many(
        "rkt.renstra.indicator", "objective_id", string="Performance Indicators"
    )
    program_ids = fields.One2many(
        "rkt.renstra.program", "objective_id", string="Programmes and Activities"
    )
