from odoo import fields, models
from odoo.exceptions import AccessError

# The fields of the official's own signing certificate a user reads and writes on
# their own user record (preferences), whatever HR's self-edit setting says.
RKT_ESIGN_SELF_FIELDS = ["rkt_esign_p12", "rkt_esign_p12_filename"]


class ResUsers(models.Model):
    _inherit = "res.users"

    # related_sudo=False: another user's certificate is read with the reader's own
    # rights (system administrators only, see hr.employee); a user's own is read
    # through SELF_READABLE_FIELDS.
    rkt_esign_p12 = fields.Binary(
        related="employee_id.rkt_esign_p12",
        readonly=False,
        related_sudo=False,
        groups="base.group_user",
    )
    rkt_esign_p12_filename = fields.Char(
        related="employee_id.rkt_esign_p12_filename",
        readonly=False,
        related_sudo=False,
        groups="base.group_user",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + RKT_ESIGN_SELF_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + RKT_ESIGN_SELF_FIELDS

    def write(self, vals):
        own = {name: vals.pop(name) for name in RKT_ESIGN_SELF_FIELDS if name in vals}
        if own:
            if self != self.env.user and not self.env.user.has_group("base.group_system"):
                raise AccessError(
                    self.env._("Only the official uploads their own signing certificate.")
                )
            # sudo: the user's own certificate (or an administrator's upload), on
            # their employee records (hr.employee's field is for administrators only)
            self.env["hr.employee"].sudo().search([("user_id", "in", self.ids)]).write(own)
        return super().write(vals) if vals else True
