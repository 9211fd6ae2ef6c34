from odoo import fields, models


class HrEmployeePublic(models.Model):
    """The civil-servant data every user of the agency may read.

    Users without HR rights read employees through this model.  The NIP, rank and
    position are printed under every signature the agency issues (letters, the RKT,
    SOP sheets) and published with them, so they are public data of the civil
    service, like the job title: the RKT and SOP reports read them as the user who
    prints, without sudo.  The fields and their printed forms come from
    ``hr.employee.base`` (hr_employee_base.py); here they are read-only, as this
    model is a view on the employees.
    """

    _inherit = "hr.employee.public"

    nip = fields.Char(readonly=True)
    rkt_rank = fields.Selection(readonly=True)
    rkt_position = fields.Char(readonly=True)
