from odoo import api, fields, models

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


def format_nip(value):
    """Group an 18-digit NIP 8-6-1-3 as it is printed: 19731114 200604 1 006."""
    if not value or len(value) != 18 or not value.isdigit():
        return value or ""
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"


class HrEmployeeBase(models.AbstractModel):
    """The civil-servant data of an employee, and how it is printed.

    ``hr.employee.base`` is Odoo's abstract model shared by ``hr.employee`` (the HR
    record, where the data is entered and checked: see hr_employee.py) and
    ``hr.employee.public`` (what every user may read: see hr_employee_public.py).
    The fields and their computations are defined once, here.
    """

    _inherit = "hr.employee.base"

    nip = fields.Char(
        string="NIP",
        help="Nomor Induk Pegawai: the 18-digit civil-servant number (birth date, "
        "appointment year and month, sex, serial), e.g. 19731114 200604 1 006.",
    )
    nip_formatted = fields.Char(
        string="NIP (Printed)", compute="_compute_nip_formatted"
    )
    rkt_rank = fields.Selection(
        RANK_SELECTION,
        string="Rank (Pangkat/Golongan)",
        help="The civil servant's rank (PNS) or grade (PPPK).",
    )
    rkt_rank_label = fields.Char(
        string="Rank as Printed", compute="_compute_rkt_rank_label"
    )
    rkt_position = fields.Char(
        string="Position (Jabatan)",
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
