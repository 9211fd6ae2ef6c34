from markupsafe import Markup

from odoo import api, models

from .rkt_sop_step import DIVISION_KINDS


class RktPlanActivityMixin(models.AbstractModel):
    """The activities of the executors of a plan's current step."""

    _name = "rkt.plan.activity.mixin"
    _description = "RKT Step Activities"

    # ------------------------------------------------------------------
    # Business methods: activities and deadlines
    # ------------------------------------------------------------------

    def _get_step_activity_type(self, step):
        return self.env.ref(
            {
                "decision": "rkt_planning.mail_act_rkt_decide",
                "sign": "rkt_planning.mail_act_rkt_sign",
            }.get(step.kind, "rkt_planning.mail_act_rkt_step")
        )

    def _get_step_executor_roles(self, step):
        """Roles that act on the plan itself at ``step`` (division heads act on forms)."""
        roles = step.get_roles()
        if step.kind in DIVISION_KINDS:
            roles = roles - {"division_head"}
        return roles

    def _get_role_users(self, roles, delegations=None):
        """The users who act for ``roles`` today: the officials, or their acting
        official (Plt./Plh.) while a delegation is in force."""
        self.ensure_one()
        holders = self._get_role_holders()
        employees = self.env["hr.employee"].union(
            *(holders[role] for role in roles if role in holders)
        )
        return self.env["rkt.delegation"]._get_acting_users(
            employees, delegations=delegations
        )

    def _deadline_date(self, deadline):
        """The date, in the agency's time zone, of a UTC deadline (today there when
        there is none)."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        return calendar._rkt_local_date(deadline) if deadline else calendar._rkt_today()

    def _activity_update(self):
        """Schedule the activities of the current step, one per executor, never twice.

        Division heads get theirs on their division forms (see rkt.plan.form).
        """
        vals_list = []
        for plan in self:
            step = plan.step_id
            if plan.state not in ("in_progress", "signed") or not step:
                continue
            act_type = plan._get_step_activity_type(step)
            existing = plan.activity_ids.filtered(
                lambda a, s=step, p=plan: a.rkt_step_id == s and a.rkt_round == p.round
            ).user_id
            users = plan._get_role_users(plan._get_step_executor_roles(step))
            for user in users - existing:
                vals_list.append(
                    plan._prepare_activity_vals(act_type, user, step, plan.step_deadline)
                )
        # sudo: the engine schedules the activities of the next step's executors
        # once the transition that leads there was checked; an activity for
        # someone else makes them follow the plan, which needs write access the
        # acting user (e.g. the division head whose submission closed the fill
        # step) may not have.
        return self.env["mail.activity"].sudo().create(vals_list).with_env(self.env)

    def _prepare_activity_vals(self, act_type, user, step, deadline, record=None):
        self.ensure_one()
        record = record or self
        # the step's texts are escaped: an SOP's wording is data, not HTML
        note = Markup("<p>%s</p><p>%s<br/>%s</p>") % (
            self.env._(
                "Step %(number)s of %(plan)s: %(step)s",
                number=step.number,
                plan=self.name,
                step=step.name,
            ),
            self.env._("Needs: %(requirement)s", requirement=step.requirement or "-"),
            self.env._("Produces: %(output)s", output=step.output or "-"),
        )
        return {
            "activity_type_id": act_type.id,
            "automated": True,
            "user_id": user.id,
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
            "date_deadline": self._deadline_date(deadline),
            "summary": f"{self.name}: {step.name}"[:250],
            "note": note,
            "rkt_step_id": step.id,
            "rkt_round": self.round,
        }

    def _activity_done(self, feedback):
        """Mark done the open activities of the current step and round, for everyone
        concerned: the executors' and the escalations of the late step, on the plan
        and on its division forms."""
        for plan in self:
            activities = (plan.activity_ids | plan.form_ids.activity_ids).filtered(
                lambda a, p=plan: a.rkt_step_id == p.step_id and a.rkt_round == p.round
            )
            if activities:
                activities.action_feedback(feedback=feedback)

    def _activity_cancel(self, keep_steps=None):
        """Cancel the open RKT activities of the plan and its forms (the executors'
        and the escalations), except those of ``keep_steps``."""
        keep_steps = keep_steps or self.env["rkt.sop.step"]
        activities = (self.activity_ids | self.form_ids.activity_ids).filtered(
            lambda a: a.rkt_step_id and a.rkt_step_id not in keep_steps
        )
        activities.unlink()

    @api.model
    def _cron_deadline_alerts(self):
        """Daily scheduled action: remind and escalate late steps and division forms
        (see ``rkt.deadline.job``)."""
        self.env["rkt.deadline.job"]._run()
