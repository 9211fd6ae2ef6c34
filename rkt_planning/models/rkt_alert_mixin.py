from odoo import fields, models
from odoo.tools import SQL


class RktAlertMixin(models.AbstractModel):
    """What the daily deadline job remembers of a late step or division form."""

    _name = "rkt.alert.mixin"
    _description = "RKT Deadline Alerts"

    last_reminder_date = fields.Date(string="Last Reminder", readonly=True, copy=False)
    reminder_count = fields.Integer(string="Reminders", readonly=True, copy=False)
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        help="How many levels up the SOP chain the lateness was escalated.",
    )

    def _claim_for_alert(self):
        """Lock the rows of self for this transaction, skipping those another worker
        holds, and return the ones claimed with fresh values."""
        if not self:
            return self
        self.flush_recordset(["last_reminder_date", "escalation_level"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        claimed = self.browse([row[0] for row in self.env.cr.fetchall()])
        claimed.invalidate_recordset(["last_reminder_date", "escalation_level"])
        return claimed

    def _stamp_reminder(self, today):
        """Record a reminder sent today (one query for all rows).

        Plain SQL: these rows (log rows, forms) refuse ORM writes outside the
        workflow, and the counter is incremented in place.
        """
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET last_reminder_date = %s, "
                "reminder_count = COALESCE(reminder_count, 0) + 1 WHERE id IN %s",
                SQL.identifier(self._table),
                today,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["last_reminder_date", "reminder_count"])

    def _stamp_escalation(self, level):
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET escalation_level = %s WHERE id IN %s",
                SQL.identifier(self._table),
                level,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["escalation_level"])
