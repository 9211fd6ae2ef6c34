import base64
import datetime
import os
import shutil
import subprocess
import tempfile
from unittest import skipIf

from freezegun import freeze_time

from odoo.addons.base.models import ir_actions_report as base_report
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged

from ..tools import demo_certificates as certs
from ..tools import pades
from .common import RktCommon
from .test_esign import PASSPHRASE, make_pki, pdfsig

NO_WKHTMLTOPDF = base_report.wkhtmltopdf_state == "install"
PK_REPORT = "rkt_planning.action_report_rkt_pk"


def _words(text):
    """Text with every run of whitespace as one space (a PDF wraps anywhere)."""
    return " ".join((text or "").split())


@tagged("post_install", "-at_install", "rkt_pk")
@freeze_time("2027-02-10 01:00:00")
class TestRktPk(RktCommon):
    """The Perjanjian Kinerja: drafted from the signed RKT once its DPA date is
    entered, the officials' lines, the deviation reason, the deadline, who signs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency.company.write(
            {
                "city": "Paringin",
                "rkt_government_name": "Pemerintah Kabupaten Balangan",
                "rkt_signing_place": "Paringin",
                "rkt_head_title": "Kepala Badan Kepegawaian dan Pengembangan SDM",
                "rkt_regent_name": "H. AHMAD FAUZI, S.H., M.H.",
                "rkt_regent_title": "Bupati Balangan",
            }
        )
        cls.agency.employees["head"].write(
            {
                "name": "H. AHMAD SAUKI, SKM, MM",
                "nip": "19731114 200604 1 006",
                "rkt_rank": "pns_4b",
            }
        )
        cls.plan = cls._make_plan(year=2027)
        forms = cls.plan.form_ids.sorted(lambda f: f.department_id.name)
        cls.forms = forms
        # The lines of the signed RKT; the procedure that leads there is tested in
        # test_rkt_plan_flow / test_signature: here the engine writes them directly.
        Line = cls.env["rkt.plan.line"]._engine()
        for index, form in enumerate(forms):
            Line.create(
                [
                    {
                        "form_id": form.id,
                        "strategic_objective": f"Sasaran {index}",
                        "indicator": f"Indikator IKU {index}",
                        "target": "80",
                        "uom": "%",
                        "program_code": f"5.01.0{index}",
                        "program_name": f"Program {index}",
                        "budget": 1000000 * (index + 1),
                        "is_iku": index < 2,
                    },
                    {
                        "form_id": form.id,
                        "strategic_objective": f"Sasaran {index}",
                        "indicator": f"Indikator biasa {index}",
                        "target": "12",
                        "uom": "dokumen",
                        "program_code": f"5.01.0{index}",
                        "program_name": f"Program {index}",
                        "budget": 500000,
                    },
                ]
            )
        cls.users = cls.agency.users
        cls.div_users = cls.agency.division_users
        cls.other = cls._make_agency("Dinas Lain", "ot", divisions=1)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _sign_plan(self):
        self.plan._engine_write(
            {
                "state": "signed",
                "signed_date": "2027-01-11",
                "signed_employee_id": self.agency.employees["head"].id,
                "signed_user_id": self.users["head"].id,
                "signed_capacity": "head",
            }
        )

    def _draft_pks(self, dpa_date="2027-02-05"):
        self._sign_plan()
        return self.as_user(self.plan, self.users["planner"]).set_dpa_date(dpa_date)

    def _pk_of(self, form):
        return self.plan.pk_ids.filtered(lambda pk: pk.department_id == form.department_id)

    def _delegate(self, official, delegate, kind, date_from, date_to):
        """An acting official (Plt./Plh.) for ``official`` over the dates."""
        return self.env["rkt.delegation"].create(
            {
                "company_id": self.agency.company.id,
                "employee_id": official.id,
                "delegate_employee_id": delegate.id,
                "kind": kind,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def _head_pk(self):
        return self.plan.pk_ids.filtered(lambda pk: pk.party == "head")

    # ------------------------------------------------------------------
    # Drafting
    # ------------------------------------------------------------------

    def test_no_pk_before_signature_and_dpa_date(self):
        planner_plan = self.as_user(self.plan, self.users["planner"])
        with self.assertRaisesRegex(UserError, "once the RKT is signed"):
            planner_plan.set_dpa_date("2027-02-05")
        self.assertFalse(self.plan.pk_ids)
        self._sign_plan()
        self.assertFalse(self.plan.pk_ids, "no PK before the DPA date")
        self.assertFalse(self.env["rkt.pk"]._draft_for_plans(self.plan))

    def test_dpa_date_only_by_planner_or_manager(self):
        self._sign_plan()
        for role in ("head", "secretary", "team"):
            with self.assertRaisesRegex(UserError, "Only an RKT manager or the planning"):
                self.as_user(self.plan, self.users[role]).set_dpa_date("2027-02-05")
        with self.assertRaisesRegex(UserError, "Only an RKT manager or the planning"):
            self.as_user(self.plan, self.div_users[0]).set_dpa_date("2027-02-05")
        # the field itself is the engine's: not written directly, even by the planner
        with self.assertRaises(UserError):
            self.as_user(self.plan, self.users["planner"]).write({"dpa_date": "2027-02-05"})
        pks = self.as_user(self.plan, self.users["manager"]).set_dpa_date("2027-02-05")
        self.assertEqual(len(pks), 4)
        with self.assertRaisesRegex(UserError, "drafted already"):
            self.as_user(self.plan, self.users["planner"]).set_dpa_date("2027-02-06")

    def test_drafting_gives_each_official_their_lines(self):
        self._draft_pks()
        self.assertEqual(str(self.plan.dpa_date), "2027-02-05")
        head_pk = self._head_pk()
        self.assertEqual(head_pk.first_employee_id, self.agency.employees["head"])
        self.assertEqual(head_pk.second_name, "H. AHMAD FAUZI, S.H., M.H.")
        self.assertEqual(head_pk.second_title, "Bupati Balangan")
        self.assertFalse(head_pk.second_employee_id)
        self.assertEqual(
            sorted(head_pk.line_ids.mapped("indicator")),
            ["Indikator IKU 0", "Indikator IKU 1"],
            "the head's PK holds the agency's IKU lines",
        )
        self.assertEqual(head_pk.budget_total, 3000000)
        for index, form in enumerate(self.forms):
            pk = self._pk_of(form)
            self.assertEqual(len(pk), 1)
            self.assertEqual(pk.first_employee_id, form.head_employee_id)
            self.assertEqual(pk.second_employee_id, self.agency.employees["head"])
            self.assertEqual(pk.line_ids.plan_line_id, form.line_ids)
            self.assertEqual(
                sorted(pk.line_ids.mapped("indicator")),
                [f"Indikator IKU {index}", f"Indikator biasa {index}"],
            )
            self.assertEqual(pk.budget_total, 1000000 * (index + 1) + 500000)
            self.assertEqual(pk.state, "draft")
            self.assertEqual(str(pk.deadline), "2027-03-05")

    def test_target_change_needs_reason(self):
        self._draft_pks()
        pk = self._pk_of(self.forms[0])
        line = self.as_user(pk.line_ids[0], self.div_users[0])
        with self.assertRaisesRegex(ValidationError, "differs from the signed RKT"):
            line.write({"target": "85"})
        line.write({"target": "85", "deviation_reason": "DPA menaikkan anggaran"})
        self.assertTrue(line.is_target_changed)
        self.assertEqual(line.rkt_target, "80")
        # as the PK form saves it: through the PK, whose header stays the engine's
        self.as_user(pk, self.div_users[0]).write(
            {"line_ids": [Command.update(pk.line_ids[1].id, {"uom": "dokumen RKT"})]}
        )
        self.assertEqual(pk.line_ids[1].uom, "dokumen RKT")
        with self.assertRaisesRegex(UserError, "You may not change the lines"):
            self.as_user(pk, self.div_users[1]).write(
                {"line_ids": [Command.update(pk.line_ids[1].id, {"uom": "x"})]}
            )
        with self.assertRaises(UserError):
            self.as_user(pk, self.div_users[0]).write({"deadline": "2027-12-31"})
        # another division head cannot change these lines, nor the RKT target copy
        with self.assertRaisesRegex(UserError, "You may not change the lines"):
            self.as_user(pk.line_ids[1], self.div_users[1]).write({"target": "13"})
        with self.assertRaises(UserError):
            line.write({"rkt_target": "85"})
        # once signed, nobody changes them
        self.as_user(pk, self.div_users[0]).action_sign_first()
        with self.assertRaisesRegex(UserError, "You may not change the lines"):
            line.write({"target": "90", "deviation_reason": "x"})

    # ------------------------------------------------------------------
    # Deadline
    # ------------------------------------------------------------------

    def test_deadline_activity_one_month_after_dpa(self):
        self._draft_pks("2027-02-05")
        act_type = self.env.ref("rkt_planning.mail_act_rkt_pk_sign")
        pk = self._pk_of(self.forms[0])
        activity = pk.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, act_type)
        self.assertEqual(activity.user_id, self.div_users[0])
        self.assertEqual(str(activity.date_deadline), "2027-03-05")
        self.assertEqual(activity.state, "planned")
        self.assertEqual(self._head_pk().activity_ids.user_id, self.users["head"])
        with freeze_time("2027-03-08 01:00:00"):
            activity.invalidate_recordset(["state"])
            self.assertEqual(activity.state, "overdue")
        # the first party signs: the second party's turn, same deadline
        self.as_user(pk, self.div_users[0]).action_sign_first()
        self.assertFalse(activity.exists())
        self.assertEqual(pk.activity_ids.user_id, self.users["head"])
        self.assertEqual(str(pk.activity_ids.date_deadline), "2027-03-05")

    # ------------------------------------------------------------------
    # Signature
    # ------------------------------------------------------------------

    def test_signers_and_order(self):
        self._draft_pks()
        pk = self._pk_of(self.forms[0])
        with self.assertRaisesRegex(UserError, "Only .* \\(the first party\\)"):
            self.as_user(pk, self.users["head"]).action_sign_first()
        with self.assertRaisesRegex(UserError, "Only .* \\(the first party\\)"):
            self.as_user(pk, self.div_users[1]).action_sign_first()
        with self.assertRaisesRegex(UserError, "after the first party"):
            self.as_user(pk, self.users["head"]).action_sign_second()
        self.as_user(pk, self.div_users[0]).action_sign_first()
        self.assertEqual(pk.state, "first_signed")
        self.assertEqual(pk.first_capacity, "own")
        # the signature record is made now, of the RKT's kind: both parties'
        # names are part of what the first party signed
        signature = pk.signature_id
        self.assertEqual(signature._name, "rkt.plan.signature")
        self.assertEqual((signature.pk_id, signature.plan_id), (pk, self.plan.browse()))
        self.assertEqual(signature.company_id, self.agency.company)
        self.assertEqual(pk.second_signer_employee_id, self.agency.employees["head"])
        self.assertEqual(pk.second_capacity, "own")
        snapshot = signature._get_snapshot()
        self.assertEqual(snapshot["pk"], pk.name)
        self.assertEqual(snapshot["second"]["name"], self.agency.employees["head"].name)
        self.assertFalse(signature.cosigned_at)
        with self.assertRaisesRegex(UserError, "not a draft"):
            self.as_user(pk, self.div_users[0]).action_sign_first()
        with self.assertRaisesRegex(UserError, "\\(the second party\\)"):
            self.as_user(pk, self.div_users[0]).action_sign_second()
        with self.assertRaisesRegex(UserError, "\\(the second party\\)"):
            self.as_user(pk, self.users["secretary"]).action_sign_second()
        with self.assertRaisesRegex(UserError, "archived once signed"):
            self.as_user(pk, self.users["planner"]).action_archive_pk()
        self.as_user(pk, self.users["head"]).action_sign_second()
        self.assertEqual(pk.state, "signed")
        self.assertEqual(pk.second_signer_employee_id, self.agency.employees["head"])
        self.assertEqual(pk.signature_id, signature, "the same record, completed")
        self.assertTrue(signature.cosigned_at)
        self.assertEqual(pk._check_signed_document()[0], "missing", "no file in a test run")
        with self.assertRaises(AccessError):
            self.as_user(signature, self.users["head"]).write({"content": "{}"})
        # nothing of the header is written directly
        with self.assertRaises(UserError):
            self.as_user(pk, self.users["manager"]).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "Only the planning head or an RKT manager"):
            self.as_user(pk, self.div_users[0]).action_archive_pk()
        self.as_user(pk, self.users["planner"]).action_archive_pk()
        self.assertEqual(pk.state, "archived")

    def test_head_records_regent_signature(self):
        self._draft_pks()
        pk = self._head_pk()
        with self.assertRaisesRegex(UserError, "\\(the first party\\)"):
            self.as_user(pk, self.users["planner"]).action_sign_first()
        self.as_user(pk, self.users["head"]).action_sign_first()
        with self.assertRaisesRegex(UserError, "records the regent's signature"):
            self.as_user(pk, self.div_users[0]).action_sign_second()
        self.assertEqual(pk.activity_ids.user_id, self.users["head"])
        self.as_user(pk, self.users["head"]).action_sign_second()
        self.assertEqual(pk.state, "signed")
        self.assertTrue(pk.second_on_paper)
        self.assertFalse(pk.second_signer_employee_id)
        self.assertFalse(pk.activity_ids)

    def test_acting_official_signs_as_plt(self):
        self._draft_pks()
        pk = self._pk_of(self.forms[0])
        delegate = self.agency.employees["outsider"]
        self._delegate(
            self.forms[0].head_employee_id, delegate, "plt", "2027-02-01", "2027-03-31"
        )
        self.as_user(pk, self.users["outsider"]).action_sign_first()
        self.assertEqual(pk.first_capacity, "plt")
        self.assertEqual(pk.first_signer_employee_id, delegate)
        parties = self.env["report.rkt_planning.report_rkt_pk"]._get_parties(pk)
        self.assertTrue(parties["first"]["title"].startswith("Plt. "))
        self.assertEqual(parties["first"]["name"], delegate.name)
        # without the delegation the outsider signs nothing
        pk2 = self._pk_of(self.forms[1])
        with self.assertRaisesRegex(UserError, "\\(the first party\\)"):
            self.as_user(pk2, self.users["outsider"]).action_sign_first()

    def test_second_party_named_when_first_party_signs(self):
        """Both parties' names are in what the first party signs: an acting head
        then signs second only if the PK names them, and the head does not sign a
        PK that names their Plt."""
        self._draft_pks()
        head = self.agency.employees["head"]
        delegate = self.agency.employees["outsider"]
        delegation = self._delegate(head, delegate, "plh", "2027-02-08", "2027-02-12")
        pk = self._pk_of(self.forms[0])
        self.as_user(pk, self.div_users[0]).action_sign_first()
        self.assertEqual(pk.second_signer_employee_id, delegate)
        self.assertEqual(pk.second_capacity, "plh")
        parties = self.env["report.rkt_planning.report_rkt_pk"]._get_parties(pk)
        self.assertTrue(parties["second"]["title"].startswith("Plh. "))
        self.assertEqual(parties["second"]["name"], delegate.name)
        self.assertEqual(pk.signature_id._get_snapshot()["second"]["name"], delegate.name)
        with self.assertRaisesRegex(UserError, "named as the second party"):
            self.as_user(pk, self.users["head"]).action_sign_second()
        self.as_user(pk, self.users["outsider"]).action_sign_second()
        self.assertEqual(pk.state, "signed")
        self.assertEqual(pk.second_signer_employee_id, delegate)
        # the head's name printed: the acting official appointed later does not sign
        pk2 = self._pk_of(self.forms[1])
        delegation.date_to = "2027-02-09"
        self.as_user(pk2, self.div_users[1]).action_sign_first()
        self.assertEqual(pk2.second_signer_employee_id, head)
        delegation.date_to = "2027-02-12"
        with self.assertRaisesRegex(UserError, "named as the second party"):
            self.as_user(pk2, self.users["outsider"]).action_sign_second()
        self.as_user(pk2, self.users["head"]).action_sign_second()
        self.assertEqual(pk2.state, "signed")

    def test_back_to_draft_withdraws_the_first_signature(self):
        """The acting official printed as the second party no longer acts: the
        planning head takes the PK back to draft; the first party's signature is
        withdrawn (kept, marked), and the PK is signed again naming the head."""
        self._draft_pks()
        head = self.agency.employees["head"]
        delegate = self.agency.employees["outsider"]
        delegation = self._delegate(head, delegate, "plh", "2027-02-08", "2027-02-12")
        pk = self._pk_of(self.forms[0])
        self.as_user(pk, self.div_users[0]).action_sign_first()
        old = pk.signature_id
        self.assertEqual(pk.second_signer_employee_id, delegate)
        delegation.date_to = "2027-02-09"  # ended: nobody can sign second now
        for user in (self.users["outsider"], self.users["head"]):
            with self.assertRaises(UserError):
                self.as_user(pk, user).action_sign_second()
        # who may take it back: not another division head, nor the head
        for user in (self.div_users[1], self.users["head"], self.users["team"]):
            with self.assertRaisesRegex(UserError, "takes .* back to draft"):
                self.as_user(pk, user).reset_to_draft("Plh tidak lagi menjabat")
        planner_pk = self.as_user(pk, self.users["planner"])
        action = planner_pk.action_reset_to_draft()
        self.assertEqual(action["res_model"], "rkt.pk.reset")
        with self.assertRaisesRegex(UserError, "reason"):
            planner_pk.reset_to_draft("  ")
        planner_pk.reset_to_draft("Plh tidak lagi menjabat")
        self.assertEqual(pk.state, "draft")
        self.assertFalse(pk.signature_id)
        self.assertFalse(pk.second_signer_employee_id)
        self.assertTrue(old.exists() and old.voided_at)
        self.assertEqual(old.void_reason, "Plh tidak lagi menjabat")
        self.assertEqual(old.voided_by_user_id, self.users["planner"])
        self.assertEqual(old._check_stored()[0], "voided")
        self.assertEqual(pk.activity_ids.user_id, self.div_users[0])
        # signed again: a new record in force, the head named
        self.as_user(pk, self.div_users[0]).action_sign_first()
        self.assertNotEqual(pk.signature_id, old)
        self.assertEqual(pk.second_signer_employee_id, head)
        self.as_user(pk, self.users["head"]).action_sign_second()
        self.assertEqual(pk.state, "signed")
        self.assertEqual(
            self.env["rkt.plan.signature"].search([("pk_id", "=", pk.id)]), old | pk.signature_id
        )
        # a signed PK does not go back
        with self.assertRaisesRegex(UserError, "signed by the first party alone"):
            self.as_user(pk, self.users["planner"]).reset_to_draft("Salah")
        # nor does anyone write the withdrawal by hand
        with self.assertRaises(AccessError):
            self.as_user(pk.signature_id, self.users["manager"]).write(
                {"voided_at": "2027-02-10 00:00:00"}
            )

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_access(self):
        self._draft_pks()
        pk = self._pk_of(self.forms[0])
        # every RKT user of the agency reads them
        for user in (self.div_users[1], self.users["secretary"], self.users["team"]):
            self.assertEqual(self.as_user(pk, user).read(["name"])[0]["id"], pk.id)
        # another agency does not
        other = self.other.users["manager"]
        with self.assertRaises(AccessError):
            self.as_user(pk, other).read(["name"])
        self.assertFalse(
            self.env["rkt.pk"].with_user(other).with_context(
                allowed_company_ids=other.company_ids.ids
            ).search([("plan_id", "=", self.plan.id)])
        )
        with self.assertRaises(AccessError):
            self.as_user(pk.line_ids[0], other).write({"target": "1"})
        # nobody creates a PK by hand
        with self.assertRaises(UserError):
            self.env["rkt.pk"].with_user(self.users["manager"]).create(
                {
                    "plan_id": self.plan.id,
                    "party": "head",
                    "first_employee_id": self.agency.employees["head"].id,
                }
            )

    # ------------------------------------------------------------------
    # The printed PK
    # ------------------------------------------------------------------

    def _pdf_text(self, content, name="rkt_pk"):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "pk.pdf")
            with open(path, "wb") as pdf:
                pdf.write(content)
            result = subprocess.run(
                ["pdftotext", path, "-"], capture_output=True, check=True
            )
        directory = os.environ.get("RKT_REPORT_SAMPLES")
        if directory:
            with open(os.path.join(directory, f"{name}.pdf"), "wb") as sample:
                sample.write(content)
        return _words(result.stdout.decode())

    @skipIf(NO_WKHTMLTOPDF or not shutil.which("pdftotext"), "wkhtmltopdf or pdftotext missing")
    def test_printed_pk(self):
        self._draft_pks()
        pk = self._pk_of(self.forms[0])
        head = self.agency.employees["head"]
        self.as_user(pk, self.div_users[0]).with_context(
            force_report_rendering=True
        ).action_sign_first()
        # rendered when the first party signed: the second party's signature
        # leaves the file as it was (no electronic signature in this agency)
        first_file = pk.signature_id._get_pdf_content()
        self.as_user(pk, self.users["head"]).action_sign_second()
        content = base64.b64decode(pk.signature_id.with_context(bin_size=False).pdf_file)
        self.assertEqual(content, first_file)
        self.assertEqual(pk._check_signed_document()[0], "ok")
        self.assertTrue(content.startswith(b"%PDF"))
        text = self._pdf_text(content)
        for expected in (
            "PEMERINTAH KABUPATEN BALANGAN",
            "PERJANJIAN KINERJA TAHUN 2027",
            "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, "
            "dan akuntabel serta berorientasi pada hasil, kami yang bertanda tangan di "
            "bawah ini:",
            "selanjutnya disebut PIHAK PERTAMA",
            "selanjutnya disebut PIHAK KEDUA",
            "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya "
            "sesuai lampiran perjanjian ini",
            "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan "
            "evaluasi terhadap capaian kinerja",
            "Paringin, 10 Februari 2027",
            "PIHAK KEDUA, KEPALA BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM PIHAK PERTAMA, "
            "KEPALA BIDANG 0 BKPSDM TEST",
            f"Kode verifikasi: {pk.signature_id._get_verify_code()}",
            self.forms[0].head_employee_id.name,
            head.name,
            "NIP. 19731114 200604 1 006",
            "LAMPIRAN PERJANJIAN KINERJA TAHUN 2027",
            "Indikator IKU 0",
            "80 %",
            "5.01.00 Program 0",
            "JUMLAH 1.500.000",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("DRAFT", text)
        # the QR code's page, spelled out under the code (wrapped anywhere)
        self.assertIn(
            f"/rkt/verify/{pk.signature_id.verify_token}", "".join(text.split())
        )
        # printed again, by another reader of the agency: the stored file itself
        reports = self.as_user(self.env["ir.actions.report"], self.div_users[1])
        reprint, _format = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            PK_REPORT, pk.ids
        )
        self.assertEqual(reprint, content)
        # a draft is printed with its mark and without a date
        draft = self._head_pk()
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        draft_pdf, _format = reports._render_qweb_pdf(
            PK_REPORT, draft.ids
        )
        draft_text = self._pdf_text(draft_pdf, "rkt_pk_draft")
        self.assertIn("DRAFT - BELUM DITANDATANGANI", draft_text)
        self.assertIn("Paringin, ....", draft_text)
        self.assertIn("H. AHMAD FAUZI, S.H., M.H.", draft_text)
        self.assertIn("BUPATI BALANGAN", draft_text)
        self.assertIn("JUMLAH 3.000.000", draft_text)


@tagged("post_install", "-at_install", "rkt_pk")
@skipIf(NO_WKHTMLTOPDF or not pades.is_available(), "wkhtmltopdf or pyHanko missing")
@freeze_time("2027-02-10 01:00:00")
class TestRktPkEsign(RktCommon, HttpCase):
    """Where the agency signs electronically, each party of a division head's PK
    signs the one stored file with a PAdES signature of their own (the second
    added to the first), recorded as the RKT's signature is; the public page of
    the QR code shows the PK, both parties and both signatures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        head = cls.agency.employees["head"]
        head.write({"name": "H. AHMAD SAUKI, SKM, MM"})
        cls.ca, _official, p12 = make_pki("AHMAD SAUKI")
        cls.agency.company.write(
            {
                "rkt_esign_provider": "local",
                "rkt_esign_trust_roots": base64.b64encode(certs.cert_pem(cls.ca[1])),
                "rkt_signing_place": "Paringin",
            }
        )
        head_user = cls.agency.users["head"]
        head_user.with_user(head_user).write(
            {"rkt_esign_p12": base64.b64encode(p12), "rkt_esign_p12_filename": "a.p12"}
        )
        cls.plan = cls._make_plan(year=2027)
        form = cls.plan.form_ids[:1]
        cls.env["rkt.plan.line"]._engine().create(
            {
                "form_id": form.id,
                "strategic_objective": "Sasaran",
                "indicator": "Indikator",
                "target": "80",
                "uom": "%",
                "budget": 1000000,
            }
        )
        cls.plan._engine_write(
            {"state": "signed", "signed_date": "2027-01-11", "signed_capacity": "head"}
        )
        cls.form = form
        # the division head's own certificate, from the same root
        division_head = form.head_employee_id.sudo()
        division_head.name = "DEWI LESTARI, S.KM"
        official = certs.make_official(
            cls.ca, "DEWI LESTARI", datetime.datetime(2026, 1, 1), datetime.datetime(2030, 1, 1)
        )
        division_user = division_head.user_id
        division_user.with_user(division_user).write(
            {
                "rkt_esign_p12": base64.b64encode(certs.make_p12(cls.ca, official, PASSPHRASE)),
                "rkt_esign_p12_filename": "d.p12",
            }
        )
        cls.roots = pades.load_trust_roots(certs.cert_pem(cls.ca[1]))

    def _sign(self, pk, user, party, passphrase=PASSPHRASE):
        records = self.as_user(pk, user).with_context(force_report_rendering=True)
        method = records.action_sign_first if party == "first" else records.action_sign_second
        action = method()
        self.assertEqual(action["res_model"], "rkt.pk.sign", "the dialog opens")
        self.assertEqual(action["context"]["default_party"], party)
        wizard = (
            self.as_user(self.env["rkt.pk.sign"], user)
            .with_context(action["context"], force_report_rendering=True)
            .create({})
        )
        wizard.with_context(rkt_esign_passphrase=passphrase).action_confirm()

    def test_both_parties_sign_with_pades(self):
        users = self.agency.users
        self.as_user(self.plan, users["planner"]).set_dpa_date("2027-02-05")
        pk = self.plan.pk_ids.filtered(lambda p: p.department_id == self.form.department_id)
        division_user = self.form.head_employee_id.user_id
        with self.assertRaisesRegex(UserError, "passphrase is wrong"):
            self._sign(pk, division_user, "first", passphrase="salah")
        self.assertEqual(pk.state, "draft")
        self.assertFalse(pk.signature_id, "nothing written on a wrong passphrase")
        self._sign(pk, division_user, "first")
        self.assertEqual(pk.state, "first_signed")
        signature = pk.signature_id
        self.assertEqual(signature.esign_provider, "local")
        self.assertIn("DEWI LESTARI", signature.esign_signer_name)
        first_file = signature._get_pdf_content()
        status = pades.validate_pdf(first_file, trust_roots=self.roots)
        self.assertEqual(status["count"], 1)
        self.assertTrue(status["valid"] and status["trusted"])
        # the head adds theirs to the same file
        with self.assertRaisesRegex(UserError, "passphrase is wrong"):
            self._sign(pk, users["head"], "second", passphrase="salah")
        self.assertEqual(pk.state, "first_signed")
        self._sign(pk, users["head"], "second")
        self.assertEqual(pk.state, "signed")
        self.assertEqual(pk.signature_id, signature)
        self.assertIn("AHMAD SAUKI", signature.cosign_signer_name)
        content = signature._get_pdf_content()
        self.assertTrue(content.startswith(first_file), "an incremental update")
        status = pades.validate_pdf(content, trust_roots=self.roots)
        self.assertEqual(status["count"], 2)
        self.assertTrue(status["valid"] and status["trusted"] and status["whole_file"])
        self.assertEqual(
            [s["signer"] for s in status["signatures"]], ["DEWI LESTARI", "AHMAD SAUKI"]
        )
        self.assertEqual(pk._check_signed_document()[0], "ok")
        self.assertIn("Signature #2", pdfsig(content))

        # the public page of its QR code, without a login
        url = f"/rkt/verify/{signature.verify_token}"
        self.url_open("/web/session/logout")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        text = " ".join(page.text.split())
        for expected in (
            "Perjanjian Kinerja",
            pk.name,
            "PIHAK PERTAMA",
            "DEWI LESTARI, S.KM",
            "PIHAK KEDUA",
            "H. AHMAD SAUKI, SKM, MM",
            "10 Februari 2027",
            signature._get_verify_code(),
            signature.pdf_sha256,
        ):
            self.assertIn(expected, text)
        self.assertEqual(text.count("rkt_verify_esign"), 2)
        self.assertIn("text-success", text.split('id="rkt_verify_pades"')[0][-80:])
        # the file downloaded by a reader of the agency is the signed one
        self.authenticate(users["planner"].login, users["planner"].login)
        response = self.url_open(url + "/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, content)

    def test_head_pk_signed_by_the_head_regent_on_paper(self):
        users = self.agency.users
        self.as_user(self.plan, users["planner"]).set_dpa_date("2027-02-05")
        pk = self.plan.pk_ids.filtered(lambda p: p.party == "head")
        self._sign(pk, users["head"], "first")
        signature = pk.signature_id
        self.assertIn("AHMAD SAUKI", signature.esign_signer_name)
        first_file = signature._get_pdf_content()
        # the regent's signature is on paper: recorded, no dialog, the file unchanged
        self.as_user(pk, users["head"]).action_sign_second()
        self.assertEqual(pk.state, "signed")
        self.assertTrue(signature.cosigned_at)
        self.assertFalse(signature.cosign_signer_name)
        self.assertEqual(signature._get_pdf_content(), first_file)
        status = pades.validate_pdf(first_file, trust_roots=self.roots)
        self.assertEqual(status["count"], 1)
        self.assertTrue(status["valid"] and status["trusted"])
        text = " ".join(
            subprocess.run(
                ["pdftotext", "-", "-"], input=first_file, capture_output=True, check=True
            ).stdout.decode().split()
        )
        self.assertIn("tanda tangan PIHAK KEDUA dibubuhkan pada naskah cetak", text)

    def test_withdrawn_signature_says_so_on_its_page(self):
        users = self.agency.users
        self.as_user(self.plan, users["planner"]).set_dpa_date("2027-02-05")
        pk = self.plan.pk_ids.filtered(lambda p: p.department_id == self.form.department_id)
        self._sign(pk, self.form.head_employee_id.user_id, "first")
        old = pk.signature_id
        self.as_user(pk, users["planner"]).reset_to_draft("Nama pihak kedua salah")
        self.url_open("/web/session/logout")
        text = " ".join(self.url_open(f"/rkt/verify/{old.verify_token}").text.split())
        self.assertIn('id="rkt_verify_voided"', text)
        self.assertIn("Nama pihak kedua salah", text)

    def test_altered_file_is_not_cosigned(self):
        users = self.agency.users
        self.as_user(self.plan, users["planner"]).set_dpa_date("2027-02-05")
        pk = self.plan.pk_ids.filtered(lambda p: p.department_id == self.form.department_id)
        self._sign(pk, self.form.head_employee_id.user_id, "first")
        signature = pk.signature_id
        signature.sudo().pdf_file = base64.b64encode(b"%PDF-1.4 planted")
        with self.assertRaisesRegex(UserError, "cannot be signed"):
            self._sign(pk, users["head"], "second")
        self.assertEqual(pk.state, "first_signed")
        self.assertFalse(signature.cosigned_at)


@tagged("post_install", "-at_install", "rkt_pk", "rkt_demo")
class TestRktPkDemo(TransactionCase):
    """The demo PKs, drafted from the archived demo RKT (only with demo data)."""

    def test_demo_pks(self):
        plan = self.env.ref(
            "rkt_planning.rkt_plan_dinkes_archived_demo", raise_if_not_found=False
        )
        if not plan:
            self.assertFalse(self.env["rkt.pk"].search([]), "no demo PK without demo")
            return
        self.assertTrue(plan.dpa_date)
        pks = plan.pk_ids
        head_pk = pks.filtered(lambda pk: pk.party == "head")
        self.assertEqual(head_pk.first_employee_id, plan.head_employee_id)
        self.assertEqual(head_pk.second_title, "Bupati Balangan")
        self.assertTrue(head_pk.line_ids)
        self.assertTrue(all(head_pk.line_ids.mapped("is_iku")))
        division_pks = pks - head_pk
        self.assertEqual(
            division_pks.first_employee_id,
            plan.form_ids.filtered(lambda f: f.state != "missing").head_employee_id,
        )
        for pk in division_pks:
            form = plan.form_ids.filtered(lambda f, pk=pk: f.department_id == pk.department_id)
            self.assertEqual(pk.line_ids.plan_line_id, plan._get_document_lines() & form.line_ids)
        self.assertEqual(len(pks.filtered(lambda pk: pk.state == "signed")), 1)
