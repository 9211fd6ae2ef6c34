from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_renstra import RktRenstraCommon

PK_REPORT = "rkt_planning.action_report_rkt_pk"
NODE_CODE = "1.02.01.2.02.0001"  # the sub-kegiatan of "Indikator A div0"
NODE_BUDGET_2027 = 3_000_000  # its budget_y3


@tagged("post_install", "-at_install", "rkt_pk", "rkt_renstra")
@freeze_time("2027-01-11 01:00:00")
class TestPkNumberingAnnex(RktRenstraCommon):
    """Issue 15: the PK numbers come from the agency's sequence, per fiscal year;
    the head's PK annex prints an objective shared by divisions once; a Renstra
    node's budget is carried once by the lines pre-filled from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two more indicators linked to the sub-kegiatan of "Indikator A div0": one
        # of the same division, one of another
        objective = cls.renstra.objective_ids[0]
        node = cls.renstra.program_ids.filtered(lambda p: p.code == NODE_CODE)
        cls.node = node
        departments = cls.agency.departments
        targets = {f"target_y{y}": str(60 + y) for y in range(1, 6)}
        cls.env["rkt.renstra.indicator"].create(
            [
                {
                    "objective_id": objective.id,
                    "name": "Indikator D div0",
                    "uom": "%",
                    "department_id": departments[0].id,
                    "program_id": node.id,
                    "sequence": 3,
                    **targets,
                },
                {
                    "objective_id": objective.id,
                    "name": "Indikator E div1",
                    "uom": "%",
                    "department_id": departments[1].id,
                    "program_id": node.id,
                    "sequence": 4,
                    **targets,
                },
            ]
        )
        cls.plan = cls._make_plan()  # 2027: year 3 of 2025-2029

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _sign_and_draft_pks(self, plan, agency=None, dpa_date="2027-01-08"):
        agency = agency or self.agency
        plan._engine_write(
            {
                "state": "signed",
                "signed_date": "2027-01-05",
                "signed_employee_id": agency.employees["head"].id,
                "signed_user_id": agency.users["head"].id,
                "signed_capacity": "head",
            }
        )
        return self.as_user(plan, agency.users["planner"]).set_dpa_date(dpa_date)

    def _add_engine_lines(self, form, rows):
        """The lines of the signed RKT, written by the engine: ``rows`` are
        ``(objective, indicator, target, programme code, budget)``."""
        return (
            self.env["rkt.plan.line"]
            ._engine()
            .create(
                [
                    {
                        "form_id": form.id,
                        "strategic_objective": objective,
                        "indicator": indicator,
                        "target": target,
                        "uom": "%",
                        "program_code": program_code,
                        "program_name": f"Program {program_code}",
                        "budget": budget,
                        "is_iku": True,
                    }
                    for objective, indicator, target, program_code, budget in rows
                ]
            )
        )

    # ------------------------------------------------------------------
    # PK numbers
    # ------------------------------------------------------------------

    def test_pk_numbers_per_fiscal_year(self):
        """Each fiscal year's PKs are numbered from 0001 (the head's first, then
        the division heads' in the forms' order), consecutively within a plan;
        another agency counts its own."""
        pks = self._sign_and_draft_pks(self.plan)
        self.assertEqual(pks.mapped("party"), ["head", "division", "division", "division"])
        self.assertEqual(
            pks.department_id.ids, self.plan.form_ids.department_id.ids
        )
        self.assertEqual(
            pks.mapped("name"),
            ["PK/2027/0001", "PK/2027/0002", "PK/2027/0003", "PK/2027/0004"],
        )
        # the next fiscal year starts again at 0001
        plan_2028 = self._make_plan(year=2028)
        pks_2028 = self._sign_and_draft_pks(plan_2028, dpa_date="2027-01-09")
        self.assertEqual(
            sorted(pks_2028.mapped("name")),
            ["PK/2028/0001", "PK/2028/0002", "PK/2028/0003", "PK/2028/0004"],
        )
        self.assertEqual(
            pks_2028.filtered(lambda pk: pk.party == "head").name, "PK/2028/0001"
        )
        # another agency's first PK of 2027 is its own 0001
        other = self._make_agency("Dinas Lain", "dl", divisions=1)
        other_pks = self._sign_and_draft_pks(self._make_plan(agency=other), agency=other)
        self.assertEqual(sorted(other_pks.mapped("name")), ["PK/2027/0001", "PK/2027/0002"])
        companies = self.agency.company | other.company
        sequences = self.env["ir.sequence"].search(
            [("code", "=", "rkt.pk"), ("company_id", "in", companies.ids)]
        )
        self.assertEqual(len(sequences), 2, "one sequence per agency")
        self.assertEqual(sequences.company_id, companies)

    # ------------------------------------------------------------------
    # The annex of the head's PK
    # ------------------------------------------------------------------

    def test_head_pk_annex_prints_shared_objective_once(self):
        forms = self.plan.form_ids
        self._add_engine_lines(
            forms[0],
            [
                ("Sasaran Bersama", "IKU X", "80", "5.01.01", 1_000_000),
                ("Sasaran Bidang 0", "IKU Y", "70", "5.01.02", 500_000),
            ],
        )
        self._add_engine_lines(
            forms[1],
            [
                ("Sasaran Bersama", "IKU Z", "75", "5.01.01", 2_000_000),
                # the same indicator and target as division 0's: printed once
                ("Sasaran Bersama", "IKU X", "80", "5.01.03", 300_000),
            ],
        )
        self._add_engine_lines(
            forms[2],
            # the same indicator with another target: printed as its own row
            [("Sasaran Bersama ", "IKU X", "90", "5.01.01", 400_000)],
        )
        pks = self._sign_and_draft_pks(self.plan)
        head_pk = pks.filtered(lambda pk: pk.party == "head")
        self.assertEqual(len(head_pk.line_ids), 5)
        annex = self.env["report.rkt_planning.report_rkt_pk"]._get_annex(head_pk)
        self.assertEqual(
            [
                (row["rowspan"], row.get("number"), row.get("objective"), row["indicator"], row["target"])
                for row in annex["targets"]
            ],
            [
                (3, 1, "Sasaran Bersama", "IKU X", "80 %"),
                (0, None, None, "IKU Z", "75 %"),
                (0, None, None, "IKU X", "90 %"),
                (1, 2, "Sasaran Bidang 0", "IKU Y", "70 %"),
            ],
        )
        # one programme row per programme, with the sum of its lines' budgets
        self.assertEqual(
            annex["programs"],
            [
                {"name": "5.01.01 Program 5.01.01", "budget": "3.400.000"},
                {"name": "5.01.02 Program 5.01.02", "budget": "500.000"},
                {"name": "5.01.03 Program 5.01.03", "budget": "300.000"},
            ],
        )
        self.assertEqual(annex["total"], "4.200.000")
        # the printed annex: the shared objective once, spanning its three rows
        html = self.env["ir.actions.report"]._render_qweb_html(PK_REPORT, head_pk.ids)[0]
        html = html.decode()
        self.assertEqual(html.count("Sasaran Bersama"), 1)
        self.assertIn('rowspan="3"', html)

    # ------------------------------------------------------------------
    # The budget of a Renstra node, pre-filled once
    # ------------------------------------------------------------------

    def test_node_budget_carried_once(self):
        """Three indicators of two divisions linked to one sub-kegiatan: its budget
        is carried by the first line (in the Renstra's order), the others show
        the node with 0 and need no reason."""
        self.run_to_fill(self.plan)
        lines = self.plan.line_ids.filtered(lambda l: l.sub_activity_code == NODE_CODE)
        self.assertEqual(
            sorted(lines.mapped("indicator")),
            ["Indikator A div0", "Indikator D div0", "Indikator E div1"],
        )
        self.assertEqual(sum(lines.mapped("budget")), NODE_BUDGET_2027)
        carrier = lines.filtered("renstra_budget_carried")
        self.assertEqual(carrier.indicator, "Indikator A div0")
        self.assertEqual(carrier.budget, NODE_BUDGET_2027)
        self.assertEqual(carrier.renstra_budget, NODE_BUDGET_2027)
        others = lines - carrier
        self.assertRecordValues(
            others,
            [
                {
                    "budget": 0.0,
                    "renstra_budget": 0.0,
                    "renstra_budget_carried": False,
                    "is_renstra_deviation": False,
                    "sub_activity_name": "Sub Kegiatan 01",
                    "program_code": "1.02.01",
                }
            ]
            * 2,
        )
        # the plan's total counts the node once: 2 sub-kegiatan of 3,000,000
        self.assertEqual(sum(self.plan.line_ids.mapped("budget")), 2 * NODE_BUDGET_2027)
        # the division heads save those lines without a reason...
        for line in others:
            head = line.form_id.head_employee_id.user_id
            self.as_user(line, head).write({"target": line.target, "sequence": 20})
            self.assertFalse(line.is_renstra_deviation)
        # ...but the node's budget put on them again is a deviation
        line = others.filtered(lambda l: l.indicator == "Indikator E div1")
        with self.assertRaisesRegex(
            ValidationError, "give the reason for the deviation"
        ), self.env.cr.savepoint():
            self.as_user(line, line.form_id.head_employee_id.user_id).budget = NODE_BUDGET_2027
        # the flag is the engine's
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            self.as_user(line, line.form_id.head_employee_id.user_id).renstra_budget_carried = True

    def test_node_budget_not_carried_again_on_reopening(self):
        """A form that opens again gets the indicators it lacks; a node another
        line of the RKT carries gives them 0."""
        self.run_to_fill(self.plan)
        form0 = self.plan.form_ids.filtered(
            lambda f: f.department_id == self.agency.departments[0]
        )
        head0 = form0.head_employee_id.user_id
        line_d = form0.line_ids.filtered(lambda l: l.indicator == "Indikator D div0")
        self.assertFalse(line_d.renstra_budget_carried)
        # division 0 deletes the line of Indikator D; the form opens again
        self.as_user(line_d, head0).unlink()
        form0._renstra_prefill()
        again = form0.line_ids.filtered(lambda l: l.indicator == "Indikator D div0")
        self.assertRecordValues(again, [{"budget": 0.0, "renstra_budget_carried": False}])
        lines = self.plan.line_ids.filtered(lambda l: l.sub_activity_code == NODE_CODE)
        self.assertEqual(sum(lines.mapped("budget")), NODE_BUDGET_2027)
        # without the line that carried it, the node's budget comes back once
        carrier = lines.filtered("renstra_budget_carried")
        self.assertEqual(carrier.indicator, "Indikator A div0")
        self.as_user(carrier, head0).unlink()
        form0._renstra_prefill()
        lines = self.plan.line_ids.filtered(lambda l: l.sub_activity_code == NODE_CODE)
        self.assertEqual(len(lines), 3)
        self.assertEqual(sum(lines.mapped("budget")), NODE_BUDGET_2027)
        self.assertEqual(
            lines.filtered("renstra_budget_carried").indicator, "Indikator A div0"
        )

    def test_node_inside_or_above_a_carried_one_carries_nothing(self):
        """An indicator linked to the kegiatan of a carried sub-kegiatan: the
        kegiatan's budget holds the sub-kegiatan's, so its line carries 0."""
        kegiatan = self.node.parent_id
        self.assertTrue(kegiatan)
        self.env["rkt.renstra.indicator"].create(
            {
                "objective_id": self.renstra.objective_ids[0].id,
                "name": "Indikator F div1",
                "uom": "%",
                "department_id": self.agency.departments[1].id,
                "program_id": kegiatan.id,
                "sequence": 5,
                **{f"target_y{y}": "70" for y in range(1, 6)},
            }
        )
        self.run_to_fill(self.plan)
        line_f = self.plan.line_ids.filtered(lambda l: l.indicator == "Indikator F div1")
        self.assertRecordValues(
            line_f,
            [{"budget": 0.0, "renstra_budget_carried": False, "is_renstra_deviation": False}],
        )
        self.assertEqual(line_f.activity_code, kegiatan.code)
