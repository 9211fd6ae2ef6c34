from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools.misc import format_datetime

from ..models.rkt_plan_signature import (
    format_verify_token,
    normalize_verify_token,
    sha256_hex,
)

# An uploaded file larger than this is not the signed RKT.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class RktVerifyController(http.Controller):
    """The public verification page of a signed document — an RKT or a Perjanjian
    Kinerja, both recorded as ``rkt.plan.signature`` — opened from its QR code:
    no login; Indonesian whatever the visitor's language (Permenkominfo 11/2022
    Pasal 35: a QR code on a government document shows what was signed)."""

    def _get_lang(self):
        return request.env["res.lang"]._get_code("id_ID") or request.env.lang or "en_US"

    def _get_signature(self, token):
        token = normalize_verify_token(token)
        if not token:
            return request.env["rkt.plan.signature"]
        # sudo: the page shows, to whoever holds the code printed on the document,
        # what the document itself prints (agency, number, signer, date) and its
        # check; never the plan's other data
        return request.env["rkt.plan.signature"].sudo().search(
            [("verify_token", "=", token)], limit=1
        )

    def _may_download(self, signature):
        if signature.company_id.rkt_verify_public_download:
            return True
        if request.env.user._is_public():
            return False
        # the document as the visitor's user: may they read it?
        document = signature._get_document().with_env(request.env)
        try:
            document.check_access("read")
        except AccessError:
            return False
        return True

    def _render(self, template, values):
        lang = self._get_lang()
        html = (
            request.env["ir.ui.view"]
            .with_context(lang=lang)
            ._render_template(template, dict(values, lang=lang))
        )
        return request.make_response(
            html,
            headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                ("X-Robots-Tag", "noindex, nofollow"),
                ("Cache-Control", "no-store"),
            ],
        )

    def _page_values(self, signature, **extra):
        snapshot = signature._get_snapshot()
        document = signature._get_document()
        env = request.env(context=dict(request.env.context, lang=self._get_lang()))
        capacities = dict(signature._fields["capacity"]._description_selection(env))
        return {
            "signature": signature,
            "document": document,
            "label": signature.with_env(env)._get_document_label(),
            "block": signature._get_printed_block(),
            "parties": self._get_pk_parties(signature, snapshot, env),
            "agency": snapshot.get("agency") or signature.company_id.name,
            "year": snapshot.get("year") or document.year,
            "capacity": capacities.get(signature.capacity, ""),
            "code": format_verify_token(signature.verify_token),
            "pades": signature._get_pades_status(),
            "stored_ok": signature._check_stored()[0] == "ok",
            "voided": signature.voided_at
            and {
                "date": format_datetime(
                    env,
                    signature.voided_at,
                    tz=signature.company_id.resource_calendar_id._rkt_tz().zone,
                ),
                "reason": signature.void_reason or "-",
            },
            "may_download": self._may_download(signature),
            "result": None,
            "uploaded": None,
            **extra,
        }

    def _get_pk_parties(self, signature, snapshot, env):
        """A Perjanjian Kinerja's two parties as its file prints them, with where
        each signature stands; ``[]`` for an RKT."""
        if not signature.pk_id:
            return []
        second = snapshot.get("second") or {}
        if second.get("on_paper"):
            second_status = (
                env._("Signed on paper, as recorded by the head of agency")
                if signature.cosigned_at
                else env._("Signs the printed document on paper: not recorded yet")
            )
        elif signature.cosigned_at:
            second_status = env._("Signed")
        else:
            second_status = env._("Not signed yet")
        parties = []
        for role, party, status in (
            ("PIHAK PERTAMA", snapshot.get("first") or {}, env._("Signed")),
            ("PIHAK KEDUA", second, second_status),
        ):
            # a PK signed before 18.0.1.1.0 recorded the names only
            name = party.get("name") or party.get("signer") or party.get("official")
            parties.append(dict(party, name=name, role=role, status=status))
        return parties

    @http.route("/rkt/verify", type="http", auth="public", methods=["GET"], sitemap=False)
    def verify_form(self, code=None, **kwargs):
        if code:
            token = normalize_verify_token(code)
            if token:
                return request.redirect(f"/rkt/verify/{token}", local=True)
        return self._render(
            "rkt_planning.rkt_verify_page_code", {"code": code or "", "not_found": bool(code)}
        )

    @http.route(
        "/rkt/verify/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def verify_page(self, token, document=None, **kwargs):
        signature = self._get_signature(token)
        if not signature:
            response = self._render(
                "rkt_planning.rkt_verify_page_code", {"code": token, "not_found": True}
            )
            response.status_code = 404
            return response
        extra = {}
        if request.httprequest.method == "POST":
            content = b""
            if document is not None and hasattr(document, "read"):
                content = document.read(MAX_UPLOAD_BYTES + 1)
            if not content:
                extra["result"] = "empty"
            else:
                matches = (
                    len(content) <= MAX_UPLOAD_BYTES and signature._matches_file(content)
                )
                extra["result"] = "match" if matches else "mismatch"
                # only compared, never parsed: a visitor's file is untrusted input
                extra["uploaded"] = {
                    "name": getattr(document, "filename", "") or "",
                    "sha256": sha256_hex(content),
                }
        return self._render("rkt_planning.rkt_verify_page", self._page_values(signature, **extra))

    @http.route(
        "/rkt/verify/<string:token>/pdf", type="http", auth="public", methods=["GET"], sitemap=False
    )
    def verify_download(self, token, **kwargs):
        signature = self._get_signature(token)
        if not signature:
            raise NotFound()
        if not self._may_download(signature):
            if request.env.user._is_public():
                return request.redirect(
                    f"/web/login?redirect=/rkt/verify/{signature.verify_token}/pdf", local=True
                )
            raise Forbidden()
        content = signature._get_pdf_content()
        if not content or not signature._matches_file(content):
            raise NotFound()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(content))),
                (
                    "Content-Disposition",
                    http.content_disposition(signature.pdf_filename or "rkt-signed.pdf"),
                ),
                ("X-Robots-Tag", "noindex, nofollow"),
            ],
        )
