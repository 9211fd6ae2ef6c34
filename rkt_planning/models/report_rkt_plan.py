import functools

import babel.dates
import babel.numbers

from odoo import api, models
from odoo.tools.image import image_data_uri
from odoo.tools.misc import babel_locale_parse

# Official documents of an Indonesian agency carry Indonesian dates and amounts,
# whatever the language of the user who prints them: "Paringin, 10 Januari 2024",
# "1.250.000".  The words around them (labels, the DRAFT mark) follow the user's
# language through the translations of the templates.
DOCUMENT_LOCALE = "id_ID"

# -- Pagination ---------------------------------------------------------------
# Debian's wkhtmltopdf (unpatched Qt) neither repeats a table's <thead> on each
# page nor keeps a table row in one piece; it does keep a <div> with
# "page-break-inside: avoid" whole.  So the reports print each row as a small table
# of its own, and cut the pages themselves: they estimate the height of each row
# from its text, fill a page, then break and repeat the header.  The estimates are
# generous (wide characters, a fill factor below one): a page may end a little
# early, never overflow.
#
# wkhtmltopdf prints a CSS millimetre as 0.7645 mm of paper ("smart shrinking",
# whatever the paper): one mm of paper holds this many CSS pixels.
CSS_PX_PER_MM = 96 / 25.4 / 0.7645
PAGE_FILL = 0.92
# Advance widths (em) of the characters, the wider of DejaVu Sans (Debian's
# fallback font) and Liberation Sans, rounded up; bold text is about 10 % wider.
CHAR_WIDTHS = {
    char: width
    for width, chars in (
        (0.25, "'"),
        (0.3, " ,.Iijl"),
        (0.35, "-/:;\\f|"),
        (0.4, "!()[]rt"),
        (0.45, '"'),
        (0.5, "*J`sz"),
        (0.55, "?L_c"),
        (0.6, "FTaekovxy"),
        (0.65, "$0123456789EKPSYbdghnpqu{}"),
        (0.7, "ABCRVXZ"),
        (0.75, "DHNU"),
        (0.8, "&GOQw"),
        (0.85, "#+<=>M^~"),
        (0.95, "%m"),
        (1.0, "@W"),
    )
    for char in chars
}
OTHER_CHAR_WIDTH = 0.7
BOLD_FACTOR = 1.1
# The RKT prints in Liberation Sans, which the set-up installs and a test checks
# (tests/test_report.py): its glyphs are about 12 % narrower than the widths
# above, which also cover DejaVu Sans; the RKT's rows are estimated 10 % narrower
# so that its pages are not cut half-empty.
RKT_WIDTH_FACTOR = 0.9

# The RKT table: base font, line height and cell padding (with the border), px.
# 10 pt: the size of the tables of printed government plans (compact pages).
FONT_PX = 10 * 4 / 3
LINE_PX = FONT_PX * 1.25
CELL_PAD_PX = 9
# Column widths (percent), with and without programme and budget columns.
PLAN_COLUMNS = {
    (False, False): [5, 36, 36, 11, 12],
    (False, True): [5, 30, 33, 9, 9, 14],
    (True, False): [4, 15, 19, 8, 8, 16, 15, 15],
    (True, True): [4, 14, 17, 7, 7, 14, 13, 13, 11],
}
# What comes before the table on the first page, and the signature, px.
LETTERHEAD_PX = 175
TITLE_PX = 95
# The "Halaman x dari y" line above each page's table.
PAGE_LABEL_PX = 9 * 4 / 3 * 1.25 + 4
# Phrases a title never breaks inside (agency names): the words of one sense.
KEEP_TOGETHER = (
    "SUMBER DAYA MANUSIA",
    "SUMBER DAYA",
    "PAMONG PRAJA",
    "KELUARGA BERENCANA",
    "PENANAMAN MODAL",
    "SATU PINTU",
    "TENAGA KERJA",
)
# Words bound to the word after them: a conjunction or a region's kind never
# ends a line of a title ("KABUPATEN / BALANGAN").
BIND_TO_NEXT = ("DAN", "DI", "KE", "&", "KABUPATEN", "KOTA", "PROVINSI")
NBSP = "\u00a0"


def format_date_lang(value, lang_code):
    """A date written out in the language ``lang_code``, as letters and messages
    write it: ``4 Desember 2026`` (id_ID), ``4 December 2026`` (en_US).  The one
    helper for dates in documents, messages and activities (see
    ``rkt.plan.activity.mixin._rkt_format_date``)."""
    if not value:
        return ""
    return babel.dates.format_date(
        value, format="d MMMM y", locale=babel_locale_parse(lang_code or "en_US")
    )


def format_date_id(value):
    """A date as Indonesian documents write it: 10 Januari 2024."""
    return format_date_lang(value, DOCUMENT_LOCALE)


def keep_together(text):
    """``text`` with non-breaking spaces inside the phrases a title must not break
    (``KEEP_TOGETHER``) and after a conjunction: "SUMBER DAYA MANUSIA" never wraps
    as "SUMBER DAYA / MANUSIA", and "DAN" never ends a line."""
    if not text:
        return ""
    for phrase in KEEP_TOGETHER:
        start = text.upper().find(phrase)
        while start >= 0:
            end = start + len(phrase)
            text = text[:start] + text[start:end].replace(" ", NBSP) + text[end:]
            start = text.upper().find(phrase, end)
    words = []
    for word in text.split(" "):
        if words and words[-1].upper().rsplit(NBSP, 1)[-1] in BIND_TO_NEXT:
            words[-1] += NBSP + word
        else:
            words.append(word)
    return " ".join(words)


def format_amount_id(value):
    """A rupiah amount with Indonesian digit grouping: 1.250.000."""
    return babel.numbers.format_decimal(
        value or 0.0, format="#,##0", locale=DOCUMENT_LOCALE
    )


@functools.lru_cache(maxsize=65536)
def text_em(text):
    """Width of ``text`` in em, at most.  Cached: the words of a plan's lines repeat
    (a 2,100-line RKT measures about 100,000 words, mostly the same few hundred)."""
    return sum(CHAR_WIDTHS.get(char, OTHER_CHAR_WIDTH) for char in text)


def text_width(text, font_px, bold=False):
    """Width (px) of ``text`` on one line, at most."""
    return text_em(text) * font_px * (BOLD_FACTOR if bold else 1.0)


def estimate_lines(text, width_px, font_px, bold=False):
    """How many lines ``text`` takes in a column ``width_px`` wide, at most: words
    wrap at spaces, a word wider than the column wraps anywhere."""
    space = text_width(" ", font_px, bold)
    lines = 0
    for paragraph in str(text or "").splitlines() or [""]:
        lines += 1
        used = 0.0
        for word in paragraph.split():
            width = text_width(word, font_px, bold)
            if used and used + space + width <= width_px:
                used += space + width
                continue
            if used:
                lines += 1
            while width > width_px:  # a word longer than a line breaks anywhere
                lines += 1
                width -= width_px
            used = width
    return lines


def paginate(heights, first_capacity, capacity, break_reserve=0.0):
    """Cut rows of the given heights into pages: a list of lists of row indexes.

    The first page holds ``first_capacity`` px, the others ``capacity``; a page
    followed by another one keeps ``break_reserve`` px free (for a connector).
    """
    pages, start, limit = [], 0, first_capacity
    while True:
        if sum(heights[start:]) <= limit or len(heights) - start <= 1:
            pages.append(list(range(start, len(heights))))
            return pages
        used, end = 0.0, start
        while end == start or used + heights[end] <= limit - break_reserve:
            used += heights[end]
            end += 1
        pages.append(list(range(start, end)))
        start, limit = end, capacity


class ReportRktPlan(models.AbstractModel):
    """Values of the RKT report: letterhead, table pages and signature block."""

    _name = "report.rkt_planning.report_rkt_plan"
    _description = "RKT Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["rkt.plan"].browse(docids)
        document_lines = {plan: plan._get_document_lines() for plan in docs}
        # An RKT with programme, activity and sub-activity columns is printed
        # landscape, as agencies print that form (one orientation per print).
        landscape = any(self._has_program(lines) for lines in document_lines.values())
        return {
            "doc_ids": docids,
            "doc_model": "rkt.plan",
            "docs": docs,
            "data_report_landscape": landscape,
            "get_letterhead": self._get_letterhead,
            "get_table": lambda plan: self._get_table(
                plan, landscape, lines=document_lines.get(plan)
            ),
            "get_signature": self._get_signature,
            "keep_together": keep_together,
        }

    # ------------------------------------------------------------------
    # Page geometry
    # ------------------------------------------------------------------

    @api.model
    def _get_page_box(self, report_ref, company, landscape=None):
        """Width and height (CSS px) inside the margins of the paper ``report_ref``
        prints on for ``company``."""
        report = self.env["ir.actions.report"]._get_report(report_ref)
        paperformat = report.with_context(
            rkt_paper_size=company.rkt_paper_size
        ).get_paperformat()
        width, height = paperformat.print_page_width, paperformat.print_page_height
        if landscape is not None and bool(landscape) != (width > height):
            width, height = height, width
        return (
            (width - paperformat.margin_left - paperformat.margin_right) * CSS_PX_PER_MM,
            (height - paperformat.margin_top - paperformat.margin_bottom) * CSS_PX_PER_MM,
        )

    # ------------------------------------------------------------------
    # Letterhead
    # ------------------------------------------------------------------

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
            "government": keep_together((company.rkt_government_name or "").upper()),
            "agency": keep_together((company.name or "").upper()),
            "address": "  ".join(filter(None, [address, ", ".join(contact)])),
            "online": "  ".join(online),
        }

    # ------------------------------------------------------------------
    # Table
    # ------------------------------------------------------------------

    @staticmethod
    def _has_program(lines):
        """Whether one of ``lines`` names a programme, activity or sub-activity."""
        return any(
            line.program_code
            or line.program_name
            or line.activity_code
            or line.activity_name
            or line.sub_activity_code
            or line.sub_activity_name
            for line in lines
        )

    @staticmethod
    def _join_code(code, name):
        return " ".join(part for part in (code, name) if part)

    @api.model
    def _get_table(self, plan, landscape=False, lines=None):
        """The rows of the RKT table, cut into pages.

        Consecutive lines with the same strategic objective share its number and
        print it once, as a merged cell would; a page that starts inside such a
        group prints the objective again.
        """
        if lines is None:
            lines = plan._get_document_lines()
        has_program = self._has_program(lines)
        has_budget = any(line.budget for line in lines)
        widths = PLAN_COLUMNS[(has_program, has_budget)]
        table_px, page_px = self._get_page_box(
            "rkt_planning.action_report_rkt_plan", plan.company_id, landscape
        )
        rows = []
        number = 0
        previous = None
        for line in lines:
            objective = (line.strategic_objective or "").strip()
            first = not objective or objective != previous
            if first:
                number += 1
            cells = [
                str(number),
                objective,
                line.indicator,
                line.target,
                line.uom,
            ]
            row = {
                "line": line,
                "number": number,
                "objective": objective,
                "first": first,
                "budget": format_amount_id(line.budget) if line.budget else "",
            }
            if has_program:
                row["program"] = self._join_code(line.program_code, line.program_name)
                row["activity"] = self._join_code(line.activity_code, line.activity_name)
                row["sub_activity"] = self._join_code(
                    line.sub_activity_code, line.sub_activity_name
                )
                cells += [row["program"], row["activity"], row["sub_activity"]]
            if has_budget:
                cells.append(row["budget"])
            row["height"] = self._estimate_row(cells, widths, table_px)
            rows.append(row)
            previous = objective
        header = ["No", "Sasaran Strategis", "Indikator Kinerja", "Target", "Satuan"]
        if has_program:
            header += ["Program", "Kegiatan", "Sub Kegiatan"]
        if has_budget:
            header.append("Anggaran (Rp)")
        header_px = self._estimate_row(header, widths, table_px, bold=True) + 2 * LINE_PX
        total_px = LINE_PX + CELL_PAD_PX if has_budget else 0
        heights = [row["height"] for row in rows]
        if heights:
            # the last row keeps the total and the signature on its page: a
            # signature never stands alone on a page
            heights[-1] += total_px + self._estimate_signature(plan, table_px)
        header_px += PAGE_LABEL_PX
        pages = paginate(
            heights,
            page_px * PAGE_FILL - LETTERHEAD_PX - TITLE_PX - header_px,
            page_px * PAGE_FILL - header_px,
        )
        page_rows = []
        page_labels = [
            self.env._("Page %(page)s of %(pages)s", page=index + 1, pages=len(pages))
            for index in range(len(pages))
        ]
        for indexes in pages:
            chunk = [dict(rows[index]) for index in indexes]
            for position, row in enumerate(chunk):
                # a group's number and objective: on its first row, and again at
                # the top of a page; the cells of a group share their borders
                row["show"] = row["first"] or position == 0
                following = chunk[position + 1] if position + 1 < len(chunk) else None
                row["open_bottom"] = bool(following and not following["first"])
            page_rows.append(chunk)
        return {
            "pages": page_rows,
            "page_labels": page_labels,
            "widths": widths,
            "has_program": has_program,
            "has_budget": has_budget,
            "columns": len(widths),
            "total": format_amount_id(sum(lines.mapped("budget"))),
        }

    @api.model
    def _estimate_row(self, cells, widths, table_px, bold=False):
        lines = max(
            estimate_lines(
                text,
                (width / 100.0 * table_px - CELL_PAD_PX) / RKT_WIDTH_FACTOR,
                FONT_PX,
                bold,
            )
            for text, width in zip(cells, widths, strict=True)
        )
        return lines * LINE_PX + CELL_PAD_PX

    # ------------------------------------------------------------------
    # Signature
    # ------------------------------------------------------------------

    @api.model
    def _estimate_signature(self, plan, table_px):
        """Height (px) of the signature block: its text at 13 pt in the right half
        of the page, the 34 mm signature space and its 8 mm margin."""
        signature = self._get_signature_texts(plan)
        font_px = 13 * 4 / 3
        lines = sum(
            estimate_lines(text, 0.48 * table_px, font_px) for text in signature
        )
        return lines * font_px * 1.25 + 38 * 96 / 25.4

    @api.model
    def _get_signature_texts(self, plan):
        signature = self._get_signature(plan, with_qr=False)
        return [
            f"{signature['place']}, {signature['date'] or '...'}",
            *signature["title_lines"],
            signature["name"] or "(not signed yet)",
            signature["rank"],
            signature["nip"],
            signature["code"],
        ]

    @api.model
    def _get_signature(self, plan, with_qr=True):
        """Place and date, title, name, rank and NIP under the head's signature.

        A signed plan prints the block recorded in its signature (names, NIP and
        titles as they were when it was signed, whatever changed since); a plan not
        signed yet prints the agency's current place and title, without name and
        date.  An acting official (Plt./Plh.) signs with the head's title prefixed
        and their own name, rank and NIP.
        """
        signed = bool(plan.state in ("signed", "archived") and plan.signed_date)
        signature = plan._get_printed_signature() if signed else False
        if signature:
            block = signature._get_printed_block()
        else:
            # a draft names the official who will sign it, without date; sudo:
            # only the name, rank and NIP the document prints are read
            signer = (
                plan._get_signer_employee() if signed else plan.head_employee_id.sudo()
            )
            block = self._get_signature_block(plan, signer)
        digest = signature.content_sha256 if signature else plan.signed_digest
        return {
            **block,
            "signed": signed,
            "qr": with_qr
            and signed
            and digest
            and plan._get_signed_qr_data_uri(digest),
            "code": plan._get_verification_code(digest) if signed else "",
            "esign": self._get_esign_block(plan, signature, block) if signed else {},
        }

    @api.model
    def _get_esign_block(self, plan, signature, block):
        """What the printed block says of an electronic signature: signed
        electronically, by whom (name, NIP, capacity), when, with whose certificate.
        Empty when the RKT is signed with hash and QR code only."""
        if not signature or (signature.esign_provider or "none") == "none":
            return {}
        capacity = dict(
            signature._fields["capacity"]._description_selection(self.env)
        ).get(signature.capacity, "")
        return {
            "name": block.get("name", ""),
            "nip": block.get("nip", ""),
            "nip_label": block.get("nip_label", ""),
            "capacity": capacity,
            "date": block.get("date", ""),
            "issuer": signature.esign_issuer or "",
            "url": plan._get_signed_qr_value(),
        }

    @api.model
    def _get_signature_block(self, plan, signer):
        """The signature block of ``plan`` from the current data: the agency's place
        and head title, ``signer``'s name, rank and NIP (none for a plan not signed
        yet), in the language of the context."""
        company = plan.company_id
        signed = bool(plan.state in ("signed", "archived") and plan.signed_date)
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
            "place": company.rkt_signing_place or company.city or "",
            "date": format_date_id(plan.signed_date) if signed else "",
            "title_lines": title_lines,
            "name": signer.name or "",
            "rank": signer.rkt_rank_label or "",
            "nip": signer.nip_formatted or "",
            "nip_label": "NI PPPK." if is_pppk else "NIP.",
            "position": signer.rkt_position or "",
        }
