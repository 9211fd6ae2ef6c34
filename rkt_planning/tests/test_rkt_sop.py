from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RktCommon


@tagged("post_install", "-at_install", "rkt_sop")
class TestRktSop(RktCommon):
    def test_seed_sops_loaded(self):
        for sop, head_name, planner_name in (
            (self.sop_dinkes, "Kepala Dinas", "Kasub/Bag Program"),
            (self.sop, "Kepala Badan", "Kasubbag Perencanaan"),
        ):
            self.assertEqual(len(sop.step_ids), 11)
            self.assertEqual(sop.total_duration, 23)
            self.assertEqual(
                sop.step_ids.mapped("duration"), [1, 1, 1, 3, 3, 3, 3, 5, 1, 1, 1]
            )
            self.assertEqual(
                sop.step_ids.mapped("kind"),
                [
                    "start",
                    "process",
                    "meeting",
                    "fill",
                    "collect",
                    "compile",
                    "correction",
                    "process",
                    "decision",
                    "sign",
                    "archive",
                ],
            )
            self.assertEqual(sop.role_head_name, head_name)
            self.assertEqual(sop.role_planner_name, planner_name)
            self.assertFalse(sop.company_id, "seed SOPs are templates")
            eighth = sop.step_ids[7]
            self.assertEqual(sop.step_ids[8].return_step_id, eighth)
            self.assertEqual(sop.step_ids[9].return_step_id, eighth)
            self.assertEqual(sop.step_ids[0].get_roles(), {"head"})
            self.assertEqual(
                sop.step_ids[6].get_roles(), {"division_head", "secretary"}
            )

    def test_seed_wording(self):
        dinkes, bkpsdm = self.sop_dinkes, self.sop
        self.assertEqual(dinkes.code, "445/1.d/DINKES-BLG/2024")
        self.assertEqual(str(dinkes.date_made), "2024-01-10")
        self.assertEqual(str(dinkes.date_approved), "2024-01-10")
        self.assertFalse(dinkes.date_revised)
        self.assertEqual(dinkes.approved_by, "Kepala Dinas Kesehatan")
        self.assertEqual(dinkes.approver_nip, "19731114 200604 1 006")
        self.assertEqual(
            dinkes.step_ids[2].name,
            "Rapat koordinasi pengisian form RKT kepada Bidang/ Subbag",
        )
        self.assertEqual(dinkes.step_ids[7].duration_text, "1 minggu")
        self.assertEqual(
            bkpsdm.step_ids[2].name,
            "Rapat Sosialisasi Pengisian Form RKT kepada Sekretariat dan "
            "Bidang-bidang",
        )
        self.assertEqual(bkpsdm.step_ids[9].name, "Menerima dan Menandatangani RKT")
        self.assertEqual(bkpsdm.step_ids[10].requirement, "RKT yang sudah ditandatangani")
        self.assertEqual(bkpsdm.step_ids[7].duration_text, "1 Minggu")
        self.assertIn("Sistem Perencanaan Pembangunan Nasional (SPPN)", bkpsdm.legal_basis)
        self.assertIn("Tepat Waktu", bkpsdm.warning)

    def _new_sop(self):
        sop = self.env["rkt.sop"].create({"name": "SOP Uji"})
        steps = self.env["rkt.sop.step"].create(
            [
                {"sop_id": sop.id, "sequence": 1, "name": "Mulai", "kind": "start", "role_head": True},
                {"sop_id": sop.id, "sequence": 2, "name": "Susun", "role_team": True},
            ]
        )
        return sop, steps

    def test_duration_positive(self):
        _sop, steps = self._new_sop()
        with self.assertRaisesRegex(ValidationError, "at least one working day"):
            steps[1].duration = 0

    def test_return_step_must_be_earlier_same_sop(self):
        sop, steps = self._new_sop()
        decision = self.env["rkt.sop.step"].create(
            {
                "sop_id": sop.id,
                "sequence": 3,
                "name": "Koreksi",
                "kind": "decision",
                "role_secretary": True,
                "return_step_id": steps[1].id,
            }
        )
        later = self.env["rkt.sop.step"].create(
            {"sop_id": sop.id, "sequence": 4, "name": "Arsip", "kind": "archive", "role_team": True}
        )
        with self.assertRaisesRegex(ValidationError, "earlier step of the same SOP"):
            decision.return_step_id = later
        with self.assertRaisesRegex(ValidationError, "earlier step of the same SOP"):
            decision.return_step_id = self.sop.step_ids[0]
        with self.assertRaisesRegex(ValidationError, "needs the step its 'tidak'"):
            decision.return_step_id = False

    def test_step_needs_a_role(self):
        _sop, steps = self._new_sop()
        with self.assertRaisesRegex(ValidationError, "at least one executor role"):
            steps[1].role_team = False

    def test_used_step_cannot_be_deleted_but_archived(self):
        sop, steps = self._new_sop()
        sop.company_id = self.agency.company
        self._make_plan(sop=sop)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            steps[1].unlink()
        with self.assertRaisesRegex(UserError, "Revise"):
            steps[1].duration = 4
        steps[1].name = "Susun draft"  # wording may be corrected
        steps[1].active = False
        self.assertFalse(steps[1].active)

    def test_unused_step_can_be_deleted(self):
        sop, steps = self._new_sop()
        steps[1].unlink()
        self.assertEqual(len(sop.step_ids), 1)

    def test_revision_keeps_running_plans_on_their_version(self):
        manager = self.agency.users["manager"]
        template = self.sop.with_user(manager)
        action = template.with_context(
            allowed_company_ids=self.agency.company.ids
        ).action_copy_for_agency()
        own = self.env["rkt.sop"].browse(action["res_id"])
        self.assertEqual(own.company_id, self.agency.company)
        self.assertEqual(len(own.step_ids), 11)
        self.assertEqual(own.step_ids[8].return_step_id, own.step_ids[7])
        plan = self._make_plan(sop=own)
        self.start(plan)
        action = own.with_user(manager).action_revise()
        revised = self.env["rkt.sop"].browse(action["res_id"])
        self.assertEqual(revised.version, 2)
        self.assertEqual(revised.root_id, own)
        self.assertEqual(revised.previous_version_id, own)
        self.assertFalse(own.active, "the old version is archived, still readable")
        self.assertEqual(revised.step_ids[9].return_step_id, revised.step_ids[7])
        revised.step_ids[7].duration = 7  # the new version is free to change
        self.assertEqual(plan.sop_id, own)
        self.assertEqual(plan.sop_version, 1)
        self.assertEqual(plan.step_id.sop_id, own)
        self.assertEqual(own.step_ids[7].duration, 5)

    def test_division_head_cannot_edit_sop(self):
        with self.assertRaises(AccessError):
            self.sop.with_user(self.agency.division_users[0]).name = "x"
