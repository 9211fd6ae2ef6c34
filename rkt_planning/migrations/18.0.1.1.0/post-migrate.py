"""18.0.1.1.0: move the signatures of the Perjanjian Kinerja from the old model
``rkt.pk.signature`` into ``rkt.plan.signature`` (see ``pre-migrate``), with
their file: what was signed, its SHA-256, the file, its verification code and the
electronic signature stay as they were recorded.  The old records were made when
the second party signed: they count as completed then.

And give the health office's SOP template of a database installed before it had
them the corrections its agencies' copies get (``rkt.sop.copy_corrections``;
the SOP data is ``noupdate``, so an upgrade does not load them)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import sql

_logger = logging.getLogger(__name__)

# As data/rkt_sop_data.xml gives them to new databases.
DINKES_COPY_CORRECTIONS = {
    "role_team_name": "Tim",
    "role_planner_name": "Kasubbag Program",
    "approver_rank": "Pembina Tk. I (IV/b)",
    "steps": {"Menonormasi dan Menandatangani RKT": "Menerima dan Menandatangani RKT"},
}

# The old record's columns, read from its table (the model is gone).
LEGACY_COLUMNS = (
    "id",
    "signed_at",
    "lang",
    "content",
    "content_sha256",
    "pdf_filename",
    "pdf_sha256",
    "verify_token",
    "esign_provider",
    "esign_signer_name",
    "esign_issuer",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("rkt_planning.rkt_sop_dinkes_balangan", raise_if_not_found=False)
    if template and not template.copy_corrections and not template._is_used():
        template.write({"copy_corrections": DINKES_COPY_CORRECTIONS})
    _migrate_pk_signatures(cr, env)


def _migrate_pk_signatures(cr, env):
    if not (
        sql.column_exists(cr, "rkt_pk", "rkt_legacy_signature_id")
        and sql.table_exists(cr, "rkt_pk_signature")
    ):
        return
    cr.execute(
        "SELECT pk.id, {} FROM rkt_pk pk JOIN rkt_pk_signature old "
        "ON old.id = pk.rkt_legacy_signature_id".format(
            ", ".join(f"old.{column}" for column in LEGACY_COLUMNS)
        )
    )
    rows = cr.fetchall()
    # the superuser records the signatures and moves their files (only it may:
    # rkt.plan.signature and ir.attachment in this module)
    Attachment = env["ir.attachment"]
    for pk_id, *values in rows:
        old = dict(zip(LEGACY_COLUMNS, values))
        pk = env["rkt.pk"].browse(pk_id)
        signature = env["rkt.plan.signature"].create(
            {
                "name": pk.name,
                "pk_id": pk.id,
                "signer_user_id": pk.first_signed_user_id.id,
                "signer_employee_id": pk.first_signer_employee_id.id,
                "official_employee_id": pk.first_employee_id.id,
                "signed_date": pk.first_signed_date,
                "signed_at": old["signed_at"],
                "cosigned_at": old["signed_at"],
                "lang": old["lang"],
                "content": old["content"],
                "content_sha256": old["content_sha256"],
                "pdf_filename": old["pdf_filename"],
                "pdf_sha256": old["pdf_sha256"],
                "verify_token": old["verify_token"],
                "esign_provider": old["esign_provider"] or "none",
                # the old record's electronic signature was the second party's
                "cosign_signer_name": old["esign_signer_name"],
                "cosign_issuer": old["esign_issuer"],
            }
        )
        Attachment.search(
            [
                ("res_model", "=", "rkt.pk.signature"),
                ("res_field", "=", "pdf_file"),
                ("res_id", "=", old["id"]),
            ]
        ).write({"res_model": "rkt.plan.signature", "res_id": signature.id})
        pk._engine_write({"signature_id": signature.id})
    cr.execute("ALTER TABLE rkt_pk DROP COLUMN rkt_legacy_signature_id")
    _logger.info("Moved %s Perjanjian Kinerja signature(s) to rkt.plan.signature", len(rows))
