from odoo import fields, models


class RktPlanStepComplete(models.TransientModel):
    """Records what the current step of an RKT produced, then completes it."""

    _name = "rkt.plan.step.complete"
    _description = "Complete RKT Step"

    plan_id = fields.Many2one("rkt.plan", string="RKT", required=True, readonly=True)
    step_id = fields.Many2one(related="plan_id.step_id")
    expected_step_id = fields.Many2one(
        "rkt.sop.step",
        readonly=True,
        help="The step the user saw when opening the dialog: if the RKT has moved on "
        "since, the step is not completed.",
    )
    step_output = fields.Char(related="plan_id.step_id.output", string="Expected Output")
    output_note = fields.Text(string="Output")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "rkt_plan_step_complete_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="Documents",
    )

    def action_confirm(self):
        self.ensure_one()
        self.plan_id.complete_step(
            self.output_note,
            self.attachment_ids.ids,
            expected_step_id=self.expected_step_id.id,
        )
        if self.attachment_ids:
            # The documents stay with the plan, visible in its chatter attachments.
            self.attachment_ids.write({"res_model": "rkt.plan", "res_id": self.plan_id.id})
        return {"type": "ir.actions.act_window_close"}
