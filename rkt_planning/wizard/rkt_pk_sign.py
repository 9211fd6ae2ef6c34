from odoo import fields, models


class RktPkSign(models.TransientModel):
    """A party's signature of a Perjanjian Kinerja in an agency that signs
    electronically: asks the passphrase (and NIK for BSrE), as the RKT's signing
    dialog does; the passphrase is never stored."""

    _name = "rkt.pk.sign"
    _inherit = "rkt.esign.dialog.mixin"
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

    def action_confirm(self):
        self.ensure_one()
        passphrase, wizard = self._pop_passphrase()
        pk = wizard.pk_id
        if self.party == "first":
            pk.action_sign_first(passphrase=passphrase, nik=self.nik)
        else:
            pk.action_sign_second(passphrase=passphrase, nik=self.nik)
        return {"type": "ir.actions.act_window_close"}
