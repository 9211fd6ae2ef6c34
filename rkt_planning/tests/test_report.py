import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from unittest import skipIf
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.base.models import ir_actions_report as base_report
from odoo import Command
from odoo.exceptions import UserError

from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import file_open
from odoo.tools.pdf import PdfFileReader

from .common import RktCommon

PLAN_REPORT = "rkt_planning.action_report_rkt_plan"
SOP_REPORT = "rkt_planning.action_report_rkt_sop"
REPORT_LOGGER = "odoo.addons.base.models.ir_actions_report"
MM = 72 / 25.4  # PDF points per millimetre
NO_WKHTMLTOPDF = base_report.wkhtmltopdf_state == "install"
# The font the reports name first (report/*_templates.xml); fonts-liberation on Debian.
REPORT_FONT = "Liberation Sans"
REPORT_TEMPLATES = (
    "rkt_planning/report/rkt_plan_templates.xml",
    "rkt_planning/report/rkt_sop_templates.xml",
)


def _words(text):
    """Text with every run of whitespace as one space: a PDF wraps a cell's text
    wherever the font's widths put the line end."""
    return " ".join((text or "").split())


def _squeeze(text):
    """Text without whitespace and hyphens: cell text wraps anywhere in a PDF, and
    pdftotext drops the hyphen of a word wrapped at it."""
    return re.sub(r"[\s-]+", "", text or "")


@tagged("post_install", "-at_install", "rkt_report")
@skipIf(NO_WKHTMLTOPDF, "wkhtmltopdf is not installed")
@freeze_time("2027-01-11 01:00:00")
class TestRktReport(RktCommon):
    """The RKT and the SOP sheet, rendered to real PDFs by wkhtmltopdf.

    Set RKT_REPORT_SAMPLES to a directory to keep the PDFs the tests print.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_letterhead(
            cls.agency,
            head_title="Kepala Badan Kepegawaian dan Pengembangan SDM",
            email="bkpsdm@balangankab.go.id",
        )

    @classmethod
    def _set_letterhead(cls, agency, head_title, email):
        agency.company.write(
            {
                "street": "Jl. A. Yani Km 2,5",
                "street2": "Kec. Paringin Selatan",
                "city": "Paringin",
                "zip": "71619",
                "phone": "(0526) 2028484",
                "email": email,
                "rkt_government_name": "Pemerintah Kabupaten Balangan",
                "rkt_signing_place": "Paringin",
                "rkt_head_title": head_title,
            }
        )
        agency.employees["head"].write(
            {
                "name": "H. AHMAD SAUKI, SKM, MM",
                "nip": "19731114 200604 1 006",
                "rkt_rank": "pns_4b",
                "rkt_position": head_title,
            }
        )
        # the acting head (Plt.) of test_acting_official_signs_with_own_name_and_plt_title
        agency.employees["planner"].write(
            {
                "name": "Hj. NOOR LAILA, S.Sos",
                "nip": "19800505 200501 2 003",
                "rkt_rank": "pns_4a",
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _render(self, report, records, user):
        reports = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids, force_report_rendering=True)
        )
        with self.assertNoLogs(REPORT_LOGGER, level="WARNING"):
            content, report_format = reports._render_qweb_pdf(report, records.ids)
        self.assertEqual(report_format, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def _keep(self, content, name):
        directory = os.environ.get("RKT_REPORT_SAMPLES")
        if directory:
            with open(os.path.join(directory, f"rkt_report_{name}.pdf"), "wb") as sample:
                sample.write(content)

    def _pdftotext(self, content, *args):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "report.pdf")
            with open(path, "wb") as pdf:
                pdf.write(content)
            result = subprocess.run(
                ["pdftotext", *args, path, "-"], capture_output=True, check=True
            )
        return result.stdout.decode()

    def _pages(self, content):
        """The text of each page, whitespace normalised (see _words)."""
        reader = PdfFileReader(io.BytesIO(content))
        count = reader.getNumPages()
        if shutil.which("pdftotext"):
            return [
                _words(self._pdftotext(content, "-f", str(page), "-l", str(page)))
                for page in range(1, count + 1)
            ]
        return [_words(reader.getPage(page).extractText()) for page in range(count)]

    def _text(self, content):
        return " ".join(self._pages(content))

    def _page_size_mm(self, content):
        box = PdfFileReader(io.BytesIO(content)).getPage(0).mediaBox
        return round(float(box.getWidth()) / MM), round(float(box.getHeight()) / MM)

    def _assert_letterhead(self, text):
        for expected in (
            "PEMERINTAH KABUPATEN BALANGAN",
            self.agency.company.name.upper(),
            "Jl. A. Yani Km 2,5, Kec. Paringin Selatan, Paringin",
            "Telp. (0526) 2028484",
            "Kode Pos 71619",
            "Email: bkpsdm@balangankab.go.id",
        ):
            self.assertIn(expected, text)

    def _to_signature(self, plan, agency=None):
        agency = agency or self.agency
        self.run_to_decision(plan, agency)
        self.as_user(plan, agency.users["secretary"]).action_approve()
        self.assertEqual(plan.step_kind, "sign")

    def _sign(self, plan, user):
        with self.assertNoLogs(REPORT_LOGGER, level="WARNING"):
            self.as_user(plan, user).with_context(force_report_rendering=True).action_sign()

    def _signed_attachments(self, plan):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "rkt.plan"), ("res_id", "in", plan.ids)]
        )

    # ------------------------------------------------------------------
    # The RKT
    # ------------------------------------------------------------------

    def test_draft_rkt_carries_its_mark_and_no_signature(self):
        plan = self._make_plan()
        self.run_to_decision(plan)
        content = self._render(PLAN_REPORT, plan, self.agency.users["secretary"])
        self._keep(content, "plan_draft")
        text = self._text(content)
        self._assert_letterhead(text)
        self.assertIn("RENCANA KINERJA TAHUNAN (RKT) TAHUN 2027", text)
        for header in ("Sasaran Strategis", "Indikator Kinerja", "Target", "Satuan"):
            self.assertIn(header, text)
        for line in plan.line_ids:
            self.assertIn(_words(line.indicator), text)
            self.assertIn(_words(line.strategic_objective), text)
        # budget column with its total: 3 divisions x (1 + 2 million)
        self.assertIn("Anggaran (Rp)", text)
        self.assertIn("JUMLAH", text)
        self.assertIn("9.000.000", text)
        # the mark, the official who will sign with name and NIP, no date, no code
        self.assertIn("DRAFT", text)
        self.assertIn("(not signed yet)", text)
        self.assertIn("H. AHMAD SAUKI", text)
        self.assertIn("NIP. 19731114 200604 1 006", text)
        self.assertIn("Paringin, ....", text)
        self.assertNotIn("Verification code", text)
        # numbered pages
        self.assertIn("Page 1 of 1", text)
        self.assertFalse(plan.signature_id)
        self.assertFalse(self._signed_attachments(plan))
        # several plans in one print (from the list): one document each, no warning
        other = self._make_plan(year=2028)
        content = self._render(PLAN_REPORT, plan | other, self.agency.users["planner"])
        pages = self._pages(content)
        self.assertEqual(len(pages), 2)
        self.assertIn("RENCANA KINERJA TAHUNAN (RKT) TAHUN 2027", pages[0])
        self.assertIn("RENCANA KINERJA TAHUNAN (RKT) TAHUN 2028", pages[1])
        self.assertFalse(self._signed_attachments(plan | other))

    def test_draft_rkt_is_laid_out_by_its_styles(self):
        """The report's styles load: without them the title would start at the left
        margin and the signature block would not sit in the right half."""
        plan = self._make_plan()
        content = self._render(PLAN_REPORT, plan, self.agency.users["planner"])
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed")
        html = self._pdftotext(content, "-bbox")
        page_width = float(re.search(r'<page width="([\d.]+)"', html).group(1))

        def x_min(word):
            match = re.search(r'<word xMin="([\d.]+)"[^>]*>%s</word>' % re.escape(word), html)
            self.assertTrue(match, f"{word!r} not found in the PDF")
            return float(match.group(1))

        self.assertGreater(x_min("RENCANA"), page_width * 0.2)  # centred title
        self.assertGreater(x_min("KEPALA"), page_width * 0.5)  # signature on the right
        # the verification block stands beside the signature, on its left
        self.assertLess(x_min("(not"), x_min("KEPALA"))
        self.assertEqual(self._page_size_mm(content), (210, 297))

    def test_signed_rkt_is_stored_once_and_printed_from_the_file(self):
        agency = self.agency
        plan = self._make_plan()
        self._to_signature(plan)
        self._sign(plan, agency.users["head"])
        self.assertEqual(plan.state, "signed")
        signature = plan.signature_id
        self.assertTrue(signature)
        self.assertEqual(signature.plan_id, plan)
        content = signature._get_pdf_content()
        self.assertTrue(content.startswith(b"%PDF"))
        # kept in the signature record only: nothing is attached to the plan
        self.assertFalse(self._signed_attachments(plan))
        self.assertEqual(plan.signed_sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(
            plan.signed_digest, hashlib.sha256(signature.content.encode()).hexdigest()
        )
        self.assertEqual(len(plan.signed_digest), 64)
        self._keep(content, "plan_signed")

        text = self._text(content)
        self._assert_letterhead(text)
        self.assertIn("RENCANA KINERJA TAHUNAN (RKT) TAHUN 2027", text)
        for line in plan.line_ids:
            self.assertIn(_words(line.indicator), text)
        # the signature block, in Indonesian whatever the user's language
        self.assertEqual(agency.users["head"].lang, "en_US")
        for expected in (
            "Paringin, 11 Januari 2027",
            "KEPALA BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM",
            "KABUPATEN BALANGAN,",
            "H. AHMAD SAUKI, SKM, MM",
            "Pembina Tk. I (IV/b)",
            "NIP. 19731114 200604 1 006",
            plan._get_verification_code(),
        ):
            self.assertIn(_squeeze(expected), _squeeze(text))
        self.assertNotIn("Plt.", text)
        self.assertNotIn("DRAFT", text)
        # the QR code carries the URL of the public verification page of the file
        signature = plan.signature_id
        self.assertEqual(
            plan._get_signed_qr_value(),
            f"{plan.company_id.get_base_url()}/rkt/verify/{signature.verify_token}",
        )
        self.assertEqual(plan._get_verification_code(), signature._get_verify_code())

        # printing again returns the stored file, whoever prints
        planner = agency.users["planner"]
        self.assertEqual(self._render(PLAN_REPORT, plan, planner), content)
        # the archive step files it: "Berkas RKT" with its number and date
        self.complete(plan, planner, "Berkas RKT")
        self.assertEqual(plan.state, "archived")
        self.assertTrue(plan.archive_number.startswith("BERKAS-RKT/"))
        self.assertEqual(str(plan.archive_date), "2027-01-11")
        self.assertEqual(self._render(PLAN_REPORT, plan, planner), content)
        self.assertFalse(self._signed_attachments(plan))
        self.assertEqual(plan.signature_id, signature)
        # the check
        status, __ = self.as_user(plan, planner)._check_signed_document()
        self.assertEqual(status, "ok")
        action = self.as_user(plan, planner).action_verify_signed_document()
        self.assertEqual(action["params"]["type"], "success")

    def test_signed_copy_is_rendered_in_indonesian(self):
        """The archived copy is an Indonesian official document: rendered in
        Indonesian when the language is installed, whatever the signer's language."""
        self.env["res.lang"]._activate_lang("id_ID")
        plan = self._make_plan()
        self._to_signature(plan)
        report_class = type(self.env["ir.actions.report"])
        render = report_class._render_qweb_pdf
        languages = []

        def spy(reports, *args, **kwargs):
            languages.append(reports.env.lang)
            return render(reports, *args, **kwargs)

        with patch.object(report_class, "_render_qweb_pdf", spy):
            self._sign(plan, self.agency.users["head"])
        self.assertEqual(self.agency.users["head"].lang, "en_US")
        self.assertEqual(languages, ["id_ID"])
        self.assertTrue(plan.signature_id.pdf_file)
        self.assertEqual(plan.signature_id.lang, "id_ID")

    def test_altered_signed_file_is_reported_and_not_printed(self):
        plan = self._make_plan()
        self._to_signature(plan)
        self._sign(plan, self.agency.users["head"])
        signature = plan.signature_id
        altered = signature._get_pdf_content().replace(b"%%EOF", b"%%EOF\n% altered")
        # the superuser only may change it
        signature.sudo().pdf_file = base64.b64encode(altered)
        planner = self.agency.users["planner"]
        status, message = self.as_user(plan, planner)._check_signed_document()
        self.assertEqual(status, "altered")
        self.assertIn(plan.name, message)
        action = self.as_user(plan, planner).action_verify_signed_document()
        self.assertEqual(action["params"]["type"], "danger")
        with self.assertRaises(UserError):
            self._render(PLAN_REPORT, plan, planner)

    def test_acting_official_signs_with_own_name_and_plt_title(self):
        agency = self.agency
        self.env["rkt.delegation"].create(
            {
                "company_id": agency.company.id,
                "employee_id": agency.employees["head"].id,
                "delegate_employee_id": agency.employees["planner"].id,
                "kind": "plt",
                "date_from": "2027-01-01",
                "date_to": "2027-03-31",
                "reference": "800/12/BKPSDM/2027",
            }
        )
        # the acting head holds the head's group (not the secretary: he decides
        # the step before the signature)
        agency.users["planner"].groups_id = [
            Command.link(self.env.ref("rkt_planning.group_rkt_head").id)
        ]
        plan = self._make_plan()
        self._to_signature(plan)
        self._sign(plan, agency.users["planner"])
        self.assertEqual(plan.signed_capacity, "plt")
        self.assertEqual(plan.signed_employee_id, agency.employees["head"])
        self.assertEqual(plan._get_signer_employee(), agency.employees["planner"])
        content = plan.signature_id._get_pdf_content()
        self.assertTrue(content)
        self._keep(content, "plan_plt")
        text = self._text(content)
        for expected in (
            "Plt. KEPALA BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM",
            "Hj. NOOR LAILA, S.Sos",
            "Pembina (IV/a)",
            "NIP. 19800505 200501 2 003",
        ):
            self.assertIn(_squeeze(expected), _squeeze(text))
        self.assertNotIn("19731114 200604 1 006", text)

    def test_long_rkt_runs_over_pages_with_repeated_header(self):
        """3 divisions x 25 lines, with programme, activity, sub-activity and
        budget: the table runs over several pages, its header on each, the
        letterhead only on the first (as on paper), the signature at the end."""
        agency = self._make_agency(
            "Dinas Kesehatan Uji", "dku", divisions=3, sop=self.sop_dinkes
        )
        self._set_letterhead(agency, head_title="Kepala Dinas Kesehatan", email="dinkes@x.id")
        plan = self._make_plan(agency=agency, sop=self.sop_dinkes)
        self._to_signature(plan, agency)
        # the lines a real division writes, added to the compiled draft
        self.env["rkt.plan.line"].create(
            [
                {
                    "form_id": form.id,
                    "sequence": 20 + index,
                    "strategic_objective": f"Meningkatnya derajat kesehatan {form.department_id.name}",
                    "indicator": f"Persentase capaian layanan {index} {form.department_id.name}",
                    "target": f"{70 + index}",
                    "uom": "%",
                    "program_code": "1.02.02",
                    "program_name": "Program Pemenuhan Upaya Kesehatan",
                    "activity_code": "1.02.02.2.01",
                    "activity_name": "Penyediaan Fasilitas Pelayanan Kesehatan",
                    "sub_activity_code": f"1.02.02.2.01.{index:04d}",
                    "sub_activity_name": "Pengadaan Obat, Vaksin",
                    "budget": 12500000,
                    "is_compiled": True,
                }
                for form in plan.form_ids
                for index in range(23)
            ]
        )
        self.assertEqual(len(plan.line_ids), 75)
        self._sign(plan, agency.users["head"])
        content = plan.signature_id._get_pdf_content()
        self._keep(content, "plan_multipage")
        pages = self._pages(content)
        self.assertGreaterEqual(len(pages), 3)
        self.assertEqual(self._page_size_mm(content), (297, 210))  # wide: landscape
        for page in pages:
            self.assertIn("IndikatorKinerja", _squeeze(page))
            self.assertIn("SubKegiatan", _squeeze(page))
        self.assertIn("PEMERINTAH KABUPATEN BALANGAN", pages[0])
        self.assertNotIn("PEMERINTAH KABUPATEN BALANGAN", "".join(pages[1:]))
        self.assertIn("NIP. 19731114 200604 1 006", pages[-1])
        text = _squeeze("".join(pages))
        for line in plan.line_ids:
            self.assertIn(_squeeze(line.indicator), text)
        total = sum(plan.line_ids.mapped("budget"))
        self.assertEqual(total, 3 * 3000000 + 69 * 12500000)
        self.assertIn("871.500.000", text)

    def test_f4_agency_prints_on_f4(self):
        self.agency.company.rkt_paper_size = "f4"
        plan = self._make_plan()
        content = self._render(PLAN_REPORT, plan, self.agency.users["planner"])
        self._keep(content, "plan_f4")
        # Qt prints 215 x 330 mm on its nearest standard size, F4 / US folio
        # (8.5 x 13 in, 215.9 x 330.2 mm)
        self.assertEqual(self._page_size_mm(content), (216, 330))
        sop = self.sop.with_user(self.agency.users["manager"]).with_context(
            allowed_company_ids=self.agency.company.ids
        )
        copy = self.env["rkt.sop"].browse(sop.action_copy_for_agency()["res_id"])
        content = self._render(SOP_REPORT, copy, self.agency.users["planner"])
        self._keep(content, "sop_f4")
        self.assertEqual(self._page_size_mm(content), (330, 216))

    # ------------------------------------------------------------------
    # The SOP sheet
    # ------------------------------------------------------------------

    def test_sop_sheets_of_both_seeds(self):
        planner = self.agency.users["planner"]
        for sop, name in ((self.sop_dinkes, "dinkes"), (self.sop, "bkpsdm")):
            with self.subTest(sop=name):
                content = self._render(SOP_REPORT, sop, planner)
                self._keep(content, f"sop_{name}")
                self.assertEqual(self._page_size_mm(content), (297, 210))  # landscape
                text = _squeeze(self._text(content))
                for expected in (
                    "Nomor SOP",
                    "Tanggal Pembuatan",
                    "Tanggal Revisi",
                    "Tanggal Pengesahan",
                    "Disahkan Oleh",
                    "Nama SOP",
                    sop.name,
                    "Dasar Hukum",
                    "Kualifikasi Pelaksana",
                    "Keterkaitan",
                    "Peralatan/Perlengkapan",
                    "Peringatan",
                    "Pencatatan dan Pendataan",
                    "Uraian Prosedur",
                    "Pelaksana",
                    "Mutu Baku",
                    "Persyaratan/ Kelengkapan",
                    "Waktu",
                    "Output",
                    # the flowchart's words: capsules, decisions
                    "Mulai",
                    "Selesai",
                    "tidak",
                    "ya",
                    sop.approved_by,
                    *sop.legal_basis.splitlines(),
                    *sop.equipment.splitlines(),
                ):
                    self.assertIn(_squeeze(expected), text)
                for role in ("team", "planner", "division_head", "secretary", "head"):
                    self.assertIn(_squeeze(sop.get_role_name(role)), text)
                for step in sop.step_ids:
                    self.assertIn(_squeeze(step.name), text)
                    self.assertIn(_squeeze(step.output), text)
                    self.assertIn(_squeeze(step.duration_text), text)
        # the health office's sheet: its number, dates and approving official
        text = _squeeze(self._text(self._render(SOP_REPORT, self.sop_dinkes, planner)))
        for expected in (
            "445/1.d/DINKES-BLG/2024",
            "10 Januari 2024",
            "H. AHMAD SAUKI, SKM, MM",
            "NIP. 19731114 200604 1 006",
            "Plt. Kepala Dinas Kesehatan",
        ):
            self.assertIn(_squeeze(expected), text)

    def test_edited_sop_prints_its_edits(self):
        manager = self.agency.users["manager"]
        sop = self.as_user(self.sop, manager)
        copy = self.env["rkt.sop"].browse(sop.action_copy_for_agency()["res_id"])
        copy = self.as_user(copy, manager)
        copy.write(
            {
                "code": "800/77/BKPSDM/2027",
                "date_made": "2027-01-04",
                "date_revised": "2027-01-08",
                "date_approved": "2027-01-11",
                "role_team_name": "Tim Penyusun",
                "approver_employee_id": self.agency.employees["head"].id,
                "approver_name": False,
                "approver_nip": False,
            }
        )
        copy.step_ids[1].write(
            {
                "name": "Menyusun jadwal dan pembagian tugas penyusunan RKT",
                "requirement": "Disposisi Kepala Badan",
                "duration_text": "2 hari",
                "duration": 2,
                "note": "Dibagikan",
            }
        )
        content = self._render(SOP_REPORT, copy, self.agency.users["planner"])
        self._keep(content, "sop_edited")
        text = _squeeze(self._text(content))
        for expected in (
            "800/77/BKPSDM/2027",
            "4 Januari 2027",
            "8 Januari 2027",
            "11 Januari 2027",
            "Tim Penyusun",
            "Menyusun jadwal dan pembagian tugas penyusunan RKT",
            "Disposisi Kepala Badan",
            "2 hari",
            "Dibagikan",
            # the approving official from the employee record
            "H. AHMAD SAUKI, SKM, MM",
            "Pembina Tk. I (IV/b)",
            "NIP. 19731114 200604 1 006",
        ):
            self.assertIn(_squeeze(expected), text)
        self.assertNotIn(_squeeze(self.sop.step_ids[1].name), text)

    def test_long_sop_runs_over_pages_with_repeated_header(self):
        """An SOP with 31 steps: the procedure table runs over pages, each with the
        table header; the flow leaves a page and enters the next one through an
        off-page connector naming the step it goes to."""
        manager = self.agency.users["manager"]
        copy = self.env["rkt.sop"].browse(
            self.as_user(self.sop, manager).action_copy_for_agency()["res_id"]
        )
        archive = copy.step_ids[-1]
        self.as_user(self.env["rkt.sop.step"], manager).create(
            [
                {
                    "sop_id": copy.id,
                    "sequence": 100 + index,
                    "name": f"Langkah tambahan {index}: memeriksa dan melengkapi dokumen "
                    "pendukung penyusunan RKT",
                    "kind": "process",
                    f"role_{('team', 'planner', 'secretary')[index % 3]}": True,
                    "requirement": "Draft RKT",
                    "duration": 1,
                    "duration_text": "1 hari",
                    "output": f"Dokumen {index}",
                }
                for index in range(20)
            ]
        )
        self.as_user(archive, manager).sequence = 200
        self.env.invalidate_all()  # the steps' order, as a new request reads it
        self.assertEqual(len(copy.step_ids), 31)
        content = self._render(SOP_REPORT, copy, self.agency.users["planner"])
        self._keep(content, "sop_long")
        pages = self._pages(content)
        procedure_pages = pages[1:]
        self.assertGreaterEqual(len(procedure_pages), 2)
        for page in procedure_pages:
            self.assertIn("UraianProsedur", _squeeze(page))
            self.assertIn("MutuBaku", _squeeze(page))
        text = _squeeze("".join(pages))
        for step in copy.step_ids:
            self.assertIn(_squeeze(step.name), text)
        flow = self.env["report.rkt_planning.report_rkt_sop"]._get_flowchart(copy)
        self.assertEqual(len(flow["pages"]), len(procedure_pages))
        for page in flow["pages"][1:]:
            first = page[0]
            self.assertTrue(first["page_top"])
            labels = [
                shape.get("label") for cell in first["cells"] for shape in cell["shapes"]
            ]
            self.assertIn(str(first["step"].number), labels)


@tagged("post_install", "-at_install", "rkt_report")
class TestRktReportFont(TransactionCase):
    """The font the reports are laid out in is installed: without it wkhtmltopdf
    takes a wider fallback and every line break of the RKT moves."""

    def test_reports_name_one_font_first(self):
        families = []
        for path in REPORT_TEMPLATES:
            with file_open(path) as template:
                families += re.findall(r'font-family\s*[:=]\s*"?([^",;]+)', template.read())
        self.assertTrue(families)
        self.assertEqual(
            {family.strip() for family in families},
            {REPORT_FONT},
            f"every font-family of {', '.join(REPORT_TEMPLATES)} should name {REPORT_FONT} first "
            "(the font the set-up installs and this test checks)",
        )

    def test_report_font_is_installed(self):
        fc_match = shutil.which("fc-match")
        if not fc_match:
            self.fail(
                "fc-match (fontconfig) is not installed, so the fonts wkhtmltopdf finds are "
                f"unknown: install fontconfig and fonts-liberation ({REPORT_FONT}); "
                "`make test` and `make demo` do"
            )
        for style in ("regular", "bold"):
            family = subprocess.run(
                [fc_match, "--format=%{family}", f"{REPORT_FONT}:{style}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if REPORT_FONT not in [name.strip() for name in family.split(",")]:
                self.fail(
                    f"The reports print in {REPORT_FONT}, which is not installed ({style}: "
                    f"fontconfig gives {family!r} instead): wkhtmltopdf would lay the RKT out "
                    f"in that wider font. Install fonts-liberation (apt-get install "
                    "fonts-liberation); `make test` and `make demo` do."
                )
