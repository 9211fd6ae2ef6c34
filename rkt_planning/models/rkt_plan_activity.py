from datetime import datetime

from markupsafe import Markup

from werkzeug import urls

from odoo import api, models
from odoo.tools.misc import clean_context

from .report_rkt_plan import format_date_lang
from .rkt_sop_step import DIVISION_KINDS

# The page a decision notice's buttons open (controllers/rkt_planning.py).
DECISION_PATH = "/rkt/decide"


def get_decision_link(record, decision, step, round_):
    """The link of a notice's button that takes ``decision`` on ``record`` (a plan
    or a division form) at ``step`` of round ``round_``; signed with the database
    secret like Odoo's own mail action links (``mail.thread._encode_link``)."""
    params = {
        "model": record._name,
        "res_id": record.id,
        "decision": decision,
        "step": step.id,
        "round": round_,
    }
    params["token"] = record.env["mail.thread"]._encode_link(DECISION_PATH, params)
    return f"{record.get_base_url()}{DECISION_PATH}?{urls.url_encode(params, sort=True)}"


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

    def _rkt_format_date(self, value, lang=None):
        """``value`` written out for a message: ``4 Desember 2026``.

        :param value: a date, or a UTC datetime (a deadline), which is written as
            its date in the agency's time zone
        :param lang: the reader's language; default: the language of the context
            (the agency's, see ``_rkt_with_agency_lang``)
        """
        if isinstance(value, datetime):
            value = self._deadline_date(value)
        return format_date_lang(value, lang or self.env.lang)

    def _rkt_get_decision_actions(self):
        """The buttons of this plan's notices for its deciders: the secretary's
        'ya' / 'tidak' at a decision step (signing stays in the app)."""
        self.ensure_one()
        if self.state != "in_progress" or self.step_kind != "decision":
            return []
        return [
            {
                "url": get_decision_link(self, decision, self.step_id, self.round),
                "title": title,
            }
            for decision, title in (
                ("yes", self.env._("Accept (Ya)")),
                ("no", self.env._("Return (Tidak)")),
            )
        ]

    def _rkt_get_decider_users(self):
        """The users who take the decision of the current step."""
        self.ensure_one()
        return self._get_role_users(self._get_step_executor_roles(self.step_id))

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
        if record == self and step.kind == "decision":
            # decide from the notice (inbox, e-mail, the to-do itself)
            links = [
                Markup('<a href="%s" class="btn btn-primary">%s</a>')
                % (get_decision_link(self, decision, step, self.round), title)
                for decision, title in (
                    ("yes", self.env._("Accept (Ya)")),
                    ("no", self.env._("Return (Tidak)")),
                )
            ]
            note += Markup("<p>%s</p>") % Markup(" ").join(links)
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
                # _action_done: action_feedback refuses RKT steps' to-dos (see
                # mail.activity); the engine closes them once the step is taken.
                # sudo: the workflow's activities are the engine's (mail.activity
                # refuses them to users); the acting user stays the author of the
                # "done" notes
                engine_activities = activities.sudo()
                engine_activities.with_env(
                    engine_activities.env(context=clean_context(self.env.context))
                )._action_done(feedback=feedback)

    def _activity_cancel(self, keep_steps=None):
        """Cancel the open RKT activities of the plan and its forms (the executors'
        and the escalations), except those of ``keep_steps``."""
        keep_steps = keep_steps or self.env["rkt.sop.step"]
        activities = (self.activity_ids | self.form_ids.activity_ids).filtered(
            lambda a: a.rkt_step_id and a.rkt_step_id not in keep_steps
        )
        # sudo: the workflow's activities are the engine's (see mail.activity)
        activities.sudo().unlink()

    @api.model
    def _cron_deadline_alerts(self):
        """Daily scheduled action: remind and escalate late steps and division forms
        (see ``rkt.deadline.job``)."""
        self.env["rkt.deadline.job"]._run()
