from odoo import fields, models


class RktPkReset(models.TransientModel):
    """The reason for taking a Perjanjian Kinerja signed by its first party alone
    back to draft (``rkt.pk.reset_to_draft``)."""

    _name = "rkt.pk.reset"
    _description = "Perjanjian Kinerja Back to Draft"

    pk_id = fields.Many2one("rkt.pk", string="Perjanjian Kinerja", required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.pk_id.reset_to_draft(self.reason)
        return {"type": "ir.actions.act_window_close"}
