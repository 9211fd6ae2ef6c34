import subprocess
import tempfile
from datetime import datetime

from odoo.tests import TransactionCase, tagged

from ..tools import pades


@tagged("post_install", "-at_install", "rkt_demo")
class TestRktDemoData(TransactionCase):
    """The demo data tells the story of the SOP (only where demo data is loaded)."""

    def _ref(self, xmlid):
        return self.env.ref(f"rkt_planning.{xmlid}", raise_if_not_found=False)

    def test_demo_story(self):
        module = self.env["ir.module.module"].search([("name", "=", "rkt_planning")])
        archived = self._ref("rkt_plan_dinkes_archived_demo")
        if not module.demo:
            self.assertFalse(archived, "no demo plan without demo data")
            return
        dinkes = self._ref("res_company_dinkes_demo")
        bkpsdm = self._ref("res_company_bkpsdm_demo")
        for company, divisions in ((dinkes, 4), (bkpsdm, 5)):
            self.assertEqual(company.resource_calendar_id.tz, "Asia/Makassar")
            self.assertEqual(company.rkt_government_name, "PEMERINTAH KABUPATEN BALANGAN")
            self.assertTrue(company.rkt_head_employee_id.nip)
            self.assertEqual(
                len(self.env["rkt.plan"]._get_default_departments(company)), divisions
            )
        # the SOP roles: one user each, with a valid NIP and a rank
        for prefix in ("dinkes", "bkpsdm"):
            for role in ("kepala", "sekretaris", "perencanaan", "tim", "kasubbag", "kabid1"):
                user = self._ref(f"res_users_{prefix}_{role}_demo")
                self.assertEqual(user.login, f"{prefix}.{role}")
                employee = self.env["hr.employee"].search([("user_id", "=", user.id)])
                self.assertEqual(len(employee), 1)
                self.assertFalse(employee._get_nip_error())
                self.assertTrue(employee.rkt_rank)

        # one plan signed and archived, with its signed PDF
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() in ("ok", "upgrade", "workers"):
            self.assertEqual(archived.state, "archived")
            self.assertTrue(archived.archive_number)
            signature = archived.signature_id
            self.assertEqual(signature.plan_id, archived)
            self.assertTrue(signature._get_pdf_content().startswith(b"%PDF"))
            self.assertEqual(archived._check_signed_document()[0], "ok")
        else:  # the head could not sign without a PDF renderer
            self.assertEqual(archived.step_kind, "sign")
        self.assertEqual(archived.company_id, dinkes)
        # one in division filling: some forms submitted, some not
        filling = self._ref("rkt_plan_dinkes_filling_demo")
        self.assertEqual(filling.step_kind, "fill")
        self.assertEqual(filling.year, archived.year + 1)
        states = filling.form_ids.mapped("state")
        self.assertIn("submitted", states)
        self.assertIn("to_fill", states)
        # one returned once by the secretary: round 2, back at step 8
        returned = self._ref("rkt_plan_bkpsdm_returned_demo")
        self.assertEqual(returned.company_id, bkpsdm)
        self.assertEqual(returned.round, 2)
        self.assertEqual(returned.step_id.number, 8)
        self.assertEqual(returned.log_ids.filtered(lambda e: e.decision == "no").step_id.number, 9)

    def test_demo_calendar_skips_holidays(self):
        """Christmas 2026: 24 December is cuti bersama, 25 a public holiday."""
        plan = self._ref("rkt_plan_dinkes_filling_demo")
        if not plan:
            self.assertFalse(self._ref("res_company_dinkes_demo"))
            return
        fill_step = plan.sop_id.step_ids.filtered(lambda s: s.kind == "fill")
        # Wednesday 23 December 2026, 09:00 WITA; 3 working days: 28, 29, 30
        deadline = plan._get_step_deadline(fill_step, datetime(2026, 12, 23, 1, 0))
        self.assertEqual(deadline, datetime(2026, 12, 30, 8, 0))  # Wednesday 16:00 WITA

    def test_demo_archived_rkt_carries_a_pades_signature(self):
        """Dinas Kesehatan signs with local certificates: the archived demo RKT
        carries one valid PAdES signature by the demo head (pyHanko and pdfsig)."""
        archived = self._ref("rkt_plan_dinkes_archived_demo")
        if not archived or not archived.signature_id.pdf_sha256 or not pades.is_available():
            self.skipTest("no signed demo RKT (no demo data, wkhtmltopdf or pyHanko)")
        signature = archived.signature_id
        self.assertEqual(archived.company_id.rkt_esign_provider, "local")
        self.assertEqual(signature.esign_provider, "local")
        content = signature._get_pdf_content()
        status = signature._get_pades_status()
        self.assertTrue(status["valid"] and status["trusted"] and status["whole_file"], status)
        self.assertEqual(status["signer"], "RAHMAT HIDAYAT")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(content)
            handle.flush()
            report = subprocess.run(
                ["pdfsig", handle.name], capture_output=True, text=True, check=False
            ).stdout
        report = " ".join(report.split())
        self.assertEqual(report.count("Signature #"), 1)
        self.assertIn("Signer Certificate Common Name: RAHMAT HIDAYAT", report)
        self.assertIn("Signature Validation: Signature is Valid.", report)
        # BKPSDM signs with hash and QR code only
        self.assertEqual(self._ref("res_company_bkpsdm_demo").rkt_esign_provider, "none")
