import base64

from odoo import api, models

from .report_rkt_plan import format_amount_id, format_date_id


class ReportRktPk(models.AbstractModel):
    """The Perjanjian Kinerja as PermenPAN-RB 53/2014 lays it out: the statement
    page with both parties and their signatures, and the annex (sasaran /
    indikator / target; programme / anggaran with JUMLAH)."""

    _name = "report.rkt_planning.report_rkt_pk"
    _description = "Perjanjian Kinerja Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["rkt.pk"].browse(docids)
        plan_report = self.env["report.rkt_planning.report_rkt_plan"]
        return {
            "doc_ids": docids,
            "doc_model": "rkt.pk",
            "docs": docs,
            "get_letterhead": plan_report._get_letterhead,
            "get_parties": self._get_parties,
            "get_annex": self._get_annex,
        }

    @api.model
    def _get_party_block(self, pk, official, signer, capacity, title, signed_date):
        """Title, name, rank and NIP under one party's signature; "Plt." / "Plh."
        before the title when an acting official signed."""
        employee = signer or official
        prefix = {"plt": "Plt. ", "plh": "Plh. "}.get(capacity or "", "")
        is_pppk = (employee.rkt_rank or "").startswith("pppk_")
        return {
            "title": prefix + (title or ""),
            "name": employee.name or "",
            "rank": employee.rkt_rank_label or "",
            "nip": employee.nip_formatted or "",
            "nip_label": "NI PPPK." if is_pppk else "NIP.",
            "signed": bool(signed_date),
        }

    @api.model
    def _get_parties(self, pk):
        company = pk.company_id
        first = self._get_party_block(
            pk,
            pk.first_employee_id,
            pk.first_signer_employee_id,
            pk.first_capacity,
            pk.first_title,
            pk.first_signed_date,
        )
        if pk.party == "head":
            second = {
                "title": pk.second_title or "",
                "name": pk.second_name or "",
                "rank": "",
                "nip": "",
                "nip_label": "",
                "signed": bool(pk.second_signed_date),
            }
        else:
            second = self._get_party_block(
                pk,
                pk.second_employee_id,
                pk.second_signer_employee_id,
                pk.second_capacity,
                pk.second_title,
                pk.second_signed_date,
            )
        # the PK is rendered once, when the first party signs it: the date is theirs
        date = pk.first_signed_date
        signature = pk._get_printed_signature()
        return {
            "first": first,
            "second": second,
            "place": company.rkt_signing_place or company.city or "",
            "date": format_date_id(date) if date else "",
            "signed": bool(signature) or pk.state != "draft",
            "code": signature._get_verify_code() if signature else "",
            "qr": self._get_qr_data_uri(signature) if signature.verify_token else "",
            "url": signature._get_verify_url() if signature.verify_token else "",
            "esign": signature.esign_provider not in (False, "none"),
            "issuer": signature.esign_issuer or "",
            "second_on_paper": pk.party == "head",
        }

    @api.model
    def _get_qr_data_uri(self, signature):
        """The QR code of the verification page of a signed PK, as a data URI."""
        png = self.env["ir.actions.report"].barcode(
            "QR", signature._get_verify_url(), width=300, height=300, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    @api.model
    def _get_annex(self, pk):
        """The annex's two tables: objectives, indicators and targets, and the
        programmes with their budgets and the total.

        An objective is printed once, in the order of its first line, with all its
        indicators under it: the head's PK holds the IKU lines of every division,
        and two divisions may serve the same objective.  The same indicator with
        the same target (and unit) is printed once; with different targets, each
        is printed.  A programme is printed once, with the sum of its lines'
        budgets."""
        groups = {}
        for line in pk.line_ids:
            objective = (line.strategic_objective or "").strip()
            row = {
                "indicator": line.indicator or "",
                "target": " ".join(p for p in (line.target, line.uom) if p),
            }
            group = groups.setdefault(objective, [])
            if not any(
                other["indicator"].strip() == row["indicator"].strip()
                and other["target"].strip() == row["target"].strip()
                for other in group
            ):
                group.append(row)
        targets = []
        for number, (objective, rows) in enumerate(groups.items(), start=1):
            for index, row in enumerate(rows):
                if index:
                    row["rowspan"] = 0
                else:
                    row.update(rowspan=len(rows), number=number, objective=objective)
                targets.append(row)
        programs = {}
        for line in pk.line_ids:
            if not (line.program_code or line.program_name or line.budget):
                continue
            key = (line.program_code or "", line.program_name or "")
            programs[key] = programs.get(key, 0.0) + line.budget
        return {
            "targets": targets,
            "programs": [
                {
                    "name": " ".join(p for p in key if p) or "-",
                    "budget": format_amount_id(amount),
                }
                for key, amount in programs.items()
            ],
            "total": format_amount_id(sum(programs.values())),
        }
