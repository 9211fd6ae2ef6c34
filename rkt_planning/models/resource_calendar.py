from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models


class ResourceCalendar(models.Model):
    """Working days as the RKT counts them, in one place.

    An agency's working days come from its working calendar (the company's
    ``resource.calendar``): its attendances, its public holidays and *cuti bersama*
    (calendar leaves without resource), in its time zone.  Deadlines, the working
    days left, the days late of the deadline job, the days taken of the log (and so
    the SOP compliance report) all count them here.

    Every method also works on an empty recordset (an agency without calendar):
    days are then calendar days in UTC.
    """

    _inherit = "resource.calendar"

    def _rkt_tz(self):
        return pytz.timezone((self[:1].tz if self else None) or "UTC")

    def _rkt_today(self, now=None):
        """Today's date in the calendar's time zone (not the user's, nor the
        scheduler's: OdooBot's is Europe/Brussels)."""
        return self._rkt_local_date(now or fields.Datetime.now())

    def _rkt_local_date(self, moment):
        """The date, in the calendar's time zone, of the naive UTC ``moment``."""
        return pytz.utc.localize(moment).astimezone(self._rkt_tz()).date()

    def _rkt_day_start(self, day):
        """Midnight of ``day`` in the calendar's time zone (aware)."""
        return self._rkt_tz().localize(datetime.combine(day, time.min))

    def _rkt_working_dates(self, first, last):
        """The set of working days among the dates ``first`` .. ``last`` (both
        included), read with one computation whatever the span."""
        if last < first:
            return set()
        if not self:
            return {first + timedelta(days=n) for n in range((last - first).days + 1)}
        self.ensure_one()
        tz = self._rkt_tz()
        intervals = self._work_intervals_batch(
            self._rkt_day_start(first), self._rkt_day_start(last + timedelta(days=1))
        )[False]
        return {start.astimezone(tz).date() for start, _stop, _meta in intervals}

    def _rkt_working_days_between(self, date_from, date_to):
        """Working days after ``date_from`` up to ``date_to`` (included); negative
        when ``date_to`` comes first (the working days after ``date_to`` up to
        ``date_from``)."""
        if date_to >= date_from:
            return len(self._rkt_working_dates(date_from + timedelta(days=1), date_to))
        return -len(self._rkt_working_dates(date_to + timedelta(days=1), date_from))

    def _rkt_working_day_deadline(self, start, days):
        """End of the ``days``-th working day after the day the naive UTC ``start``
        falls on (naive UTC): a 3-day step started on a Thursday afternoon with the
        Monday a holiday is due on Wednesday evening."""
        if not self:
            return start + timedelta(days=days)
        self.ensure_one()
        tz = self._rkt_tz()
        next_day = self._rkt_day_start(self._rkt_local_date(start) + timedelta(days=1))
        deadline = self.plan_days(days, next_day, compute_leaves=True)
        if not deadline:
            return start + timedelta(days=days)
        # plan_days stops at the first interval of the last day: the step is due at
        # the end of that working day.
        day_start = self._rkt_day_start(deadline.astimezone(tz).date())
        intervals = self._work_intervals_batch(day_start, day_start + timedelta(days=1))[False]
        deadline = max([deadline, *(stop for _start, stop, _meta in intervals)])
        return deadline.astimezone(pytz.utc).replace(tzinfo=None)

    def _rkt_working_days_taken(self, start, end):
        """Working days (a fraction for part of a day) between the naive UTC
        ``start`` and ``end``: what a step took, for the SOP compliance report."""
        if not self:
            return (end - start).total_seconds() / 86400
        self.ensure_one()
        return self.get_work_duration_data(start, end, compute_leaves=True)["days"]
