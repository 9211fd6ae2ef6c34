from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RktCommon


@tagged("post_install", "-at_install", "rkt_hr")
class TestHrEmployeeCivilServant(RktCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = cls.agency.employees["head"]

    def test_nip_is_stored_without_spaces_and_printed_grouped(self):
        self.head.write({"nip": "19731114 200604 1 006", "rkt_rank": "pns_4b"})
        self.assertEqual(self.head.nip, "197311142006041006")
        self.assertEqual(self.head.nip_formatted, "19731114 200604 1 006")
        self.assertEqual(self.head.rkt_rank_label, "Pembina Tk. I (IV/b)")

    def test_nip_validation(self):
        invalid = {
            "1973111420060410": "18 digits",  # too short
            "19731114200604100A": "18 digits",  # a letter
            "197311142006043006": "sex",  # sex digit 3
            "197302302006041006": "date of birth",  # 30 February
            "197311142006131006": "appointment",  # month 13
            "194001011949011001": "appointment",  # appointed before 1950
            "198001011990011001": "appointment",  # appointed at ten
        }
        for nip, reason in invalid.items():
            with self.subTest(nip=nip, reason=reason), self.assertRaises(ValidationError):
                self.head.write({"nip": nip})
        # the message tells which part is wrong, with the NIP grouped as printed
        with self.assertRaises(ValidationError) as error:
            self.head.write({"nip": "197311142006043006"})
        self.assertIn("19731114 200604 3 006", str(error.exception))

    def test_pppk_number_has_21_in_the_month_place(self):
        employee = self.agency.employees["team"]
        with self.assertRaises(ValidationError):
            employee.write({"nip": "199001012022211001", "rkt_rank": "pns_3a"})
        employee.write({"nip": "199001012022211001", "rkt_rank": "pppk_09"})
        self.assertEqual(employee.rkt_rank_label, "Golongan IX (PPPK)")
        self.assertEqual(employee.nip_formatted, "19900101 202221 1 001")

    def test_nip_unique_in_agency(self):
        self.head.nip = "197311142006041006"
        with self.assertRaises(ValidationError) as error:
            self.agency.employees["secretary"].nip = "19731114 200604 1 006"
        self.assertIn(self.head.name, str(error.exception))
        # another agency may have an employee record of the same person
        other = self._make_agency("Dinas Lain", "dl", divisions=1)
        other.employees["head"].nip = "197311142006041006"

    def test_every_user_reads_civil_servant_data(self):
        """The NIP, rank and position are printed under signatures: a user without
        HR rights reads them (through hr.employee.public)."""
        self.head.write(
            {
                "nip": "197311142006041006",
                "rkt_rank": "pns_4b",
                "rkt_position": "Kepala Badan",
            }
        )
        planner = self.agency.users["planner"]
        self.assertFalse(planner.has_group("hr.group_hr_user"))
        head = self.head.with_user(planner)
        self.assertEqual(head.nip_formatted, "19731114 200604 1 006")
        self.assertEqual(head.rkt_rank_label, "Pembina Tk. I (IV/b)")
        self.assertEqual(head.rkt_position, "Kepala Badan")
        public = self.env["hr.employee.public"].with_user(planner).browse(self.head.id)
        self.assertEqual(public.nip_formatted, "19731114 200604 1 006")
        self.assertEqual(public.rkt_rank_label, "Pembina Tk. I (IV/b)")
