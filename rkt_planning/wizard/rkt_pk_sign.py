from odoo import api, fields, models
from odoo.exceptions import UserError

from .rkt_plan_sign import PASSPHRASE_CONTEXT_KEY


class RktPkSign(models.TransientModel):
    """A party's signature of a Perjanjian Kinerja in an agency that signs
    electronically: asks the passphrase (and NIK for BSrE), as the RKT's signing
    dialog does; the passphrase is never stored."""

    _name = "rkt.pk.sign"
    _description = "Sign Perjanjian Kinerja Electronically"

    pk_id = fields.Many2one("rkt.pk", string="Perjanjian Kinerja", required=True, readonly=True)
    party = fields.Selection(
        [("first", "First Party"), ("second", "Second Party")],
        string="Signing As",
        required=True,
        readonly=True,
        default="second",
    )
    esign_provider = fields.Selection(
        related="pk_id.company_id.rkt_esign_provider", string="Signing Provider"
    )
    nik = fields.Char(
        string="NIK",
        default=lambda self: self._default_nik(),
        help="Your NIK (16 digits), as registered with BSrE.",
    )
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

    def _compute_passphrase(self):
        for wizard in self:
            wizard.passphrase = False

    def action_confirm(self):
        self.ensure_one()
        passphrase = self.env.context.get(PASSPHRASE_CONTEXT_KEY) or ""
        if not passphrase:
            raise UserError(self.env._("Type the passphrase of your electronic signature."))
        pk = self.pk_id.with_context(**{PASSPHRASE_CONTEXT_KEY: None})
        if self.party == "first":
            pk.action_sign_first(passphrase=passphrase, nik=self.nik)
        else:
            pk.action_sign_second(passphrase=passphrase, nik=self.nik)
        return {"type": "ir.actions.act_window_close"}
