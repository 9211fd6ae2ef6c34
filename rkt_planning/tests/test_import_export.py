from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import RktCommon

# The columns of a division's spreadsheet, as Odoo's import maps them (field names;
# the import dialog also recognises the field labels as column headers).
COLUMNS = [
    "strategic_objective",
    "indicator",
    "target",
    "uom",
    "program_code",
    "program_name",
    "activity_name",
    "sub_activity_name",
    "budget",
    "fund_source",
    "is_iku",
]
ROWS = [
    [
        "Meningkatnya kualitas data kepegawaian",
        "Persentase data ASN yang mutakhir",
        "100",
        "%",
        "5.04.02",
        "Program Kepegawaian Daerah",
        "Pengadaan, Pemberhentian dan Informasi Kepegawaian ASN",
        "Pengelolaan Data dan Sistem Informasi Kepegawaian",
        "235000000",
        "DAU",
        "1",
    ],
    [
        "Meningkatnya kualitas data kepegawaian",
        "Persentase usulan pensiun yang diproses tepat waktu",
        "≥ 95",
        "%",
        "5.04.02",
        "Program Kepegawaian Daerah",
        "Pengadaan, Pemberhentian dan Informasi Kepegawaian ASN",
        "Pengelolaan Pemberhentian ASN",
        "85000000",
        "DAU",
        "0",
    ],
]


@tagged("post_install", "-at_install", "rkt_import")
@freeze_time("2027-01-11 01:00:00")
class TestRktImportExport(RktCommon):
    """A division head fills their form from a spreadsheet with Odoo's standard
    import (``load``, which the import dialog calls); the compiled RKT exports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan()
        # Export is a right of its own (base.group_allow_export), which Odoo gives
        # every new internal user through its default user template.
        export = cls.env.ref("base.group_allow_export")
        for user in [*cls.agency.users.values(), *cls.agency.division_users]:
            user.groups_id = [Command.link(export.id)]

    def setUp(self):
        super().setUp()
        self.run_to_fill(self.plan)
        self.form, self.other_form = self.plan.form_ids[:2]
        self.division_head = self.form.head_employee_id.user_id

    def _lines(self, user, form=None):
        Line = self.as_user(self.env["rkt.plan.line"], user)
        return Line.with_context(default_form_id=form.id) if form else Line

    def test_import_into_own_form_from_its_lines(self):
        """From the form's Lines list (default_form_id): no form column needed."""
        result = self._lines(self.division_head, self.form).load(COLUMNS, ROWS)
        self.assertEqual(result["messages"], [])
        lines = self.env["rkt.plan.line"].browse(result["ids"])
        self.assertEqual(lines.form_id, self.form)
        self.assertRecordValues(
            lines,
            [
                {"indicator": ROWS[0][1], "target": "100", "budget": 235000000.0, "is_iku": True},
                {"indicator": ROWS[1][1], "target": "≥ 95", "budget": 85000000.0, "is_iku": False},
            ],
        )
        self.as_user(self.form, self.division_head).action_submit()
        self.assertEqual(self.form.state, "submitted")

    def test_import_with_form_column(self):
        """From the RKT Lines list: the form is a column (its database id)."""
        rows = [[str(self.form.id), *row] for row in ROWS]
        result = self._lines(self.division_head).load(["form_id/.id", *COLUMNS], rows)
        self.assertEqual(result["messages"], [])
        self.assertEqual(self.env["rkt.plan.line"].browse(result["ids"]).form_id, self.form)

    def test_import_into_other_division_refused(self):
        rows = [[str(self.other_form.id), *row] for row in ROWS]
        result = self._lines(self.division_head).load(["form_id/.id", *COLUMNS], rows)
        self.assertFalse(result["ids"])
        self.assertEqual({m["type"] for m in result["messages"]}, {"error"})
        result = self._lines(self.division_head, self.other_form).load(COLUMNS, ROWS)
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertFalse(self.other_form.line_ids)

    def test_import_refused_once_submitted(self):
        self.fill_form(self.form, self.division_head, count=1)
        result = self._lines(self.division_head, self.form).load(COLUMNS, ROWS)
        self.assertFalse(result["ids"])
        self.assertEqual(len(self.form.line_ids), 1)

    def test_import_missing_required_value_reported(self):
        rows = [[*ROWS[0][:3], "", *ROWS[0][4:]]]  # no unit (Satuan)
        result = self._lines(self.division_head, self.form).load(COLUMNS, rows)
        self.assertFalse(result["ids"])
        self.assertIn("Satuan", result["messages"][0]["message"])

    def test_import_csv_through_import_dialog(self):
        """The same spreadsheet, as a CSV file through base_import (the dialog)."""
        # the column headers are the fields' labels, as in Odoo's import template
        Line = self.env["rkt.plan.line"]
        header = [Line._fields[name]._description_string(self.env) for name in COLUMNS]
        csv = "\n".join(
            ",".join(f'"{cell}"' for cell in row) for row in [header, *ROWS]
        ).encode()
        importer = (
            self.as_user(self.env["base_import.import"], self.division_head)
            .with_context(default_form_id=self.form.id)
            .create(
                {
                    "res_model": "rkt.plan.line",
                    "file": csv,  # raw bytes, as the import dialog uploads them
                    "file_name": "form_rkt.csv",
                    "file_type": "text/csv",
                }
            )
        )
        options = {
            "has_headers": True,
            "quoting": '"',
            "separator": ",",
            "encoding": "utf-8",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
        }
        preview = importer.parse_preview(options)
        self.assertFalse(preview.get("error"), preview.get("error"))
        matches = preview["matches"]
        fields = [matches[index][0] if index in matches else False for index in range(len(header))]
        self.assertEqual(fields, COLUMNS, "the column headers are the fields' labels")
        result = importer.execute_import(fields, header, options)
        self.assertEqual(result["messages"], [])
        self.assertEqual(len(self.form.line_ids), 2)

    def test_export_compiled_lines(self):
        """The compiled RKT exports (list view > Export) for the officials."""
        for form in self.plan.form_ids:
            self.fill_form(form, form.head_employee_id.user_id)
        self.complete(self.plan, self.agency.users["team"], "Draft RKT")
        lines = self.plan.line_ids.filtered("is_compiled")
        self.assertEqual(len(lines), 2 * len(self.plan.form_ids))
        fields = ["plan_id", "department_id", "strategic_objective", "indicator", "target", "uom", "budget"]
        for role in ("head", "secretary", "team"):
            rows = self.as_user(lines, self.agency.users[role]).export_data(fields)["datas"]
            self.assertEqual(len(rows), len(lines))
            self.assertEqual(rows[0][0], self.plan.name)
            self.assertIn(rows[0][3], lines.mapped("indicator"))
        # a division head reads (and exports) the whole RKT of the agency too
        rows = self.as_user(lines, self.division_head).export_data(fields)["datas"]
        self.assertEqual(len(rows), len(lines))
