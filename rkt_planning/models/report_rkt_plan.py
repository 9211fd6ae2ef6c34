import babel.dates
import babel.numbers

from odoo import api, models
from odoo.tools.image import image_data_uri

# Official documents of an Indonesian agency carry Indonesian dates and amounts,
# whatever the language of the user who prints them: "Paringin, 10 Januari 2024",
# "1.250.000".  The words around them (labels, the DRAFT mark) follow the user's
# language through the translations of the templates.
DOCUMENT_LOCALE = "id_ID"


def format_date_id(value):
    """A date as Indonesian documents write it: 10 Januari 2024."""
    if not value:
        return ""
    return babel.dates.format_date(value, format="d MMMM y", locale=DOCUMENT_LOCALE)


def format_amount_id(value):
    """A rupiah amount with Indonesian digit grouping: 1.250.000."""
    return babel.numbers.format_decimal(
        value or 0.0, format="#,##0", locale=DOCUMENT_LOCALE
    )


class ReportRktPlan(models.AbstractModel):
    """Values of the RKT report: letterhead, table rows and signature block."""

    _name = "report.rkt_planning.report_rkt_plan"
    _description = "RKT Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["rkt.plan"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "rkt.plan",
            "docs": docs,
            "get_letterhead": self._get_letterhead,
            "get_table": self._get_table,
            "get_signature": self._get_signature,
            "format_date_id": format_date_id,
        }

    @api.model
    def _get_letterhead(self, company):
        """The kop surat of the agency, from the company."""
        address = ", ".join(
            part for part in (company.street, company.street2, company.city) if part
        )
        contact = []
        if company.phone:
            contact.append(f"Telp. {company.phone}")
        if company.zip:
            contact.append(f"Kode Pos {company.zip}")
        online = []
        if company.email:
            online.append(f"Email: {company.email}")
        if company.website:
            online.append(f"Laman: {company.website}")
        return {
            "logo": image_data_uri(company.logo) if company.logo else False,
            "government": (company.rkt_government_name or "").upper(),
            "agency": (company.name or "").upper(),
            "address": "  ".join(filter(None, [address, ", ".join(contact)])),
            "online": "  ".join(online),
        }

    @api.model
    def _get_table(self, plan):
        """The rows of the RKT table.

        Consecutive lines with the same strategic objective share its number and
        print it once, as a merged cell would (a real rowspan breaks badly across
        pages in wkhtmltopdf).
        """
        lines = plan._get_document_lines()
        has_program = any(
            line.program_code
            or line.program_name
            or line.activity_code
            or line.activity_name
            or line.sub_activity_code
            or line.sub_activity_name
            for line in lines
        )
        has_budget = any(line.budget for line in lines)
        rows = []
        number = 0
        previous = None
        for line in lines:
            objective = (line.strategic_objective or "").strip()
            first = not objective or objective != previous
            if first:
                number += 1
            rows.append(
                {
                    "line": line,
                    "number": number if first else "",
                    "objective": objective if first else "",
                    "continued": not first,
                    "program": self._join_code(line.program_code, line.program_name),
                    "activity": self._join_code(line.activity_code, line.activity_name),
                    "sub_activity": self._join_code(
                        line.sub_activity_code, line.sub_activity_name
                    ),
                    "budget": format_amount_id(line.budget) if line.budget else "",
                }
            )
            previous = objective
        return {
            "rows": rows,
            "has_program": has_program,
            "has_budget": has_budget,
            "columns": 5 + (3 if has_program else 0) + (1 if has_budget else 0),
            "total": format_amount_id(sum(lines.mapped("budget"))),
        }

    @staticmethod
    def _join_code(code, name):
        return " ".join(part for part in (code, name) if part)

    @api.model
    def _get_signature(self, plan):
        """Place and date, title, name, rank and NIP under the head's signature.

        An acting official (Plt./Plh.) signs with the head's title prefixed and their
        own name, rank and NIP.  A plan not signed yet gets no name and no date.
        """
        company = plan.company_id
        signed = bool(plan.state in ("signed", "archived") and plan.signed_date)
        signer = plan._get_signer_employee() if signed else plan.env["hr.employee"]
        prefix = {"plt": "Plt. ", "plh": "Plh. "}.get(plan.signed_capacity, "")
        title = (company.rkt_head_title or f"Kepala {company.name}").upper()
        government = (company.rkt_government_name or "").upper()
        region = government.removeprefix("PEMERINTAH").strip()
        title_lines = [(prefix if signed else "") + title]
        if region and region not in title:
            title_lines.append(region)
        title_lines[-1] += ","
        is_pppk = (signer.rkt_rank or "").startswith("pppk_")
        return {
            "signed": signed,
            "place": company.rkt_signing_place or company.city or "",
            "date": format_date_id(plan.signed_date) if signed else "",
            "title_lines": title_lines,
            "name": signer.name or "",
            "rank": signer.rkt_rank_label or "",
            "nip": signer.nip_formatted or "",
            "nip_label": "NI PPPK." if is_pppk else "NIP.",
            "qr": plan._get_signed_qr_data_uri() if signed and plan.signed_digest else False,
            "code": plan._get_verification_code() if signed else "",
        }
