from odoo import fields, models


class RktRenstraGoal(models.Model):
    """A goal (tujuan) of the Renstra."""

    _name = "rkt.renstra.goal"
    _inherit = ["rkt.renstra.part.mixin"]
    _description = "Renstra Goal (Tujuan)"
    _order = "renstra_id, sequence, code, id"
    _rec_names_search = ["code", "name"]

    renstra_id = fields.Many2one(
        "rkt.renstra",
        string="Renstra",
        required=True,
        ondelete="cascade",
        index=True,
        default=lambda self: self.env.context.get("rkt_renstra_id"),
    )
    company_id = fields.Many2one(
        related="renstra_id.company_id", store=True, index=True, string="Agency"
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(help="The goal's number in the Renstra, e.g. 'T1'.")
    name = fields.Text(string="Goal", required=True)
    objective_ids = fields.One2many(
        "rkt.renstra.objective", "goal_id", string="Strategic Objectives"
    )
