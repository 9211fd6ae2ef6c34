from odoo import api, models
from odoo.osv import expression

from .rkt_renstra import RENSTRA_YEARS


class RktRenstraPartMixin(models.AbstractModel):
    """What the parts of a Renstra share (goal, objective, indicator, programme):
    the agency of their Renstra, the freeze of a used version, and a search by code
    within one Renstra.

    Odoo's import finds a parent (``goal_id``, ``objective_id``, ``parent_id``...)
    by its code or name; from a Renstra's lists (context ``rkt_renstra_id``) only
    that version's records match, so that the codes repeated in every version stay
    unambiguous.
    """

    _name = "rkt.renstra.part.mixin"
    _description = "Part of a Renstra"
    _check_company_auto = True

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.renstra_id._check_not_in_use()
        return records

    def write(self, vals):
        self.renstra_id._check_not_in_use()
        result = super().write(vals)
        self.renstra_id._check_not_in_use()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self.renstra_id._check_not_in_use()

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        renstra_id = self.env.context.get("rkt_renstra_id")
        if isinstance(renstra_id, int):
            domain = expression.AND([domain, [("renstra_id", "=", renstra_id)]])
        return domain

    @api.depends("code", "name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = " ".join(part for part in (record.code, record.name) if part)

    @api.model
    def _year_fields(self, prefix):
        return [f"{prefix}_y{index}" for index in range(1, RENSTRA_YEARS + 1)]

    def _get_year_value(self, prefix, year):
        """The value of ``{prefix}_y{n}`` for fiscal ``year`` of the Renstra period
        (False outside it)."""
        self.ensure_one()
        index = self.renstra_id._get_year_index(year)
        return self[f"{prefix}_y{index}"] if index else False
