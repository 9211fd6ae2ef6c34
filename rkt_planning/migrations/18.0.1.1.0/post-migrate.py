"""18.0.1.1.0: move the signatures of the Perjanjian Kinerja from the old model
``rkt.pk.signature`` into ``rkt.plan.signature`` (see ``pre-migrate``), with
their file: what was signed, its SHA-256, the file, its verification code and the
electronic signature stay as they were recorded.  The old records were made when
the second party signed: they count as completed then."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import sql

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not (
        sql.column_exists(cr, "rkt_pk", "rkt_legacy_signature_id")
        and sql.table_exists(cr, "rkt_pk_signature")
    ):
        return
    cr.execute(
        """
        INSERT INTO rkt_plan_signature (
            name, pk_id, company_id, signer_user_id, signer_employee_id,
            official_employee_id, signed_date, signed_at, cosigned_at, lang,
            content, content_sha256, pdf_filename, pdf_sha256, verify_token,
            esign_provider, cosign_signer_name, cosign_issuer,
            create_uid, create_date, write_uid, write_date
        )
        SELECT pk.name, pk.id, pk.company_id, pk.first_signed_user_id,
               pk.first_signer_employee_id, pk.first_employee_id,
               pk.first_signed_date, old.signed_at, old.signed_at, old.lang,
               old.content, old.content_sha256, old.pdf_filename, old.pdf_sha256,
               old.verify_token, COALESCE(old.esign_provider, 'none'),
               old.esign_signer_name, old.esign_issuer,
               old.create_uid, old.create_date, old.write_uid, old.write_date
          FROM rkt_pk pk
          JOIN rkt_pk_signature old ON old.id = pk.rkt_legacy_signature_id
        RETURNING id, pk_id
        """
    )
    moved = cr.fetchall()
    cr.execute(
        "SELECT id, rkt_legacy_signature_id FROM rkt_pk WHERE rkt_legacy_signature_id IS NOT NULL"
    )
    old_ids = dict(cr.fetchall())
    # the superuser moves the files (only it may: ir.attachment in this module)
    env = api.Environment(cr, SUPERUSER_ID, {})
    Attachment = env["ir.attachment"]
    for new_id, pk_id in moved:
        Attachment.search(
            [
                ("res_model", "=", "rkt.pk.signature"),
                ("res_field", "=", "pdf_file"),
                ("res_id", "=", old_ids[pk_id]),
            ]
        ).write({"res_model": "rkt.plan.signature", "res_id": new_id})
        cr.execute("UPDATE rkt_pk SET signature_id = %s WHERE id = %s", (new_id, pk_id))
    cr.execute("ALTER TABLE rkt_pk DROP COLUMN rkt_legacy_signature_id")
    _logger.info("Moved %s Perjanjian Kinerja signature(s) to rkt.plan.signature", len(moved))
