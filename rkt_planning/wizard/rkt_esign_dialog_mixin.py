from odoo import api, fields, models
from odoo.exceptions import UserError

# The button of the dialog sends the passphrase in its context (the web client
# evaluates the button's context on the dialog's values): the field that holds it
# is not stored, so it never reaches the database.
PASSPHRASE_CONTEXT_KEY = "rkt_esign_passphrase"


class RktEsignDialogMixin(models.AbstractModel):
    """What the signing dialogs of the RKT and of the Perjanjian Kinerja share:
    the official's NIK (for BSrE) and the passphrase of their electronic
    signature, typed, used for one signature and never stored."""

    _name = "rkt.esign.dialog.mixin"
    _description = "Electronic Signature Dialog"

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

    def _compute_passphrase(self):
        for wizard in self:
            wizard.passphrase = False

    def _pop_passphrase(self):
        """The passphrase the button sent, and ``self`` without it in its context
        (so that nothing called afterwards carries it further)."""
        passphrase = self.env.context.get(PASSPHRASE_CONTEXT_KEY) or ""
        if not passphrase:
            raise UserError(self.env._("Type the passphrase of your electronic signature."))
        return passphrase, self.with_context(**{PASSPHRASE_CONTEXT_KEY: None})
