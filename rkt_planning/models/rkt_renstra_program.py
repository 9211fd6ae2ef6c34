import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The codes of the nomenclature of Permendagri 90/2019 (Kepmendagri 050-5889/2021):
# urusan (1 digit) . bidang (2) . program (2) [. kegiatan (1 . 2) [. sub-kegiatan (4)]]
CODE_PATTERNS = {
    "program": (re.compile(r"^\d\.\d{2}\.\d{2}$"), "1.02.02"),
    "activity": (re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}$"), "1.02.02.2.02"),
    "sub_activity": (re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$"), "1.02.02.2.02.0001"),
}
PARENT_LEVEL = {"program": None, "activity": "program", "sub_activity": "activity"}


class RktRenstraProgram(models.Model):
    """A programme, kegiatan or sub-kegiatan serving a strategic objective, coded
    after the Permendagri 90/2019 nomenclature, with its indicative budget (pagu
    indikatif) for each year of the period.  A kegiatan belongs to a programme, a
    sub-kegiatan to a kegiatan, and each code starts with its parent's."""

    _name = "rkt.renstra.program"
    _inherit = ["rkt.renstra.part.mixin"]
    _description = "Renstra Programme / Activity"
    _order = "renstra_id, code, id"
    _rec_names_search = ["code", "name"]
    _parent_store = True

    objective_id = fields.Many2one(
        "rkt.renstra.objective",
        string="Strategic Objective",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('renstra_id', '=', renstra_id)]",
    )
    renstra_id = fields.Many2one(
        related="objective_id.renstra_id", store=True, index=True, string="Renstra"
    )
    company_id = fields.Many2one(
        related="renstra_id.company_id", store=True, index=True, string="Agency"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    level = fields.Selection(
        [
            ("program", "Programme"),
            ("activity", "Activity (Kegiatan)"),
            ("sub_activity", "Sub-activity (Sub Kegiatan)"),
        ],
        required=True,
        default="program",
    )
    parent_id = fields.Many2one(
        "rkt.renstra.program",
        string="Parent",
        index=True,
        ondelete="cascade",
        domain="[('objective_id', '=', objective_id)]",
        help="The programme of a kegiatan, the kegiatan of a sub-kegiatan.",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("rkt.renstra.program", "parent_id", string="Children")
    code = fields.Char(
        required=True,
        help="Nomenclature code: programme 1.02.02, kegiatan 1.02.02.2.02, "
        "sub-kegiatan 1.02.02.2.02.0001.",
    )
    name = fields.Text(required=True)
    budget_y1 = fields.Monetary(string="Budget Year 1", currency_field="currency_id")
    budget_y2 = fields.Monetary(string="Budget Year 2", currency_field="currency_id")
    budget_y3 = fields.Monetary(string="Budget Year 3", currency_field="currency_id")
    budget_y4 = fields.Monetary(string="Budget Year 4", currency_field="currency_id")
    budget_y5 = fields.Monetary(string="Budget Year 5", currency_field="currency_id")

    @api.constrains("code", "level", "parent_id", "objective_id")
    def _check_code(self):
        levels = dict(self._fields["level"]._description_selection(self.env))
        for program in self:
            pattern, example = CODE_PATTERNS[program.level]
            code = (program.code or "").strip()
            if not pattern.match(code):
                raise ValidationError(
                    self.env._(
                        "The %(level)s code '%(code)s' does not follow the nomenclature of "
                        "Permendagri 90/2019: write it like %(example)s.",
                        level=levels[program.level],
                        code=code,
                        example=example,
                    )
                )
            parent = program.parent_id
            parent_level = PARENT_LEVEL[program.level]
            if bool(parent) != bool(parent_level) or (
                parent and parent.level != parent_level
            ):
                raise ValidationError(
                    self.env._(
                        "%(level)s %(code)s: an activity belongs to a programme and a "
                        "sub-activity to an activity; a programme has no parent.",
                        level=levels[program.level],
                        code=code,
                    )
                )
            if parent and not code.startswith(f"{parent.code}."):
                raise ValidationError(
                    self.env._(
                        "Code %(code)s must start with the code of its parent, %(parent)s.",
                        code=code,
                        parent=parent.code,
                    )
                )
            if parent and parent.objective_id != program.objective_id:
                raise ValidationError(
                    self.env._(
                        "%(code)s must serve the same strategic objective as its "
                        "parent %(parent)s.",
                        code=code,
                        parent=parent.code,
                    )
                )

    def _get_budget(self, year):
        """The indicative budget of fiscal ``year`` (0 outside the period)."""
        return self._get_year_value("budget", year) or 0.0

    def _get_line_values(self, year):
        """The programme / activity / sub-activity codes and names and the budget of
        an RKT line served by this node."""
        self.ensure_one()
        vals = {"budget": self._get_budget(year)}
        node = self
        prefixes = {"program": "program", "activity": "activity", "sub_activity": "sub_activity"}
        while node:
            prefix = prefixes[node.level]
            vals[f"{prefix}_code"] = node.code
            vals[f"{prefix}_name"] = node.name
            node = node.parent_id
        return vals
