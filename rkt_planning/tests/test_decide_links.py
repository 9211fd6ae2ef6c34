from urllib.parse import parse_qs, urlsplit

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import RktCommon


@tagged("post_install", "-at_install")
class TestRktDecideLinks(HttpCase, RktCommon):
    """The buttons of a decision's notice take the decision after login, under the
    same server checks as the app's buttons; a stale link says the step moved on."""

    def _links(self, record):
        return {
            parse_qs(urlsplit(action["url"]).query)["decision"][0]: action["url"]
            for action in record._rkt_get_decision_actions()
        }

    def _open(self, url, user, post=None):
        self.authenticate(user.login, user.login)
        if post is None:
            return self.url_open(url)
        data = dict(post, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def test_secretary_decides_from_the_notice(self):
        plan = self._make_plan()
        self.run_to_decision(plan)
        self.assertEqual(plan.step_kind, "decision")
        users = self.agency.users
        secretary, team = users["secretary"], users["team"]
        links = self._links(plan)
        self.assertEqual(set(links), {"yes", "no"})
        # the e-mail's buttons go to the deciders only
        group = plan._notify_get_recipients_groups(self.env["mail.message"], "RKT")[0]
        self.assertEqual(group[0], "rkt_deciders")
        self.assertEqual([a["url"] for a in group[2]["actions"]], list(links.values()))
        self.assertTrue(group[1]({"type": "user", "uid": secretary.id}))
        self.assertFalse(group[1]({"type": "user", "uid": team.id}))
        # the secretary's to-do carries them too (inbox)
        note = plan.activity_ids.filtered(lambda a: a.user_id == secretary).note
        self.assertIn(links["yes"].split("?")[1].replace("&", "&amp;"), note)

        # opening the link changes nothing; another official is refused by the server
        page = self._open(links["yes"], secretary)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_rkt_decide", page.text)
        self.assertEqual(plan.step_kind, "decision")
        page = self._open(links["yes"], team, post={})
        self.assertIn("alert-danger", page.text)
        plan.invalidate_recordset()
        self.assertEqual(plan.step_kind, "decision")
        # a forged link is refused
        page = self._open(links["yes"].replace("decision=yes", "decision=no"), secretary)
        self.assertIn("not valid", page.text)

        # the secretary's 'ya'
        response = self._open(links["yes"], secretary, post={})
        self.assertEqual(response.status_code, 303)
        plan.invalidate_recordset()
        self.assertEqual(plan.step_kind, "sign")
        log = plan.log_ids.filtered(lambda e: e.decision == "yes")
        self.assertEqual(log.user_id, secretary)
        # the link is stale now: it says so and does nothing
        for decision in ("yes", "no"):
            page = self._open(links[decision], secretary, post={"reason": "x"})
            self.assertIn("o_rkt_moved_on", page.text)
        plan.invalidate_recordset()
        self.assertEqual(plan.step_kind, "sign")
        self.assertFalse(self._links(plan), "signing stays in the app")

    def test_secretary_returns_from_the_notice(self):
        plan = self._make_plan()
        self.run_to_decision(plan)
        secretary = self.agency.users["secretary"]
        link = self._links(plan)["no"]
        page = self._open(link, secretary)
        self.assertIn('name="reason"', page.text)
        self._open(link, secretary, post={"reason": "Target belum selaras"})
        plan.invalidate_recordset()
        self.assertEqual(plan.round, 2)
        self.assertEqual(plan.step_id.number, 8)
        self.assertIn(
            "Target belum selaras",
            plan.log_ids.filtered(lambda e: e.decision == "no").reason,
        )

    def test_form_review_from_the_notice(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        self.fill_all(plan)
        self.complete(plan, self.agency.users["team"], "Draft RKT")
        self.assertEqual(plan.step_kind, "correction")
        form = plan.form_ids[0]
        secretary = self.agency.users["secretary"]
        secretary.notification_type = "email"
        earlier_messages = form.message_ids
        self.as_user(form, form.head_employee_id.user_id).action_submit()
        links = self._links(form)
        self.assertEqual(set(links), {"accept", "return"})
        # the reviewers are told: the notice names them and carries the buttons,
        # in the inbox (its body) and in the e-mail (the layout's buttons)
        form.invalidate_recordset(["message_ids"])
        notice = form.message_ids.filtered(lambda m: secretary.partner_id in m.partner_ids)
        self.assertEqual(len(notice), 1)
        reviewers = plan._get_role_users(plan._get_form_reviewer_roles())
        self.assertEqual(notice.partner_ids, reviewers.partner_id)
        self.assertIn(links["accept"].replace("&", "&amp;"), notice.body)
        notification = notice.notification_ids.filtered(
            lambda n: n.res_partner_id == secretary.partner_id
        )
        self.assertEqual(notification.notification_type, "email")
        groups = form._notify_get_recipients_groups(notice, "Form RKT")
        reviewer_group = [group for group in groups if group[0] == "rkt_reviewers"]
        self.assertEqual(
            {action["url"] for action in reviewer_group[0][2]["actions"]}, set(links.values())
        )
        # the first submission, at the fill step, waited for no review: no buttons
        self.assertFalse(
            earlier_messages.filtered(lambda m: "/rkt/decide" in (m.body or ""))
        )
        self._open(links["accept"], secretary, post={})
        form.invalidate_recordset()
        self.assertEqual(form.state, "accepted")
        page = self._open(links["return"], secretary, post={"reason": "x"})
        self.assertIn("o_rkt_moved_on", page.text)
        form.invalidate_recordset()
        self.assertEqual(form.state, "accepted")
        # the secretary accepts the others at once (the list's Accept button)
        others = plan.form_ids - form
        for other in others:
            self.as_user(other, other.head_employee_id.user_id).action_submit()
        self.as_user(others, secretary).action_accept_form()
        self.assertEqual(set(others.mapped("state")) | {plan.step_kind}, {"accepted", "process"})
