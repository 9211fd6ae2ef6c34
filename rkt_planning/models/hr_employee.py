import re
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Pangkat / golongan of civil servants (PNS, PP 99/2000) and the grades of contract
# civil servants (PPPK, Perpres 98/2020).  The labels are the official names as they
# are printed under a signature, e.g. "Pembina Tk. I (IV/b)".
PNS_RANKS = [
    ("pns_1a", "Juru Muda (I/a)"),
    ("pns_1b", "Juru Muda Tk. I (I/b)"),
    ("pns_1c", "Juru (I/c)"),
    ("pns_1d", "Juru Tk. I (I/d)"),
    ("pns_2a", "Pengatur Muda (II/a)"),
    ("pns_2b", "Pengatur Muda Tk. I (II/b)"),
    ("pns_2c", "Pengatur (II/c)"),
    ("pns_2d", "Pengatur Tk. I (II/d)"),
    ("pns_3a", "Penata Muda (III/a)"),
    ("pns_3b", "Penata Muda Tk. I (III/b)"),
    ("pns_3c", "Penata (III/c)"),
    ("pns_3d", "Penata Tk. I (III/d)"),
    ("pns_4a", "Pembina (IV/a)"),
    ("pns_4b", "Pembina Tk. I (IV/b)"),
    ("pns_4c", "Pembina Utama Muda (IV/c)"),
    ("pns_4d", "Pembina Utama Madya (IV/d)"),
    ("pns_4e", "Pembina Utama (IV/e)"),
]
ROMAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip
PPPK_GRADES = [
    (f"pppk_{index:02d}", f"Golongan {roman} (PPPK)")
    for index, roman in enumerate(ROMAN, start=1)
]
RANK_SELECTION = PNS_RANKS + PPPK_GRADES

# NIP: birth date YYYYMMDD, appointment YYYYMM, sex 1 (male) / 2 (female), serial.
# The number of a PPPK (NI PPPK) has the same layout with "21" in the month place.
NIP_RE = re.compile(r"^(\d{8})(\d{4})(\d{2})([12])(\d{3})$")
PPPK_MONTH_CODE = "21"


def normalize_nip(value):
    """The NIP without the spaces and dots people type when they copy it."""
    return re.sub(r"[\s.]", "", value) if value else value


def format_nip(value):
    """Group an 18-digit NIP 8-6-1-3 as it is printed: 19731114 200604 1 006."""
    if not value or len(value) != 18 or not value.isdigit():
        return value or ""
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    nip = fields.Char(
        string="NIP",
        tracking=True,
        help="Nomor Induk Pegawai: the 18-digit civil-servant number (birth date, "
        "appointment year and month, sex, serial), e.g. 19731114 200604 1 006.",
    )
    nip_formatted = fields.Char(
        string="NIP (Printed)", compute="_compute_nip_formatted"
    )
    rkt_rank = fields.Selection(
        RANK_SELECTION,
        string="Rank (Pangkat/Golongan)",
        tracking=True,
        help="The civil servant's rank (PNS) or grade (PPPK).",
    )
    rkt_rank_label = fields.Char(
        string="Rank as Printed", compute="_compute_rkt_rank_label"
    )
    rkt_position = fields.Char(
        string="Position (Jabatan)",
        tracking=True,
        help="The position as written on official documents, e.g. 'Kepala Dinas "
        "Kesehatan'.",
    )

    @api.depends("nip")
    def _compute_nip_formatted(self):
        for employee in self:
            employee.nip_formatted = format_nip(employee.nip)

    @api.depends("rkt_rank")
    @api.depends_context("lang")
    def _compute_rkt_rank_label(self):
        labels = dict(self._fields["rkt_rank"]._description_selection(self.env))
        for employee in self:
            employee.rkt_rank_label = labels.get(employee.rkt_rank, "")

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
