import re
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hr_employee_base import format_nip

# NIP: birth date YYYYMMDD, appointment YYYYMM, sex 1 (male) / 2 (female), serial.
# The number of a PPPK (NI PPPK) has the same layout with "21" in the month place.
NIP_RE = re.compile(r"^(\d{8})(\d{4})(\d{2})([12])(\d{3})$")
PPPK_MONTH_CODE = "21"


def normalize_nip(value):
    """The NIP without the spaces and dots people type when they copy it."""
    return re.sub(r"[\s.]", "", value) if value else value


class HrEmployee(models.Model):
    """The civil-servant data as HR enters it: normalized, checked and tracked.

    The fields and their printed forms are defined on ``hr.employee.base``
    (hr_employee_base.py), shared with ``hr.employee.public``.
    """

    _inherit = "hr.employee"

    nip = fields.Char(tracking=True)
    rkt_rank = fields.Selection(tracking=True)
    rkt_position = fields.Char(tracking=True)
    # The official's own signing certificate (agencies signing with local
    # certificates): read and written by system administrators here, and by the
    # official through their preferences (res.users).  Its passphrase is never kept.
    rkt_esign_p12 = fields.Binary(
        string="Signing Certificate (PKCS#12)",
        attachment=True,
        groups="base.group_system",
        copy=False,
        help="The official's .p12 file; its passphrase is typed in the signing "
        "dialog each time and never stored.",
    )
    rkt_esign_p12_filename = fields.Char(
        string="Certificate File Name", groups="base.group_system", copy=False
    )

    @api.constrains("nip", "rkt_rank")
    def _check_nip(self):
        for employee in self.filtered("nip"):
            error = employee._get_nip_error()
            if error:
                raise ValidationError(error)

    @api.constrains("nip", "company_id", "active")
    def _check_nip_unique(self):
        for employee in self.filtered(lambda e: e.nip and e.active):
            other = self.search(
                [
                    ("id", "!=", employee.id),
                    ("nip", "=", employee.nip),
                    ("company_id", "=", employee.company_id.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "NIP %(nip)s is already the NIP of %(other)s.",
                        nip=format_nip(employee.nip),
                        other=other.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("nip"):
                vals["nip"] = normalize_nip(vals["nip"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("nip"):
            vals["nip"] = normalize_nip(vals["nip"])
        return super().write(vals)

    def _get_nip_error(self):
        """Why the NIP of this employee is not valid, or False."""
        self.ensure_one()
        nip = self.nip
        if not re.fullmatch(r"[0-9]{18}", nip):
            return self.env._(
                "The NIP %(nip)s of %(employee)s must have exactly 18 digits.",
                nip=nip,
                employee=self.name,
            )
        match = NIP_RE.match(nip)
        if not match:
            return self.env._(
                "The 15th digit of NIP %(nip)s of %(employee)s gives the sex: it must be "
                "1 (male) or 2 (female).",
                nip=format_nip(nip),
                employee=self.name,
            )
        birth, year, month, _sex, _serial = match.groups()
        try:
            birth_date = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
        except ValueError:
            birth_date = None
        if not birth_date or birth_date.year < 1900:
            return self.env._(
                "The first 8 digits of NIP %(nip)s of %(employee)s are not a real date of "
                "birth (YYYYMMDD).",
                nip=format_nip(nip),
                employee=self.name,
            )
        is_pppk = (self.rkt_rank or "").startswith("pppk_")
        year = int(year)
        month_ok = 1 <= int(month) <= 12 or (is_pppk and month == PPPK_MONTH_CODE)
        if not month_ok or year < 1950 or year < birth_date.year + 15:
            return self.env._(
                "Digits 9 to 14 of NIP %(nip)s of %(employee)s must give the year and "
                "month of appointment (YYYYMM): a month from 01 to 12 (21 in the number "
                "of a PPPK), a year from 1950 and at least 15 years after the date of "
                "birth.",
                nip=format_nip(nip),
                employee=self.name,
            )
        return False
