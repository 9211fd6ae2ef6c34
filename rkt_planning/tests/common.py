from types import SimpleNamespace

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


GROUPS = {
    "head": "base.group_user,rkt_planning.group_rkt_head",
    "secretary": "base.group_user,rkt_planning.group_rkt_secretary",
    "planner": "base.group_user,rkt_planning.group_rkt_planner",
    "team": "base.group_user,rkt_planning.group_rkt_team",
    "division_head": "base.group_user,rkt_planning.group_rkt_division_head",
    "manager": "base.group_user,rkt_planning.group_rkt_manager",
}


class RktCommon(TransactionCase):
    """An agency with its officials, divisions and users, one user per SOP role.

    Built from scratch (no demo data): a company with a Monday-Friday working calendar
    in Asia/Makassar, a root department led by the head, and divisions led by their
    heads.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                mail_create_nolog=True,
                mail_notrack=False,
                tracking_disable=False,
                no_reset_password=True,
            )
        )
        cls.sop = cls.env.ref("rkt_planning.rkt_sop_bkpsdm_balangan")
        cls.sop_dinkes = cls.env.ref("rkt_planning.rkt_sop_dinkes_balangan")
        cls.agency = cls._make_agency("BKPSDM Test", "bk", divisions=3)

    @classmethod
    def _make_calendar(cls, company):
        attendances = []
        for day in range(5):
            attendances += [
                Command.create(
                    {
                        "name": f"Day {day} morning",
                        "dayofweek": str(day),
                        "hour_from": 8,
                        "hour_to": 12,
                        "day_period": "morning",
                    }
                ),
                Command.create(
                    {
                        "name": f"Day {day} afternoon",
                        "dayofweek": str(day),
                        "hour_from": 13,
                        "hour_to": 16,
                        "day_period": "afternoon",
                    }
                ),
            ]
        return cls.env["resource.calendar"].create(
            {
                "name": f"{company.name} working hours",
                "tz": "Asia/Makassar",
                "company_id": company.id,
                "attendance_ids": [Command.clear()] + attendances,
            }
        )

    @classmethod
    def _make_user(cls, company, login, role, name):
        user = new_test_user(
            cls.env,
            login=login,
            groups=GROUPS[role],
            name=name,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            tz="Asia/Makassar",
        )
        employee = cls.env["hr.employee"].create(
            {"name": name, "user_id": user.id, "company_id": company.id}
        )
        return user, employee

    @classmethod
    def _make_agency(cls, name, prefix, divisions=3, sop=None):
        company = cls.env["res.company"].create({"name": name})
        company.resource_calendar_id = cls._make_calendar(company)
        users, employees = {}, {}
        for role, label in (
            ("head", "Kepala"),
            ("secretary", "Sekretaris"),
            ("planner", "Kasubbag Perencanaan"),
            ("team", "Anggota Tim"),
            ("manager", "Admin RKT"),
            ("outsider", "Pegawai Lain"),
        ):
            users[role], employees[role] = cls._make_user(
                company,
                f"{prefix}_{role}",
                role if role != "outsider" else "division_head",
                f"{label} {name}",
            )
        root = cls.env["hr.department"].create(
            {
                "name": name,
                "company_id": company.id,
                "manager_id": employees["head"].id,
            }
        )
        division_users, division_employees = [], []
        departments = cls.env["hr.department"]
        for index in range(divisions):
            user, employee = cls._make_user(
                company,
                f"{prefix}_div{index}",
                "division_head",
                f"Kabid {index} {name}",
            )
            division_users.append(user)
            division_employees.append(employee)
            departments |= cls.env["hr.department"].create(
                {
                    "name": f"Bidang {index} {name}",
                    "company_id": company.id,
                    "parent_id": root.id,
                    "manager_id": employee.id,
                }
            )
        company.write(
            {
                "rkt_head_employee_id": employees["head"].id,
                "rkt_secretary_employee_id": employees["secretary"].id,
                "rkt_planner_employee_id": employees["planner"].id,
                "rkt_team_employee_ids": [Command.set(employees["team"].ids)],
                "rkt_sop_id": (sop or cls.sop).id,
            }
        )
        return SimpleNamespace(
            company=company,
            users=users,
            employees=employees,
            root=root,
            departments=departments,
            division_users=division_users,
            division_employees=division_employees,
        )

    @classmethod
    def _make_plan(cls, agency=None, sop=None, year=2027):
        agency = agency or cls.agency
        env = cls.env(
            user=agency.users["planner"],
            context=dict(cls.env.context, allowed_company_ids=agency.company.ids),
        )
        plan = env["rkt.plan"].create(
            {
                "company_id": agency.company.id,
                "year": year,
                "sop_id": (sop or cls.sop).id,
                "program_document_ref": "Renstra 2025-2029",
            }
        )
        return plan

    # ------------------------------------------------------------------
    # Running the procedure as the real users
    # ------------------------------------------------------------------

    def as_user(self, record, user):
        return record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)

    def start(self, plan, agency=None):
        agency = agency or self.agency
        head_plan = self.as_user(plan, agency.users["head"])
        head_plan.disposition = "Segera susun RKT tahun 2027."
        head_plan.action_start()

    def complete(self, plan, user, note="Selesai"):
        self.as_user(plan, user).complete_step(note)

    def schedule_meeting(self, plan, agency=None):
        agency = agency or self.agency
        planner_plan = self.as_user(plan, agency.users["planner"])
        planner_plan.meeting_start = "2027-01-12 02:00:00"
        planner_plan.action_schedule_meeting()

    def add_lines(self, form, user, count=2, **values):
        """``count`` lines entered on ``form`` by ``user`` in one save.  ``values``
        go to every line; a callable value is called with the line's index."""
        division = form.department_id.name
        return (
            self.env["rkt.plan.line"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .create(
                [
                    {
                        "form_id": form.id,
                        "strategic_objective": f"Sasaran {division}",
                        "indicator": f"Indikator {index} {division}",
                        "target": "≥ 80",
                        "target_value": 80,
                        "uom": "%",
                        "budget": 1000000 * (index + 1),
                        **{
                            key: value(index) if callable(value) else value
                            for key, value in values.items()
                        },
                    }
                    for index in range(count)
                ]
            )
        )

    def fill_form(self, form, user, count=2):
        self.add_lines(form, user, count)
        self.as_user(form, user).action_submit()

    def run_to_fill(self, plan, agency=None):
        agency = agency or self.agency
        self.start(plan, agency)
        self.complete(plan, agency.users["planner"], "Jadwal penyusunan RKT")
        self.schedule_meeting(plan, agency)
        self.complete(plan, agency.users["planner"], "Form RKT dibagikan")

    def fill_all(self, plan, agency=None):
        agency = agency or self.agency
        for form in plan.form_ids:
            user = form.head_employee_id.user_id
            self.fill_form(form, user)

    def run_to_decision(self, plan, agency=None):
        agency = agency or self.agency
        self.run_to_fill(plan, agency)
        self.fill_all(plan, agency)
        # collect completes by itself; compile is the team's
        self.complete(plan, agency.users["team"], "Draft RKT")
        # correction: every division and the secretary
        for form in plan.form_ids:
            self.as_user(form, form.head_employee_id.user_id).action_submit()
        secretary_forms = self.as_user(plan.form_ids, agency.users["secretary"])
        secretary_forms.action_accept_form()
        # drafting (process): team
        self.complete(plan, agency.users["team"], "Draft RKT disusun")
