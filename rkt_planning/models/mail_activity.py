from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    rkt_step_id = fields.Many2one(
        "rkt.sop.step",
        string="RKT Step",
        index="btree_not_null",
        help="The SOP step this RKT activity belongs to.",
    )
    rkt_round = fields.Integer(string="RKT Round")
