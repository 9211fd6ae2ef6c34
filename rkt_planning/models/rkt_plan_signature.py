import base64
import hashlib
import json
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_datetime

# The capacity in which the head's role was used to sign.
SIGNED_CAPACITIES = [
    ("head", "Head of Agency"),
    ("plt", "Plt. (Acting)"),
    ("plh", "Plh. (Daily Acting)"),
]
# While the engine renders the RKT it is signing, the context holds the signature
# about to be recorded (an in-memory ``rkt.plan.signature``) under this key: the
# report prints its signature block from it.  A recordset is no JSON value, so no
# RPC call can put one there.
SIGNING_CONTEXT_KEY = "rkt_planning_signing"
# The electronic signature a signed file carries.
ESIGN_PROVIDERS = [
    ("none", "Hash and QR code only"),
    ("local", "Local certificate (PKCS#12)"),
    ("bsre", "BSrE Esign Client Service"),
]
# The verification token: 16 symbols of an alphabet without look-alikes (80 bits),
# printed as XXXX-XXXX-XXXX-XXXX under the QR code.
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TOKEN_LENGTH = 16


def new_verify_token():
    return "".join(secrets.choice(TOKEN_ALPHABET) for _index in range(TOKEN_LENGTH))


def normalize_verify_token(value):
    """The token as typed or scanned: without dashes and spaces, upper case."""
    token = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(token) != TOKEN_LENGTH or any(ch not in TOKEN_ALPHABET for ch in token):
        return ""
    return token


def format_verify_token(token):
    return "-".join(token[index : index + 4] for index in range(0, len(token or ""), 4))


def canonical_json(value):
    """The one text of ``value`` that is signed and hashed: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data or b"").hexdigest()


def verification_notification(env, title, status, message):
    """The client notification that tells the result of a signed document's check
    (``_check_signed_document`` of an RKT or a PK)."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": {"ok": "success", "content_changed": "warning"}.get(status, "danger"),
            "sticky": status != "ok",
        },
    }


class RktPlanSignature(models.Model):
    """The signature of a signed document of this addon, kept as a record of its
    own: the head's signature of an RKT (``plan_id``), or the two parties'
    signatures of a Perjanjian Kinerja (``pk_id``).

    Made by the workflow engine when the signatory (or their acting official)
    signs: what the signature covers, as printed (for an RKT: plan, agency, year,
    lines, the signer's name, NIP, rank and position, capacity and date; for a
    PK: its parties and lines) in a canonical JSON text with its SHA-256, and the
    PDF the engine rendered then, with its SHA-256, signed electronically where
    the agency does.  A PK's record is made when its first party signs and
    completed when the second party does (``cosigned_at``): the second party's
    electronic signature is added to the same file, as an incremental update that
    leaves the first one valid.  Users of the RKT groups only read it; nobody but
    the superuser writes or deletes it, nor the attachment that holds its PDF (see
    ``ir.attachment`` in this module).  A signed document is printed again from
    this PDF, never from a file found by its name.  One record, one verification
    code, one public page (``/rkt/verify/<code>``) for both kinds of document.
    """

    _name = "rkt.plan.signature"
    _description = "RKT Signature"
    _order = "signed_at desc, id desc"
    _sql_constraints = [
        (
            "plan_unique",
            "UNIQUE(plan_id)",
            "An RKT is signed once: it has one signature record.",
        ),
        (
            "one_document",
            "CHECK((plan_id IS NULL) != (pk_id IS NULL))",
            "A signature record is the signature of one RKT or of one Perjanjian "
            "Kinerja.",
        ),
        (
            "verify_token_unique",
            "UNIQUE(verify_token)",
            "The verification code of a signed RKT is unique.",
        ),
    ]

    name = fields.Char(string="Number", required=True, readonly=True)
    plan_id = fields.Many2one(
        "rkt.plan",
        string="RKT",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The signed RKT; empty on the signature of a Perjanjian Kinerja.",
    )
    pk_id = fields.Many2one(
        "rkt.pk",
        string="Perjanjian Kinerja",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The signed Perjanjian Kinerja; empty on the signature of an RKT.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Agency",
        compute="_compute_company_id",
        store=True,
        index=True,
    )
    signer_user_id = fields.Many2one(
        "res.users", string="Signed By (User)", readonly=True, ondelete="restrict"
    )
    signer_employee_id = fields.Many2one(
        "hr.employee",
        string="Signatory",
        readonly=True,
        ondelete="restrict",
        help="Whose name, rank and NIP stand under the signature: the head, or the "
        "acting official (Plt./Plh.) who signed for them.",
    )
    official_employee_id = fields.Many2one(
        "hr.employee",
        string="Signed For",
        readonly=True,
        ondelete="restrict",
        help="The official whose role was used: the head of agency.",
    )
    capacity = fields.Selection(SIGNED_CAPACITIES, string="Signed As", readonly=True)
    signed_date = fields.Date(string="Date of Signature", readonly=True)
    signed_at = fields.Datetime(string="Signing Time", readonly=True)
    lang = fields.Char(
        string="Language of the Signed File",
        readonly=True,
        help="The language the engine rendered the signed RKT in.",
    )
    content = fields.Text(
        string="Signed Content",
        readonly=True,
        help="What the signature covers, as printed, in canonical JSON: the plan "
        "number, agency, year, lines, the signatory's name, NIP, rank and position, "
        "the capacity and the date.",
    )
    content_sha256 = fields.Char(
        string="SHA-256 of Signed Content",
        readonly=True,
        help="Printed in the QR code of the signed RKT.",
    )
    pdf_file = fields.Binary(string="Signed File", attachment=True, readonly=True)
    pdf_filename = fields.Char(string="File Name", readonly=True)
    pdf_sha256 = fields.Char(string="SHA-256 of Signed File", readonly=True)
    verify_token = fields.Char(
        string="Verification Code",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Random code of the signed file, printed as the QR code and under it: "
        "it opens the public verification page /rkt/verify/<code>.",
    )
    esign_provider = fields.Selection(
        ESIGN_PROVIDERS, string="Electronic Signature", readonly=True, default="none"
    )
    esign_signer_name = fields.Char(
        string="Certificate Holder",
        readonly=True,
        help="The name in the certificate that made the PAdES signature of the file.",
    )
    esign_issuer = fields.Char(
        string="Certificate Issuer",
        readonly=True,
        help="Who issued the certificate of the PAdES signature (e.g. BSrE).",
    )
    cosigned_at = fields.Datetime(
        string="Second Party Signing Time",
        readonly=True,
        help="Perjanjian Kinerja: when the second party signed (or, for the head's "
        "own PK, when the head recorded the regent's signature on paper).",
    )
    cosign_signer_name = fields.Char(
        string="Second Party Certificate Holder",
        readonly=True,
        help="Perjanjian Kinerja: the name in the certificate of the second party's "
        "PAdES signature, added to the file the first party signed.",
    )
    cosign_issuer = fields.Char(string="Second Party Certificate Issuer", readonly=True)
    voided_at = fields.Datetime(
        string="Withdrawn On",
        readonly=True,
        help="Perjanjian Kinerja: the first party's signature was withdrawn before "
        "the second party signed (the PK went back to draft to be signed again): "
        "this file is no longer valid. The record is kept.",
    )
    void_reason = fields.Text(string="Reason for Withdrawal", readonly=True)
    voided_by_user_id = fields.Many2one(
        "res.users", string="Withdrawn By", readonly=True, ondelete="restrict"
    )

    def init(self):
        # A PK has one signature in force; those withdrawn are kept beside it.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS rkt_plan_signature_pk_in_force_uniq
                ON rkt_plan_signature (pk_id)
             WHERE pk_id IS NOT NULL AND voided_at IS NULL
            """
        )

    # ------------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------------

    @api.depends("plan_id.company_id", "pk_id.company_id")
    def _compute_company_id(self):
        for signature in self:
            signature.company_id = (
                signature.plan_id.company_id or signature.pk_id.company_id
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # The engine records the signature (as superuser, after its own check that
        # the user may sign); the RKT groups have no create access at all.
        if not self.env.su:
            raise AccessError(
                self.env._("A signature of an RKT is recorded only by its workflow.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("A signature of an RKT cannot be changed once recorded.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_superuser(self):
        if not self.env.su:
            raise AccessError(self.env._("A signature of an RKT cannot be deleted."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_verify_signed_document(self):
        """Button: check this signature against its document."""
        self.ensure_one()
        return self._get_document().action_verify_signed_document()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_document(self):
        """The signed document: the RKT or the Perjanjian Kinerja."""
        self.ensure_one()
        return self.pk_id or self.plan_id

    def _get_document_label(self):
        """What the document is called where its number is printed."""
        self.ensure_one()
        if self.pk_id:
            return self.env._("Perjanjian Kinerja")
        return "RKT"

    def _get_snapshot(self):
        """The signed content as a dict (empty if there is none)."""
        self.ensure_one()
        try:
            return json.loads(self.content or "{}")
        except ValueError:
            return {}

    def _get_pdf_content(self):
        """The bytes of the stored signed file (``b""`` if there is none)."""
        self.ensure_one()
        data = self.with_context(bin_size=False).pdf_file
        return base64.b64decode(data) if data else b""

    def _get_verify_code(self):
        """The verification code as printed: XXXX-XXXX-XXXX-XXXX."""
        self.ensure_one()
        return format_verify_token(self.verify_token or "")

    def _get_verify_url(self):
        self.ensure_one()
        base_url = self.company_id.get_base_url()
        return f"{base_url}/rkt/verify/{self.verify_token}"

    def _get_trust_roots(self):
        """The root certificates of the agency (settings), as asn1crypto objects."""
        self.ensure_one()
        data = self.company_id.with_context(bin_size=False).rkt_esign_trust_roots
        if not data:
            return []
        from ..tools import pades

        try:
            return pades.load_trust_roots(base64.b64decode(data))
        except (ValueError, TypeError, pades.EsignError):
            # an unreadable root file: signatures are reported as not trusted
            return []

    def _get_pades_status(self, content=None):
        """What the PAdES signature of ``content`` (default: the stored file) proves;
        see ``tools.pades.validate_pdf``.  Without pyHanko: not signed."""
        self.ensure_one()
        from ..tools import pades

        if not pades.is_available():
            return {"signed": False, "valid": False, "intact": False, "trusted": False}
        if content is None:
            content = self._get_pdf_content()
        return pades.validate_pdf(content, trust_roots=self._get_trust_roots())

    def _matches_file(self, content):
        """Whether ``content`` is exactly the signed file (its SHA-256)."""
        self.ensure_one()
        return bool(self.pdf_sha256) and sha256_hex(content) == self.pdf_sha256

    def _get_printed_block(self):
        """The signature block as it was printed when signed: place and date,
        title, name, rank and NIP of the signatory."""
        self.ensure_one()
        snapshot = self._get_snapshot()
        block = snapshot.get("block") or {}
        signer = snapshot.get("signer") or {}
        return {
            "place": block.get("place", ""),
            "date": block.get("date", ""),
            "title_lines": list(block.get("title_lines") or []),
            "name": signer.get("name", ""),
            "rank": signer.get("rank", ""),
            "nip": signer.get("nip", ""),
            "nip_label": signer.get("nip_label", "NIP."),
            "position": signer.get("position", ""),
        }

    def _check_stored(self):
        """Check the record against itself: its content against its SHA-256, its
        file against its SHA-256.

        :return: ``(status, message)``; status is ``ok``, ``missing`` (no stored
            file), ``altered`` or ``voided`` (a PK's signature withdrawn)
        """
        self.ensure_one()
        document = self._get_document()
        label = self._get_document_label()
        if self.voided_at:
            return "voided", self.env._(
                "This signed file of %(document)s %(number)s was withdrawn on "
                "%(date)s and is no longer valid: %(reason)s",
                document=label,
                number=self.name,
                date=format_datetime(
                    self.env,
                    self.voided_at,
                    tz=self.company_id.resource_calendar_id._rkt_tz().zone,
                ),
                reason=self.void_reason or "-",
            )
        snapshot = self._get_snapshot()
        number = snapshot.get("pk") if self.pk_id else snapshot.get("plan")
        if (
            not self.content_sha256
            or sha256_hex(self.content or "") != self.content_sha256
            or number != document.name
            or document.signature_id != self
        ):
            return "altered", self.env._(
                "The signature record of %(document)s %(number)s no longer matches "
                "what was signed: its content or its SHA-256 has been altered.",
                document=label,
                number=document.name,
            )
        content = self._get_pdf_content()
        if not (self.pdf_sha256 and content):
            return "missing", self.env._(
                "%(document)s %(number)s has no stored signed file to check.",
                document=label,
                number=document.name,
            )
        if sha256_hex(content) != self.pdf_sha256:
            return "altered", self.env._(
                "The stored file of %(document)s %(number)s (%(file)s) no longer "
                "matches the SHA-256 recorded when it was signed: it has been altered.",
                document=label,
                number=document.name,
                file=self.pdf_filename or "",
            )
        return "ok", ""
