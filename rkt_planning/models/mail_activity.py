from odoo import fields, models
from odoo.exceptions import RedirectWarning

# The to-dos the procedure closes itself, when its step is taken: marking one
# done by hand would drop the to-do and leave the step untaken.
RKT_ACTION_ACTIVITY_TYPES = (
    "rkt_planning.mail_act_rkt_step",
    "rkt_planning.mail_act_rkt_fill",
    "rkt_planning.mail_act_rkt_decide",
    "rkt_planning.mail_act_rkt_sign",
)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    rkt_step_id = fields.Many2one(
        "rkt.sop.step",
        string="RKT Step",
        index="btree_not_null",
        help="The SOP step this RKT activity belongs to.",
    )
    rkt_round = fields.Integer(string="RKT Round")

    # ------------------------------------------------------------------
    # Actions
    #
    # The web client's "Mark Done" calls action_feedback (the "Done" button) or
    # action_feedback_schedule_next ("Done & Schedule Next"); list views call
    # action_done / action_done_schedule_next, which call these.  An RKT step's
    # to-do is done by taking the step: these open the record where the step is
    # taken instead.  The engine closes the to-dos itself through _action_done.
    # ------------------------------------------------------------------

    def action_feedback(self, feedback=False, attachment_ids=None):
        self._rkt_check_done_by_step()
        return super().action_feedback(feedback=feedback, attachment_ids=attachment_ids)

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        self._rkt_check_done_by_step()
        return super().action_feedback_schedule_next(
            feedback=feedback, attachment_ids=attachment_ids
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _rkt_get_step_activities(self):
        """The activities of self that stand for an RKT step's action."""
        types = self.env["mail.activity.type"]
        for xmlid in RKT_ACTION_ACTIVITY_TYPES:
            types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        return self.filtered(lambda a: a.rkt_step_id and a.activity_type_id in types)

    def _rkt_check_done_by_step(self):
        """Refuse to mark an RKT step's to-do done by hand: offer to open the plan
        or form where its action is taken (submit, decide, sign...)."""
        activity = self._rkt_get_step_activities()[:1]
        if not activity:
            return
        record = self.env[activity.res_model].browse(activity.res_id)
        what = {
            "rkt_planning.mail_act_rkt_fill": self.env._(
                "fill the form and submit it (Serahkan)"
            ),
            "rkt_planning.mail_act_rkt_decide": self.env._(
                "decide it: accept (Ya) or return it with a reason (Tidak)"
            ),
            "rkt_planning.mail_act_rkt_sign": self.env._(
                "sign it (Ya) or return it with a reason (Tidak)"
            ),
        }.get(
            activity.activity_type_id.get_external_id()[activity.activity_type_id.id],
            self.env._("complete the step"),
        )
        raise RedirectWarning(
            self.env._(
                "'%(todo)s' is done by taking its step, not by marking it done: open "
                "%(record)s and %(what)s. The to-do closes by itself then.",
                todo=activity.summary or activity.activity_type_id.name,
                record=record.display_name,
                what=what,
            ),
            record._get_records_action(),
            self.env._("Open %(record)s", record=record.display_name),
        )
