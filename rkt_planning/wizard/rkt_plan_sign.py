from odoo import api, fields, models


class RktPlanSign(models.TransientModel):
    """The head's 'ya' at the signing step of an agency that signs electronically:
    asks the passphrase of the official's certificate (and their NIK for BSrE)."""

    _name = "rkt.plan.sign"
    _inherit = "rkt.esign.dialog.mixin"
    _description = "Sign RKT Electronically"

    plan_id = fields.Many2one("rkt.plan", string="RKT", required=True, readonly=True)
    expected_step_id = fields.Many2one(
        "rkt.sop.step",
        readonly=True,
        help="The step the user saw when opening the dialog: if the RKT has moved on "
        "since, it is not signed.",
    )
    esign_provider = fields.Selection(
        related="plan_id.company_id.rkt_esign_provider", string="Signing Provider"
    )
    signer_name = fields.Char(string="Signatory", compute="_compute_signer_name")

    @api.depends("plan_id")
    def _compute_signer_name(self):
        for wizard in self:
            wizard.signer_name = self.env.user.employee_id.name or self.env.user.name

    def action_confirm(self):
        self.ensure_one()
        passphrase, wizard = self._pop_passphrase()
        wizard.plan_id.action_sign(
            expected_step_id=self.expected_step_id.id,
            passphrase=passphrase,
            nik=self.nik,
        )
        return {"type": "ir.actions.act_window_close"}
