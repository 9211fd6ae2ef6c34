"""Single-statement inserts for the rows the daily deadline job writes.

The ORM inserts 100 rows per statement (``INSERT_BATCH_SIZE``) and writes computed
columns back 100 rows at a time: a job that writes thousands of messages,
notifications, activities and followers would cost one more statement per 100 late
records.  The deadline job knows every value of those rows, so it inserts each kind
with one statement, whatever their number (README, "Performance").
"""

from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tools import SQL, clean_context


def insert_records(model, vals_list):
    """Create ``model`` records from ``vals_list`` with one ``INSERT``.

    ``vals_list``: dicts with the same keys, all of them stored column fields
    (scalars and many2one ids, in the ``create`` format).  Each row is completed as
    the ORM completes a creation: the log-access columns, and the defaults of every
    installed module for the stored fields not given (read once for all rows: a
    default that must differ per row is to be given).  Stored computed fields not
    given are left to the ORM, which computes them at the next flush.

    Not run: ``create()`` overrides and Python constraints (SQL constraints are).
    The caller passes what those would set, and invalidates the caches of the
    records the new rows belong to.

    :return: the new records, in the order of ``vals_list``
    """
    if not vals_list:
        return model.browse()
    # without the caller's default_* keys, which would be taken as defaults
    env = model.env(context=clean_context(model.env.context))
    model = model.with_env(env)
    names = list(vals_list[0])
    fields = model._fields
    for name in names:
        field = fields.get(name)
        if not (field and field.store and field.column_type) or name in LOG_ACCESS_COLUMNS:
            raise ValueError(f"{model._name}.{name} is not a column insert_records writes")
    missing = [
        name
        for name, field in fields.items()
        if field.store
        and field.column_type
        and not field.compute
        and name not in names
        and name != "id"
        and name not in LOG_ACCESS_COLUMNS
    ]
    defaults = {
        name: value
        for name, value in model.default_get(missing).items()
        if name in missing
    }
    columns = names + list(defaults)
    log_access = []
    if model._log_access:
        now = env.cr.now()
        log_access = [env.uid, now, env.uid, now]
    rows = []
    for vals in vals_list:
        values = dict(defaults, **vals)
        rows.append(
            tuple(
                [
                    fields[name].convert_to_column_insert(values[name], model, values)
                    for name in columns
                ]
                + log_access
            )
        )
    if model._log_access:
        columns += ["create_uid", "create_date", "write_uid", "write_date"]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) VALUES %s RETURNING id",
            SQL.identifier(model._table),
            SQL(", ").join(map(SQL.identifier, columns)),
            SQL(", ").join(rows),
        )
    )
    records = model.browse([row[0] for row in env.cr.fetchall()])
    for field in fields.values():
        if field.store and field.compute and field.name not in names:
            env.add_to_compute(field, records)
    return records


def insert_relation(model, field_name, pairs):
    """Link ``pairs`` of ``(record id, comodel id)`` through the many2many
    ``field_name`` of ``model`` with one ``INSERT`` (existing links kept)."""
    if not pairs:
        return
    field = model._fields[field_name]
    model.env.cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) VALUES %s ON CONFLICT DO NOTHING",
            SQL.identifier(field.relation),
            SQL.identifier(field.column1),
            SQL.identifier(field.column2),
            SQL(", ").join(sorted(set(pairs))),
        )
    )
