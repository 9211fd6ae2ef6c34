from odoo import api, models
from odoo.tools import SQL
from odoo.exceptions import UserError

# Only the workflow engine of this module may write the fields guarded below.  It
# does so with this object in its context, which no RPC call can forge (a context
# sent over the network is JSON, and this is no JSON value).
ENGINE_TOKEN = object()


class RktEngineGuardMixin(models.AbstractModel):
    """What only the workflow engine writes, refused to everyone else.

    Guarded on ``create``, ``write`` (and so on import, which goes through them) and
    ``copy``:

    * the fields a model lists in ``_rkt_engine_fields`` (state, step, deadlines...);
    * every stored computed or related field that is not meant to be edited
      (``readonly``), e.g. a line's plan, a form's ``is_open`` or a plan's
      ``step_kind``: the ORM recomputes them without going through ``write``;
    * after creation, the fields a model lists in ``_rkt_create_only_fields`` (e.g.
      the form a line belongs to).

    The engine writes them through ``_engine()`` / ``_engine_write()``.  The
    superuser (``sudo()``, an administrator's shell) is not refused.
    """

    _name = "rkt.engine.guard.mixin"
    _description = "RKT Engine-Written Fields"

    # Fields only the engine writes, besides the read-only stored computed ones.
    _rkt_engine_fields = ()
    # Fields set when the record is created and never changed afterwards.
    _rkt_create_only_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_engine():
            guarded = self._get_engine_fields()
            for vals in vals_list:
                self._check_engine_fields(guarded & vals.keys())
        return super().create(vals_list)

    def write(self, vals):
        if not self._is_engine():
            guarded = self._get_engine_fields() | set(self._rkt_create_only_fields)
            self._check_engine_fields(guarded & vals.keys())
        return super().write(vals)

    def copy_data(self, default=None):
        default = dict(default or {})
        if not self._is_engine():
            self._check_engine_fields(self._get_engine_fields() & default.keys())
        vals_list = super().copy_data(default=default)
        # what the engine wrote is not copied: a copy starts where a new record does
        guarded = self._get_engine_fields() - default.keys()
        return [
            {key: value for key, value in vals.items() if key not in guarded}
            for vals in vals_list
        ]

    @api.model
    def _get_engine_fields(self):
        """Names of the fields only the engine writes on this model."""
        cls = type(self)
        cached = cls.__dict__.get("_rkt_engine_field_cache")
        if cached is None:
            cached = frozenset(self._rkt_engine_fields) | frozenset(
                name
                for name, field in self._fields.items()
                if field.store and (field.compute or field.related) and field.readonly
            )
            cls._rkt_engine_field_cache = cached
        return cached

    def _check_engine_fields(self, names):
        if names:
            raise UserError(self._get_engine_field_message(names))

    def _get_engine_field_message(self, names):
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )
        return self.env._(
            "%(fields)s of %(model)s change only through the workflow of the RKT.",
            fields=labels,
            model=self._description,
        )

    def _rkt_lock_rows(self):
        """Serialise what depends on these rows' state with a no-op ``UPDATE``
        (in id order, so that two transactions never wait for each other).

        Odoo's transactions read a snapshot (REPEATABLE READ): a lock alone would
        let a second transaction decide on what it read before the first one
        committed.  Updating the rows makes the second one wait, then fail with a
        serialization error that Odoo's RPC layer retries in a new transaction,
        which sees the first one's work.
        """
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET write_date = write_date WHERE id IN "
                "(SELECT id FROM %(table)s WHERE id IN %(ids)s ORDER BY id FOR UPDATE)",
                table=SQL.identifier(self._table),
                ids=tuple(self.ids),
            )
        )

    def _is_engine(self):
        return self.env.su or self.env.context.get("rkt_planning_engine") is ENGINE_TOKEN

    def _engine(self):
        return self.with_context(rkt_planning_engine=ENGINE_TOKEN)

    def _engine_write(self, vals):
        """Write what only the engine writes, once the caller's right to the
        transition that causes it has been checked.

        sudo: the write follows the transition, not the user's access rights (a
        division head whose submission closes the fill step may not write the plan
        himself); ``write_uid`` stays the user who acted.
        """
        return self.sudo()._engine().write(vals)
