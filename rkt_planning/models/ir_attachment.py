from odoo import api, models
from odoo.exceptions import AccessError

SIGNATURE_MODEL = "rkt.plan.signature"


class IrAttachment(models.Model):
    """The file of an RKT signature (``rkt.plan.signature.pdf_file``) is an
    attachment: nobody but the superuser adds one to a signature, nor changes or
    deletes it.

    Odoo already checks an attachment's changes against write access to the record
    it belongs to, which the RKT groups do not have on a signature.  That check is
    skipped for an attachment created without ``res_id`` and given one afterwards
    (its ``res_model`` is not sent again): such a file could then be read as the
    signature's.  Hence the refusal here, on the model alone.
    """

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("res_model") == SIGNATURE_MODEL for vals in vals_list
        ):
            raise AccessError(self._get_rkt_signature_file_message())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and (
            vals.get("res_model") == SIGNATURE_MODEL or self._has_rkt_signature_file()
        ):
            raise AccessError(self._get_rkt_signature_file_message())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_rkt_signature_file(self):
        if not self.env.su and self._has_rkt_signature_file():
            raise AccessError(self._get_rkt_signature_file_message())

    def _has_rkt_signature_file(self):
        # sudo: which model a file belongs to, whoever may read it
        return any(att.res_model == SIGNATURE_MODEL for att in self.sudo())

    def _get_rkt_signature_file_message(self):
        return self.env._(
            "The files of an RKT signature are kept as they were signed: they cannot "
            "be added, changed or deleted."
        )
