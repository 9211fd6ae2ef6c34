import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .rkt_plan_signature import ESIGN_PROVIDERS, format_verify_token, sha256_hex


class RktPkSignature(models.Model):
    """The signature of a Perjanjian Kinerja, kept as a record of its own, as the
    RKT's (``rkt.plan.signature``): what both parties signed in canonical JSON with
    its SHA-256, and the PDF rendered then with its SHA-256.  Only the PK's
    workflow records it (as superuser); nobody changes or deletes it."""

    _name = "rkt.pk.signature"
    _description = "Perjanjian Kinerja Signature"
    _order = "signed_at desc, id desc"
    _sql_constraints = [
        ("pk_unique", "UNIQUE(pk_id)", "A Perjanjian Kinerja is signed once."),
        (
            "verify_token_unique",
            "UNIQUE(verify_token)",
            "The verification code of a signed Perjanjian Kinerja is unique.",
        ),
    ]

    pk_id = fields.Many2one(
        "rkt.pk",
        string="Perjanjian Kinerja",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one(
        related="pk_id.company_id", string="Agency", store=True, index=True
    )
    signed_at = fields.Datetime(string="Signing Time", readonly=True)
    lang = fields.Char(string="Language of the Signed File", readonly=True)
    content = fields.Text(string="Signed Content", readonly=True)
    content_sha256 = fields.Char(string="SHA-256 of Signed Content", readonly=True)
    pdf_file = fields.Binary(string="Signed File", attachment=True, readonly=True)
    pdf_filename = fields.Char(string="File Name", readonly=True)
    pdf_sha256 = fields.Char(string="SHA-256 of Signed File", readonly=True)
    verify_token = fields.Char(
        string="Verification Code", readonly=True, copy=False, index="btree_not_null"
    )
    esign_provider = fields.Selection(
        ESIGN_PROVIDERS, string="Electronic Signature", readonly=True, default="none"
    )
    esign_signer_name = fields.Char(string="Certificate Holder", readonly=True)
    esign_issuer = fields.Char(string="Certificate Issuer", readonly=True)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A signature of a Perjanjian Kinerja is recorded only by its "
                    "workflow."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A signature of a Perjanjian Kinerja cannot be changed once "
                    "recorded."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_superuser(self):
        if not self.env.su:
            raise AccessError(
                self.env._("A signature of a Perjanjian Kinerja cannot be deleted.")
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_verify_code(self):
        self.ensure_one()
        return format_verify_token(self.verify_token or "")

    def _get_pdf_content(self):
        self.ensure_one()
        data = self.with_context(bin_size=False).pdf_file
        return base64.b64decode(data) if data else b""

    def _check_stored(self):
        """``True`` when the content and the stored file match their SHA-256."""
        self.ensure_one()
        if sha256_hex(self.content or "") != self.content_sha256:
            return False
        content = self._get_pdf_content()
        return not self.pdf_sha256 or sha256_hex(content) == self.pdf_sha256
