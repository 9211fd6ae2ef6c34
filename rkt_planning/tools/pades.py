"""PAdES signatures of the signed RKT, without Odoo: load a PKCS#12, sign a PDF,
validate a signed PDF, and ask a BSrE Esign Client Service to sign one.

pyHanko 0.20.1 (with pyhanko-certvalidator 0.24.1) is the newest pyHanko that
installs with the ``cryptography`` Odoo 18 pins on Python 3.11 (3.4.8): pyHanko
0.21 requires cryptography >= 41.0.5.  See the README, "Electronic signature (TTE)".

Nothing here logs or keeps a passphrase: it is an argument, used, and dropped.
Errors are ``EsignError`` with a ``kind`` the caller turns into a translated message.
"""

import base64
import datetime
import io
import logging

import requests

_logger = logging.getLogger(__name__)

try:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields as sign_fields
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore
except ImportError:  # pragma: no cover - the manifest declares them
    pkcs12 = None
    _logger.warning("pyHanko is not installed: RKTs are signed with hash and QR only")



class _UntrustedPathFilter(logging.Filter):
    """pyHanko logs a WARNING with a traceback for each signature whose
    certificate does not chain to a trusted root; ``validate_pdf`` reports that as
    ``trusted: False`` (the verification page says it), so the log line goes."""

    def filter(self, record):
        return not str(record.msg).startswith("Failed to build path")


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_UntrustedPathFilter())

# The BSrE Esign Client Service v2 (the "ESign Client Service" an agency runs in
# front of BSrE's TTE): POST /api/v2/sign/pdf, basic auth, a JSON body with
# ``nik``, ``passphrase``, ``signatureProperties`` (a list: one object per file,
# ``tampilan`` INVISIBLE/VISIBLE, ``page``, ``originX``, ``originY``, ``width``,
# ``height``, ``location``, ``reason``) and ``file`` (a list of base64 PDFs); the
# answer holds ``file`` (the list of signed PDFs, base64), an error an ``error``
# (and ``status_code``) text.  Field names checked against public integrations
# found with the search tool (no BSrE documentation is public): a Node.js client
# of BKD Provinsi Jawa Timur ("bsre esign ... versi 2.0": signWithNikAndPassphrase
# and signWithCoordinate post {nik, passphrase, signatureProperties, file} to
# /api/v2/sign/pdf and read ``error`` / ``status_code``), a Laravel controller
# (Http::withBasicAuth(...)->post(endpoint.'/api/v2/sign/pdf', {nik, passphrase,
# signatureProperties: [{tampilan: INVISIBLE}], file: [base64]}), then
# ``json()['file'][0]``), a TypeScript EsignClientV2 test (payload.file is an
# array, signatureProperties[0].tampilan/page/originX/reason; answer
# {time, file: [...]}) and an Odoo 17 BSrE module keeping the order nik,
# passphrase, signatureProperties, file.
BSRE_SIGN_PATH = "/api/v2/sign/pdf"


class EsignError(Exception):
    """A signature that cannot be made or checked.

    ``kind``: ``unavailable`` (no pyHanko), ``passphrase`` (wrong passphrase or not
    a PKCS#12), ``no_key``, ``not_yet_valid``, ``expired``, ``name_mismatch``,
    ``timeout``, ``connection``, ``gateway`` (an error answer; ``detail`` holds
    its text), ``bad_answer`` (no PDF in the answer), ``not_covering`` (the
    returned PDF's signature does not cover the sent document).
    """

    def __init__(self, kind, detail=""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def is_available():
    return pkcs12 is not None


def _check_available():
    if not is_available():
        raise EsignError("unavailable")


def _to_asn1_cert(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_trust_roots(data):
    """The certificates of ``data`` (PEM, one or more, or DER) as asn1crypto objects."""
    _check_available()
    if not data:
        return []
    if b"-----BEGIN" in data:
        from asn1crypto import pem

        return [
            asn1_x509.Certificate.load(der)
            for _type, _headers, der in pem.unarmor(data, multiple=True)
        ]
    return [asn1_x509.Certificate.load(data)]


def certificate_info(cert):
    """Name, issuer and validity of an asn1crypto certificate, for display."""
    subject = cert.subject.native
    issuer = cert.issuer.native
    return {
        "common_name": subject.get("common_name", "") or cert.subject.human_friendly,
        "subject": cert.subject.human_friendly,
        "issuer": issuer.get("common_name", "") or cert.issuer.human_friendly,
        "issuer_full": cert.issuer.human_friendly,
        "not_before": cert.not_valid_before.replace(tzinfo=None),
        "not_after": cert.not_valid_after.replace(tzinfo=None),
        "serial": format(cert.serial_number, "X"),
    }


def normalize_name(name):
    """A person's name for comparison: letters and digits only, upper case, single
    spaces (``dr. Rahmat Hidayat, M.Kes`` -> ``DR RAHMAT HIDAYAT M KES``)."""
    return " ".join("".join(c if c.isalnum() else " " for c in (name or "").upper()).split())


def load_pkcs12_signer(data, passphrase, now=None):
    """A pyHanko signer from a PKCS#12 archive, with its certificate checked for time.

    :raise EsignError: ``passphrase``, ``no_key``, ``not_yet_valid``, ``expired``
    :return: ``(signer, info)``, ``info`` as :func:`certificate_info`
    """
    _check_available()
    try:
        key, cert, others = pkcs12.load_key_and_certificates(
            data, (passphrase or "").encode() or None
        )
    except (ValueError, TypeError):
        # the exception never carries the passphrase; nothing is logged
        raise EsignError("passphrase") from None
    if key is None or cert is None:
        raise EsignError("no_key")
    asn1_cert = _to_asn1_cert(cert)
    info = certificate_info(asn1_cert)
    now = now or datetime.datetime.utcnow()
    if now < info["not_before"]:
        raise EsignError("not_yet_valid")
    if now > info["not_after"]:
        raise EsignError("expired")
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    registry = SimpleCertificateStore()
    registry.register_multiple([_to_asn1_cert(other) for other in others or []])
    signer = signers.SimpleSigner(
        signing_key=key_info, signing_cert=asn1_cert, cert_registry=registry
    )
    return signer, info


def sign_pdf(pdf, signer, reason="", location="", name="", field_name="RKT-TTE"):
    """The PDF signed by ``signer``: one invisible PAdES (ETSI.CAdES.detached)
    signature over the whole file, added as an incremental update in the signature
    field ``field_name`` (a second signer uses another name: the signatures
    already in the file stay valid)."""
    _check_available()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=sign_fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=name or None,
    )
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def validate_pdf(pdf, trust_roots=None, now=None):
    """What the embedded signatures of ``pdf`` prove.

    :return: a dict: ``signed`` (has a signature), ``intact`` (the signed bytes are
        unchanged), ``valid`` (intact and the cryptographic signature checks),
        ``trusted`` (the certificate chains to one of ``trust_roots``),
        ``whole_file`` (the last signature covers the whole file), ``signer``,
        ``issuer``, ``signing_time`` (of the last signature), ``revision_length``
        (where the last signature's first signed range stops: the length of the
        document it signed, plus its signature dictionary), ``count`` and ``signatures``
        (each signature in the file's order: ``signer``, ``issuer``,
        ``signing_time``, ``valid``, ``trusted``)
    """
    _check_available()
    result = {
        "signed": False,
        "intact": False,
        "valid": False,
        "trusted": False,
        "whole_file": False,
        "signer": "",
        "issuer": "",
        "signing_time": None,
        "count": 0,
        "revision_length": 0,
        "signatures": [],
    }
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any unreadable file is "not signed"
        return result
    if not signatures:
        return result
    result["signed"] = True
    result["count"] = len(signatures)
    context_args = {"trust_roots": list(trust_roots or [])}
    if now:
        context_args["moment"] = now
    statuses = []
    for embedded in signatures:
        try:
            status = validate_pdf_signature(
                embedded, ValidationContext(**context_args), skip_diff=True
            )
        except Exception:  # noqa: BLE001 - a broken signature is an invalid one
            statuses.append(None)
            continue
        statuses.append((embedded, status))
    if any(status is None for status in statuses):
        return result
    last_embedded, last = statuses[-1]
    cert = last.signing_cert
    info = certificate_info(cert) if cert is not None else {}
    # the revision the last signature signed: the bytes of the document before it
    byte_range = last_embedded.byte_range
    result.update(
        {
            "intact": all(status.intact for _e, status in statuses),
            "valid": all(status.intact and status.valid for _e, status in statuses),
            "trusted": all(status.trusted for _e, status in statuses),
            "whole_file": last_embedded.byte_range[2] + last_embedded.byte_range[3]
            == len(pdf),
            "signer": info.get("common_name", ""),
            "issuer": info.get("issuer", ""),
            "signing_time": last.signer_reported_dt,
            "revision_length": byte_range[1],
            "signatures": [
                _signature_summary(status)
                for _embedded, status in statuses
            ],
        }
    )
    return result


def _signature_summary(status):
    """One embedded signature's holder, issuer, time and check, for display."""
    cert = status.signing_cert
    info = certificate_info(cert) if cert is not None else {}
    return {
        "signer": info.get("common_name", ""),
        "issuer": info.get("issuer", ""),
        "signing_time": status.signer_reported_dt,
        "valid": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
    }


def covers_document(signed, original, trust_roots=None):
    """Whether ``signed`` is ``original`` with a valid signature over all of it: the
    signed file begins with the sent bytes (an incremental update), its last
    signature covers the whole returned file, sent bytes included, and every
    signature in it (a PK's first party's too) is intact."""
    status = validate_pdf(signed, trust_roots=trust_roots)
    return bool(
        status["valid"]
        and status["whole_file"]
        and signed[: len(original)] == original
        and status["revision_length"] >= len(original)
    ), status


def bsre_sign(url, username, password, nik, passphrase, pdf, properties, timeout=30):
    """Ask a BSrE Esign Client Service (v2) to sign ``pdf``.

    :raise EsignError: ``timeout``, ``connection``, ``gateway``, ``bad_answer``
    :return: the signed PDF's bytes (not yet checked: see :func:`covers_document`)
    """
    endpoint = (url or "").rstrip("/") + BSRE_SIGN_PATH
    payload = {
        "nik": nik,
        "passphrase": passphrase,
        "signatureProperties": [properties],
        "file": [base64.b64encode(pdf).decode()],
    }
    try:
        response = requests.post(
            endpoint,
            json=payload,
            auth=(username or "", password or ""),
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    except requests.Timeout:
        raise EsignError("timeout") from None
    except requests.RequestException as exc:
        # the request's text holds the passphrase: only the exception's class is kept
        raise EsignError("connection", type(exc).__name__) from None
    finally:
        payload.clear()
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200 or (isinstance(answer, dict) and answer.get("error")):
        detail = ""
        if isinstance(answer, dict):
            detail = str(answer.get("error") or answer.get("message") or "")
        raise EsignError("gateway", f"HTTP {response.status_code} {detail}".strip()[:300])
    files = answer.get("file") if isinstance(answer, dict) else None
    if isinstance(files, str):
        files = [files]
    if not files:
        raise EsignError("bad_answer")
    try:
        signed = base64.b64decode(files[0], validate=False)
    except (ValueError, TypeError):
        raise EsignError("bad_answer") from None
    if not signed.startswith(b"%PDF"):
        raise EsignError("bad_answer")
    return signed
