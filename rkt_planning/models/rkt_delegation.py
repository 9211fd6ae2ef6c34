from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DELEGATION_KINDS = [
    ("plt", "Plt. (Pelaksana Tugas)"),
    ("plh", "Plh. (Pelaksana Harian)"),
]


class RktDelegation(models.Model):
    """An acting official (Plt./Plh.): another employee acts for an official for a while.

    During the date range the delegate holds every SOP role the official holds on the
    agency's plans: they may act, and what they decide or sign is recorded with the
    capacity ("Plt." / "Plh.").
    """

    _name = "rkt.delegation"
    _inherit = ["mail.thread"]
    _description = "RKT Acting Official"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Agency",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Official",
        required=True,
        check_company=True,
        tracking=True,
        help="The official who is absent or whose position is vacant.",
    )
    delegate_employee_id = fields.Many2one(
        "hr.employee",
        string="Acting Official",
        required=True,
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(
        DELEGATION_KINDS, string="Capacity", required=True, default="plh", tracking=True
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    reference = fields.Char(
        string="Decree", help="Number of the letter or decree that appoints the delegate."
    )
    active = fields.Boolean(default=True)

    @api.depends("employee_id", "delegate_employee_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for delegation in self:
            delegation.display_name = self.env._(
                "%(delegate)s, %(kind)s for %(official)s",
                delegate=delegation.delegate_employee_id.name or "",
                kind=kinds.get(delegation.kind, ""),
                official=delegation.employee_id.name or "",
            )

    @api.constrains("date_from", "date_to", "employee_id", "delegate_employee_id", "active")
    def _check_dates(self):
        for delegation in self:
            if delegation.date_to < delegation.date_from:
                raise ValidationError(
                    self.env._("An acting official's period cannot end before it starts.")
                )
            if delegation.employee_id == delegation.delegate_employee_id:
                raise ValidationError(
                    self.env._("An official cannot act for themselves.")
                )
        # one acting official per official at a time
        for delegation in self.filtered("active"):
            overlapping = self.search(
                [
                    ("id", "!=", delegation.id),
                    ("employee_id", "=", delegation.employee_id.id),
                    ("date_from", "<=", delegation.date_to),
                    ("date_to", ">=", delegation.date_from),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(official)s already has an acting official from %(date_from)s "
                        "to %(date_to)s (%(delegation)s): periods of acting officials "
                        "for one official cannot overlap.",
                        official=delegation.employee_id.name,
                        date_from=overlapping.date_from,
                        date_to=overlapping.date_to,
                        delegation=overlapping.display_name,
                    )
                )

    @api.model
    def _get_active(self, employees, date=None):
        """Delegations of ``employees`` in force on ``date``; by default on today's
        date in each delegation's agency (its working calendar's time zone)."""
        if date:
            return self.search(
                [
                    ("employee_id", "in", employees.ids),
                    ("date_from", "<=", date),
                    ("date_to", ">=", date),
                ]
            )
        return self.search(
            self._get_around_today_domain() + [("employee_id", "in", employees.ids)]
        )._in_force_today()

    @api.model
    def _get_acting_employees(self, user, date=None):
        """The officials ``user`` acts as on ``date`` (by default today in each
        agency): their own employees and those they are the acting official of."""
        domain = [("delegate_employee_id.user_id", "=", user.id)]
        if date:
            delegations = self.search(
                domain + [("date_from", "<=", date), ("date_to", ">=", date)]
            )
        else:
            delegations = self.search(
                domain + self._get_around_today_domain()
            )._in_force_today()
        return user.employee_ids | delegations.employee_id

    @api.model
    def _get_around_today_domain(self):
        """Delegations that may be in force today somewhere: today in UTC, give or
        take a day (every time zone is within a day of UTC)."""
        today = fields.Date.today()
        return [
            ("date_from", "<=", today + timedelta(days=1)),
            ("date_to", ">=", today - timedelta(days=1)),
        ]

    def _in_force_today(self):
        """The delegations of self in force on today's date in their agency."""
        today = {
            company: company.resource_calendar_id._rkt_today()
            for company in self.company_id
        }
        return self.filtered(
            lambda d: d.date_from <= today[d.company_id] <= d.date_to
        )

    @api.model
    def _get_acting_users(self, employees, date=None, delegations=None):
        """The users who act for ``employees`` on ``date``: each official's acting
        official while a delegation is in force, otherwise the official's own user.

        ``delegations``: the delegations in force, when the caller loaded them for
        many records at once.
        """
        if delegations is None:
            delegations = self._get_active(employees, date)
        delegates = {
            delegation.employee_id: delegation.delegate_employee_id.user_id
            for delegation in delegations
        }
        users = self.env["res.users"]
        for employee in employees:
            users |= delegates.get(employee) or employee.user_id
        return users
