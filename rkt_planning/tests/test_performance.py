from freezegun import freeze_time

from odoo.tests import tagged

from .common import RktCommon

# The queries of each step of the whole procedure, as the real users take them
# (see bench/ and docs/performance.md), with 3 divisions of 2 lines.  Counted from
# an empty cache, with the flush and the pre-commit hooks (mail tracking) the
# request runs before COMMIT.
STEP_QUERIES = {
    # the lock, the role groups and the separation-of-duties check (issue 11);
    # issue 16 adds one to four where a step is entered anew (the agency's
    # language of its notices, the decision links of the secretary's to-do)
    "start": 132,
    "planning": 108,  # 104 once the registry caches are warm
    "forms_open": 137,
    "enter_lines": 25,
    "submit_form": 55,
    "compile": 152,
    "compile_done": 172,
    # + the notice to the reviewers, with the buttons that accept or return the
    # form (issue 16): each is told by e-mail or in their inbox
    "resubmit": 82,
    "accept_form": 22,
    "correction_done": 174,
    "drafting_done": 116,
    "return": 199,
    "drafting_again": 116,
    "approve": 112,
    # + the signature record (rkt.plan.signature) and its link; the savepoint
    # around the signed state and file, the agency's signing provider (TTE); the
    # agency's day (its calendar's time zone) for the dates of the signature and
    # the archive
    "sign": 170,
    "archive": 64,
}
# The steps that give every division head an activity on their form: Odoo's
# mail.activity.create makes each of them follow their form (message_subscribe,
# issue 12).  With 30 divisions of 40 lines (1,200 lines: more than the 1,000 rows
# the ORM fetches at once) they may cost at most PER_DIVISION_QUERIES more per
# division (measured: 5 to open the forms, 3 to reopen them for correction); every
# other step costs exactly what it costs with 3 divisions of 2 lines.
DIVISION_STEPS = {"forms_open", "compile_done"}
PER_DIVISION_QUERIES = 12
# A division head's list of RKT lines (record rules applied) costs what the
# administrator's does: 80 rows and their count, a search, the list grouped by
# division.
LIST_QUERIES = {"list": 8, "search": 8, "group": 2}
# The daily deadline job over two late plans of one agency, each reminded and
# escalated; the same with more plans of that agency (see test_deadlines).  Each
# further agency adds its distinct notices: the planning head's and the
# secretary's (message_notify, inbox or e-mail; people told the same share one),
# and the secretary following the plans of her escalation activities
# (message_subscribe).
DEADLINE_JOB_QUERIES = 55
DEADLINE_JOB_QUERIES_PER_AGENCY = 21


@tagged("post_install", "-at_install", "is_query_count", "rkt_performance")
@freeze_time("2027-01-11 01:00:00")
class TestRktPerformance(RktCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big_agency = cls._make_agency("Badan Besar Perf", "bp", divisions=30)

    def _new_request(self):
        """Nothing pending, nothing cached: what separates two requests."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()

    def _step(self, key, func, measured, divisions=3):
        if not measured:
            func()
            return
        self._new_request()
        expected = STEP_QUERIES[key]
        if key in DIVISION_STEPS and divisions > 3:
            before = self.env.cr.sql_log_count
            func()
            self.env.flush_all()
            self.env.cr.precommit.run()
            count = self.env.cr.sql_log_count - before
            with self.subTest(step=key):
                # count(D) - count(3) <= 12 * (D - 3): 12 * 27 for 30 divisions
                self.assertLessEqual(
                    count - expected, PER_DIVISION_QUERIES * (divisions - 3)
                )
            return
        with self.subTest(step=key), self.assertQueryCount(expected):
            func()

    def _fill(self, form, user, count):
        self.add_lines(
            form,
            user,
            count,
            strategic_objective=lambda index: f"Sasaran {index // 5}",
            program_code="5.01.01",
            program_name="Program Penunjang Urusan Pemerintahan Daerah",
        )

    def _run_procedure(self, agency, year, lines, measured):
        """The whole SOP, every action as the user who takes it; with ``measured``,
        each step is held to its count in STEP_QUERIES."""
        users = agency.users
        divisions = len(agency.departments)
        plan = self._make_plan(agency=agency, year=year)
        head_plan = self.as_user(plan, users["head"])
        planner_plan = self.as_user(plan, users["planner"])
        team_plan = self.as_user(plan, users["team"])
        secretary_plan = self.as_user(plan, users["secretary"])
        head_plan.disposition = "Segera susun RKT."
        self._step("start", head_plan.action_start, measured)
        self._step("planning", lambda: planner_plan.complete_step("Jadwal"), measured)
        self.schedule_meeting(plan, agency)
        self._step("forms_open", lambda: planner_plan.complete_step("Form"), measured, divisions)
        forms = plan.form_ids
        for position, form in enumerate(forms):
            user = form.head_employee_id.user_id
            head_form = self.as_user(form, user)
            if position == 0:
                self._step("enter_lines", lambda f=form, u=user: self._fill(f, u, lines), measured)
                self._step("submit_form", head_form.action_submit, measured)
            elif position == len(forms) - 1:
                self._fill(form, user, lines)
                self._step("compile", head_form.action_submit, measured)
            else:
                self._fill(form, user, lines)
                head_form.action_submit()
        self.assertEqual(plan.step_kind, "compile")
        self.assertEqual(len(plan.line_ids.filtered("is_compiled")), lines * len(forms))
        self._step("compile_done", lambda: team_plan.complete_step("Draft RKT"), measured, divisions)
        self.assertEqual(set(forms.mapped("state")), {"correction"})
        for position, form in enumerate(forms):
            head_form = self.as_user(form, form.head_employee_id.user_id)
            self._step("resubmit", head_form.action_submit, measured and position == 0)
        secretary_forms = self.as_user(forms, users["secretary"])
        for position, form in enumerate(secretary_forms[:-1]):
            self._step("accept_form", form.action_accept_form, measured and position == 0)
        self._step("correction_done", secretary_forms[-1].action_accept_form, measured)
        self._step("drafting_done", lambda: team_plan.complete_step("Draft"), measured)
        self._step(
            "return", lambda: secretary_plan.return_to_step("Belum sesuai"), measured
        )
        self._step("drafting_again", lambda: team_plan.complete_step("Draft 2"), measured)
        self._step("approve", secretary_plan.action_approve, measured)
        self._step("sign", head_plan.action_sign, measured)
        self._step("archive", lambda: planner_plan.complete_step("Arsip"), measured)
        self.assertEqual(plan.state, "archived")
        return plan

    def test_query_count_each_step_constant_in_divisions_and_lines(self):
        """3 divisions of 2 lines (6 lines) and 30 divisions of 40 lines (1,200 lines):
        every step costs the same queries, except the two that give every division
        an activity (at most PER_DIVISION_QUERIES per division).  Each agency is
        warmed up once (caches of its users) with a plan of one line per division."""
        for agency, lines in ((self.agency, 2), (self.big_agency, 40)):
            with self.subTest(divisions=len(agency.departments), lines=lines):
                self._run_procedure(agency, 2026, 1, measured=False)
                plan = self._run_procedure(agency, 2027, lines, measured=True)
                self.assertEqual(len(plan.line_ids), lines * len(agency.departments))

    def test_opening_forms_gives_each_division_head_activity_and_follower(self):
        """The batch that keeps opening the forms flat still gives every division
        head their activity, makes them follow their own form only, and tells them
        on the plan."""
        agency = self.big_agency
        plan = self._make_plan(agency=agency)
        self.start(plan, agency)
        planner_plan = self.as_user(plan, agency.users["planner"])
        planner_plan.complete_step("Jadwal")
        self.schedule_meeting(plan, agency)
        planner_plan.complete_step("Form")
        fill_type = self.env.ref("rkt_planning.mail_act_rkt_fill")
        for form in plan.form_ids:
            head = form.head_employee_id.user_id
            activity = form.activity_ids.filtered(lambda a: a.activity_type_id == fill_type)
            self.assertEqual(activity.user_id, head)
            self.assertEqual(activity.rkt_step_id, plan.step_id)
            self.assertIn(head.partner_id, form.message_partner_ids)
            others = set(agency.division_users) - {head}
            self.assertFalse(
                {user.partner_id for user in others} & set(form.message_partner_ids)
            )
            self.assertTrue(
                form.message_follower_ids.filtered(
                    lambda f, p=head.partner_id: f.partner_id == p
                ).subtype_ids
            )
        notice = plan.message_ids.filtered(lambda m: "Division forms to fill" in (m.body or ""))
        self.assertEqual(
            set(notice.partner_ids),
            {user.partner_id for user in agency.division_users},
        )
        # a follower already there is kept, not added twice
        forms = self.as_user(plan.form_ids, agency.users["team"])
        follower_count = len(forms.message_follower_ids)
        for form in forms:
            form.message_subscribe(partner_ids=form.head_employee_id.user_id.partner_id.ids)
        forms.invalidate_recordset(["message_follower_ids"])
        self.assertEqual(len(forms.message_follower_ids), follower_count)

    def test_query_count_division_head_list_as_admin(self):
        """A division head's list, search and grouping of 600 RKT lines (record rules
        applied) cost the queries the administrator's do."""
        agency = self.big_agency
        plan = self._make_plan(agency=agency)
        self.run_to_fill(plan, agency)
        for form in plan.form_ids:
            self._fill(form, form.head_employee_id.user_id, 20)
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_ids": [(4, agency.company.id)],
                "groups_id": [(4, self.env.ref("rkt_planning.group_rkt_manager").id)],
            }
        )
        for label, user in (("division head", agency.division_users[0]), ("admin", admin)):
            # the agency's lines only (the admin of a demo database also sees the
            # demo agencies)
            lines = self.env["rkt.plan.line"].with_user(user).with_context(
                allowed_company_ids=agency.company.ids
            )
            views = lines.get_views([(False, "list")])
            fields = views["models"]["rkt.plan.line"]["fields"]
            spec = {
                name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
                for name, field in fields.items()
            }
            operations = {
                "list": lambda m=lines, s=spec: m.web_search_read([], s, limit=80, count_limit=10001),
                "search": lambda m=lines, s=spec: m.web_search_read(
                    [("indicator", "ilike", "Indikator 1")], s, limit=80, count_limit=10001
                ),
                "group": lambda m=lines: m.web_read_group(
                    [], ["budget:sum"], ["department_id"], limit=80
                ),
            }
            for key, operation in operations.items():
                operation()  # warm-up: this user's rules and field access
                self._new_request()
                with self.subTest(user=label, operation=key), self.assertQueryCount(
                    LIST_QUERIES[key]
                ):
                    result = operation()
                if key == "list":
                    self.assertEqual(result["length"], 600)

    def test_query_count_deadline_job_constant_in_agencies(self):
        """The job reads the officials of every agency at once; what it adds per
        agency is one notice per recipient and the supervisors' subscriptions: two
        late plans of one agency cost DEADLINE_JOB_QUERIES, six of three agencies
        (sharing the district's working calendar) two agencies' more."""
        calendar = self.agency.company.resource_calendar_id
        agencies = [
            self._make_agency(f"Dinas Perf {index}", f"dp{index}", divisions=1)
            for index in range(3)
        ]
        for agency in agencies:
            agency.company.resource_calendar_id = calendar
        Plan = self.env["rkt.plan"]
        # the first round (another agency) warms the job up
        for group, first_year in (([self.agency], 2030), (agencies[:1], 2040), (agencies, 2050)):
            for plan in Plan.search([("state", "=", "in_progress")]):
                self.as_user(plan, plan.head_employee_id.user_id).action_cancel()
            plans = Plan
            with freeze_time("2027-01-04 01:00:00"):  # Monday: due Tuesday
                for agency in group:
                    for year in (first_year, first_year + 1):
                        plan = self._make_plan(agency=agency, year=year)
                        self.start(plan, agency)
                        plans |= plan
            # the day before warms the job up (caches of these agencies' users)
            with freeze_time("2027-01-06 10:00:00"):
                Plan._cron_deadline_alerts()
            with freeze_time("2027-01-07 10:00:00"):  # 2 days late: escalated
                self._new_request()
                if first_year == 2030:
                    Plan._cron_deadline_alerts()
                else:
                    expected = DEADLINE_JOB_QUERIES + DEADLINE_JOB_QUERIES_PER_AGENCY * (
                        len(group) - 1
                    )
                    with self.subTest(agencies=len(group)), self.assertQueryCount(expected):
                        Plan._cron_deadline_alerts()
            reminders = plans.message_ids.filtered(lambda m: "Tepat Waktu" in (m.body or ""))
            self.assertEqual(len(reminders), 2 * len(plans))
