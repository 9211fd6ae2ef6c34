from odoo import Command, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.rkt_planning.models.rkt_sop import FROZEN_SOP_FIELDS
from odoo.addons.rkt_planning.models.rkt_sop_step import FROZEN_STEP_FIELDS

from .common import RktCommon

TEMPLATE_REFUSED = "can only be changed by a system administrator"


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
        self.assertEqual(own.template_id, self.sop)
        self.assertEqual(len(own.step_ids), 11)
        self.assertEqual(own.step_ids[8].return_step_id, own.step_ids[7])
        plan = self._make_plan(sop=own)
        self.start(plan)
        action = self.as_user(own, manager).action_revise()
        revised = self.env["rkt.sop"].browse(action["res_id"])
        self.assertEqual(revised.version, 2)
        self.assertEqual(revised.root_id, own)
        self.assertEqual(revised.previous_version_id, own)
        self.assertEqual(revised.template_id, self.sop)
        self.assertFalse(own.active, "the old version is archived, still readable")
        self.assertEqual(revised.step_ids[9].return_step_id, revised.step_ids[7])
        # the new version is free to change, as the agency's manager
        self.as_user(revised.step_ids[7], manager).duration = 7
        self.as_user(revised, manager).code = "800/2/2027"
        self.assertEqual(plan.sop_id, own)
        self.assertEqual(plan.sop_version, 1)
        self.assertEqual(plan.step_id.sop_id, own)
        self.assertEqual(own.step_ids[7].duration, 5)
        # the old version stays frozen, archived
        with self.assertRaisesRegex(UserError, "Revise"):
            self.as_user(own.step_ids[7], manager).duration = 7
        with self.assertRaisesRegex(UserError, "Revise"):
            self.as_user(own, manager).active = True
        # the token of the revision cannot be forged by a context (e.g. over RPC)
        with self.assertRaisesRegex(UserError, "Revise"):
            self.as_user(own, manager).with_context(rkt_sop_revision=True).active = True
        self.assertFalse(own.active)
        # a later plan of the agency that names the template runs on the current
        # version of the agency's copy
        later = self._make_plan(year=2028)
        self.assertEqual(later.sop_id, revised)
        self.assertEqual(later.step_id, revised.step_ids[0])

    def test_division_head_cannot_edit_sop(self):
        with self.assertRaises(AccessError):
            self.sop.with_user(self.agency.division_users[0]).name = "x"

    # ------------------------------------------------------------------
    # Templates: read by everyone, changed by a system administrator only
    # ------------------------------------------------------------------

    def _sysadmin(self):
        return new_test_user(
            self.env,
            login="rkt_sysadmin",
            groups="base.group_user,base.group_system",
            name="Administrator Sistem",
        )

    def test_manager_cannot_change_a_template(self):
        """Issue 11, item 5: agency A's RKT manager archived the secretary's decision
        of the template that agency B's running plan used."""
        agency_b = self._make_agency("Badan Lain", "bl", divisions=2)
        plan_b = self._make_plan(agency=agency_b)
        self.start(plan_b, agency_b)
        manager_a = self.agency.users["manager"]
        for template in (self.sop, self.sop_dinkes):  # used by B's plan, unused
            with self.subTest(template=template.name):
                step = self.as_user(template.step_ids[8], manager_a)
                before = step.read(sorted(FROZEN_STEP_FIELDS))
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    step.active = False
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    step.name = "Dilewati"
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    step.write({"requirement": "x", "duration": 9})
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    step.unlink()
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    self.as_user(self.env["rkt.sop.step"], manager_a).create(
                        {"sop_id": template.id, "name": "Tambahan", "role_team": True}
                    )
                sop = self.as_user(template, manager_a)
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    sop.active = False
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    sop.role_secretary_name = "Sekda"
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    sop.write({"step_ids": [Command.update(step.id, {"active": False})]})
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    sop.unlink()
                with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
                    sop.action_revise()
                template.invalidate_recordset()
                step.invalidate_recordset()
                self.assertEqual(step.read(sorted(FROZEN_STEP_FIELDS)), before)
                self.assertTrue(template.active)
                self.assertEqual(len(template.step_ids), 11)
        # B's plan runs on B's own copy, which A's manager cannot even read
        self.assertEqual(plan_b.sop_id.company_id, agency_b.company)
        step_b = plan_b.sop_id.step_ids[8]
        self.env.invalidate_all()  # as a new request reads it
        with self.assertRaises(AccessError):
            self.as_user(step_b, manager_a).active = False
        self.assertTrue(step_b.active)
        # a template is not created by an agency's manager either
        with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
            self.as_user(self.env["rkt.sop"], manager_a).create(
                {"name": "Templat Baru", "company_id": False}
            )
        # ... nor made of an agency's SOP: a new SOP is the agency's own
        own = self.as_user(self.env["rkt.sop"], manager_a).create({"name": "SOP Sendiri"})
        self.assertEqual(own.company_id, self.agency.company)
        with self.assertRaisesRegex(AccessError, TEMPLATE_REFUSED):
            own.company_id = False
        # reading stays open to every internal user
        for user in (manager_a, self.agency.division_users[0], self.agency.users["team"]):
            self.assertEqual(len(self.as_user(self.sop, user).step_ids.mapped("name")), 11)

    def test_system_administrator_edits_an_unused_template(self):
        admin = self._sysadmin()
        template = self.sop_dinkes.with_user(admin)
        template.write({"code": "445/2/DINKES-BLG/2027", "role_team_name": "Tim Penyusun"})
        step = template.step_ids[1]
        step.write({"name": "Perencanaan kegiatan", "duration": 2, "note": "Catatan"})
        extra = self.env["rkt.sop.step"].with_user(admin).create(
            {"sop_id": template.id, "sequence": 99, "name": "Tambahan", "role_team": True}
        )
        extra.unlink()
        self.assertEqual(self.sop_dinkes.code, "445/2/DINKES-BLG/2027")
        self.assertEqual(self.sop_dinkes.step_ids[1].duration, 2)
        self.assertEqual(len(self.sop_dinkes.step_ids), 11)

    def test_template_a_plan_runs_on_is_frozen_even_for_the_administrator(self):
        """A plan created before agencies ran on their copies may run on a template:
        then the template is frozen like any used version."""
        plan = self._make_plan()
        self.env.cr.execute(
            "UPDATE rkt_plan SET sop_id = %s, step_id = %s WHERE id = %s",
            [self.sop.id, self.sop.step_ids[0].id, plan.id],
        )
        plan.invalidate_recordset()
        admin = self._sysadmin()
        with self.assertRaisesRegex(UserError, "Revise"):
            self.sop.step_ids[8].with_user(admin).active = False
        with self.assertRaisesRegex(UserError, "Revise"):
            self.sop.with_user(admin).active = False
        self.assertTrue(self.sop.step_ids[8].active)

    # ------------------------------------------------------------------
    # A plan runs on its agency's own copy
    # ------------------------------------------------------------------

    def test_agency_copy_of_the_health_office_sheet_reads_corrected(self):
        """The health office template keeps its sheet verbatim ("TEM", "Menonormasi
        ..."); any agency's copy of it reads words, and prints one rank format."""
        template = self.env.ref("rkt_planning.rkt_sop_dinkes_balangan")
        self.assertEqual(template.role_team_name, "TEM")
        self.assertEqual(template.approver_rank, "Pembina Tk I / IV b")
        copy = template._get_agency_copy(self.agency.company)
        self.assertEqual(copy.template_id, template)
        self.assertEqual(copy.role_team_name, "Tim")
        self.assertEqual(copy.role_planner_name, "Kasubbag Program")
        self.assertEqual(copy.approver_rank, "Pembina Tk. I (IV/b)")
        names = copy.step_ids.mapped("name")
        self.assertIn("Menerima dan Menandatangani RKT", names)
        self.assertNotIn("Menonormasi dan Menandatangani RKT", names)
        self.assertEqual(len(names), len(template.step_ids))
        # the template is unchanged, and what a copy corrects is not copied
        self.assertEqual(template.role_team_name, "TEM")
        self.assertIn("Menonormasi dan Menandatangani RKT", template.step_ids.mapped("name"))
        self.assertFalse(copy.copy_corrections)

    def test_plan_with_a_template_gets_the_agency_copy(self):
        plan = self._make_plan()  # created by the planning head, naming the template
        copy = plan.sop_id
        self.assertNotEqual(copy, self.sop)
        self.assertEqual(copy.company_id, self.agency.company)
        self.assertEqual(copy.template_id, self.sop)
        self.assertEqual(copy.version, 1)
        self.assertEqual(copy.name, self.sop.name)
        self.assertEqual(copy.role_head_name, "Kepala Badan")
        self.assertEqual(
            copy.step_ids.mapped("name"), self.sop.step_ids.mapped("name")
        )
        self.assertEqual(copy.step_ids[8].return_step_id, copy.step_ids[7])
        self.assertEqual(plan.step_id, copy.step_ids[0])
        self.assertEqual(plan.sop_root_id, copy)
        # a second plan of the agency reuses the copy; another agency gets its own
        second = self._make_plan(year=2028)
        self.assertEqual(second.sop_id, copy)
        other = self._make_agency("Badan Lain", "bl", divisions=1)
        other_plan = self._make_plan(agency=other)
        self.assertEqual(other_plan.sop_id.company_id, other.company)
        self.assertEqual(other_plan.sop_id.template_id, self.sop)
        # the agency's default SOP (settings) still names the template: a new plan
        # form offers the copy, and a plan without SOP runs on it
        planner = self.agency.users["planner"]
        Plan = self.as_user(self.env["rkt.plan"], planner)
        self.assertEqual(self.agency.company.rkt_sop_id, self.sop)
        self.assertEqual(Plan._default_sop_id(), copy)
        third = Plan.create({"year": 2029, "program_document_ref": "Renstra"})
        self.assertEqual(third.sop_id, copy)
        # choosing the other template on a draft plan gives its copy, too (the
        # agency's RKT manager or head changes a draft plan's SOP, see test_trust)
        self.as_user(third, self.agency.users["manager"]).sop_id = self.sop_dinkes
        self.assertEqual(third.sop_id.template_id, self.sop_dinkes)
        self.assertEqual(third.sop_id.company_id, self.agency.company)
        self.assertEqual(
            self.env["rkt.sop"].search_count(
                [("company_id", "=", self.agency.company.id)]
            ),
            2,
        )

    # ------------------------------------------------------------------
    # A used version is frozen whole
    # ------------------------------------------------------------------

    def test_frozen_fields_cover_every_field_of_a_step_and_an_sop(self):
        for model, frozen in (
            ("rkt.sop.step", FROZEN_STEP_FIELDS),
            ("rkt.sop", FROZEN_SOP_FIELDS),
        ):
            stored = {
                name
                for name, field in self.env[model]._fields.items()
                if field.store
                and name not in models.MAGIC_COLUMNS
                and not name.startswith(("message_", "website_message_"))
                and not (field.compute and not field.related)
            }
            self.assertEqual(stored - frozen, set(), model)

    def test_used_step_is_frozen_whole(self):
        manager = self.agency.users["manager"]
        plan = self._make_plan()
        sop = plan.sop_id
        other = self.as_user(self.env["rkt.sop"], manager).create({"name": "SOP Lain"})
        step = self.as_user(sop.step_ids[8], manager)  # the secretary's decision
        new_values = {
            "name": "Koreksi dilewati",
            "requirement": "Tidak ada",
            "output": "Tidak ada",
            "duration_text": "9 hari",
            "note": "Diubah",
            "active": False,
            "sequence": 99,
            "kind": "process",
            "duration": 9,
            "role_team": True,
            "role_planner": True,
            "role_division_head": True,
            "role_secretary": False,
            "role_head": True,
            "return_step_id": sop.step_ids[1].id,
            "sop_id": other.id,
        }
        self.assertEqual(set(new_values), FROZEN_STEP_FIELDS - {"company_id"})
        before = step.read(sorted(FROZEN_STEP_FIELDS))
        for name, value in new_values.items():
            with self.subTest(field=name), self.assertRaisesRegex(UserError, "Revise"):
                step.write({name: value})
        with self.assertRaisesRegex(UserError, "Revise"):
            self.as_user(sop, manager).write(
                {"step_ids": [Command.update(step.id, {"name": "x"})]}
            )
        with self.assertRaisesRegex(UserError, "Revise"):
            self.as_user(self.env["rkt.sop.step"], manager).create(
                {"sop_id": sop.id, "sequence": 99, "name": "Tambahan", "role_team": True}
            )
        with self.assertRaisesRegex(UserError, "Revise") as refusal:
            step.unlink()
        self.assertNotRegex(str(refusal.exception), "(?i)archiv")
        step.invalidate_recordset()
        self.assertEqual(step.read(sorted(FROZEN_STEP_FIELDS)), before)
        self.assertEqual(len(sop.step_ids), 11)
        self.assertFalse(other.step_ids)

    def test_used_sop_cannot_be_archived_deleted_or_reworded(self):
        manager = self.agency.users["manager"]
        plan = self._make_plan()
        sop = self.as_user(plan.sop_id, manager)
        for vals in (
            {"active": False},
            {"role_secretary_name": "Sekretaris Badan"},
            {"code": "800/9/2027", "legal_basis": "UU 1/2027"},
            {"approver_name": "X", "date_approved": "2027-01-01"},
            {"name": "SOP Lain"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "Revise"):
                sop.write(vals)
        with self.assertRaisesRegex(UserError, "Revise") as refusal:
            sop.unlink()
        self.assertNotRegex(str(refusal.exception), "(?i)archiv")
        sop.invalidate_recordset()
        self.assertTrue(sop.active)
        self.assertEqual(sop.role_secretary_name, "Sekretaris")
        self.assertEqual(plan.sop_id, sop)
        # the chatter stays open
        sop.message_post(body="Catatan")

    def test_unused_copy_is_the_agency_s_to_edit(self):
        manager = self.agency.users["manager"]
        own = self.env["rkt.sop"].browse(
            self.as_user(self.sop, manager).action_copy_for_agency()["res_id"]
        )
        own = self.as_user(own, manager)
        own.write({"code": "800/1/2027", "role_team_name": "Tim Penyusun"})
        own.step_ids[1].write({"name": "Menyusun jadwal", "duration": 2})
        own.step_ids[2].active = False
        own.step_ids[3].unlink()
        self.assertEqual(len(own.step_ids), 9)
        self.assertEqual(self.sop.step_ids[1].duration, 1, "the template is untouched")
