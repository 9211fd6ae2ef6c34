from odoo import fields, models


class RktPlanReturn(models.TransientModel):
    """Asks the reason of a 'tidak': for a whole RKT at a decision step, or for one
    division form under review."""

    _name = "rkt.plan.return"
    _description = "Return RKT or Division Form"

    plan_id = fields.Many2one("rkt.plan", string="RKT", readonly=True)
    form_id = fields.Many2one("rkt.plan.form", string="Division Form", readonly=True)
    step_id = fields.Many2one(related="plan_id.step_id")
    expected_step_id = fields.Many2one(
        "rkt.sop.step",
        readonly=True,
        help="The step the user saw when opening the dialog: if the RKT has moved on "
        "since, it is not returned.",
    )
    return_step_id = fields.Many2one(
        related="plan_id.step_id.return_step_id", string="Returns To"
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.form_id:
            self.form_id.return_form(self.reason)
        else:
            self.plan_id.return_to_step(
                self.reason, expected_step_id=self.expected_step_id.id
            )
        return {"type": "ir.actions.act_window_close"}
