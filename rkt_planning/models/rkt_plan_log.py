from odoo import api, fields, models
from odoo.exceptions import UserError

DECISIONS = [
    ("done", "Done"),
    ("yes", "Ya (Accepted)"),
    ("no", "Tidak (Returned)"),
    ("auto", "Automatic"),
    ("closed", "Closed Early"),
    ("cancelled", "Cancelled"),
]


class RktPlanLog(models.Model):
    """The record the SOP calls *Pencatatan*: one row per step entered, per round.

    Users read it; only the workflow engine writes it, and nobody deletes it.
    """

    _name = "rkt.plan.log"
    _inherit = ["rkt.alert.mixin"]
    _description = "RKT Step Log"
    _order = "plan_id, date_start, id"

    plan_id = fields.Many2one(
        "rkt.plan", string="RKT", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sop_id = fields.Many2one(related="plan_id.sop_id", store=True, string="SOP")
    step_id = fields.Many2one("rkt.sop.step", string="Step", required=True, index=True)
    step_sequence = fields.Integer(
        related="step_id.sequence", store=True, string="Step Order", aggregator=False
    )
    round = fields.Integer(required=True, default=1)
    user_id = fields.Many2one("res.users", string="Acted By")
    employee_id = fields.Many2one(
        "hr.employee", string="On Behalf Of", help="The official whose role was used."
    )
    acting_capacity = fields.Selection(
        [("plt", "Plt."), ("plh", "Plh.")],
        string="Acting As",
        help="Set when an acting official acted for the official.",
    )
    date_start = fields.Datetime(string="Started", required=True)
    date_deadline = fields.Datetime(string="Deadline")
    date_end = fields.Datetime(string="Ended", index=True)
    is_late = fields.Boolean(
        string="Late", compute="_compute_is_late", store=True, aggregator="bool_or"
    )
    decision = fields.Selection(DECISIONS)
    reason = fields.Text()
    note = fields.Text(string="Output")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "rkt_plan_log_attachment_rel",
        "log_id",
        "attachment_id",
        string="Output Documents",
    )
    days_allowed = fields.Integer(
        related="step_id.duration", store=True, string="Days Allowed", aggregator="avg"
    )
    days_taken = fields.Float(
        string="Working Days Taken", readonly=True, aggregator="sum"
    )

    @api.depends("date_end", "date_deadline")
    def _compute_is_late(self):
        for log in self:
            log.is_late = bool(
                log.date_end and log.date_deadline and log.date_end > log.date_deadline
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The RKT log cannot be deleted."))

    def _check_engine(self):
        if not self.env.su:
            raise UserError(self.env._("The RKT log is written by the workflow only."))

    @api.model
    def _open(self, plan, step, date_start, date_deadline):
        # sudo: users only read the log; the engine appends to it (after its own
        # access check on the transition that caused it).
        return self.sudo().create(
            {
                "plan_id": plan.id,
                "step_id": step.id,
                "round": plan.round,
                "date_start": date_start,
                "date_deadline": date_deadline,
            }
        )

    def _close_open(self, decision, note, reason, attachments, capacity):
        now = fields.Datetime.now()
        for log in self.filtered(lambda entry: not entry.date_end):
            # the working days on the agency's calendar (SOP compliance report)
            days = log.plan_id.company_id.resource_calendar_id._rkt_working_days_taken(
                log.date_start, now
            )
            # sudo: see _open.
            log.sudo().write(
                {
                    "date_end": now,
                    "user_id": self.env.user.id,
                    "employee_id": capacity["employee"].id,
                    "acting_capacity": capacity["kind"] or False,
                    "decision": decision,
                    "note": note or False,
                    "reason": reason or False,
                    "attachment_ids": [(6, 0, attachments.ids)] if attachments else [],
                    "days_taken": days,
                }
            )
