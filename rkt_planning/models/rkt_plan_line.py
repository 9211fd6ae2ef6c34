import functools

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_amount


REQUIRED_LINE_FIELDS = ("indicator", "target", "uom")


class RktPlanLine(models.Model):
    """One row of the RKT: a strategic objective, its indicator and the year's target,
    with the programme / activity / sub-activity and budget that serve it."""

    _name = "rkt.plan.line"
    _inherit = ["rkt.engine.guard.mixin"]
    _description = "RKT Line"
    _order = "plan_id, form_sequence, form_id, sequence, id"
    _check_company_auto = True
    _rkt_engine_fields = ("is_compiled", "renstra_indicator_id", "renstra_budget_carried")
    # a line belongs to its form's plan by construction
    _rkt_create_only_fields = ("form_id",)

    form_id = fields.Many2one(
        "rkt.plan.form",
        string="Division Form",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    plan_id = fields.Many2one(
        related="form_id.plan_id", store=True, index=True, string="RKT"
    )
    department_id = fields.Many2one(
        related="form_id.department_id", store=True, index=True, string="Division"
    )
    form_sequence = fields.Integer(
        related="form_id.sequence", store=True, string="Division Order"
    )
    company_id = fields.Many2one(related="form_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="form_id.currency_id")
    year = fields.Integer(related="plan_id.year", store=True, string="Fiscal Year")
    sequence = fields.Integer(default=10)
    strategic_objective = fields.Char()
    indicator = fields.Text(string="Performance Indicator")
    target = fields.Char(help="The year's target as written, e.g. '≥ 80' or 'WTP'.")
    target_value = fields.Float(
        help="The target as a number, when it is one."
    )
    uom = fields.Char(string="Unit")
    program_code = fields.Char(string="Programme Code")
    program_name = fields.Char(string="Programme")
    activity_code = fields.Char()
    activity_name = fields.Char(string="Activity")
    sub_activity_code = fields.Char(string="Sub-activity Code")
    sub_activity_name = fields.Char(string="Sub-activity")
    budget = fields.Monetary(currency_field="currency_id")
    fund_source = fields.Char(string="Source of Funds")
    is_iku = fields.Boolean(
        string="IKU", help="The indicator is a key performance indicator (IKU)."
    )
    is_compiled = fields.Boolean(
        string="In Draft RKT",
        readonly=True,
        copy=False,
        help="The team compiled this line into the draft RKT.",
    )

    @api.constrains("budget", "target_value")
    def _check_amounts(self):
        for line in self:
            if line.budget < 0:
                raise ValidationError(
                    self.env._(
                        "The budget of line '%(indicator)s' cannot be negative.",
                        indicator=line.indicator or "",
                    )
                )
            if line.target_value < 0:
                raise ValidationError(
                    self.env._(
                        "The target value of line '%(indicator)s' cannot be negative.",
                        indicator=line.indicator or "",
                    )
                )

    @api.constrains(*REQUIRED_LINE_FIELDS)
    def _check_required_values(self):
        labels = {
            "indicator": self.env._("a performance indicator"),
            "target": self.env._("a target"),
            "uom": self.env._("a unit (Satuan)"),
        }
        for line in self:
            missing = [
                labels[name]
                for name in REQUIRED_LINE_FIELDS
                if not (line[name] or "").strip()
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "Each RKT line needs %(missing)s (line '%(line)s' of "
                        "%(division)s).",
                        missing=", ".join(missing),
                        line=line.indicator or line.strategic_objective or "-",
                        division=line.department_id.name or "-",
                    )
                )

    def _check_access(self, operation):
        """A refused change of lines says, in the addon's words, who may change
        them (instead of the record rules' generic message)."""
        result = super()._check_access(operation)
        if result and operation != "read":
            forbidden = result[0]
            return forbidden, functools.partial(self._rkt_make_access_error, forbidden)
        return result

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_can_edit()
        return lines

    def write(self, vals):
        self._check_can_edit()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_editable(self):
        self._check_can_edit()

    def _check_can_edit(self):
        """Refuse changes by anyone the current step does not entitle.

        A division head changes the lines of their own division while its form is
        open; the executors of a compile, process or correction step change any line
        of the plan.  Nothing changes once the plan is signed.
        """
        if self._is_engine():
            return
        # an edit and the submission (or return) of its form serialise: the edit
        # is decided on the form's state after the other one committed
        self.form_id._rkt_lock_rows()
        plans = self.plan_id
        plans._check_not_locked()
        acting = self.env["rkt.plan.form"]._get_user_division_officials()
        capacities = plans._get_user_capacities()
        editors = {
            plan.id
            for plan in plans
            if "edit_lines" in plan._get_allowed_actions(capacities.get(plan.id, {}))
        }
        for line in self:
            form = line.form_id
            if line.plan_id.id in editors:
                continue
            if form.is_open and form.head_employee_id in acting:
                continue
            raise UserError(
                self.env._(
                    "You may not change the lines of %(division)s in RKT %(plan)s "
                    "now: a division head changes their own division's lines while "
                    "its form is open, and the team, planning head or secretary only "
                    "at the steps they execute.",
                    division=form.department_id.name,
                    plan=line.plan_id.name,
                )
            )

    def _rkt_make_access_error(self, forbidden):
        # sudo: the names of the divisions refused, in the user's own agencies only
        divisions = (
            forbidden.sudo()
            .filtered(lambda line: line.company_id in self.env.companies)
            .form_id.department_id
        )
        return AccessError(
            self.env._(
                "You may not change these RKT lines (%(divisions)s). A division head "
                "changes only the lines of their own division, while its form is "
                "open; the team, the planning head and the secretary change lines at "
                "the steps they execute.",
                divisions=", ".join(divisions.mapped("name")) or "-",
            )
        )

    @api.model
    def _get_stats_by(self, field_name, records):
        """``{record: (number of lines, total budget)}`` of ``records``, the plans
        or division forms the lines belong to through ``field_name``."""
        return {
            record: (count, budget)
            for record, count, budget in self._read_group(
                [(field_name, "in", records.ids)], [field_name], ["__count", "budget:sum"]
            )
        }

    # ------------------------------------------------------------------
    # Renstra: the line drawn from an indicator, and its deviations
    # ------------------------------------------------------------------

    renstra_indicator_id = fields.Many2one(
        "rkt.renstra.indicator",
        string="Renstra Indicator",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The Renstra indicator this line was drawn from when the division forms "
        "opened (set by the RKT, not by hand).",
    )
    renstra_budget_carried = fields.Boolean(
        string="Carries the Renstra Budget",
        default=True,
        readonly=True,
        help="The line carries the Renstra's indicative budget of the programme or "
        "activity of its indicator. When several indicators are linked to the same "
        "programme or activity, only the first line drawn from it carries its "
        "budget; the others carry none (0), so that the budget is counted once.",
    )
    renstra_target = fields.Char(
        compute="_compute_renstra_values",
        help="The Renstra's target of this fiscal year for the linked indicator.",
    )
    renstra_budget = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_renstra_values",
        help="The Renstra's indicative budget of this fiscal year for the programme "
        "or activity of the linked indicator, as this line carries it (0 when "
        "another line of the RKT carries it).",
    )
    is_renstra_deviation = fields.Boolean(
        string="Departs from Renstra",
        compute="_compute_renstra_values",
        help="The target or the budget differs from the Renstra's for this year.",
    )
    is_renstra_unlinked = fields.Boolean(
        string="Not in Renstra",
        compute="_compute_is_renstra_unlinked",
        store=True,
        help="The line is not drawn from an indicator of the Renstra.",
    )
    deviation_reason = fields.Text(
        string="Reason for Deviation",
        help="Why the target or the budget departs from the Renstra. Required when "
        "they differ; shown to the secretary at correction, never printed.",
    )

    @api.depends("renstra_indicator_id")
    def _compute_is_renstra_unlinked(self):
        for line in self:
            line.is_renstra_unlinked = not line.renstra_indicator_id

    @api.depends(
        "renstra_indicator_id", "renstra_budget_carried", "year", "target", "budget"
    )
    def _compute_renstra_values(self):
        for line in self:
            indicator = line.renstra_indicator_id.sudo()
            if not indicator:
                line.renstra_target = False
                line.renstra_budget = 0.0
                line.is_renstra_deviation = False
                continue
            line.renstra_target = indicator._get_target(line.year) or False
            line.renstra_budget = line._get_renstra_budget()
            line.is_renstra_deviation = line._departs_from_renstra()

    def _get_renstra_budget(self):
        """The indicative budget of the year this line carries: its node's, unless
        another line of the RKT drawn from the same node carries it."""
        self.ensure_one()
        node = self.renstra_indicator_id.sudo().program_id
        if not node or not self.renstra_budget_carried:
            return 0.0
        return node._get_budget(self.year)

    def _departs_from_renstra(self):
        self.ensure_one()
        indicator = self.renstra_indicator_id.sudo()
        if not indicator:
            return False
        target = (indicator._get_target(self.year) or "").strip()
        if (self.target or "").strip() != target:
            return True
        if not indicator.program_id:
            return False  # no indicative budget in the Renstra to depart from
        currency = self.currency_id or self.env.company.currency_id
        return bool(currency.compare_amounts(self.budget, self._get_renstra_budget()))

    @api.constrains(
        "target", "budget", "deviation_reason", "renstra_indicator_id", "renstra_budget_carried"
    )
    def _check_renstra_deviation(self):
        for line in self:
            if line._departs_from_renstra() and not (line.deviation_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Line '%(indicator)s' of %(division)s departs from the Renstra "
                        "(target %(target)s, budget %(budget)s for %(year)s): give the "
                        "reason for the deviation.",
                        indicator=line.indicator or "",
                        division=line.department_id.name or "-",
                        target=line.renstra_target or "-",
                        budget=format_amount(
                            self.env, line.renstra_budget, line.currency_id
                        ) if line.currency_id else line.renstra_budget,
                        year=line.year,
                    )
                )

    @api.constrains("renstra_indicator_id", "form_id")
    def _check_renstra_indicator(self):
        for line in self.filtered("renstra_indicator_id"):
            if line.renstra_indicator_id.sudo().renstra_id != line.plan_id.renstra_id:
                raise ValidationError(
                    self.env._(
                        "Line '%(indicator)s' may only be linked to an indicator of "
                        "the Renstra of RKT %(plan)s.",
                        indicator=line.indicator or "",
                        plan=line.plan_id.name,
                    )
                )

    @api.model
    def _prepare_renstra_line_vals(self, form, indicator, year, carries_budget=True):
        """The values of ``form``'s line drawn from Renstra ``indicator`` for
        fiscal ``year``; with the budget of the indicator's programme node when
        the line ``carries_budget``, else 0 (another line carries it)."""
        target = indicator._get_target(year) or ""
        number = target.lstrip("≤≥<>= ").replace(",", ".")
        try:
            target_value = max(float(number), 0.0)
        except ValueError:
            target_value = 0.0
        vals = {
            "form_id": form.id,
            "renstra_indicator_id": indicator.id,
            "sequence": indicator.sequence,
            "strategic_objective": indicator.objective_id.name,
            "indicator": indicator.name,
            "target": target,
            "target_value": target_value,
            "uom": indicator.uom,
            "is_iku": indicator.is_iku,
        }
        if indicator.program_id:
            vals.update(indicator.program_id._get_line_values(year))
            if not carries_budget:
                vals.update(budget=0.0, renstra_budget_carried=False)
        return vals
