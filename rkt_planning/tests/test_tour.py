import io
import json
import zipfile
from unittest.mock import patch
from urllib.parse import unquote

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from .common import RktCommon


@tagged("post_install", "-at_install", "rkt_tour", "is_tour")
class TestRktMainPathTour(HttpCase, RktCommon):
    """The main path of the SOP in the browser, as the real users.

    The agency is built by ``RktCommon`` (no demo data).  Each browser tour is
    walked by one user; what is not part of the main path (the planning head's
    planning and meeting, the other divisions, the team's compilation and drafting,
    the secretary's decision) is done through the ORM as the user who holds the
    role.  No date is checked, so the clock is left alone: the browser and the
    server must agree on it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Export is a right of its own, which Odoo gives every new internal user
        # through its default user template.
        cls.agency.users["head"].groups_id = [
            Command.link(cls.env.ref("base.group_allow_export").id)
        ]

    def _tour(self, name, user):
        self.start_tour("/odoo", name, login=user.login)
        # the browser wrote through the server: read the records afresh
        self.env.invalidate_all()

    def _print_pdf(self, plan, user):
        """Print the RKT as ``user`` as the Print menu does (``/report/download``),
        rendered for real."""
        self.authenticate(user.login, user.login)
        return self.url_open(
            "/report/download",
            data={
                "data": json.dumps(
                    [f"/report/pdf/rkt_planning.report_rkt_plan/{plan.id}", "qweb-pdf"]
                ),
                "context": json.dumps({"force_report_rendering": True}),
                "csrf_token": http.Request.csrf_token(self),
            },
        )

    def _export_xlsx(self, lines, user):
        """Export ``lines`` to XLSX as ``user``, as the list view's Export does."""
        self.authenticate(user.login, user.login)
        Line = self.env["rkt.plan.line"]
        fields = [
            {"name": name, "label": Line._fields[name].string, "type": Line._fields[name].type}
            for name in ("department_id", "strategic_objective", "indicator", "target", "uom", "budget")
        ]
        return self.url_open(
            "/web/export/xlsx",
            data={
                "data": json.dumps(
                    {
                        "model": "rkt.plan.line",
                        "fields": fields,
                        "ids": lines.ids,
                        "domain": [],
                        "groupby": [],
                        "import_compat": False,
                    }
                ),
                "csrf_token": http.Request.csrf_token(self),
            },
        )

    def test_main_path(self):
        agency = self.agency
        users = agency.users
        plan = self._make_plan()
        steps = plan.sop_id.step_ids
        form = plan.form_ids.filtered(lambda f: f.department_id == agency.departments[0])
        division_head = form.head_employee_id.user_id
        self.assertEqual(division_head, agency.division_users[0])

        # 1. the head gives the disposition
        self._tour("rkt_main_path_head_start", users["head"])
        self.assertEqual(plan.state, "in_progress")
        self.assertEqual(plan.step_id, steps[1])
        self.assertIn("segera susun RKT", plan.log_ids[0].note)

        # the planning head plans and holds the meeting; the other divisions fill
        self.complete(plan, users["planner"], "Jadwal penyusunan RKT")
        self.schedule_meeting(plan)
        self.complete(plan, users["planner"], "Form RKT dibagikan")
        self.assertEqual(form.state, "to_fill")
        for other in plan.form_ids - form:
            self.fill_form(other, other.head_employee_id.user_id)

        # 2. the division head fills a line and submits
        self._tour("rkt_main_path_division_fill", division_head)
        self.assertEqual(form.state, "submitted")
        self.assertEqual(len(form.line_ids), 1)
        self.assertRecordValues(
            form.line_ids,
            [
                {
                    "indicator": "Indeks kepuasan layanan kepegawaian",
                    "target": "85",
                    "uom": "nilai",
                    "budget": 150000000.0,
                }
            ],
        )
        # the last form in closes the collection: the team compiles
        self.assertEqual(plan.step_id, steps[5])
        self.complete(plan, users["team"], "Draft RKT")
        self.assertEqual(plan.step_id, steps[6])
        # correction: the other divisions are accepted at once
        secretary = users["secretary"]
        for other in plan.form_ids - form:
            self.as_user(other, other.head_employee_id.user_id).action_submit()
            self.as_user(other, secretary).action_accept_form()

        # 3. the secretary returns the form with a reason
        self._tour("rkt_main_path_secretary_return", secretary)
        self.assertEqual(form.state, "returned")
        self.assertIn("minimal 88", form.return_reason)

        # 4. the division head corrects and submits it again
        self._tour("rkt_main_path_division_resubmit", division_head)
        self.assertEqual(form.state, "submitted")
        self.assertEqual(form.line_ids.target, "88")

        # 5. the secretary accepts it: every correction is in, the team drafts
        self._tour("rkt_main_path_secretary_accept", secretary)
        self.assertEqual(form.state, "accepted")
        self.assertEqual(plan.step_id, steps[7])
        self.complete(plan, users["team"], "Draft RKT disusun")
        self.as_user(plan, secretary).action_approve()
        self.assertEqual(plan.step_id, steps[9])

        # 6. the head signs; the signed RKT is rendered for real, as outside a test
        # run (which renders HTML unless forced): its signature record keeps that
        # PDF, and a signed RKT is printed from it only
        report_class = type(self.env["ir.actions.report"])
        pre_render = report_class._pre_render_qweb_pdf

        def render_for_real(reports, *args, **kwargs):
            reports = reports.with_context(force_report_rendering=True)
            return pre_render(reports, *args, **kwargs)

        with patch.object(report_class, "_pre_render_qweb_pdf", render_for_real):
            self._tour("rkt_main_path_head_sign", users["head"])
        self.assertEqual(plan.state, "signed")
        self.assertEqual(plan.signed_user_id, users["head"])
        self.assertEqual(plan.step_id, steps[10])
        self.assertTrue(plan.signature_id.pdf_sha256)

        # the RKT prints, for the head: the file of its signature
        response = self._print_pdf(plan, users["head"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(f"RKT {plan.year}", unquote(response.headers["Content-Disposition"]))
        self.assertEqual(response.content, plan.signature_id._get_pdf_content())

        # the compiled RKT exports to a spreadsheet, for the head
        response = self._export_xlsx(plan.line_ids, users["head"])
        self.assertEqual(response.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
            strings = xlsx.read("xl/sharedStrings.xml").decode()
        self.assertIn("Indeks kepuasan layanan kepegawaian", strings)
        self.assertIn("Performance Indicator", strings)


@tagged("post_install", "-at_install", "rkt_tour", "is_tour")
class TestRktPhoneTours(HttpCase, RktCommon):
    """An official's day on a phone (375 px): each lands on My RKT Tasks and
    reaches the action of their step in one tap on its card."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        home = cls.env.ref("rkt_planning.mail_activity_action_rkt_my")
        cls.env["res.users"].union(
            *cls.agency.users.values(), *cls.agency.division_users
        ).action_id = home.id

    def _tour(self, name, user):
        self.start_tour("/odoo", name, login=user.login)
        self.env.invalidate_all()

    def test_phone_division_head_submits(self):
        plan = self._make_plan()
        self.run_to_fill(plan)
        form = plan.form_ids.filtered(
            lambda f: f.department_id == self.agency.departments[0]
        )
        division_head = form.head_employee_id.user_id
        self.add_lines(form, division_head, count=1)
        self._tour("rkt_phone_division_submit", division_head)
        self.assertEqual(form.state, "submitted")

    def test_phone_secretary_and_head_decide(self):
        users = self.agency.users
        plan = self._make_plan()
        self.run_to_decision(plan)
        self.assertEqual(plan.step_kind, "decision")
        # tidak, with a reason
        self._tour("rkt_phone_secretary_return", users["secretary"])
        self.assertEqual(plan.round, 2)
        self.assertIn(
            "belum selaras", plan.log_ids.filtered(lambda e: e.decision == "no").reason
        )
        # back at the drafting step: the team drafts again; ya
        self.complete(plan, users["team"], "Draft RKT diperbaiki")
        self.assertEqual(plan.step_kind, "decision")
        self._tour("rkt_phone_secretary_approve", users["secretary"])
        self.assertEqual(plan.step_kind, "sign")
        # the head's signature
        self._tour("rkt_phone_head_sign", users["head"])
        self.assertEqual(plan.state, "signed")
        self.assertEqual(plan.signed_user_id, users["head"])
