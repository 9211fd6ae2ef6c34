from odoo import fields, models


class RktPlanDpa(models.TransientModel):
    """Enter the DPA date of a signed RKT: its Perjanjian Kinerja are drafted."""

    _name = "rkt.plan.dpa"
    _description = "RKT DPA Date"

    plan_id = fields.Many2one("rkt.plan", string="RKT", required=True, readonly=True)
    dpa_date = fields.Date(string="DPA Date", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.plan_id.set_dpa_date(self.dpa_date)
        return self.plan_id.action_view_pks()
