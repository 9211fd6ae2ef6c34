import base64
import datetime
import hashlib
import json
import logging
import re
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import skipIf
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.base.models import ir_actions_report as base_report
from odoo.exceptions import AccessError, UserError
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import _super_send

from ..tools import demo_certificates as certs
from ..tools import pades
from .common import RktCommon

NO_WKHTMLTOPDF = base_report.wkhtmltopdf_state == "install"
PASSPHRASE = "Tte-Rahasia-7391-pass"
NIK = "6308011411730006"
GATEWAY_USER = "esign-gw"
GATEWAY_PASSWORD = "gw-Secret-55"
VALID_FROM = datetime.datetime(2026, 1, 1)
VALID_UNTIL = datetime.datetime(2030, 1, 1)


def make_pki(name):
    """A throwaway CA, the official's certificate (named ``name``, valid over the
    frozen date and today) and its PKCS#12."""
    ca = certs.make_ca("RKT Test Root CA")
    official = certs.make_official(ca, name, VALID_FROM, VALID_UNTIL)
    return ca, official, certs.make_p12(ca, official, PASSPHRASE)


def pdfsig(content):
    """poppler's pdfsig on ``content``: its report, whitespace normalised."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        run = subprocess.run(
            ["pdfsig", handle.name], capture_output=True, text=True, check=False, timeout=60
        )
    return " ".join((run.stdout + run.stderr).split())


def tamper(content):
    """The signed file with one byte of its first (signed) revision changed."""
    data = bytearray(content)
    index = data.find(b"/Producer")
    if index < 0:
        index = data.find(b"endobj")
    data[index + 2] = ord("X") if data[index + 2] != ord("X") else ord("Y")
    return bytes(data)


class StubGateway:
    """A loopback stand-in for a BSrE Esign Client Service (v2), started by the
    test: it checks the request's shape and answers as ``mode`` says."""

    def __init__(self, signer):
        self.signer = signer
        self.mode = "ok"
        self.requests = []
        self.released = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                gateway.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization", ""),
                        "content_type": self.headers.get("Content-Type", ""),
                        "body": json.loads(body or b"{}"),
                    }
                )
                status, answer = gateway.answer(gateway.requests[-1])
                if status is None:
                    return
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, request):
        if self.mode == "timeout":
            self.released.wait(10)
            return None, None
        if self.mode == "error":
            return 400, {"error": "Passphrase anda salah", "status_code": 2031}
        sent = base64.b64decode(request["body"]["file"][0])
        if self.mode == "foreign":
            # a valid signature, over another document
            other = pades.sign_pdf(tamper(sent), self.signer)
            return 200, {"file": [base64.b64encode(other).decode()]}
        signed = pades.sign_pdf(sent, self.signer, reason="BSrE stub")
        return 200, {"time": "2027-01-11T09:00:00", "file": [base64.b64encode(signed).decode()]}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def loopback_only(cls, session, request, **kwargs):
    assert request.url.startswith("http://127.0.0.1:"), request.url
    return _super_send(session, request, **kwargs)


class CaptureLogs(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        try:
            self.lines.append(record.getMessage())
        except Exception:  # noqa: BLE001
            self.lines.append(str(record.msg))


@contextmanager
def all_logs():
    """Every log record at every level, without printing the DEBUG ones."""
    root = logging.getLogger()
    handler = CaptureLogs()
    old_level = root.level
    old_handler_levels = [(h, h.level) for h in root.handlers]
    for existing, level in old_handler_levels:
        existing.setLevel(max(level, logging.INFO))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for existing, level in old_handler_levels:
            existing.setLevel(level)


@tagged("post_install", "-at_install", "rkt_esign")
@skipIf(NO_WKHTMLTOPDF, "wkhtmltopdf is not installed")
@skipIf(not pades.is_available(), "pyHanko is not installed")
@freeze_time("2027-01-11 01:00:00")
class TestRktEsign(RktCommon):
    """The head's 'ya' signs the RKT with a PAdES signature: a local PKCS#12 or
    the agency's BSrE gateway; every refusal leaves the plan at the sign step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.agency.company
        cls.head = cls.agency.employees["head"]
        cls.head.write({"name": "H. AHMAD SAUKI, SKM, MM", "nip": "19731114 200604 1 006"})
        cls.ca, cls.official, cls.p12 = make_pki("AHMAD SAUKI")
        cls.ca_pem = certs.cert_pem(cls.ca[1])
        cls.company.write(
            {
                "rkt_esign_provider": "local",
                "rkt_esign_trust_roots": base64.b64encode(cls.ca_pem),
                "rkt_signing_place": "Paringin",
            }
        )
        # the official uploads their own certificate, through their preferences
        head_user = cls.agency.users["head"]
        head_user.with_user(head_user).write(
            {"rkt_esign_p12": base64.b64encode(cls.p12), "rkt_esign_p12_filename": "ahmad.p12"}
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _to_signature(self, plan):
        self.run_to_decision(plan)
        self.as_user(plan, self.agency.users["secretary"]).action_approve()
        self.assertEqual(plan.step_kind, "sign")

    def _dialog(self, plan, user=None):
        user = user or self.agency.users["head"]
        action = self.as_user(plan, user).with_context(force_report_rendering=True).action_sign()
        self.assertEqual(action["res_model"], "rkt.plan.sign")
        self.assertEqual(plan.state, "in_progress", "opening the dialog writes nothing")
        wizard = (
            self.as_user(self.env["rkt.plan.sign"], user)
            .with_context(action["context"], force_report_rendering=True)
            .create({"nik": NIK})
        )
        return wizard

    def _confirm(self, wizard, passphrase=PASSPHRASE):
        return wizard.with_context(rkt_esign_passphrase=passphrase).action_confirm()

    def _unchanged(self, plan):
        self.env.invalidate_all()
        return (
            plan.state,
            plan.step_id.id,
            plan.signature_id.id,
            plan.signed_date,
            self.env["rkt.plan.signature"].search_count([("plan_id", "=", plan.id)]),
            self.env["ir.attachment"].search_count([("res_model", "=", "rkt.plan.signature")]),
            len(plan.message_ids),
        )

    def _assert_refused(self, plan, wizard, message, passphrase=PASSPHRASE):
        before = self._unchanged(plan)
        with self.assertRaisesRegex(UserError, message):
            self._confirm(wizard, passphrase)
        self.assertEqual(self._unchanged(plan), before)
        self.assertEqual(plan.step_kind, "sign")
        self.assertFalse(plan.signature_id)

    def _upload(self, p12):
        head_user = self.agency.users["head"]
        head_user.with_user(head_user).write({"rkt_esign_p12": base64.b64encode(p12)})

    # ------------------------------------------------------------------
    # Local certificate
    # ------------------------------------------------------------------

    def test_local_signature_validates_and_tampered_copy_fails(self):
        plan = self._make_plan()
        self._to_signature(plan)
        self._confirm(self._dialog(plan))
        self.assertEqual(plan.state, "signed")
        signature = plan.signature_id
        self.assertEqual(signature.esign_provider, "local")
        self.assertEqual(signature.esign_signer_name, "AHMAD SAUKI")
        self.assertEqual(signature.esign_issuer, "RKT Test Root CA")
        content = signature._get_pdf_content()
        # the stored, hashed and reprinted bytes are the PAdES-signed file
        self.assertEqual(signature.pdf_sha256, hashlib.sha256(content).hexdigest())
        status = pades.validate_pdf(content, trust_roots=pades.load_trust_roots(self.ca_pem))
        self.assertTrue(status["valid"] and status["trusted"] and status["whole_file"], status)
        self.assertEqual(status["signer"], "AHMAD SAUKI")
        # without the CA as a trusted root: intact, but not trusted
        self.assertFalse(pades.validate_pdf(content)["trusted"])
        self.assertEqual(signature._get_pades_status()["trusted"], True)
        report = pdfsig(content)
        self.assertIn("Signature Validation: Signature is Valid.", report)
        self.assertIn("Signer Certificate Common Name: AHMAD SAUKI", report)
        self.assertIn("Total document signed", report)
        self.assertEqual(report.count("Signature #"), 1)
        # a reprint returns exactly these bytes
        self.assertEqual(plan._get_signed_pdf(), content)

        forged = tamper(content)
        self.assertFalse(pades.validate_pdf(forged, trust_roots=pades.load_trust_roots(self.ca_pem))["valid"])
        self.assertNotIn("Signature is Valid.", pdfsig(forged))
        self.assertFalse(signature._matches_file(forged))
        self.assertTrue(signature._matches_file(content))

        # the printed block says it was signed electronically, beside the QR code
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        text = " ".join(text.split())
        self.assertIn("H. AHMAD SAUKI, SKM, MM", text)
        self.assertIn(signature._get_verify_code(), text)
        self.assertIn("RKT Test Root CA", text)
        # the URL of the verification page may wrap: compared without whitespace, in
        # the order the PDF holds the text (the layout mode interleaves a wrapped URL
        # with the lines of the signature block beside it)
        raw = subprocess.run(
            ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn(f"/rkt/verify/{signature.verify_token}", "".join(raw.split()))
        self.assertTrue(
            "Signed electronically by H. AHMAD SAUKI, SKM, MM" in text
            or "Ditandatangani secara elektronik oleh H. AHMAD SAUKI, SKM, MM" in text
        )

    def test_wrong_passphrase_refused_nothing_written(self):
        plan = self._make_plan()
        self._to_signature(plan)
        wizard = self._dialog(plan)
        self._assert_refused(plan, wizard, "passphrase", passphrase="salah")
        # an empty passphrase is refused too
        self._assert_refused(plan, wizard, "passphrase", passphrase="")

    def test_expired_and_not_yet_valid_certificate_refused(self):
        plan = self._make_plan()
        self._to_signature(plan)
        expired = certs.make_official(
            self.ca, "AHMAD SAUKI", datetime.datetime(2024, 1, 1), datetime.datetime(2026, 12, 31)
        )
        self._upload(certs.make_p12(self.ca, expired, PASSPHRASE))
        self._assert_refused(plan, self._dialog(plan), "expired")
        future = certs.make_official(
            self.ca, "AHMAD SAUKI", datetime.datetime(2027, 6, 1), datetime.datetime(2030, 1, 1)
        )
        self._upload(certs.make_p12(self.ca, future, PASSPHRASE))
        self._assert_refused(plan, self._dialog(plan), "not valid yet")

    def test_certificate_of_another_person_refused(self):
        plan = self._make_plan()
        self._to_signature(plan)
        other = certs.make_official(self.ca, "BUDI SANTOSO", VALID_FROM, VALID_UNTIL)
        self._upload(certs.make_p12(self.ca, other, PASSPHRASE))
        self._assert_refused(plan, self._dialog(plan), "BUDI SANTOSO")

    def test_no_certificate_refused(self):
        plan = self._make_plan()
        self._to_signature(plan)
        self.head.sudo().rkt_esign_p12 = False
        self._assert_refused(plan, self._dialog(plan), "no signing certificate")

    def test_certificate_is_private(self):
        """Only the official and system administrators read the certificate."""
        head_user = self.agency.users["head"]
        self.assertTrue(head_user.with_user(head_user).read(["rkt_esign_p12"])[0]["rkt_esign_p12"])
        for role in ("secretary", "manager", "planner"):
            other = self.agency.users[role]
            self.assertFalse(head_user.with_user(other).rkt_esign_p12)
            self.assertFalse(head_user.with_user(other).read(["rkt_esign_p12"])[0]["rkt_esign_p12"])
            with self.assertRaises(AccessError):
                self.head.with_user(other).read(["rkt_esign_p12"])
            with self.assertRaises(AccessError):
                head_user.with_user(other).write({"rkt_esign_p12": base64.b64encode(b"x")})
        self.env.invalidate_all()
        self.assertEqual(base64.b64decode(self.head.sudo().rkt_esign_p12), self.p12)
        # a system administrator of the agency reads it
        admin = new_test_user(
            self.env,
            login="tte_admin",
            groups="base.group_user,base.group_system",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertTrue(self.head.with_user(admin).read(["rkt_esign_p12"])[0]["rkt_esign_p12"])
        self.assertTrue(head_user.with_user(admin).rkt_esign_p12)

    def test_passphrase_never_stored_logged_or_posted(self):
        plan = self._make_plan()
        self._to_signature(plan)
        wizard = self._dialog(plan)
        with all_logs() as lines:
            with self.assertRaises(UserError):
                self._confirm(wizard, PASSPHRASE + "-wrong")
            self._confirm(wizard)
        self.assertEqual(plan.state, "signed")
        self.assertTrue(lines, "the signature logs something (the report)")
        for line in lines:
            self.assertNotIn(PASSPHRASE, line)
        self.env.flush_all()
        self.assertEqual(self._tables_holding(PASSPHRASE), [])
        self.assertNotIn(PASSPHRASE, json.dumps(wizard.read()[0], default=str))

    def _tables_holding(self, secret):
        """Every text column of the database that holds ``secret``."""
        self.env.cr.execute(
            """SELECT c.table_name, c.column_name
                 FROM information_schema.columns c
                 JOIN information_schema.tables t
                   ON t.table_name = c.table_name AND t.table_schema = c.table_schema
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')"""
        )
        found = []
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                f'SELECT 1 FROM "{table}" WHERE position(%s in "{column}"::text) > 0 LIMIT 1',
                [secret],
            )
            if self.env.cr.fetchone():
                found.append(f"{table}.{column}")
        return found

    # ------------------------------------------------------------------
    # BSrE Esign Client Service
    # ------------------------------------------------------------------

    def _bsre(self, gateway):
        self.company.sudo().write(
            {
                "rkt_esign_provider": "bsre",
                "rkt_esign_bsre_url": gateway.url,
                "rkt_esign_bsre_username": GATEWAY_USER,
                "rkt_esign_bsre_password": GATEWAY_PASSWORD,
                "rkt_esign_bsre_timeout": 1,
            }
        )

    def _gateway(self):
        signer, _info = pades.load_pkcs12_signer(self.p12, PASSPHRASE)
        return StubGateway(signer)

    def test_bsre_signs_through_the_gateway(self):
        plan = self._make_plan()
        self._to_signature(plan)
        with self._gateway() as gateway:
            self._bsre(gateway)
            wizard = self._dialog(plan)
            self.assertEqual(wizard.esign_provider, "bsre")
            with all_logs() as lines:
                self._confirm(wizard)
        self.assertEqual(plan.state, "signed")
        # the request's shape, as the v2 API expects
        self.assertEqual(len(gateway.requests), 1)
        request = gateway.requests[0]
        self.assertEqual(request["path"], "/api/v2/sign/pdf")
        self.assertEqual(
            request["auth"],
            "Basic " + base64.b64encode(f"{GATEWAY_USER}:{GATEWAY_PASSWORD}".encode()).decode(),
        )
        self.assertIn("application/json", request["content_type"])
        body = request["body"]
        self.assertEqual(
            sorted(body), ["file", "nik", "passphrase", "signatureProperties"]
        )
        self.assertEqual(body["nik"], NIK)
        self.assertEqual(body["passphrase"], PASSPHRASE)
        self.assertEqual(body["signatureProperties"][0]["tampilan"], "INVISIBLE")
        self.assertIn(plan.name, body["signatureProperties"][0]["reason"])
        self.assertEqual(body["signatureProperties"][0]["location"], "Paringin")
        sent = base64.b64decode(body["file"][0])
        self.assertTrue(sent.startswith(b"%PDF"))
        # what is stored is the gateway's signed file over the sent document
        signature = plan.signature_id
        content = signature._get_pdf_content()
        self.assertTrue(content.startswith(sent))
        self.assertEqual(signature.esign_provider, "bsre")
        self.assertEqual(signature.esign_signer_name, "AHMAD SAUKI")
        self.assertIn("Signature is Valid.", pdfsig(content))
        for line in lines:
            self.assertNotIn(PASSPHRASE, line)
        self.env.flush_all()
        self.assertEqual(self._tables_holding(PASSPHRASE), [])

    def test_bsre_error_timeout_and_foreign_answer_refused(self):
        plan = self._make_plan()
        self._to_signature(plan)
        with self._gateway() as gateway:
            self._bsre(gateway)
            gateway.mode = "error"
            self._assert_refused(plan, self._dialog(plan), "refused to sign")
            gateway.mode = "timeout"
            # Odoo's test runner raises a time-out under 10 s to 10 s: let the
            # gateway's 1 s stand (loopback only)
            with patch.object(
                type(self), "_request_handler", classmethod(loopback_only)
            ):
                self._assert_refused(plan, self._dialog(plan), "did not answer in time")
            gateway.released.set()
            gateway.mode = "foreign"
            self._assert_refused(plan, self._dialog(plan), "does not carry a valid signature")
            self.assertEqual(len(gateway.requests), 3)
        # a gateway that is not there
        self.company.sudo().rkt_esign_bsre_url = "http://127.0.0.1:9"
        self._assert_refused(plan, self._dialog(plan), "cannot be reached")

    def test_bsre_nik_required(self):
        plan = self._make_plan()
        self._to_signature(plan)
        with self._gateway() as gateway:
            self._bsre(gateway)
            wizard = self._dialog(plan)
            wizard.nik = "123"
            self._assert_refused(plan, wizard, "NIK")
            self.assertFalse(gateway.requests)

    def test_without_provider_signs_as_before(self):
        self.company.rkt_esign_provider = "none"
        plan = self._make_plan()
        self._to_signature(plan)
        self.as_user(plan, self.agency.users["head"]).with_context(
            force_report_rendering=True
        ).action_sign()
        self.assertEqual(plan.state, "signed")
        signature = plan.signature_id
        self.assertEqual(signature.esign_provider, "none")
        self.assertFalse(pades.validate_pdf(signature._get_pdf_content())["signed"])
        self.assertTrue(signature.verify_token)
        self.assertEqual(
            plan._get_signed_qr_value(),
            f"{self.company.get_base_url()}/rkt/verify/{signature.verify_token}",
        )


@tagged("post_install", "-at_install", "rkt_esign")
@skipIf(NO_WKHTMLTOPDF, "wkhtmltopdf is not installed")
@skipIf(not pades.is_available(), "pyHanko is not installed")
class TestRktVerifyPage(RktCommon, HttpCase):
    """The public page of a signed RKT, opened from its QR code without a login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.agency.company
        cls.agency.employees["head"].write({"name": "H. AHMAD SAUKI, SKM, MM"})
        cls.ca, cls.official, cls.p12 = make_pki("AHMAD SAUKI")
        cls.company.write(
            {
                "rkt_esign_provider": "local",
                "rkt_esign_trust_roots": base64.b64encode(certs.cert_pem(cls.ca[1])),
            }
        )
        head_user = cls.agency.users["head"]
        head_user.with_user(head_user).write({"rkt_esign_p12": base64.b64encode(cls.p12)})

    def _signed(self):
        plan = self._make_plan()
        self.run_to_decision(plan)
        self.as_user(plan, self.agency.users["secretary"]).action_approve()
        head = self.agency.users["head"]
        action = self.as_user(plan, head).action_sign()
        wizard = (
            self.as_user(self.env["rkt.plan.sign"], head)
            .with_context(action["context"], force_report_rendering=True)
            .create({})
        )
        wizard.with_context(rkt_esign_passphrase=PASSPHRASE).action_confirm()
        self.assertEqual(plan.state, "signed")
        return plan, plan.signature_id

    def _csrf(self, html):
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        self.assertTrue(match, "the upload form carries a CSRF token")
        return match.group(1)

    def _check_file(self, url, csrf, name, content):
        response = self.url_open(
            url,
            data={"csrf_token": csrf},
            files={"document": (name, content, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        return " ".join(response.text.split())

    def test_verify_page_without_login(self):
        plan, signature = self._signed()
        content = signature._get_pdf_content()
        url = f"/rkt/verify/{signature.verify_token}"
        self.assertIn(url, plan._get_signed_qr_value())
        self.url_open("/web/session/logout")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/web/login?redirect=" + url + '"', page.url)
        text = " ".join(page.text.split())
        for expected in (
            self.company.name,
            plan.name,
            "H. AHMAD SAUKI, SKM, MM",
            signature.pdf_sha256,
            signature._get_verify_code(),
            "AHMAD SAUKI",
            "RKT Test Root CA",
            'id="rkt_verify_pades"',
        ):
            self.assertIn(expected, text)
        self.assertIn("text-success", text.split('id="rkt_verify_pades"')[0][-80:])
        # the short code typed on /rkt/verify opens the same page
        typed = self.url_open("/rkt/verify?code=" + signature._get_verify_code().lower())
        self.assertEqual(typed.status_code, 200)
        self.assertTrue(typed.url.endswith(url))
        # an unknown code
        self.assertEqual(self.url_open("/rkt/verify/AAAABBBBCCCCDDDD").status_code, 404)

        csrf = self._csrf(page.text)
        good = self._check_file(url, csrf, "rkt.pdf", content)
        self.assertIn("COCOK", good)
        self.assertNotIn("TIDAK COCOK", good)
        bad = self._check_file(url, csrf, "rkt.pdf", tamper(content))
        self.assertIn("TIDAK COCOK", bad)

    def test_pdf_only_to_readers_unless_public(self):
        plan, signature = self._signed()
        content = signature._get_pdf_content()
        url = f"/rkt/verify/{signature.verify_token}/pdf"
        self.url_open("/web/session/logout")
        page = self.url_open(f"/rkt/verify/{signature.verify_token}")
        self.assertNotIn('id="rkt_verify_download"', page.text)
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertNotIn(b"%PDF", response.content)
        # a user who may read the plan downloads it
        self.authenticate("bk_planner", "bk_planner")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, content)
        # another agency's user may not
        other = self._make_agency("Dinas Lain", "dl", divisions=1)
        self.authenticate("dl_planner", "dl_planner")
        self.assertEqual(self.url_open(url).status_code, 403)
        # the agency enables public download
        self.url_open("/web/session/logout")
        self.company.rkt_verify_public_download = True
        page = self.url_open(f"/rkt/verify/{signature.verify_token}")
        self.assertIn('id="rkt_verify_download"', page.text)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, content)
        self.assertTrue(other)
