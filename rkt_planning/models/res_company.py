from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    rkt_head_employee_id = fields.Many2one(
        "hr.employee",
        string="Head of Agency",
        help="Kepala Dinas / Kepala Badan: gives the disposition and signs the RKT.",
    )
    rkt_secretary_employee_id = fields.Many2one(
        "hr.employee", string="Secretary of Agency"
    )
    rkt_planner_employee_id = fields.Many2one(
        "hr.employee",
        string="Planning Head",
        help="Kasubbag Perencanaan / Program: plans the preparation and leads the team.",
    )
    rkt_team_employee_ids = fields.Many2many(
        "hr.employee",
        "res_company_rkt_team_rel",
        "company_id",
        "employee_id",
        string="RKT Team",
    )
    rkt_sop_id = fields.Many2one(
        "rkt.sop",
        string="Default RKT SOP",
        domain="[('company_id', 'in', [id, False])]",
    )
