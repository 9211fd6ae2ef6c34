from odoo import api, fields, models
from odoo.exceptions import UserError


class RktPlanPkMixin(models.AbstractModel):
    """The Perjanjian Kinerja of a signed RKT: its DPA date and the PKs drafted
    from it (see ``rkt.pk``)."""

    _name = "rkt.plan.pk.mixin"
    _description = "RKT Perjanjian Kinerja"

    dpa_date = fields.Date(
        string="DPA Date",
        readonly=True,
        copy=False,
        help="The date the budget document (DPA) was approved: the Perjanjian "
        "Kinerja are drafted then, and are due one month later.",
    )
    pk_ids = fields.One2many("rkt.pk", "plan_id", string="Perjanjian Kinerja")
    pk_count = fields.Integer(string="Number of PKs", compute="_compute_pk_count")
    user_can_set_dpa_date = fields.Boolean(compute="_compute_user_can_set_dpa_date")

    # ------------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------------

    @api.depends("pk_ids")
    def _compute_pk_count(self):
        for plan in self:
            plan.pk_count = len(plan.pk_ids)

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_user_can_set_dpa_date(self):
        for plan in self:
            plan.user_can_set_dpa_date = plan._get_dpa_date_refusal() is None

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_dpa_dialog(self):
        self.ensure_one()
        self._check_can_set_dpa_date()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("DPA Date"),
            "res_model": "rkt.plan.dpa",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_plan_id": self.id,
                "default_dpa_date": self.dpa_date,
            },
        }

    def action_view_pks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rkt_planning.rkt_pk_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def set_dpa_date(self, dpa_date):
        """Enter the DPA date of a signed RKT and draft its Perjanjian Kinerja."""
        self._check_can_set_dpa_date()
        dpa_date = fields.Date.to_date(dpa_date)
        if not dpa_date:
            raise UserError(self.env._("Enter the DPA date."))
        self._engine_write({"dpa_date": dpa_date})
        return self.env["rkt.pk"]._draft_for_plans(self)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _check_can_set_dpa_date(self):
        for plan in self:
            message = plan._get_dpa_date_refusal()
            if message is not None:
                raise UserError(message)

    def _get_dpa_date_refusal(self):
        """``None`` when the current user may enter the DPA date: an RKT manager
        or the plan's planning head, once the RKT is signed and before its PKs are
        drafted (the PKs' deadline follows from it)."""
        self.ensure_one()
        if self.state not in ("signed", "archived"):
            return self.env._(
                "The DPA date of RKT %(plan)s is entered once the RKT is signed.",
                plan=self.name,
            )
        if self.pk_ids:
            return self.env._(
                "The Perjanjian Kinerja of RKT %(plan)s are drafted already: its DPA "
                "date no longer changes.",
                plan=self.name,
            )
        user = self.env.user
        if user.has_group("rkt_planning.group_rkt_manager"):
            return None
        if user.has_group("rkt_planning.group_rkt_planner") and (
            self.planner_employee_id
            in self.env["rkt.delegation"]._get_acting_employees(user)
        ):
            return None
        return self.env._(
            "Only an RKT manager or the planning head enters the DPA date of RKT "
            "%(plan)s.",
            plan=self.name,
        )
