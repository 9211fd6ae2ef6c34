import hashlib
import os
import tempfile
from collections import OrderedDict

from odoo import api, models
from odoo.exceptions import UserError

# The reports of this module: printed with their letterhead in the body, without
# wkhtmltopdf header or footer, without Odoo's report assets (their styles are in
# the template), on the paper of the agency.
RKT_PLAN_REPORT = "rkt_planning.report_rkt_plan"
RKT_SOP_REPORT = "rkt_planning.report_rkt_sop"
RKT_REPORT_NAMES = (RKT_PLAN_REPORT, RKT_SOP_REPORT)
F4_PAPERFORMATS = {
    "portrait": "rkt_planning.paperformat_rkt_f4_portrait",
    "landscape": "rkt_planning.paperformat_rkt_f4_landscape",
}


def _ensure_qt_runtime_dir():
    """Give wkhtmltopdf's Qt the runtime directory it expects.

    Without ``XDG_RUNTIME_DIR`` (an Odoo service has no login session) Qt writes
    "QStandardPaths: XDG_RUNTIME_DIR not set" to stderr on every run, which Odoo logs
    as a WARNING for each printed report.  wkhtmltopdf inherits Odoo's environment,
    so a private (0700) directory is set once for the process.
    """
    if not os.environ.get("XDG_RUNTIME_DIR"):
        os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="odoo-wkhtmltopdf-")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _is_rkt_report(self):
        return len(self) == 1 and self.report_name in RKT_REPORT_NAMES

    # ------------------------------------------------------------------
    # One document per wkhtmltopdf run, on the paper of its agency
    # ------------------------------------------------------------------

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if not report._is_rkt_report() or not res_ids:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        # Debian's wkhtmltopdf (unpatched Qt) takes a single input document per run:
        # the records are rendered one by one, each on its agency's paper (an SOP
        # template has no agency: the current one's), and merged afterwards.
        streams = OrderedDict()
        for record in self.env[report.model].browse(list(dict.fromkeys(res_ids))):
            company = record.company_id or self.env.company
            streams.update(
                super(
                    IrActionsReport,
                    self.with_context(rkt_paper_size=company.rkt_paper_size),
                )._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=record.ids
                )
            )
        return streams

    def get_paperformat(self):
        paperformat = super().get_paperformat()
        if self._is_rkt_report() and self.env.context.get("rkt_paper_size") == "f4":
            orientation = (paperformat.orientation or "Portrait").lower()
            return self.env.ref(F4_PAPERFORMATS[orientation], raise_if_not_found=False) or (
                paperformat
            )
        return paperformat

    # ------------------------------------------------------------------
    # Rendering that works with Debian's wkhtmltopdf (unpatched Qt)
    # ------------------------------------------------------------------

    def _get_layout(self):
        if self._is_rkt_report():
            return self.env.ref("rkt_planning.report_rkt_minimal_layout")
        return super()._get_layout()

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        if report_ref and self._get_report(report_ref)._is_rkt_report():
            # Everything these reports print is in the body: an unpatched Qt ignores
            # --header-html / --footer-html and complains about them on stderr.
            header = footer = None
            _ensure_qt_runtime_dir()
        return super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )

    # ------------------------------------------------------------------
    # The signed RKT: printed from the file stored when it was signed
    # ------------------------------------------------------------------

    def retrieve_attachment(self, record):
        if self.report_name == RKT_PLAN_REPORT and record.signed_attachment_id:
            attachment = record.signed_attachment_id
            if hashlib.sha256(attachment.raw or b"").hexdigest() != record.signed_sha256:
                raise UserError(
                    self.env._(
                        "The stored signed file of RKT %(plan)s no longer matches the "
                        "SHA-256 recorded when it was signed: it may have been altered. "
                        "It is not printed; ask an RKT manager to check it.",
                        plan=record.name,
                    )
                )
            return attachment
        return super().retrieve_attachment(record)
