from odoo import models


class RktNoticeMixin(models.AbstractModel):
    """What the plan's and the division forms' notices share: they are written in
    the agency's language, and the users who decide on the record get its decision
    buttons in their e-mail (as Odoo's Time Off does for its approvers).

    The inheriting model gives ``_rkt_get_decision_actions`` (the buttons, empty
    when nothing waits for a decision), ``_rkt_get_decider_users`` (who decides)
    and ``_rkt_notice_group`` (the name of their recipients group).  Listed before
    ``mail.thread`` in ``_inherit``.
    """

    _name = "rkt.notice.mixin"
    _description = "RKT Notices"

    _rkt_notice_group = "rkt_deciders"

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) != 1:
            return groups
        actions = self._rkt_get_decision_actions()
        if not actions:
            return groups
        deciders = set(self._rkt_get_decider_users().ids)
        return [
            (
                self._rkt_notice_group,
                lambda pdata: pdata["type"] == "user" and pdata["uid"] in deciders,
                {"actions": actions, "active": True, "has_button_access": True},
            )
        ] + groups

    def _rkt_with_agency_lang(self):
        """Self in the agency's language (``res.company._rkt_get_lang``): the
        messages and activities of the procedure are written in it, whoever acts."""
        lang = self.company_id[:1]._rkt_get_lang()
        return self if lang == self.env.lang else self.with_context(lang=lang)

    def _rkt_get_decision_actions(self):
        """The decision buttons of this record's notices (url, title)."""
        return []

    def _rkt_get_decider_users(self):
        """The users who decide on this record now."""
        return self.env["res.users"]
