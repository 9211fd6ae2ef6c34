import base64
import hashlib
from unittest import skipIf

from freezegun import freeze_time

from odoo.addons.base.models import ir_actions_report as base_report
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RktCommon

PLAN_REPORT = "rkt_planning.action_report_rkt_plan"
REPORT_LOGGER = "odoo.addons.base.models.ir_actions_report"
SIGNATURE_MODEL = "rkt.plan.signature"
NO_WKHTMLTOPDF = base_report.wkhtmltopdf_state == "install"
FORGED = b"%PDF-1.4\n% forged\n%%EOF\n"


@tagged("post_install", "-at_install", "rkt_signature")
@skipIf(NO_WKHTMLTOPDF, "wkhtmltopdf is not installed")
@freeze_time("2027-01-11 01:00:00")
class TestRktSignature(RktCommon):
    """The signed RKT is a record of its own that nobody can forge, swap or lose."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency.company.write(
            {
                "city": "Paringin",
                "rkt_government_name": "Pemerintah Kabupaten Balangan",
                "rkt_signing_place": "Paringin",
                "rkt_head_title": "Kepala Badan Kepegawaian dan Pengembangan SDM",
            }
        )
        cls.agency.employees["head"].write(
            {
                "name": "H. AHMAD SAUKI, SKM, MM",
                "nip": "19731114 200604 1 006",
                "rkt_rank": "pns_4b",
                "rkt_position": "Kepala Badan Kepegawaian dan Pengembangan SDM",
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _role_users(self):
        users = self.agency.users
        return {
            "head": users["head"],
            "secretary": users["secretary"],
            "planner": users["planner"],
            "team": users["team"],
            "manager": users["manager"],
            "division_head": self.agency.division_users[0],
        }

    def _to_signature(self, plan):
        self.run_to_decision(plan)
        self.as_user(plan, self.agency.users["secretary"]).action_approve()
        self.assertEqual(plan.step_kind, "sign")

    def _sign(self, plan):
        with self.assertNoLogs(REPORT_LOGGER, level="WARNING"):
            self.as_user(plan, self.agency.users["head"]).with_context(
                force_report_rendering=True
            ).action_sign()
        self.assertEqual(plan.state, "signed")
        return plan.signature_id

    def _signed_plan(self):
        plan = self._make_plan()
        self._to_signature(plan)
        return plan, self._sign(plan)

    def _render(self, plan, user, lang=None):
        reports = self.as_user(self.env["ir.actions.report"], user).with_context(
            force_report_rendering=True
        )
        if lang:
            reports = reports.with_context(lang=lang)
        with self.assertNoLogs(REPORT_LOGGER, level="WARNING"):
            content, report_format = reports._render_qweb_pdf(PLAN_REPORT, plan.ids)
        self.assertEqual(report_format, "pdf")
        return content

    def _file_attachment(self, signature):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", SIGNATURE_MODEL),
                ("res_field", "=", "pdf_file"),
                ("res_id", "=", signature.id),
            ]
        )

    def _state(self, signature):
        """What must not change: the record and its file."""
        self.env.invalidate_all()
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", SIGNATURE_MODEL), ("res_field", "!=", False)]
        )
        return (
            signature.exists().ids,
            signature.content,
            signature.content_sha256,
            signature.pdf_sha256,
            hashlib.sha256(signature._get_pdf_content()).hexdigest(),
            attachments.ids,
        )

    def _check(self, plan, user=None):
        user = user or self.agency.users["planner"]
        return self.as_user(plan, user)._check_signed_document()[0]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_planted_file_is_not_taken_as_the_signed_rkt(self):
        """A division head attaches, before the signature, a file named like the
        signed RKT: the signature keeps the engine's rendering, not that file."""
        plan = self._make_plan()
        self._to_signature(plan)
        planted = b"%PDF-1.4\n% planted by a division head\n%%EOF\n"
        name = "%s - signed.pdf" % plan.name.replace("/", "-")
        division_head = self.agency.division_users[0]
        self.as_user(plan, division_head).message_post(
            body="Lampiran", attachments=[(name, planted)]
        )
        plan_files = self.env["ir.attachment"].search(
            [("res_model", "=", "rkt.plan"), ("res_id", "=", plan.id)]
        )
        self.assertEqual(plan_files.mapped("name"), [name])
        self.assertEqual(plan_files.raw, planted)

        signature = self._sign(plan)
        stored = signature._get_pdf_content()
        self.assertTrue(stored.startswith(b"%PDF"))
        self.assertNotEqual(stored, planted)
        self.assertNotIn(b"planted by a division head", stored)
        self.assertEqual(signature.pdf_sha256, hashlib.sha256(stored).hexdigest())
        self.assertNotEqual(signature.pdf_sha256, hashlib.sha256(planted).hexdigest())
        self.assertEqual(plan.signed_sha256, signature.pdf_sha256)
        self.assertEqual(self._check(plan), "ok")
        # printed again: the engine's file, not the planted one
        printed = self._render(plan, self.agency.users["planner"])
        self.assertEqual(printed, stored)
        # the planted file stays what it is: an attachment of the plan's chatter
        self.assertEqual(plan_files.exists().raw, planted)

    def test_nobody_changes_or_deletes_the_signature_or_its_file(self):
        plan, signature = self._signed_plan()
        attachment = self._file_attachment(signature)
        self.assertEqual(len(attachment), 1)
        before = self._state(signature)
        forged = base64.b64encode(FORGED)
        for role, user in self._role_users().items():
            with self.subTest(role=role):
                own = self.as_user(signature, user)
                # every RKT role reads it
                self.assertEqual(
                    own.read(["content_sha256"])[0]["content_sha256"],
                    signature.content_sha256,
                )
                with self.assertRaises(AccessError), self.cr.savepoint():
                    own.write({"content_sha256": "0" * 64})
                with self.assertRaises(AccessError), self.cr.savepoint():
                    own.write({"pdf_file": forged})
                with self.assertRaises(AccessError), self.cr.savepoint():
                    own.unlink()
                with self.assertRaises(AccessError), self.cr.savepoint():
                    self.as_user(self.env[SIGNATURE_MODEL], user).create(
                        {"name": plan.name, "plan_id": plan.id, "content": "{}"}
                    )
                # the attachment that holds its file
                file = self.as_user(attachment, user)
                with self.assertRaises(AccessError), self.cr.savepoint():
                    file.write({"raw": FORGED})
                with self.assertRaises(AccessError), self.cr.savepoint():
                    file.write({"res_id": plan.id, "res_model": "rkt.plan"})
                with self.assertRaises(AccessError), self.cr.savepoint():
                    file.unlink()
                # no other file can be given to it
                attachments = self.as_user(self.env["ir.attachment"], user)
                for res_id in (signature.id, False):
                    with self.assertRaises(AccessError), self.cr.savepoint():
                        attachments.create(
                            {
                                "name": "pdf_file",
                                "raw": FORGED,
                                "res_model": SIGNATURE_MODEL,
                                "res_field": "pdf_file",
                                "res_id": res_id,
                            }
                        )
                mine = attachments.create({"name": "forged.pdf", "raw": FORGED})
                with self.assertRaises(AccessError), self.cr.savepoint():
                    mine.write(
                        {
                            "res_model": SIGNATURE_MODEL,
                            "res_field": "pdf_file",
                            "res_id": signature.id,
                        }
                    )
                # nor can the plan point to another signature
                with self.assertRaises(UserError), self.cr.savepoint():
                    self.as_user(plan, user).write({"signature_id": False})
        self.assertEqual(self._state(signature), before)
        self.assertEqual(plan.signature_id, signature)
        self.assertEqual(self._check(plan), "ok")

    def test_other_agency_does_not_see_the_signature(self):
        plan, signature = self._signed_plan()
        other = self._make_agency("Dinas Lain", "dl", divisions=1)
        manager = other.users["manager"]
        with self.assertRaises(AccessError):
            self.as_user(signature, manager).read(["content"])
        self.assertFalse(
            self.as_user(self.env[SIGNATURE_MODEL], manager).search(
                [("plan_id", "=", plan.id)]
            )
        )

    def test_reprint_returns_the_stored_bytes_whoever_prints(self):
        plan, signature = self._signed_plan()
        stored = signature._get_pdf_content()
        self.env["res.lang"]._activate_lang("id_ID")
        division_head = self.agency.division_users[0]
        division_head.lang = "id_ID"
        for user, lang in (
            (self.agency.users["planner"], None),
            (self.agency.users["head"], None),
            (division_head, None),
            (self.agency.users["manager"], "id_ID"),
        ):
            with self.subTest(user=user.login, lang=lang):
                self.assertEqual(self._render(plan, user, lang), stored)
        # archived, the same
        self.complete(plan, self.agency.users["planner"], "Berkas RKT")
        self.assertEqual(plan.state, "archived")
        self.assertEqual(self._render(plan, division_head), stored)
        self.assertEqual(self._check(plan, division_head), "ok")

    def test_hr_changes_after_signing_keep_the_signature_valid(self):
        """The signature holds the names as printed: a routine HR rename is no
        change of what was signed."""
        plan, signature = self._signed_plan()
        stored = signature._get_pdf_content()
        agency = self.agency
        agency.company.name = "Badan Kepegawaian Daerah Kabupaten Balangan"
        agency.root.name = "BKD Balangan"
        for department in agency.departments:
            department.name = f"{department.name} (Nomenklatur Baru)"
        agency.employees["head"].write(
            {
                "name": "Dr. H. AHMAD SAUKI, SKM, MM",
                "nip": "19731114 200604 1 007",
                "rkt_rank": "pns_4c",
                "rkt_position": "Kepala BKD",
            }
        )
        self.assertEqual(self._check(plan), "ok")
        action = self.as_user(plan, agency.users["planner"]).action_verify_signed_document()
        self.assertEqual(action["params"]["type"], "success")
        # printed again as signed, and the report prints the block as signed
        self.assertEqual(self._render(plan, agency.users["planner"]), stored)
        block = self.env["report.rkt_planning.report_rkt_plan"]._get_signature(
            plan, with_qr=False
        )
        self.assertEqual(block["name"], "H. AHMAD SAUKI, SKM, MM")
        self.assertEqual(block["nip"], "19731114 200604 1 006")
        self.assertEqual(block["rank"], "Pembina Tk. I (IV/b)")
        snapshot = signature._get_snapshot()
        self.assertEqual(snapshot["agency"], "BKPSDM Test")
        self.assertEqual(
            snapshot["signer"]["position"], "Kepala Badan Kepegawaian dan Pengembangan SDM"
        )
        self.assertEqual(snapshot["capacity"], "head")
        self.assertEqual(snapshot["signed_date"], "2027-01-11")
        self.assertEqual(len(snapshot["lines"]), len(plan.line_ids))

    def test_changed_line_is_content_changed(self):
        plan, signature = self._signed_plan()
        stored = signature._get_pdf_content()
        # tampering below the workflow (the superuser, the engine)
        plan.line_ids[0].sudo().write({"target": "≥ 99"})
        status, message = self.as_user(
            plan, self.agency.users["planner"]
        )._check_signed_document()
        self.assertEqual(status, "content_changed")
        self.assertIn(plan.name, message)
        action = self.as_user(plan, self.agency.users["planner"]).action_verify_signed_document()
        self.assertEqual(action["params"]["type"], "warning")
        # the file signed is intact: it is still what is printed
        self.assertEqual(self._render(plan, self.agency.users["planner"]), stored)

    def test_altered_file_or_content_is_reported_and_not_reprinted(self):
        plan, signature = self._signed_plan()
        planner = self.agency.users["planner"]
        attachment = self._file_attachment(signature)
        original = attachment.raw
        # the superuser alters the stored bytes
        attachment.raw = original.replace(b"%%EOF", b"%%EOF\n% altered")
        self.env.invalidate_all()  # a new request: the signature's file read anew
        self.assertEqual(self._check(plan), "altered")
        action = self.as_user(plan, planner).action_verify_signed_document()
        self.assertEqual(action["params"]["type"], "danger")
        with self.assertRaisesRegex(UserError, "not printed again"):
            self._render(plan, planner)
        attachment.raw = original
        self.env.invalidate_all()
        self.assertEqual(self._check(plan), "ok")
        # ... or the signed content
        signature.sudo().write(
            {"content": signature.content.replace("H. AHMAD", "X. AHMAD")}
        )
        self.assertEqual(self._check(plan), "altered")
        with self.assertRaises(UserError):
            self._render(plan, planner)

    def test_lost_file_is_reported_and_not_rendered_anew(self):
        plan, signature = self._signed_plan()
        self._file_attachment(signature).unlink()  # as the superuser
        self.env.invalidate_all()
        self.assertEqual(self._check(plan), "missing")
        with self.assertRaisesRegex(UserError, "not printed again"):
            self._render(plan, self.agency.users["planner"])
