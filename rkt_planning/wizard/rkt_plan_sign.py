from odoo import api, fields, models
from odoo.exceptions import UserError

# The button of the dialog sends the passphrase in its context (the web client
# evaluates the button's context on the dialog's values): the field that holds it
# is not stored, so it never reaches the database.
PASSPHRASE_CONTEXT_KEY = "rkt_esign_passphrase"


class RktPlanSign(models.TransientModel):
    """The head's 'ya' at the signing step of an agency that signs electronically:
    asks the passphrase of the official's certificate (and their NIK for BSrE)."""

    _name = "rkt.plan.sign"
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
    nik = fields.Char(
        string="NIK",
        default=lambda self: self._default_nik(),
        help="Your NIK (16 digits), as registered with BSrE.",
    )
    # Not stored: typed in the dialog, sent with the button (see above), dropped.
    passphrase = fields.Char(
        store=False,
        compute="_compute_passphrase",
        readonly=False,
        help="The passphrase of your electronic signature. It is used for this "
        "signature only and never stored.",
    )

    @api.model
    def _default_nik(self):
        employee = self.env.user.employee_id
        # the NIK (identification number) of the current user's own employee
        return employee.sudo().identification_id if employee else False

    @api.depends("plan_id")
    def _compute_signer_name(self):
        for wizard in self:
            wizard.signer_name = self.env.user.employee_id.name or self.env.user.name

    def _compute_passphrase(self):
        for wizard in self:
            wizard.passphrase = False

    def action_confirm(self):
        self.ensure_one()
        passphrase = self.env.context.get(PASSPHRASE_CONTEXT_KEY) or ""
        if not passphrase:
            raise UserError(self.env._("Type the passphrase of your electronic signature."))
        plan = self.plan_id.with_context(**{PASSPHRASE_CONTEXT_KEY: None})
        plan.action_sign(
            expected_step_id=self.expected_step_id.id,
            passphrase=passphrase,
            nik=self.nik,
        )
        return {"type": "ir.actions.act_window_close"}
