import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import RktCommon

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RktRenstraCommon(RktCommon):
    """An agency with a Renstra 2025-2029: two objectives, their programmes (one
    programme > kegiatan > sub-kegiatan chain each) and indicators owned by the
    first two divisions, plus one of the agency as a whole."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.renstra = cls._make_renstra(cls.agency)

    @classmethod
    def _make_renstra(cls, agency, year_start=2025):
        env = cls.env
        renstra = env["rkt.renstra"].create(
            {
                "name": f"Renstra {agency.company.name}",
                "company_id": agency.company.id,
                "year_start": year_start,
            }
        )
        goal = env["rkt.renstra.goal"].create(
            {"renstra_id": renstra.id, "code": "T1", "name": "Tujuan 1"}
        )
        objectives = env["rkt.renstra.objective"].create(
            [
                {"goal_id": goal.id, "code": "S1", "name": "Sasaran 1"},
                {"goal_id": goal.id, "code": "S2", "name": "Sasaran 2"},
            ]
        )
        Program = env["rkt.renstra.program"]
        subs = Program
        for objective, bidang in zip(objectives, ("01", "02")):
            program = Program.create(
                {
                    "objective_id": objective.id,
                    "level": "program",
                    "code": f"1.02.{bidang}",
                    "name": f"Program {bidang}",
                }
            )
            activity = Program.create(
                {
                    "objective_id": objective.id,
                    "level": "activity",
                    "parent_id": program.id,
                    "code": f"1.02.{bidang}.2.02",
                    "name": f"Kegiatan {bidang}",
                }
            )
            subs |= Program.create(
                {
                    "objective_id": objective.id,
                    "level": "sub_activity",
                    "parent_id": activity.id,
                    "code": f"1.02.{bidang}.2.02.0001",
                    "name": f"Sub Kegiatan {bidang}",
                    **{f"budget_y{y}": 1_000_000 * y for y in range(1, 6)},
                }
            )
        departments = agency.departments
        Indicator = env["rkt.renstra.indicator"]
        targets = {f"target_y{y}": str(70 + y) for y in range(1, 6)}
        Indicator.create(
            [
                {
                    "objective_id": objectives[0].id,
                    "name": "Indikator A div0",
                    "uom": "%",
                    "is_iku": True,
                    "department_id": departments[0].id,
                    "program_id": subs[0].id,
                    "sequence": 1,
                    **targets,
                },
                {
                    "objective_id": objectives[0].id,
                    "name": "Indikator B div0",
                    "uom": "dokumen",
                    "department_id": departments[0].id,
                    "sequence": 2,
                    **targets,
                },
                {
                    "objective_id": objectives[1].id,
                    "name": "Indikator C div1",
                    "uom": "%",
                    "department_id": departments[1].id,
                    "program_id": subs[1].id,
                    **targets,
                },
                {
                    "objective_id": objectives[1].id,
                    "name": "Indikator agency",
                    "uom": "nilai",
                    **targets,
                },
            ]
        )
        return renstra


@tagged("post_install", "-at_install", "rkt_renstra")
class TestRktRenstraCode(RktRenstraCommon):
    """Programme codes follow the Permendagri 90/2019 nomenclature."""

    def _program(self, level, code, parent=None):
        return self.env["rkt.renstra.program"].create(
            {
                "objective_id": self.renstra.objective_ids[0].id,
                "level": level,
                "code": code,
                "name": code,
                "parent_id": parent.id if parent else False,
            }
        )

    def test_good_codes(self):
        program = self._program("program", "2.05.03")
        activity = self._program("activity", "2.05.03.2.01", program)
        sub = self._program("sub_activity", "2.05.03.2.01.0007", activity)
        self.assertEqual(sub.parent_id.parent_id, program)
        self.assertEqual(
            sub._get_line_values(2027),
            {
                "budget": 0.0,
                "program_code": "2.05.03",
                "program_name": "2.05.03",
                "activity_code": "2.05.03.2.01",
                "activity_name": "2.05.03.2.01",
                "sub_activity_code": "2.05.03.2.01.0007",
                "sub_activity_name": "2.05.03.2.01.0007",
            },
        )

    def test_bad_codes(self):
        program = self._program("program", "2.05.03")
        activity = self._program("activity", "2.05.03.2.01", program)
        for level, code, parent in (
            ("program", "2.5.03", None),
            ("program", "2.05.03.2", None),
            ("activity", "2.05.03.02.01", program),
            ("activity", "2.05.03.2.1", program),
            ("sub_activity", "2.05.03.2.01.07", activity),
            ("sub_activity", "2.05.03.2.01.0007.1", activity),
        ):
            with self.subTest(code=code), self.assertRaisesRegex(
                ValidationError, "does not follow the nomenclature"
            ):
                self._program(level, code, parent)

    def test_child_code_starts_with_parent(self):
        program = self._program("program", "2.05.03")
        activity = self._program("activity", "2.05.03.2.01", program)
        with self.assertRaisesRegex(ValidationError, "must start with the code of its parent"):
            self._program("activity", "2.05.04.2.01", program)
        with self.assertRaisesRegex(ValidationError, "must start with the code of its parent"):
            self._program("sub_activity", "2.05.03.2.02.0001", activity)
        # a kegiatan needs its programme, a sub-kegiatan its kegiatan
        with self.assertRaisesRegex(ValidationError, "belongs to a programme"):
            self._program("activity", "2.05.03.2.03")
        with self.assertRaisesRegex(ValidationError, "belongs to a programme"):
            self._program("sub_activity", "2.05.03.2.01.0002", program)

    def test_indonesian_message(self):
        """The refusal reads in Indonesian for an Indonesian user."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(["rkt_planning"], ["id_ID"], overwrite=True)
        Program = self.env["rkt.renstra.program"].with_context(lang="id_ID")
        with self.assertRaisesRegex(ValidationError, "nomenklatur Permendagri 90/2019"):
            Program.create(
                {
                    "objective_id": self.renstra.objective_ids[0].id,
                    "level": "program",
                    "code": "1.2.3",
                    "name": "Salah",
                }
            )


@tagged("post_install", "-at_install", "rkt_renstra")
@freeze_time("2027-01-11 01:00:00")
class TestRktRenstraPrefill(RktRenstraCommon):
    """The division forms open pre-filled with the Renstra indicators of each
    division, for the plan's year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan()  # 2027: year 3 of 2025-2029

    def setUp(self):
        super().setUp()
        self.run_to_fill(self.plan)
        self.forms = self.plan.form_ids.sorted(lambda f: f.department_id.id)
        self.form0 = self.plan.form_ids.filtered(
            lambda f: f.department_id == self.agency.departments[0]
        )
        self.head0 = self.form0.head_employee_id.user_id

    def test_plan_takes_the_agency_renstra(self):
        self.assertEqual(self.plan.renstra_id, self.renstra)
        self.assertTrue(self.renstra.is_used)

    def test_plan_renstra_draft_only(self):
        """Like the officials: only on a draft, by an RKT manager or the head."""
        manager = self.agency.users["manager"]
        with self.assertRaisesRegex(UserError, "cannot change once the procedure has started"):
            self.as_user(self.plan, manager).renstra_id = False
        draft = self._make_plan(year=2028)
        self.assertEqual(draft.renstra_id, self.renstra)
        with self.assertRaises(UserError):
            self.as_user(draft, self.agency.users["planner"]).renstra_id = False
        self.as_user(draft, manager).renstra_id = False
        self.assertFalse(draft.renstra_id)

    def test_each_division_gets_exactly_its_indicators(self):
        by_department = {
            form.department_id: sorted(form.line_ids.mapped("indicator"))
            for form in self.plan.form_ids
        }
        departments = self.agency.departments
        self.assertEqual(
            by_department,
            {
                departments[0]: ["Indikator A div0", "Indikator B div0"],
                departments[1]: ["Indikator C div1"],
                departments[2]: [],
            },
        )

    def test_line_holds_year_target_programme_and_budget(self):
        line = self.form0.line_ids.filtered(lambda l: l.indicator == "Indikator A div0")
        self.assertRecordValues(
            line,
            [
                {
                    "strategic_objective": "Sasaran 1",
                    "target": "73",  # target_y3, for 2027
                    "target_value": 73.0,
                    "uom": "%",
                    "is_iku": True,
                    "program_code": "1.02.01",
                    "activity_code": "1.02.01.2.02",
                    "sub_activity_code": "1.02.01.2.02.0001",
                    "sub_activity_name": "Sub Kegiatan 01",
                    "budget": 3_000_000,  # budget_y3
                    "is_renstra_unlinked": False,
                    "is_renstra_deviation": False,
                }
            ],
        )
        self.assertEqual(line.renstra_indicator_id.name, "Indikator A div0")

    def test_deviation_needs_reason(self):
        line = self.as_user(
            self.form0.line_ids.filtered(lambda l: l.indicator == "Indikator A div0"),
            self.head0,
        )
        for vals in ({"target": "80"}, {"budget": 2_500_000}, {"target": "80", "deviation_reason": " "}):
            with self.subTest(vals=vals), self.assertRaisesRegex(
                ValidationError, "give the reason for the deviation"
            ), self.env.cr.savepoint():
                line.write(vals)
        line.write({"budget": 2_500_000, "deviation_reason": "Pagu dikurangi 2027."})
        self.assertTrue(line.is_renstra_deviation)
        self.assertEqual(line.renstra_budget, 3_000_000)
        # back to the Renstra's values: no reason needed
        line.write({"budget": 3_000_000, "deviation_reason": False})
        self.assertFalse(line.is_renstra_deviation)
        # an indicator without programme has no budget to depart from
        other = self.as_user(
            self.form0.line_ids.filtered(lambda l: l.indicator == "Indikator B div0"),
            self.head0,
        )
        other.budget = 500_000
        self.assertFalse(other.is_renstra_deviation)

    def test_unlinked_line_flagged(self):
        line = self.add_lines(self.form0, self.head0, count=1)
        self.assertTrue(line.is_renstra_unlinked)
        self.assertEqual(
            self.form0.line_ids.filtered("is_renstra_unlinked"), line
        )
        # the division head submits a form with an unlinked line
        self.as_user(self.form0, self.head0).action_submit()
        self.assertEqual(self.form0.state, "submitted")

    def test_link_set_by_the_engine_only(self):
        line = self.add_lines(self.form0, self.head0, count=1)
        indicator = self.renstra.indicator_ids[0]
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            self.as_user(line, self.head0).renstra_indicator_id = indicator
        linked = self.as_user(self.form0.line_ids.filtered("renstra_indicator_id")[:1], self.head0)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            linked.renstra_indicator_id = False
        # nor on create (or import)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            self.add_lines(self.form0, self.head0, count=1, renstra_indicator_id=indicator.id)
        # another agency's indicator is refused even to the engine
        other = self._make_agency("Dinas Lain", "dl", divisions=2)
        other_renstra = self._make_renstra(other)
        with self.assertRaisesRegex(
            ValidationError, "may only be linked"
        ), self.env.cr.savepoint():
            line.sudo().write(
                {
                    "renstra_indicator_id": other_renstra.indicator_ids[0].id,
                    "deviation_reason": "-",
                }
            )

    def test_prefill_once_per_indicator(self):
        """A form that opens again (a 'tidak' back to the fill step) is not filled
        twice."""
        count = len(self.form0.line_ids)
        self.form0._renstra_prefill()
        self.assertEqual(len(self.form0.line_ids), count)

    def test_secretary_sees_reason_at_correction(self):
        line = self.as_user(
            self.form0.line_ids.filtered(lambda l: l.indicator == "Indikator A div0"),
            self.head0,
        )
        line.write({"target": "80", "target_value": 80, "deviation_reason": "Target dinaikkan."})
        for form in self.plan.form_ids:
            head = form.head_employee_id.user_id
            if not form.line_ids:
                self.add_lines(form, head, count=1)
            self.as_user(form, head).action_submit()
        self.complete(self.plan, self.agency.users["team"], "Draft RKT")
        self.assertEqual(self.plan.step_kind, "correction")
        secretary_line = self.as_user(line, self.agency.users["secretary"])
        self.assertRecordValues(
            secretary_line,
            [{"deviation_reason": "Target dinaikkan.", "is_renstra_deviation": True, "renstra_target": "73"}],
        )
        # the secretary corrects it back to the Renstra: no reason needed any more
        secretary_line.write({"target": "73", "deviation_reason": False})
        self.assertFalse(secretary_line.is_renstra_deviation)

    def test_used_renstra_frozen_and_revised(self):
        manager = self.agency.users["manager"]
        renstra = self.as_user(self.renstra, manager)
        with self.assertRaisesRegex(UserError, "is used by an RKT"):
            renstra.name = "Renstra baru"
        indicator = self.as_user(self.renstra.indicator_ids[0], manager)
        with self.assertRaisesRegex(UserError, "is used by an RKT"):
            indicator.target_y3 = "99"
        action = renstra.action_revise()
        new = self.env["rkt.renstra"].browse(action["res_id"])
        self.assertFalse(self.renstra.active)
        self.assertEqual(new.version, 2)
        self.assertEqual(new.previous_version_id, self.renstra)
        self.assertEqual(len(new.indicator_ids), 4)
        self.assertEqual(len(new.program_ids), 6)
        self.assertEqual(
            new.indicator_ids.program_id.renstra_id, new, "the links point into the copy"
        )
        self.as_user(new.indicator_ids[0], manager).target_y3 = "99"
        # the running plan keeps its version
        self.assertEqual(self.plan.renstra_id, self.renstra)


@tagged("post_install", "-at_install", "rkt_renstra")
class TestRktRenstraAccess(RktRenstraCommon):
    """The RKT manager edits the agency's Renstra; its users read it; another
    agency sees nothing of it."""

    def test_division_head_reads_but_cannot_edit(self):
        head = self.agency.division_users[0]
        renstra = self.as_user(self.renstra, head)
        self.assertTrue(renstra.name)
        with self.assertRaises(AccessError):
            renstra.name = "Ubah"
        with self.assertRaises(AccessError):
            self.as_user(self.renstra.indicator_ids[0], head).target_y3 = "1"
        with self.assertRaises(AccessError):
            self.as_user(self.env["rkt.renstra.program"], head).create(
                {
                    "objective_id": self.renstra.objective_ids[0].id,
                    "level": "program",
                    "code": "1.02.09",
                    "name": "X",
                }
            )

    def test_manager_edits(self):
        manager = self.agency.users["manager"]
        self.as_user(self.renstra.indicator_ids[0], manager).target_y3 = "99"
        self.assertEqual(self.renstra.indicator_ids[0].target_y3, "99")

    def test_other_agency_cannot_read(self):
        other = self._make_agency("Badan Lain", "bl", divisions=2)
        for user in (other.users["manager"], other.division_users[0]):
            for model in ("rkt.renstra", "rkt.renstra.indicator", "rkt.renstra.program"):
                records = self.as_user(self.env[model], user)
                self.assertFalse(
                    records.search([("company_id", "=", self.agency.company.id)]), model
                )
            with self.assertRaises(AccessError):
                self.as_user(self.renstra, user).read(["name"])


@tagged("post_install", "-at_install", "rkt_renstra")
class TestRktRenstraImport(RktRenstraCommon):
    """A Renstra's programmes and indicators import from XLSX through Odoo's
    standard import (base_import), the layout of the README's section Renstra."""

    def _import(self, model, header, rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        manager = self.agency.users["manager"]
        importer = (
            self.as_user(self.env["base_import.import"], manager)
            .with_context(rkt_renstra_id=self.renstra.id)
            .create(
                {
                    "res_model": model,
                    "file": data.getvalue(),
                    "file_name": "renstra.xlsx",
                    "file_type": XLSX,
                }
            )
        )
        options = {"has_headers": True, "float_thousand_separator": ",", "float_decimal_separator": "."}
        preview = importer.parse_preview(options)
        self.assertFalse(preview.get("error"), preview.get("error"))
        matches = preview["matches"]
        fields = [matches[i][0] if i in matches else False for i in range(len(header))]
        return fields, importer.execute_import(fields, header, options)

    def test_import_programs_and_indicators(self):
        # the headers are the fields' labels, as in the README
        header = [
            "Strategic Objective", "Level", "Parent", "Code", "Name",
            "Budget Year 1", "Budget Year 2", "Budget Year 3", "Budget Year 4", "Budget Year 5",
        ]
        rows = [
            ["S1", "Programme", None, "1.02.05", "Program Baru", 0, 0, 0, 0, 0],
            ["S1", "Activity (Kegiatan)", "1.02.05", "1.02.05.2.01", "Kegiatan Baru", 0, 0, 0, 0, 0],
            [
                "S1", "Sub-activity (Sub Kegiatan)", "1.02.05.2.01", "1.02.05.2.01.0003",
                "Sub Kegiatan Baru", 100, 200, 300, 400, 500,
            ],
        ]
        fields, result = self._import("rkt.renstra.program", header, rows)
        self.assertEqual(
            fields,
            ["objective_id", "level", "parent_id", "code", "name",
             "budget_y1", "budget_y2", "budget_y3", "budget_y4", "budget_y5"],
        )
        self.assertEqual(result["messages"], [])
        sub = self.renstra.program_ids.filtered(lambda p: p.code == "1.02.05.2.01.0003")
        self.assertEqual(sub.parent_id.parent_id.code, "1.02.05")
        self.assertEqual(sub._get_budget(2027), 300)

        header = [
            "Strategic Objective", "Code", "Performance Indicator", "Unit", "Baseline",
            "Target Year 1", "Target Year 2", "Target Year 3", "Target Year 4", "Target Year 5",
            "IKU", "Division", "Programme or Activity", "Formula", "Data Source",
        ]
        department = self.agency.departments[2]
        rows = [
            [
                "S1", "IK9", "Indikator impor", "%", "60", "65", "70", "75", "80", "85",
                "1", department.display_name, "1.02.05.2.01.0003", "a / b x 100", "Laporan",
            ],
        ]
        fields, result = self._import("rkt.renstra.indicator", header, rows)
        self.assertNotIn(False, fields)
        self.assertEqual(result["messages"], [])
        indicator = self.renstra.indicator_ids.filtered(lambda i: i.code == "IK9")
        self.assertRecordValues(
            indicator,
            [{"target_y3": "75", "is_iku": True, "department_id": department.id, "uom": "%"}],
        )
        self.assertEqual(indicator.program_id, sub)

    def test_import_wrong_code_reported(self):
        header = ["Strategic Objective", "Level", "Code", "Name"]
        _fields, result = self._import(
            "rkt.renstra.program", header, [["S1", "Programme", "1.2.05", "Salah"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("nomenclature", result["messages"][0]["message"])


@tagged("post_install", "-at_install", "rkt_renstra")
class TestRktRenstraDemo(TransactionCase):
    """With demo data: the Renstra 2025-2029 of Dinas Kesehatan pre-fills the
    forms of its demo RKTs; the line typed by hand is flagged."""

    def test_demo_forms_drawn_from_renstra(self):
        renstra = self.env.ref("rkt_planning.rkt_renstra_dinkes_demo", raise_if_not_found=False)
        if not renstra:
            self.skipTest("installed without demo data")
        plan = self.env.ref("rkt_planning.rkt_plan_dinkes_filling_demo")
        self.assertEqual(plan.renstra_id, renstra)
        for form in plan.form_ids:
            owned = renstra.indicator_ids.filtered(lambda i, f=form: i.department_id == f.department_id)
            self.assertTrue(owned, form.department_id.name)
            self.assertEqual(form.line_ids.renstra_indicator_id, owned, form.department_id.name)
            for line in form.line_ids.filtered("renstra_indicator_id"):
                self.assertEqual(line.target, line.renstra_indicator_id._get_target(plan.year))
        unlinked = plan.line_ids.filtered("is_renstra_unlinked")
        self.assertEqual(len(unlinked), 1)
        self.assertIn("ibu hamil", unlinked.indicator)
