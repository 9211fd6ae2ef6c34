import io
import os
import tempfile
from collections import OrderedDict

from odoo import api, models

# The reports of this module: printed with their letterhead in the body, without
# wkhtmltopdf header or footer, without Odoo's report assets (their styles are in
# the template), on the paper of the agency.
RKT_PLAN_REPORT = "rkt_planning.report_rkt_plan"
RKT_SOP_REPORT = "rkt_planning.report_rkt_sop"
RKT_PK_REPORT = "rkt_planning.report_rkt_pk"
RKT_REPORT_NAMES = (RKT_PLAN_REPORT, RKT_SOP_REPORT, RKT_PK_REPORT)
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
            if report.report_name == RKT_PLAN_REPORT and self._is_signed_rkt(record):
                # a signed RKT is printed from the file of its signature record,
                # exactly as stored; missing or altered, it is refused, never
                # rendered anew
                streams[record.id] = {
                    "stream": io.BytesIO(record._get_signed_pdf()),
                    "attachment": None,
                }
                continue
            if report.report_name == RKT_PK_REPORT and record.signature_id.pdf_sha256:
                # a signed PK likewise, from the file its signature record keeps
                streams[record.id] = {
                    "stream": io.BytesIO(record._get_signed_pdf()),
                    "attachment": None,
                }
                continue
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
    # The signed RKT: printed from its signature record only
    # ------------------------------------------------------------------

    def _is_signed_rkt(self, plan):
        """Whether ``plan`` is signed and is not the RKT the engine is rendering
        to sign it (see rkt.plan.signed.document._create_signature)."""
        if plan.state not in ("signed", "archived") or not plan.signed_date:
            return False
        return not plan._get_pending_signature()

    def retrieve_attachment(self, record):
        # The RKT never adopts a stored attachment (Odoo finds it by its name, which
        # anyone who may attach a file to the plan can choose): a signed RKT is
        # printed from its signature record, see _render_qweb_pdf_prepare_streams.
        if self.report_name == RKT_PLAN_REPORT:
            return None
        return super().retrieve_attachment(record)
