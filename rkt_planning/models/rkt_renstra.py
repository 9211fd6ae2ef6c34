from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Put in the context by ``action_revise`` to archive the old version, which a plan
# may use.  No RPC call can forge it: a context sent over the network is JSON, and
# this is no JSON value.
RENSTRA_REVISION_TOKEN = object()

# The number of fiscal years of a Renstra period (year_start .. year_start + 4).
RENSTRA_YEARS = 5


class RktRenstra(models.Model):
    """The Renstra (Rencana Strategis) of an agency: its five-year strategic plan.

    Tujuan (``rkt.renstra.goal``) → sasaran strategis (``rkt.renstra.objective``) →
    indikator kinerja (``rkt.renstra.indicator``, a target per year of the period,
    owned by a division), with the programmes, kegiatan and sub-kegiatan that serve
    each sasaran (``rkt.renstra.program``, an indicative budget per year).

    An RKT of a year within the period takes the agency's active Renstra
    (``rkt.plan.renstra_id``): when the division forms open, each division's form is
    pre-filled with the indicators it owns, for that year.  A version used by a
    plan that has started is frozen whole (the Renstra and every part of it);
    ``action_revise`` makes the next version to edit and archives this one, the
    plans keep theirs.
    """

    _name = "rkt.renstra"
    _description = "Renstra (Strategic Plan)"
    _order = "company_id, year_start desc, version desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company",
        string="Agency",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year_start = fields.Integer(
        string="First Year",
        required=True,
        help="The first fiscal year of the five-year period.",
    )
    year_end = fields.Integer(
        string="Last Year", compute="_compute_year_end", store=True
    )
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    active = fields.Boolean(default=True)
    legal_basis = fields.Char(
        help="The regulation that adopts the Renstra, e.g. 'Peraturan Bupati ...'."
    )
    root_id = fields.Many2one(
        "rkt.renstra", string="First Version", readonly=True, copy=False, index=True
    )
    previous_version_id = fields.Many2one(
        "rkt.renstra", string="Previous Version", readonly=True, copy=False
    )
    goal_ids = fields.One2many("rkt.renstra.goal", "renstra_id", string="Goals")
    objective_ids = fields.One2many(
        "rkt.renstra.objective", "renstra_id", string="Strategic Objectives"
    )
    indicator_ids = fields.One2many(
        "rkt.renstra.indicator", "renstra_id", string="Performance Indicators"
    )
    program_ids = fields.One2many(
        "rkt.renstra.program", "renstra_id", string="Programmes and Activities"
    )
    plan_count = fields.Integer(string="RKTs", compute="_compute_plan_count")
    is_used = fields.Boolean(
        string="Used by an RKT",
        compute="_compute_plan_count",
        help="An RKT that has started draws from this version: it is frozen; revise "
        "it to change it.",
    )

    @api.depends("year_start")
    def _compute_year_end(self):
        for renstra in self:
            renstra.year_end = renstra.year_start + RENSTRA_YEARS - 1 if renstra.year_start else 0

    def _compute_plan_count(self):
        # sudo: only the existence and number of the plans are disclosed
        Plan = self.env["rkt.plan"].sudo()
        counts = dict(Plan._read_group([("renstra_id", "in", self.ids)], ["renstra_id"], ["__count"]))
        used = {
            renstra.id
            for [renstra] in Plan._read_group(
                [("renstra_id", "in", self.ids), ("state", "!=", "draft")], ["renstra_id"]
            )
        }
        for renstra in self:
            renstra.plan_count = counts.get(renstra.sudo(), 0)
            renstra.is_used = renstra.id in used

    @api.constrains("year_start")
    def _check_year_start(self):
        for renstra in self:
            if not 2000 <= renstra.year_start <= 2100:
                raise ValidationError(
                    self.env._(
                        "The first year of Renstra '%(renstra)s' must be a fiscal year "
                        "such as 2025.",
                        renstra=renstra.name,
                    )
                )

    @api.constrains("company_id", "year_start", "active")
    def _check_overlap(self):
        for renstra in self.filtered("active"):
            other = self.search(
                [
                    ("id", "!=", renstra.id),
                    ("company_id", "=", renstra.company_id.id),
                    ("year_start", "<=", renstra.year_end),
                    ("year_end", ">=", renstra.year_start),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Agency %(agency)s already has an active Renstra for "
                        "%(start)s-%(end)s (%(other)s): archive it, or revise it.",
                        agency=renstra.company_id.name,
                        start=other.year_start,
                        end=other.year_end,
                        other=other.name,
                    )
                )

    @api.depends("name", "year_start", "year_end", "version")
    def _compute_display_name(self):
        for renstra in self:
            renstra.display_name = self.env._(
                "%(name)s %(start)s-%(end)s (v%(version)s)",
                name=renstra.name or "",
                start=renstra.year_start,
                end=renstra.year_end,
                version=renstra.version,
            )

    @api.model_create_multi
    def create(self, vals_list):
        renstras = super().create(vals_list)
        for renstra in renstras.filtered(lambda r: not r.root_id):
            renstra.root_id = renstra
        return renstras

    def write(self, vals):
        frozen = set(vals) - {"root_id"}
        if self.env.context.get("rkt_renstra_revision") is RENSTRA_REVISION_TOKEN:
            frozen -= {"active"}
        if frozen:
            self._check_not_in_use()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._check_not_in_use()
        if self.env["rkt.plan"].sudo().search_count([("renstra_id", "in", self.ids)], limit=1):
            raise UserError(
                self.env._("This Renstra is named on an RKT: archive it instead.")
            )

    def _check_not_in_use(self):
        """Refuse to change a version an RKT that has started draws from."""
        for renstra in self:
            if renstra.is_used:
                raise UserError(
                    self.env._(
                        "Renstra '%(renstra)s' (version %(version)s) is used by an RKT: "
                        "it is frozen with its goals, objectives, indicators and "
                        "programmes. Use 'Revise' to create a new version and change "
                        "that one.",
                        renstra=renstra.name,
                        version=renstra.version,
                    )
                )

    def _get_year_index(self, year):
        """1..5: the position of fiscal ``year`` in the period, 0 outside it."""
        self.ensure_one()
        index = year - self.year_start + 1
        return index if 1 <= index <= RENSTRA_YEARS else 0

    @api.model
    def _find_for_year(self, company, year):
        """The agency's active Renstra whose period covers fiscal ``year``."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("year_start", "<=", year),
                ("year_end", ">=", year),
            ],
            order="version desc, id desc",
            limit=1,
        )

    def action_revise(self):
        """Create the next version of this Renstra, with a copy of its whole tree,
        and archive this one; the plans keep the version they drew from."""
        self.ensure_one()
        if not self.active:
            raise UserError(
                self.env._("Only the current version of a Renstra can be revised.")
            )
        self.with_context(rkt_renstra_revision=RENSTRA_REVISION_TOKEN).active = False
        new = self.copy(
            {
                "version": self.version + 1,
                "active": True,
                "root_id": self.root_id.id or self.id,
                "previous_version_id": self.id,
            }
        )
        goals = {goal: goal.copy({"renstra_id": new.id}) for goal in self.goal_ids}
        objectives = {
            objective: objective.copy({"goal_id": goals[objective.goal_id].id})
            for objective in self.objective_ids
        }
        programs = {}
        # parents first: a programme before its kegiatan, a kegiatan before its
        # sub-kegiatan
        for program in self.program_ids.sorted(lambda p: (len(p.code or ""), p.id)):
            programs[program] = program.copy(
                {
                    "objective_id": objectives[program.objective_id].id,
                    "parent_id": programs[program.parent_id].id if program.parent_id else False,
                }
            )
        for indicator in self.indicator_ids:
            indicator.copy(
                {
                    "objective_id": objectives[indicator.objective_id].id,
                    "program_id": programs[indicator.program_id].id
                    if indicator.program_id
                    else False,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "rkt.renstra",
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rkt_planning.rkt_plan_action")
        action["domain"] = [("renstra_id", "=", self.id)]
        action["context"] = {}
        return action

    def _get_part_action(self, model, name):
        """The list of one part of this Renstra (indicators, programmes...), from
        which Odoo's standard import adds rows to this version."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("renstra_id", "=", self.id)],
            "context": {"default_renstra_id": self.id, "rkt_renstra_id": self.id},
        }

    def action_view_goals(self):
        return self._get_part_action("rkt.renstra.goal", self.env._("Goals"))

    def action_view_indicators(self):
        return self._get_part_action("rkt.renstra.indicator", self.env._("Indicators"))

    def action_view_programs(self):
        return self._get_part_action("rkt.renstra.program", self.env._("Programmes"))

    def action_view_objectives(self):
        return self._get_part_action("rkt.renstra.objective", self.env._("Strategic Objectives"))
