from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    rkt_head_employee_id = fields.Many2one(
        related="company_id.rkt_head_employee_id", readonly=False
    )
    rkt_secretary_employee_id = fields.Many2one(
        related="company_id.rkt_secretary_employee_id", readonly=False
    )
    rkt_planner_employee_id = fields.Many2one(
        related="company_id.rkt_planner_employee_id", readonly=False
    )
    rkt_team_employee_ids = fields.Many2many(
        related="company_id.rkt_team_employee_ids", readonly=False
    )
    rkt_sop_id = fields.Many2one(related="company_id.rkt_sop_id", readonly=False)
    rkt_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        readonly=False,
        string="Working Calendar",
    )
    rkt_reminders_enabled = fields.Boolean(
        related="company_id.rkt_reminders_enabled", readonly=False
    )
    rkt_escalation_days = fields.Integer(
        related="company_id.rkt_escalation_days", readonly=False
    )
    rkt_government_name = fields.Char(
        related="company_id.rkt_government_name", readonly=False
    )
    rkt_signing_place = fields.Char(
        related="company_id.rkt_signing_place", readonly=False
    )
    rkt_head_title = fields.Char(related="company_id.rkt_head_title", readonly=False)
    rkt_paper_size = fields.Selection(
        related="company_id.rkt_paper_size", readonly=False
    )
    rkt_print_renstra_refs = fields.Boolean(
        related="company_id.rkt_print_renstra_refs", readonly=False
    )
    rkt_esign_provider = fields.Selection(
        related="company_id.rkt_esign_provider", readonly=False
    )
    rkt_esign_bsre_url = fields.Char(
        related="company_id.rkt_esign_bsre_url", readonly=False
    )
    rkt_esign_bsre_username = fields.Char(
        related="company_id.rkt_esign_bsre_username", readonly=False
    )
    rkt_esign_bsre_password = fields.Char(
        related="company_id.rkt_esign_bsre_password", readonly=False
    )
    rkt_esign_bsre_timeout = fields.Integer(
        related="company_id.rkt_esign_bsre_timeout", readonly=False
    )
    rkt_esign_trust_roots = fields.Binary(
        related="company_id.rkt_esign_trust_roots", readonly=False
    )
    rkt_esign_trust_roots_filename = fields.Char(
        related="company_id.rkt_esign_trust_roots_filename", readonly=False
    )
    rkt_verify_public_download = fields.Boolean(
        related="company_id.rkt_verify_public_download", readonly=False
    )
    rkt_regent_name = fields.Char(related="company_id.rkt_regent_name", readonly=False)
    rkt_regent_title = fields.Char(
        related="company_id.rkt_regent_title", readonly=False
    )

    rkt_lang = fields.Selection(related="company_id.rkt_lang", readonly=False)

    def action_rkt_activate_indonesian(self):
        """Activate Indonesian with the translations of the installed modules, make
        it the agency's language and the language of the agency's users."""
        self.ensure_one()
        self.env["res.company"]._rkt_activate_indonesian(self.company_id)
        return {"type": "ir.actions.client", "tag": "reload"}
