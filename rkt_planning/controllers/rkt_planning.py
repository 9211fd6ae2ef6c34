from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import formatLang

from odoo.addons.mail.controllers.mail import MailController

from ..models.rkt_plan_activity import DECISION_PATH

# The decisions a notice's buttons lead to, per model: the method that takes it and
# whether it needs a reason.  Signing is not among them: it stays in the app.
DECISIONS = {
    "rkt.plan": {
        "yes": ("action_approve", False),
        "no": ("return_to_step", True),
    },
    "rkt.plan.form": {
        "accept": ("action_accept_form", False),
        "return": ("return_form", True),
    },
}


class RktPlanningController(http.Controller):
    """The buttons of a decision's notice (e-mail, inbox): after login they open a
    page that takes that decision on that record, under the same server checks as
    the app's buttons (``_check_can``, ``_check_can_review``).  The link carries the
    step and round it was made for: once the plan has moved on, it says so.

    GET shows the decision and never changes anything (mail clients prefetch
    links); the page's button POSTs it (with Odoo's CSRF token)."""

    @http.route(DECISION_PATH, type="http", auth="user", methods=["GET", "POST"])
    def rkt_decide(self, model, res_id, decision, step, round, token, reason=None, **kw):
        params = {
            "model": model,
            "res_id": res_id,
            "decision": decision,
            "step": step,
            "round": round,
        }
        expected = request.env["mail.thread"]._encode_link(DECISION_PATH, params)
        if model not in DECISIONS or decision not in DECISIONS[model] or not consteq(
            expected, str(token)
        ):
            return self._rkt_page(error=request.env._("This link is not valid."))
        try:
            record = request.env[model].browse(int(res_id)).exists()
            record.check_access("read")
        except (AccessError, MissingError, ValueError):
            record = None
        if not record:
            return self._rkt_page(
                error=request.env._("This RKT does not exist or you may not open it.")
            )
        plan = record.plan_id if model == "rkt.plan.form" else record
        moved_on = plan.state != "in_progress" or (plan.step_id.id, plan.round) != (
            int(step),
            int(round),
        )
        if model == "rkt.plan.form" and record.state not in ("submitted", "correction"):
            moved_on = True
        values = {
            "summary": request.env._(
                "%(count)s lines, total %(amount)s",
                count=record.line_count,
                amount=formatLang(
                    request.env, record.budget_total, currency_obj=plan.currency_id
                ),
            ),
            "moved_on_message": request.env._(
                "This step has moved on: %(plan)s is now at '%(step)s'. Open it to "
                "see what it waits for.",
                plan=plan.name,
                step=plan.step_id.name or plan.state,
            ),
            "record": record,
            "plan": plan,
            "decision": decision,
            "needs_reason": DECISIONS[model][decision][1],
            "params": dict(params, token=token),
            "record_url": self._rkt_record_url(record),
        }
        if moved_on:
            return self._rkt_page(moved_on=True, **values)
        if request.httprequest.method != "POST":
            return self._rkt_page(**values)
        method, needs_reason = DECISIONS[model][decision]
        try:
            with request.env.cr.savepoint():
                if model == "rkt.plan":
                    if needs_reason:
                        record.return_to_step(reason, expected_step_id=int(step))
                    else:
                        record.action_approve(expected_step_id=int(step))
                elif needs_reason:
                    record.return_form(reason)
                else:
                    getattr(record, method)()
        except (UserError, AccessError) as error:
            return self._rkt_page(error=error.args[0], **values)
        return request.redirect(values["record_url"])

    def _rkt_record_url(self, record):
        return MailController._redirect_to_record(record._name, record.id).location

    def _rkt_page(self, **values):
        return request.render("rkt_planning.rkt_decide_page", values)
