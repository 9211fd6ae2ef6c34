import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import pades
from .rkt_plan_signature import (
    SIGNED_CAPACITIES,
    SIGNING_CONTEXT_KEY,
    canonical_json,
    format_verify_token,
    new_verify_token,
    sha256_hex,
    verification_notification,
)

# What the BSrE gateway is told about where the signature stands: invisible, the
# printed block (name, NIP, issuer, QR code) says it was signed electronically.
BSRE_SIGNATURE_PROPERTIES = {"tampilan": "INVISIBLE"}

# What the signed content and the RKT document read of each line.
DOCUMENT_LINE_FIELDS = [
    "sequence",
    "form_id",
    "department_id",
    "strategic_objective",
    "indicator",
    "target",
    "uom",
    "program_code",
    "program_name",
    "activity_code",
    "activity_name",
    "sub_activity_code",
    "sub_activity_name",
    "budget",
    "is_compiled",
]
# What the signature covers of each line: what the RKT prints of it.  The division's
# name is not printed: renaming a department leaves the signed content unchanged.
SIGNED_LINE_FIELDS = (
    "strategic_objective",
    "indicator",
    "target",
    "uom",
    "program_code",
    "program_name",
    "activity_code",
    "activity_name",
    "sub_activity_code",
    "sub_activity_name",
)
# The plan's fields of the signature: only the engine writes them.
SIGNED_DOCUMENT_FIELDS = (
    "signed_user_id",
    "signed_employee_id",
    "signed_capacity",
    "signed_date",
    "signature_id",
    "signed_sha256",
    "signed_digest",
)


class RktPlanSignedDocument(models.AbstractModel):
    """The signed RKT: the signature record made when the head signs, the report
    printed from it, and its check."""

    _name = "rkt.plan.signed.document"
    _description = "RKT Signed Document"

    SIGNED_REPORT = "rkt_planning.action_report_rkt_plan"

    signed_user_id = fields.Many2one(
        "res.users", string="Signed By (User)", readonly=True, copy=False
    )
    signed_employee_id = fields.Many2one(
        "hr.employee", string="Signed By", readonly=True, copy=False
    )
    signed_capacity = fields.Selection(
        SIGNED_CAPACITIES, string="Signed As", readonly=True, copy=False
    )
    signed_date = fields.Date(readonly=True, copy=False)
    signature_id = fields.Many2one(
        "rkt.plan.signature",
        string="Signature",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The signature record: what was signed, as printed, and the signed file.",
    )
    signed_sha256 = fields.Char(
        related="signature_id.pdf_sha256", string="SHA-256 of Signed File"
    )
    signed_digest = fields.Char(
        related="signature_id.content_sha256",
        string="Content Digest",
        help="Digest of the signed content (lines, signer, date), printed in the QR "
        "code of the signed RKT.",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_verify_signed_document(self):
        """Button: tell whether the signature of the RKT still holds."""
        self.ensure_one()
        status, message = self._check_signed_document()
        return verification_notification(
            self.env, self.env._("Signed RKT"), status, message
        )

    # ------------------------------------------------------------------
    # Business methods: what is signed
    # ------------------------------------------------------------------

    def _get_document_lines(self):
        """The lines the RKT document prints, in the order of the divisions.

        The lines of divisions whose form was recorded as missing stay out unless the
        team compiled them; lines the team or secretary add after the compilation
        belong to the document.
        """
        self.ensure_one()
        # one query for the lines and every field the digest and the report read:
        # ``line_ids`` would fetch their values 1,000 lines per query
        lines = self.env["rkt.plan.line"].search_fetch(
            [("plan_id", "=", self.id)], DOCUMENT_LINE_FIELDS
        )
        # and the forms and divisions of all lines at once: a loop over more than
        # 1,000 records fetches their relations 1,000 records at a time
        lines.form_id.fetch(["state"])
        lines.department_id.fetch(["name"])
        return lines.filtered(
            lambda line: line.is_compiled or line.form_id.state != "missing"
        )

    def _get_signed_lines(self, lines=None):
        """The document's lines as the signature covers them: what is printed of
        each, in the printed order."""
        self.ensure_one()
        if lines is None:
            lines = self._get_document_lines()
        return [
            {
                **{name: line[name] or "" for name in SIGNED_LINE_FIELDS},
                "budget": f"{line.budget:.2f}",
            }
            for line in lines
        ]

    def _get_signer_employee(self):
        """Whose name, rank and NIP stand under the signature.

        The head's own, or — when an acting official (Plt./Plh.) signed — the acting
        official's: ``signed_employee_id`` stays the head whose role was used.
        """
        self.ensure_one()
        if self.signature_id.signer_employee_id:
            return self.signature_id.signer_employee_id
        if self.signed_capacity in ("plt", "plh") and self.signed_user_id:
            employees = self.signed_user_id.employee_ids
            return (
                employees.filtered(lambda e: e.company_id == self.company_id)[:1]
                or employees[:1]
                or self.signed_employee_id
            )
        return self.signed_employee_id or self.head_employee_id

    def _get_signed_content(self, signer=None):
        """What the signature covers, from the plan as it is now and as the RKT
        prints it (in the language of the context): the plan, its agency and year,
        its lines, the signatory, the capacity, the date and the signature block."""
        self.ensure_one()
        signer = signer or self._get_signer_employee()
        block = self.env["report.rkt_planning.report_rkt_plan"]._get_signature_block(
            self, signer
        )
        return {
            "plan": self.name,
            "agency": self.company_id.name or "",
            "year": self.year,
            "lines": self._get_signed_lines(),
            "signer": {
                "name": block["name"],
                "nip": block["nip"],
                "nip_label": block["nip_label"],
                "rank": block["rank"],
                "position": block["position"],
            },
            "capacity": self.signed_capacity or "",
            "signed_date": fields.Date.to_string(self.signed_date) or "",
            "block": {
                "place": block["place"],
                "date": block["date"],
                "title_lines": block["title_lines"],
            },
        }

    def _get_pending_signature(self):
        """The signature the engine is making while it renders this RKT to sign it
        (an in-memory record in the context), else an empty recordset."""
        self.ensure_one()
        pending = self.env.context.get(SIGNING_CONTEXT_KEY)
        if (
            isinstance(pending, models.BaseModel)
            and pending._name == "rkt.plan.signature"
            and pending.plan_id.id == self.id
            and not self.signature_id
        ):
            return pending
        return self.env["rkt.plan.signature"]

    def _get_printed_signature(self):
        """The signature whose block the report prints: the one being made while
        the engine renders the signed RKT, else the plan's signature record."""
        self.ensure_one()
        return self._get_pending_signature() or self.signature_id

    def _get_verification_code(self, digest=None):
        """The code printed under the QR code: the verification token of the signed
        file (XXXX-XXXX-XXXX-XXXX); for an RKT signed before there was one, the
        first 64 bits of the content digest."""
        self.ensure_one()
        signature = self._get_printed_signature()
        if signature.verify_token:
            return format_verify_token(signature.verify_token)
        digest = (digest or self.signed_digest or "").upper()
        return "-".join(digest[index : index + 4] for index in range(0, 16, 4))

    def _get_signed_qr_value(self, digest=None):
        """What the QR code carries: the URL of the public verification page of the
        signed file; for an RKT signed before there was one, its number and digest."""
        self.ensure_one()
        signature = self._get_printed_signature()
        if signature.verify_token:
            return signature._get_verify_url()
        return f"RKT:{self.name};SHA256:{digest or self.signed_digest}"

    def _get_signed_qr_data_uri(self, digest=None):
        """The QR code of the signed RKT as a data URI: wkhtmltopdf needs no HTTP
        request to draw it."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode(
            "QR", self._get_signed_qr_value(digest), width=300, height=300, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    # ------------------------------------------------------------------
    # Business methods: signing
    # ------------------------------------------------------------------

    def _on_signed(self, esign=None):
        """The head (or their acting official) has signed: state, signer and date are
        written.  Record the signature: what it covers and the RKT rendered once
        (signed electronically as ``esign`` says, see ``_prepare_esign``)."""
        for plan in self:
            plan._create_signature(esign)

    def _get_esign_provider(self):
        self.ensure_one()
        provider = self.company_id.rkt_esign_provider or "none"
        if provider != "none" and not pades.is_available():
            raise UserError(
                self.env._(
                    "This agency signs RKTs electronically, but the signing library "
                    "(pyHanko) is not installed on the server. Ask the administrator."
                )
            )
        return provider

    def _get_esign_employee(self):
        """The current user's own employee in the plan's agency: whose certificate
        signs (the head's, or the acting official's own)."""
        self.ensure_one()
        employees = self.env.user.employee_ids
        return employees.filtered(lambda e: e.company_id == self.company_id)[:1] or (
            employees[:1]
        )

    def _prepare_esign(self, passphrase=None, nik=None):
        """Check, before anything is written, that the current user can sign this
        RKT electronically; the key is unlocked here.

        :return: ``None`` when the agency signs with hash and QR code only, else a
            dict for ``_create_signature`` (it holds the unlocked signer, or the
            NIK and passphrase for the gateway: it lives in memory only)
        :raise UserError: wrong passphrase, no certificate, a certificate expired,
            not yet valid or of another person; no NIK or passphrase for BSrE
        """
        self.ensure_one()
        provider = self._get_esign_provider()
        if provider == "none":
            return None
        if not passphrase:
            raise UserError(self.env._("Type the passphrase of your electronic signature."))
        employee = self._get_esign_employee()
        if provider == "bsre":
            company = self.company_id
            if not company.rkt_esign_bsre_url:
                raise UserError(
                    self.env._(
                        "The BSrE gateway of %(agency)s is not configured: ask the "
                        "administrator to set its URL in the RKT settings.",
                        agency=company.name,
                    )
                )
            nik = (nik or "").strip()
            if not nik.isdigit() or len(nik) != 16:
                raise UserError(self.env._("Type your NIK: 16 digits."))
            return {
                "provider": "bsre",
                "nik": nik,
                "passphrase": passphrase,
                "issuer": "Balai Sertifikasi Elektronik (BSrE), BSSN",
            }
        # sudo: the current user's own certificate, on their own employee record
        # (the field is for system administrators; the official uploads it through
        # their preferences)
        data = employee.sudo().with_context(bin_size=False).rkt_esign_p12 if employee else False
        if not data:
            raise UserError(
                self.env._(
                    "You have no signing certificate: upload your .p12 file in your "
                    "preferences (Electronic Signature) before signing."
                )
            )
        try:
            signer, info = pades.load_pkcs12_signer(base64.b64decode(data), passphrase)
        except pades.EsignError as error:
            raise UserError(self._get_esign_error_message(error)) from None
        cert_words = set(pades.normalize_name(info["common_name"]).split())
        name_words = set(pades.normalize_name(employee.name).split())
        if not cert_words or not cert_words <= name_words:
            raise UserError(
                self.env._(
                    "Your certificate is issued to %(holder)s, not to %(name)s: it "
                    "cannot sign for you.",
                    holder=info["common_name"],
                    name=employee.name,
                )
            )
        return {
            "provider": "local",
            "signer": signer,
            "signer_name": info["common_name"],
            "issuer": info["issuer"],
        }

    def _get_esign_error_message(self, error):
        """The Indonesian (translated) message of a ``pades.EsignError``."""
        messages = {
            "unavailable": self.env._(
                "The signing library (pyHanko) is not installed on the server."
            ),
            "passphrase": self.env._(
                "The passphrase is wrong, or the file is not a PKCS#12 certificate. "
                "Nothing was signed."
            ),
            "no_key": self.env._(
                "Your .p12 file holds no private key with its certificate."
            ),
            "not_yet_valid": self.env._(
                "Your certificate is not valid yet: it cannot sign today."
            ),
            "expired": self.env._(
                "Your certificate has expired: ask for a new one before signing."
            ),
            "timeout": self.env._(
                "The BSrE gateway did not answer in time. Nothing was signed; try "
                "again later."
            ),
            "connection": self.env._(
                "The BSrE gateway cannot be reached. Nothing was signed; check the "
                "gateway URL in the settings or try again later."
            ),
            "gateway": self.env._(
                "The BSrE gateway refused to sign (%(detail)s). Check your NIK and "
                "passphrase. Nothing was signed.",
                detail=error.detail or "-",
            ),
            "bad_answer": self.env._(
                "The BSrE gateway answered without a signed PDF. Nothing was signed."
            ),
            "not_covering": self.env._(
                "The PDF the BSrE gateway returned does not carry a valid signature "
                "over the RKT that was sent. It was not stored; nothing was signed."
            ),
        }
        return messages.get(error.kind) or messages["bad_answer"]

    def _apply_esign(self, pdf, esign, values, reason=None, field_name=None):
        """Sign the rendered PDF as ``esign`` says; return the bytes to store and
        complete ``values`` with the certificate's holder and issuer.

        ``reason``: what the PAdES signature says it signs (default: this RKT; the
        Perjanjian Kinerja of the plan pass their own); ``field_name``: the
        signature field of a local signature (a PK is signed by two parties)."""
        self.ensure_one()
        reason = reason or self.env._("RKT %(plan)s signed", plan=self.name)
        location = self.company_id.rkt_signing_place or self.company_id.city or ""
        if esign["provider"] == "local":
            signed = pades.sign_pdf(
                pdf,
                esign["signer"],
                reason=reason,
                location=location,
                field_name=field_name or "RKT-TTE",
            )
            values.update(
                {"esign_signer_name": esign["signer_name"], "esign_issuer": esign["issuer"]}
            )
            return signed
        company = self.company_id.sudo()  # sudo: the gateway's account, admin-only fields
        properties = dict(
            BSRE_SIGNATURE_PROPERTIES, reason=reason, location=location
        )
        try:
            signed = pades.bsre_sign(
                company.rkt_esign_bsre_url,
                company.rkt_esign_bsre_username,
                company.rkt_esign_bsre_password,
                esign["nik"],
                esign["passphrase"],
                pdf,
                properties,
                timeout=company.rkt_esign_bsre_timeout or 60,
            )
            covered, status = pades.covers_document(signed, pdf)
            if not covered:
                raise pades.EsignError("not_covering")
        except pades.EsignError as error:
            raise UserError(self._get_esign_error_message(error)) from None
        values.update(
            {
                "esign_signer_name": status["signer"],
                "esign_issuer": status["issuer"] or esign["issuer"],
            }
        )
        return signed

    def _create_signature(self, esign=None):
        """Take the snapshot of what is signed, render the signed RKT from it and
        keep both, with their SHA-256, in a new ``rkt.plan.signature``.

        The RKT is rendered in the agency's language (``res.company.rkt_lang``;
        when unset, Indonesian when it is active, else the signer's language),
        never in the language of whoever clicks; the snapshot is taken in the same
        language, so it holds the
        signature block exactly as printed.  The report prints that block from the
        signature being made (``SIGNING_CONTEXT_KEY``), and never adopts a stored
        file.  In a test run without ``force_report_rendering`` the report yields
        HTML: the signature is recorded without a file.
        """
        self.ensure_one()
        lang = self.company_id._rkt_get_lang(document=True)
        plan = self.with_context(lang=lang)
        signer = plan._get_signer_employee()
        content = canonical_json(plan._get_signed_content(signer))
        values = {
            "name": self.name,
            "plan_id": self.id,
            "signer_user_id": self.signed_user_id.id,
            "signer_employee_id": signer.id,
            "official_employee_id": self.signed_employee_id.id,
            "capacity": self.signed_capacity,
            "signed_date": self.signed_date,
            "signed_at": fields.Datetime.now(),
            # without a language in the context, the report prints its source terms
            "lang": lang or "en_US",
            "content": content,
            "content_sha256": sha256_hex(content),
            "verify_token": new_verify_token(),
            "esign_provider": esign["provider"] if esign else "none",
            # printed in the block before the file is signed
            "esign_signer_name": (esign or {}).get("signer_name") or "",
            "esign_issuer": (esign or {}).get("issuer") or "",
        }
        Signature = self.env["rkt.plan.signature"]
        pending = Signature.new(values)
        reports = self.env["ir.actions.report"].with_context(
            lang=lang, **{SIGNING_CONTEXT_KEY: pending}
        )
        pdf, report_format = reports._render_qweb_pdf(self.SIGNED_REPORT, self.ids)
        if report_format == "pdf":
            if esign:
                pdf = self._apply_esign(pdf, esign, values)
            values.update(
                {
                    "pdf_file": base64.b64encode(pdf),
                    "pdf_filename": "{} - signed.pdf".format(self.name.replace("/", "-")),
                    "pdf_sha256": sha256_hex(pdf),
                }
            )
        else:
            # no file (a test run without rendering): no electronic signature either
            values["esign_provider"] = "none"
        # sudo: the RKT groups only read signatures; the engine records the one the
        # current user has just made (action_sign checked that they may sign).
        signature = Signature.sudo().create(values)
        self._engine_write({"signature_id": signature.id})
        return signature

    # ------------------------------------------------------------------
    # Business methods: the check
    # ------------------------------------------------------------------

    def _check_signed_document(self):
        """Check the signature of the RKT against what was recorded at signature.

        The snapshot and the file are checked against their SHA-256, and the plan's
        lines against the snapshot's.  Names are checked as printed: renaming the
        agency, a division or the signatory afterwards changes nothing.

        :return: ``(status, message)``; status is ``ok``, ``missing`` (no signature
            record or no stored file), ``altered`` (the record's content or file no
            longer matches its SHA-256) or ``content_changed`` (the record is
            intact, but the plan's lines now differ from what was signed)
        """
        self.ensure_one()
        signature = self.signature_id
        if not signature:
            return "missing", self.env._(
                "RKT %(plan)s has no signature record to check.", plan=self.name
            )
        status, message = signature._check_stored()
        if status != "ok":
            return status, message
        if signature._get_snapshot().get("lines") != self._get_signed_lines():
            return "content_changed", self.env._(
                "The signed file of RKT %(plan)s is intact, but the plan's lines now "
                "differ from what was signed.",
                plan=self.name,
            )
        return "ok", self.env._(
            "The signature of RKT %(plan)s holds: its signed content and its stored "
            "file match their SHA-256, and the plan's lines are those signed.",
            plan=self.name,
        )

    def _get_signed_pdf(self):
        """The bytes of the signed RKT as stored when it was signed, for a reprint.

        :raise UserError: when the signature record or its file is missing or no
            longer matches its SHA-256; a new PDF is never rendered instead
        """
        self.ensure_one()
        signature = self.signature_id
        if not signature:
            raise UserError(
                self.env._(
                    "RKT %(plan)s is signed but has no signature record: it is not "
                    "printed again. Ask an RKT manager to check it.",
                    plan=self.name,
                )
            )
        status, message = signature._check_stored()
        if status != "ok":
            raise UserError(
                self.env._(
                    "%(problem)s The signed RKT is not printed again; ask an RKT "
                    "manager to check it.",
                    problem=message,
                )
            )
        return signature._get_pdf_content()
