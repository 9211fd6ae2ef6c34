from odoo import api, fields, models
from odoo.exceptions import AccessError

# The fields of the official's own signing certificate a user reads and writes on
# their own user record (preferences), whatever HR's self-edit setting says.
RKT_ESIGN_SELF_FIELDS = ["rkt_esign_p12", "rkt_esign_p12_filename"]


class ResUsers(models.Model):
    _inherit = "res.users"

    # The user's own certificate, read and written on their employee record: only
    # by the user themselves or a system administrator (another user reads False).
    rkt_esign_p12 = fields.Binary(
        string="Signing Certificate (PKCS#12)",
        compute="_compute_rkt_esign_p12",
        inverse="_inverse_rkt_esign_p12",
        help="Your .p12 file; its passphrase is typed in the signing dialog each "
        "time and never stored.",
    )
    rkt_esign_p12_filename = fields.Char(
        string="Certificate File Name",
        compute="_compute_rkt_esign_p12",
        inverse="_inverse_rkt_esign_p12",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + RKT_ESIGN_SELF_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + RKT_ESIGN_SELF_FIELDS

    @api.depends_context("uid")
    @api.depends("employee_id")
    def _compute_rkt_esign_p12(self):
        for user in self:
            employee = user._get_rkt_esign_employee()
            user.rkt_esign_p12 = employee.rkt_esign_p12 if employee else False
            user.rkt_esign_p12_filename = (
                employee.rkt_esign_p12_filename if employee else False
            )

    def _inverse_rkt_esign_p12(self):
        for user in self:
            employee = user._get_rkt_esign_employee()
            if not employee:
                raise AccessError(
                    self.env._("Only the official uploads their own signing certificate.")
                )
            employee.write(
                {
                    "rkt_esign_p12": user.rkt_esign_p12,
                    "rkt_esign_p12_filename": user.rkt_esign_p12_filename,
                }
            )

    def _get_rkt_esign_employee(self):
        """The user's employee whose certificate the current user may read and
        write: their own, or anyone's for a system administrator."""
        self.ensure_one()
        if not (
            self.env.su
            or self.env.uid == self.id
            or self.env.user.has_group("base.group_system")
        ):
            return self.env["hr.employee"]
        # sudo: the employee's certificate field is for system administrators; here
        # the user reads or writes their own
        return self.sudo().employee_id
