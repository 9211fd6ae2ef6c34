import base64
import hashlib
import json
import time as pytime


from odoo import fields, models
from odoo.tools.safe_eval import safe_eval



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
# The plan's fields of the signature: only the engine writes them.
SIGNED_DOCUMENT_FIELDS = (
    "signed_user_id",
    "signed_employee_id",
    "signed_capacity",
    "signed_date",
    "signed_attachment_id",
    "signed_sha256",
    "signed_digest",
)
SIGNED_CAPACITIES = [
    ("head", "Head of Agency"),
    ("plt", "Plt. (Acting)"),
    ("plh", "Plh. (Daily Acting)"),
]


class RktPlanSignedDocument(models.AbstractModel):
    """The signed RKT: what the signature covers, the stored file and its check."""

    _name = "rkt.plan.signed.document"
    _description = "RKT Signed Document"

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
    # -- signed document (see the "Signed document" section at the end) --
    signed_attachment_id = fields.Many2one(
        "ir.attachment", string="Signed RKT", readonly=True, copy=False
    )
    signed_sha256 = fields.Char(string="SHA-256 of Signed File", readonly=True, copy=False)
    signed_digest = fields.Char(
        string="Content Digest",
        readonly=True,
        copy=False,
        help="Digest of the signed content (lines, signer, date), printed in the QR "
        "code of the signed RKT.",
    )

    # ------------------------------------------------------------------
    # Signed document
    # ------------------------------------------------------------------

    SIGNED_REPORT = "rkt_planning.action_report_rkt_plan"

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

    def _get_signer_employee(self):
        """Whose name, rank and NIP stand under the signature.

        The head's own, or — when an acting official (Plt./Plh.) signed — the acting
        official's: ``signed_employee_id`` stays the head whose role was used.
        """
        self.ensure_one()
        if self.signed_capacity in ("plt", "plh") and self.signed_user_id:
            employees = self.signed_user_id.employee_ids
            return (
                employees.filtered(lambda e: e.company_id == self.company_id)[:1]
                or employees[:1]
                or self.signed_employee_id
            )
        return self.signed_employee_id or self.head_employee_id

    def _get_signed_content(self):
        """What the signature covers, in a canonical form: the plan, its lines, the
        signer and the date."""
        self.ensure_one()
        signer = self._get_signer_employee()
        return {
            "plan": self.name,
            "agency": self.company_id.name,
            "year": self.year,
            "lines": [
                [
                    line.sequence,
                    line.department_id.name or "",
                    line.strategic_objective or "",
                    line.indicator or "",
                    line.target or "",
                    line.uom or "",
                    line.program_code or "",
                    line.program_name or "",
                    line.activity_code or "",
                    line.activity_name or "",
                    line.sub_activity_code or "",
                    line.sub_activity_name or "",
                    f"{line.budget:.2f}",
                ]
                for line in self._get_document_lines()
            ],
            "signer": {
                "name": signer.name or "",
                "nip": signer.nip or "",
                "capacity": self.signed_capacity or "",
            },
            "signed_date": fields.Date.to_string(self.signed_date) or "",
        }

    def _get_content_digest(self):
        """SHA-256 (hex) of the canonical JSON of ``_get_signed_content``."""
        self.ensure_one()
        payload = json.dumps(
            self._get_signed_content(),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def _get_verification_code(self):
        """The first 64 bits of the content digest, printed under the QR code."""
        self.ensure_one()
        digest = (self.signed_digest or "").upper()
        return "-".join(digest[index : index + 4] for index in range(0, 16, 4))

    def _get_signed_qr_value(self):
        self.ensure_one()
        return f"RKT:{self.name};SHA256:{self.signed_digest}"

    def _get_signed_qr_data_uri(self):
        """The QR code of the signed RKT as a data URI: wkhtmltopdf needs no HTTP
        request to draw it."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode(
            "QR", self._get_signed_qr_value(), width=300, height=300, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _on_signed(self):
        """The head (or their acting official) has signed: state, signer and date are
        written.  Fix the digest of the signed content, then render the signed RKT
        once and keep the file with its SHA-256."""
        for plan in self:
            plan._engine_write({"signed_digest": plan._get_content_digest()})
            plan._store_signed_document()

    def _store_signed_document(self):
        """Render the signed RKT and keep it as an attachment of the plan.

        The report stores its first rendering of a signed plan (``attachment`` /
        ``attachment_use``) and prints that file again afterwards.  It is rendered as
        the signer, in Indonesian when the language is installed (the archived copy
        of an Indonesian official document), else in the signer's language.  Odoo
        stores it as the signer, who needs write access to the plan; an acting
        official who may only read it gets the file stored by the engine.  In a test
        run without ``force_report_rendering`` the report yields HTML: nothing is
        stored.
        """
        self.ensure_one()
        lang = self.env["res.lang"]._get_code("id_ID") or self.env.lang
        reports = self.env["ir.actions.report"].with_context(lang=lang)
        content, report_format = reports._render_qweb_pdf(self.SIGNED_REPORT, self.ids)
        if report_format != "pdf":
            return
        report = reports._get_report(self.SIGNED_REPORT)
        attachment = report.retrieve_attachment(self)
        if not attachment:
            # sudo: the file of the plan the current user has just signed.
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": safe_eval(
                            report.attachment, {"object": self, "time": pytime}
                        ),
                        "raw": content,
                        "res_model": self._name,
                        "res_id": self.id,
                        "type": "binary",
                    }
                )
            )
        self._engine_write(
            {
                "signed_attachment_id": attachment.id,
                "signed_sha256": hashlib.sha256(attachment.raw).hexdigest(),
            }
        )

    def _check_signed_document(self):
        """Check the stored signed RKT against what was recorded at signature.

        :return: ``(status, message)``; status is ``ok``, ``missing`` (no stored
            file), ``altered`` (the file no longer matches its SHA-256) or
            ``content_changed`` (the file is intact, but the plan's lines, signer or
            date now differ from what was signed)
        """
        self.ensure_one()
        attachment = self.signed_attachment_id
        if not (self.signed_sha256 and attachment):
            return "missing", self.env._(
                "RKT %(plan)s has no stored signed file to check.", plan=self.name
            )
        if hashlib.sha256(attachment.raw or b"").hexdigest() != self.signed_sha256:
            return "altered", self.env._(
                "The stored file of RKT %(plan)s (%(file)s) no longer matches the "
                "SHA-256 recorded when it was signed: it has been altered.",
                plan=self.name,
                file=attachment.name,
            )
        if self._get_content_digest() != self.signed_digest:
            return "content_changed", self.env._(
                "The stored file of RKT %(plan)s is intact, but the plan's lines or "
                "the signer's name or NIP now differ from what was signed.",
                plan=self.name,
            )
        return "ok", self.env._(
            "The stored file of RKT %(plan)s matches the SHA-256 recorded when it was "
            "signed.",
            plan=self.name,
        )

    def action_verify_signed_document(self):
        """Button: tell whether the stored signed RKT is still the signed file."""
        self.ensure_one()
        status, message = self._check_signed_document()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Signed RKT"),
                "message": message,
                "type": {"ok": "success", "content_changed": "warning"}.get(
                    status, "danger"
                ),
                "sticky": status != "ok",
            },
        }
