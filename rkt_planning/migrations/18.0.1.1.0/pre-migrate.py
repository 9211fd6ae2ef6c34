"""18.0.1.1.0: the signature of a Perjanjian Kinerja is an ``rkt.plan.signature``,
as the RKT's; the model ``rkt.pk.signature`` is gone.

Before the module loads, the PKs' link to their old signature record is put out
of the ORM's way (the column would be given a foreign key to the new model's table
while it still holds the old ids); ``post-migrate`` moves the records."""

from odoo.tools import sql


def migrate(cr, version):
    if not version:
        return
    if sql.column_exists(cr, "rkt_pk", "signature_id") and sql.table_exists(
        cr, "rkt_pk_signature"
    ):
        sql.rename_column(cr, "rkt_pk", "signature_id", "rkt_legacy_signature_id")
