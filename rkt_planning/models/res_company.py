from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _lang_get


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
    # -- deadlines ("Peringatan: Tepat Waktu") --
    rkt_reminders_enabled = fields.Boolean(
        string="Deadline Reminders",
        default=True,
        help="Remind the executors of late RKT steps once a day and escalate.",
    )
    rkt_escalation_days = fields.Integer(
        string="Escalate After (Working Days)",
        default=2,
        help="Working days a step may be late before it is escalated one level up "
        "the SOP chain; each further such delay escalates one more level.",
    )
    # -- letterhead and paper of the printed RKT and SOP sheets --
    rkt_government_name = fields.Char(
        string="Government",
        help="The first line of the letterhead, e.g. 'PEMERINTAH KABUPATEN BALANGAN'.",
    )
    rkt_signing_place = fields.Char(
        string="Place of Signing",
        help="Printed before the date of signature, e.g. 'Paringin'. Defaults to the "
        "agency's city.",
    )
    rkt_head_title = fields.Char(
        string="Title of the Head",
        help="The head's title printed above the signature, e.g. 'Kepala Dinas "
        "Kesehatan'. Defaults to 'Kepala' followed by the agency's name.",
    )
    rkt_paper_size = fields.Selection(
        [("a4", "A4 (210 × 297 mm)"), ("f4", "F4 (215 × 330 mm)")],
        string="Paper Size",
        default="a4",
        required=True,
        help="The paper the RKT and the SOP sheets of this agency are printed on.",
    )
    rkt_print_renstra_refs = fields.Boolean(
        string="Print Renstra References",
        help="The printed RKT has a column with the Renstra code of each line's "
        "indicator (lines drawn from the Renstra).",
    )
    # -- electronic signature (TTE) of the signed RKT --
    rkt_esign_provider = fields.Selection(
        [
            ("none", "Hash and QR code only"),
            ("local", "Local certificate (PKCS#12 of each official)"),
            ("bsre", "BSrE Esign Client Service"),
        ],
        string="Electronic Signature",
        default="none",
        required=True,
        help="How the head's 'ya' signs the RKT. Hash and QR code only: the signed "
        "file's SHA-256 is recorded and checked by this Odoo. Local certificate: the "
        "PDF carries a PAdES signature made with the official's own PKCS#12 "
        "certificate. BSrE: the agency's Esign Client Service signs the PDF with the "
        "official's certified electronic signature (TTE).",
    )
    rkt_esign_bsre_url = fields.Char(
        string="BSrE Gateway URL",
        help="The address of the agency's Esign Client Service, e.g. "
        "'https://esign.example.go.id'; the addon posts to /api/v2/sign/pdf.",
    )
    rkt_esign_bsre_username = fields.Char(
        string="BSrE Gateway User", groups="base.group_system"
    )
    rkt_esign_bsre_password = fields.Char(
        string="BSrE Gateway Password", groups="base.group_system"
    )
    rkt_esign_bsre_timeout = fields.Integer(
        string="BSrE Time-out (seconds)", default=60
    )
    rkt_esign_trust_roots = fields.Binary(
        string="Trusted Root Certificates",
        attachment=True,
        help="The root certificate(s) (PEM or DER) the signatures are checked "
        "against, e.g. the BSrE/BSSN root: with them the verification page says "
        "whether the signer's certificate is trusted.",
    )
    rkt_esign_trust_roots_filename = fields.Char(string="Root Certificates File")
    rkt_verify_public_download = fields.Boolean(
        string="Public Download of Signed RKTs",
        help="Whoever opens the verification page of a signed RKT (its QR code) may "
        "download the PDF. Off: only users who may read the RKT download it.",
    )
    # -- Perjanjian Kinerja of the head of agency: its second party, printed only --
    rkt_regent_name = fields.Char(
        string="Name of the Regent",
        help="The regent (Bupati / Wali Kota), second party of the head of agency's "
        "Perjanjian Kinerja, as printed.",
    )
    rkt_regent_title = fields.Char(
        string="Title of the Regent",
        help="Printed under the regent's signature, e.g. 'Bupati Balangan'.",
    )
    # -- language of the agency: the signed RKT and the procedure's notices --
    rkt_lang = fields.Selection(
        selection=_lang_get,
        string="RKT Language",
        help="The language of the agency: the signed RKT is rendered in it, and the "
        "messages and activities of the procedure are written in it, whatever the "
        "language of the official who acts. Empty: the signed RKT in Indonesian "
        "when it is active, the notices in the acting user's language.",
    )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _rkt_get_lang(self, document=False):
        """The language of the agency (see ``rkt_lang``).

        :param document: for the signed RKT, an Indonesian official document:
            when the agency sets no language, Indonesian if it is active.
            Otherwise (the procedure's notices) the language of the context.
        """
        lang = self[:1].rkt_lang
        if not lang and document:
            lang = self.env["res.lang"]._get_code("id_ID")
        return lang or self.env.lang or "en_US"

    @api.model
    def _rkt_activate_indonesian(self, companies):
        """Activate Indonesian (``id_ID``) with the translations of every installed
        module, and make it the language of ``companies`` (``rkt_lang``) and of their
        internal users.  Used by the RKT settings and by the demo data."""
        self.env["res.lang"]._activate_lang("id_ID")
        modules = self.env["ir.module.module"].search(
            [("state", "in", ("installed", "to install", "to upgrade"))]
        )
        modules._update_translations(["id_ID"])
        companies.rkt_lang = "id_ID"
        users = self.env["res.users"].search(
            [("company_id", "in", companies.ids), ("share", "=", False)]
        )
        users.lang = "id_ID"
        return users
