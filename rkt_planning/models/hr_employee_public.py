from odoo import fields, models

from .hr_employee import RANK_SELECTION, HrEmployee


class HrEmployeePublic(models.Model):
    """The civil-servant data every user of the agency may read.

    Users without HR rights read employees through this model.  The NIP, rank and
    position are printed under every signature the agency issues (letters, the RKT,
    SOP sheets) and published with them, so they are public data of the civil
    service, like the job title: the RKT and SOP reports read them as the user who
    prints, without sudo.
    """

    _inherit = "hr.employee.public"

    nip = fields.Char(string="NIP", readonly=True)
    nip_formatted = fields.Char(
        string="NIP (Printed)", compute="_compute_nip_formatted"
    )
    rkt_rank = fields.Selection(
        RANK_SELECTION, string="Rank (Pangkat/Golongan)", readonly=True
    )
    rkt_rank_label = fields.Char(
        string="Rank as Printed", compute="_compute_rkt_rank_label"
    )
    rkt_position = fields.Char(string="Position (Jabatan)", readonly=True)

    # the same computations as on employees
    _compute_nip_formatted = HrEmployee._compute_nip_formatted
    _compute_rkt_rank_label = HrEmployee._compute_rkt_rank_label
