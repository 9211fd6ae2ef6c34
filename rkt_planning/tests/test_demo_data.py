import re
import subprocess
import tempfile
from datetime import datetime

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

# Words of the English source texts of the procedure's notices (the engine's,
# the forms', mail's activity feedback): none may remain in a demo in Indonesian.
ENGLISH_WORDS = re.compile(
    r"\b(Step|done|by|due|Division forms|Returned|returned for correction|submitted"
    r"|accepted|originally assigned|Needs|Produces|Every division|Collection closed"
    r"|coordination meeting|Verification|Original note)\b"
)

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

    def test_demo_speaks_indonesian(self):
        """Every demo user works in Indonesian, in WITA, landing on their RKT tasks;
        no demo plan carries an English notice."""
        module = self.env["ir.module.module"].search([("name", "=", "rkt_planning")])
        if not module.demo:
            self.assertFalse(self._ref("res_users_dinkes_kepala_demo"))
            return
        users = self.env["res.users"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "rkt_planning"), ("model", "=", "res.users")])
            .mapped("res_id")
        )
        self.assertEqual(len(users), 17)
        home = self.env.ref("rkt_planning.mail_activity_action_rkt_my")
        for user in users:
            with self.subTest(user=user.login):
                self.assertEqual(user.lang, "id_ID")
                self.assertEqual(user.tz, "Asia/Makassar")
                self.assertEqual(user.action_id.id, home.id)
        for xmlid in ("res_company_dinkes_demo", "res_company_bkpsdm_demo"):
            self.assertEqual(self._ref(xmlid).rkt_lang, "id_ID")
        plans = self.env["rkt.plan"].browse(
            [
                self._ref(xmlid).id
                for xmlid in (
                    "rkt_plan_dinkes_archived_demo",
                    "rkt_plan_dinkes_filling_demo",
                    "rkt_plan_bkpsdm_returned_demo",
                )
            ]
        )
        records = [("rkt.plan", plans.ids), ("rkt.plan.form", plans.form_ids.ids)]
        texts = []
        for model, ids in records:
            messages = self.env["mail.message"].search(
                [("model", "=", model), ("res_id", "in", ids)]
            )
            activities = self.env["mail.activity"].search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            )
            texts += [html2plaintext(m.body or "") for m in messages]
            texts += activities.mapped("summary")
            texts += [html2plaintext(a.note or "") for a in activities]
            # what the demo users read, in their language
            texts += activities.activity_type_id.with_context(lang="id_ID").mapped("name")
        self.assertGreater(len(texts), 50)
        english = [text for text in texts if text and ENGLISH_WORDS.search(text)]
        self.assertFalse(english, "English notices on the demo plans")
        # the dates in the notices are written out in Indonesian
        self.assertTrue(
            any(
                re.search(r"\b\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|"
                          r"Agustus|September|Oktober|November|Desember) \d{4}\b", t)
                for t in texts
            )
        )
        self.assertFalse([t for t in texts if re.search(r"\b\d{4}-\d{2}-\d{2}\b", t)])
        archived = self._ref("rkt_plan_dinkes_archived_demo")
        if archived.signature_id:
            self.assertEqual(archived.signature_id.lang, "id_ID")

    def test_demo_sop_copy_reads_corrected(self):
        """The demo agency's copy of the health office SOP reads as the sheet meant;
        the template keeps the sheet verbatim."""
        plan = self._ref("rkt_plan_dinkes_archived_demo")
        template = self.env.ref("rkt_planning.rkt_sop_dinkes_balangan")
        self.assertEqual(template.role_team_name, "TEM")
        if not plan:
            return
        sop = plan.sop_id
        self.assertEqual(sop.template_id, template)
        self.assertEqual(sop.role_team_name, "Tim")
        self.assertEqual(sop.approver_rank, "Pembina Tk. I (IV/b)")
        self.assertIn("Menerima dan Menandatangani RKT", sop.step_ids.mapped("name"))
        self.assertNotIn("Menonormasi", " ".join(sop.step_ids.mapped("name")))

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
        if not archived:
            return  # installed without demo data: nothing to check
        if not archived.signature_id.pdf_sha256 or not pades.is_available():
            self.skipTest("the demo RKT was not signed: wkhtmltopdf or pyHanko missing")
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
