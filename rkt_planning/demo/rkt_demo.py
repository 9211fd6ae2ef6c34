"""The demo plans, built by running the real procedure.

Demo-only code: it is imported by ``post_init_hook`` (``rkt_planning/hooks.py``)
when the module is installed with demo data, after the demo records of
``demo/*.xml`` (agencies, calendars, users, employees) are loaded.  It defines no
model: a database without demo data never sees it.

Three plans tell the story of the SOP:

* ``rkt_plan_dinkes_archived_demo``: Dinas Kesehatan, this year, signed by the
  head and archived, with its signed PDF (when wkhtmltopdf can render it);
* ``rkt_plan_dinkes_filling_demo``: Dinas Kesehatan, next year, divisions filling
  their forms (two submitted, one started);
* ``rkt_plan_bkpsdm_returned_demo``: BKPSDM, next year, returned once by the
  secretary (round 2, back at step 8).

Dinas Kesehatan signs electronically with local certificates: its head holds a
demo PKCS#12 (passphrase ``DEMO_ESIGN_PASSPHRASE``, in the README) issued by a demo
root made at install, which the agency trusts; the archived RKT carries its PAdES
signature.  BKPSDM signs with hash and QR code only.
"""

import base64
import datetime
import logging
from datetime import timedelta

from odoo import fields

from .rkt_renstra_demo import skip_prefilled

_logger = logging.getLogger(__name__)

# The programmes and activities (Program / Kegiatan) the demo lines serve.
DINKES_PLANNING = {
    "program_code": "1.02.01",
    "program_name": "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    "activity_code": "1.02.01.2.01",
    "activity_name": "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
}

DINKES_UKM = {
    "program_code": "1.02.02",
    "program_name": "Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya "
    "Kesehatan Masyarakat",
    "activity_code": "1.02.02.2.02",
    "activity_name": "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan "
    "Tingkat Daerah Kabupaten/Kota",
}

DINKES_UKP = {
    "program_code": "1.02.02",
    "program_name": "Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya "
    "Kesehatan Masyarakat",
    "activity_code": "1.02.02.2.01",
    "activity_name": "Penyediaan Fasilitas Pelayanan Kesehatan untuk UKM dan UKP "
    "Kewenangan Daerah Kabupaten/Kota",
}

BKPSDM_PLANNING = {
    "program_code": "5.04.01",
    "program_name": "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    "activity_code": "5.04.01.2.01",
    "activity_name": "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
}

BKPSDM_PROCUREMENT = {
    "program_code": "5.04.02",
    "program_name": "Program Kepegawaian Daerah",
    "activity_code": "5.04.02.2.01",
    "activity_name": "Pengadaan, Pemberhentian dan Informasi Kepegawaian ASN",
}

BKPSDM_TRANSFER = {
    "program_code": "5.04.02",
    "program_name": "Program Kepegawaian Daerah",
    "activity_code": "5.04.02.2.02",
    "activity_name": "Mutasi dan Promosi ASN",
}

BKPSDM_COMPETENCE = {
    "program_code": "5.04.03",
    "program_name": "Program Pengembangan Sumber Daya Manusia",
    "activity_code": "5.04.03.2.01",
    "activity_name": "Pengembangan Kompetensi Teknis dan Fungsional ASN",
}

BKPSDM_PERFORMANCE = {
    "program_code": "5.04.02",
    "program_name": "Program Kepegawaian Daerah",
    "activity_code": "5.04.02.2.04",
    "activity_name": "Penilaian dan Evaluasi Kinerja Aparatur",
}

# The lines each division of the demo agencies proposes (Sasaran Strategis,
# Indikator Kinerja, Target, Satuan, Program / Kegiatan / Sub Kegiatan with the
# codes of the Kepmendagri nomenclature, Anggaran in rupiah).  The figures are
# illustrative.  ``target`` maps a fiscal-year offset to the target of that year.
DINKES_LINES = {
    "sekretariat": [
        {
            "strategic_objective": "Meningkatnya akuntabilitas kinerja Dinas Kesehatan",
            "indicator": "Nilai SAKIP Dinas Kesehatan",
            "target": {0: "72", 1: "75"},
            "uom": "nilai",
            "is_iku": True,
            **DINKES_PLANNING,
            "sub_activity_code": "1.02.01.2.01.0001",
            "sub_activity_name": "Penyusunan Dokumen Perencanaan Perangkat Daerah",
            "budget": 185_000_000,
            "fund_source": "DAU",
        },
        {
            "strategic_objective": "Meningkatnya akuntabilitas kinerja Dinas Kesehatan",
            "indicator": "Persentase laporan kinerja dan keuangan yang disampaikan tepat waktu",
            "target": {0: "100", 1: "100"},
            "uom": "%",
            **DINKES_PLANNING,
            "sub_activity_code": "1.02.01.2.01.0006",
            "sub_activity_name": "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan "
            "Ikhtisar Realisasi Kinerja SKPD",
            "budget": 95_000_000,
            "fund_source": "DAU",
        },
    ],
    "kesmas": [
        {
            "strategic_objective": "Meningkatnya derajat kesehatan ibu dan anak",
            "indicator": "Persentase ibu hamil yang mendapatkan pelayanan kesehatan "
            "sesuai standar",
            "target": {0: "98", 1: "100"},
            "uom": "%",
            "is_iku": True,
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0001",
            "sub_activity_name": "Pengelolaan Pelayanan Kesehatan Ibu Hamil",
            "budget": 420_000_000,
            "fund_source": "DAK Non Fisik",
        },
        {
            "strategic_objective": "Meningkatnya derajat kesehatan ibu dan anak",
            "indicator": "Prevalensi stunting pada balita",
            "target": {0: "≤ 16", 1: "≤ 14"},
            "uom": "%",
            "is_iku": True,
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0004",
            "sub_activity_name": "Pengelolaan Pelayanan Kesehatan Balita",
            "budget": 1_250_000_000,
            "fund_source": "DAU",
        },
    ],
    "p2p": [
        {
            "strategic_objective": "Menurunnya angka kesakitan penyakit menular dan "
            "tidak menular",
            "indicator": "Persentase orang terduga tuberkulosis yang mendapatkan "
            "pelayanan sesuai standar",
            "target": {0: "95", 1: "100"},
            "uom": "%",
            "is_iku": True,
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0011",
            "sub_activity_name": "Pengelolaan Pelayanan Kesehatan Orang Terduga "
            "Tuberkulosis",
            "budget": 310_000_000,
            "fund_source": "DAU",
        },
        {
            "strategic_objective": "Menurunnya angka kesakitan penyakit menular dan "
            "tidak menular",
            "indicator": "Cakupan imunisasi dasar lengkap pada bayi",
            "target": {0: "≥ 93", 1: "≥ 95"},
            "uom": "%",
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0020",
            "sub_activity_name": "Pengelolaan Pelayanan Kesehatan Imunisasi",
            "budget": 275_500_000,
            "fund_source": "DAK Non Fisik",
        },
        {
            "strategic_objective": "Menurunnya angka kesakitan penyakit menular dan "
            "tidak menular",
            "indicator": "Persentase penderita hipertensi yang mendapatkan pelayanan "
            "kesehatan sesuai standar",
            "target": {0: "90", 1: "100"},
            "uom": "%",
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0008",
            "sub_activity_name": "Pengelolaan Pelayanan Kesehatan Penderita Hipertensi",
            "budget": 198_750_000,
            "fund_source": "DAU",
        },
    ],
    "yankes": [
        {
            "strategic_objective": "Meningkatnya mutu dan akses pelayanan kesehatan",
            "indicator": "Persentase puskesmas yang terakreditasi",
            "target": {0: "100", 1: "100"},
            "uom": "%",
            "is_iku": True,
            **DINKES_UKP,
            "sub_activity_code": "1.02.02.2.01.0014",
            "sub_activity_name": "Pengadaan Alat Kesehatan/Alat Penunjang Medik Fasilitas "
            "Pelayanan Kesehatan",
            "budget": 2_150_000_000,
            "fund_source": "DAK Fisik",
        },
        {
            "strategic_objective": "Meningkatnya mutu dan akses pelayanan kesehatan",
            "indicator": "Persentase ketersediaan obat esensial di puskesmas",
            "target": {0: "≥ 92", 1: "≥ 95"},
            "uom": "%",
            **DINKES_UKP,
            "sub_activity_code": "1.02.02.2.01.0016",
            "sub_activity_name": "Pengadaan Obat, Bahan Habis Pakai, Bahan Medis Habis "
            "Pakai, Vaksin, Makanan dan Minuman di Fasilitas Kesehatan",
            "budget": 1_480_000_000,
            "fund_source": "DAK Non Fisik",
        },
        {
            "strategic_objective": "Meningkatnya mutu dan akses pelayanan kesehatan",
            "indicator": "Persentase penduduk yang memiliki jaminan kesehatan (UHC)",
            "target": {0: "≥ 98", 1: "≥ 98"},
            "uom": "%",
            "is_iku": True,
            **DINKES_UKM,
            "sub_activity_code": "1.02.02.2.02.0036",
            "sub_activity_name": "Pengelolaan Jaminan Kesehatan Masyarakat",
            "budget": 3_600_000_000,
            "fund_source": "DAU",
        },
    ],
}

BKPSDM_LINES = {
    "sekretariat": [
        {
            "strategic_objective": "Meningkatnya akuntabilitas kinerja BKPSDM",
            "indicator": "Nilai SAKIP BKPSDM",
            "target": {1: "74"},
            "uom": "nilai",
            "is_iku": True,
            **BKPSDM_PLANNING,
            "sub_activity_code": "5.04.01.2.01.0001",
            "sub_activity_name": "Penyusunan Dokumen Perencanaan Perangkat Daerah",
            "budget": 120_000_000,
            "fund_source": "DAU",
        },
    ],
    "pengadaan": [
        {
            "strategic_objective": "Meningkatnya kualitas data dan layanan administrasi "
            "kepegawaian",
            "indicator": "Persentase data ASN yang mutakhir pada SIASN",
            "target": {1: "100"},
            "uom": "%",
            "is_iku": True,
            **BKPSDM_PROCUREMENT,
            "sub_activity_code": "5.04.02.2.01.0003",
            "sub_activity_name": "Pengelolaan Data dan Sistem Informasi Kepegawaian",
            "budget": 235_000_000,
            "fund_source": "DAU",
        },
        {
            "strategic_objective": "Meningkatnya kualitas data dan layanan administrasi "
            "kepegawaian",
            "indicator": "Persentase usulan pensiun ASN yang diproses tepat waktu",
            "target": {1: "100"},
            "uom": "%",
            **BKPSDM_PROCUREMENT,
            "sub_activity_code": "5.04.02.2.01.0002",
            "sub_activity_name": "Pengelolaan Pemberhentian ASN",
            "budget": 85_000_000,
            "fund_source": "DAU",
        },
    ],
    "mutasi": [
        {
            "strategic_objective": "Meningkatnya penerapan sistem merit dalam manajemen ASN",
            "indicator": "Kategori Indeks Sistem Merit",
            "target": {1: "Baik"},
            "uom": "kategori",
            "is_iku": True,
            **BKPSDM_TRANSFER,
            "sub_activity_code": "5.04.02.2.02.0002",
            "sub_activity_name": "Pengelolaan Promosi ASN",
            "budget": 310_000_000,
            "fund_source": "DAU",
        },
    ],
    "bangkom": [
        {
            "strategic_objective": "Meningkatnya kompetensi dan profesionalitas ASN",
            "indicator": "Indeks Profesionalitas ASN",
            "target": {1: "≥ 71"},
            "uom": "nilai",
            "is_iku": True,
            **BKPSDM_COMPETENCE,
            "sub_activity_code": "5.04.03.2.01.0001",
            "sub_activity_name": "Pengembangan Kompetensi Teknis",
            "budget": 640_000_000,
            "fund_source": "DAU",
        },
        {
            "strategic_objective": "Meningkatnya kompetensi dan profesionalitas ASN",
            "indicator": "Persentase ASN yang mengikuti pengembangan kompetensi paling "
            "sedikit 20 jam pelajaran",
            "target": {1: "≥ 80"},
            "uom": "%",
            **BKPSDM_COMPETENCE,
            "sub_activity_code": "5.04.03.2.01.0002",
            "sub_activity_name": "Sertifikasi, Kelembagaan, Pengembangan Kompetensi "
            "Manajerial dan Fungsional",
            "budget": 455_000_000,
            "fund_source": "DAU",
        },
    ],
    "kinerja": [
        {
            "strategic_objective": "Meningkatnya kinerja dan disiplin ASN",
            "indicator": "Persentase ASN yang menyusun SKP tepat waktu melalui e-Kinerja",
            "target": {1: "100"},
            "uom": "%",
            "is_iku": True,
            **BKPSDM_PERFORMANCE,
            "sub_activity_code": "5.04.02.2.04.0001",
            "sub_activity_name": "Pengelolaan Penilaian Kinerja dan Disiplin ASN",
            "budget": 175_000_000,
            "fund_source": "DAU",
        },
        {
            "strategic_objective": "Meningkatnya kinerja dan disiplin ASN",
            "indicator": "Persentase pelanggaran disiplin ASN yang ditindaklanjuti",
            "target": {1: "100"},
            "uom": "%",
            **BKPSDM_PERFORMANCE,
            "sub_activity_code": "5.04.02.2.04.0002",
            "sub_activity_name": "Penghargaan dan Penegakan Disiplin ASN",
            "budget": 92_500_000,
            "fund_source": "DAU",
        },
    ],
}

# The demo plans, by external id: agency, fiscal-year offset from today's year,
# and how far the procedure went.
DEMO_PLANS = {
    "rkt_plan_dinkes_archived_demo": ("dinkes", 0, "archived"),
    "rkt_plan_dinkes_filling_demo": ("dinkes", 1, "filling"),
    "rkt_plan_bkpsdm_returned_demo": ("bkpsdm", 1, "returned"),
}


# The passphrase of the demo head's certificate (README, "Electronic signature").
DEMO_ESIGN_PASSPHRASE = "rkt-demo-tte"
DEMO_ESIGN_AGENCY = "dinkes"

# The demo speaks Indonesian from the first screen: its language, time zone and
# landing screen.
DEMO_LANG = "id_ID"
DEMO_TZ = "Asia/Makassar"
DEMO_HOME_ACTION = "rkt_planning.mail_activity_action_rkt_my"


def create_demo_plans(env):
    """Set up the demo users, then build the demo plans that do not exist yet (see
    the module's docstring), in Indonesian.  The demo agencies run on their own
    copies of the templates, whose wording the templates correct
    (``rkt.sop.copy_corrections``)."""
    setup_demo_users(env)
    RktDemoBuilder(env(context=dict(env.context, lang=DEMO_LANG))).create_demo_plans()


def setup_demo_users(env):
    """Indonesian from the first screen: activate Indonesian with the translations
    of the installed modules, make it the language of the demo agencies and of
    their users, who work in WITA and land on their RKT tasks."""
    companies = env.ref("rkt_planning.res_company_dinkes_demo") | env.ref(
        "rkt_planning.res_company_bkpsdm_demo"
    )
    env["res.company"]._rkt_activate_indonesian(companies)
    users = env["res.users"].browse(
        env["ir.model.data"]
        .search([("module", "=", "rkt_planning"), ("model", "=", "res.users")])
        .mapped("res_id")
    )
    users.write(
        {"lang": DEMO_LANG, "tz": DEMO_TZ, "action_id": env.ref(DEMO_HOME_ACTION).id}
    )
    return users


class RktDemoBuilder:
    """Builds the demo plans of the two Balangan agencies by running the real
    procedure, step by step, as the users who hold each role of the SOP."""

    def __init__(self, env):
        self.env = env

    def create_demo_plans(self):
        year = fields.Date.context_today(self.env["rkt.plan"]).year
        self._demo_esign(self._demo_agency(DEMO_ESIGN_AGENCY))
        for xmlid, (prefix, offset, stage) in DEMO_PLANS.items():
            if self.env.ref(f"rkt_planning.{xmlid}", raise_if_not_found=False):
                continue
            agency = self._demo_agency(prefix)
            plan = self._demo_plan(agency, year + offset, offset, stage)
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": f"rkt_planning.{xmlid}", "record": plan, "noupdate": True}]
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _demo_agency(self, prefix):
        def ref(name):
            return self.env.ref(f"rkt_planning.{name}")

        roles = ("kepala", "sekretaris", "perencanaan", "tim", "kasubbag")
        users = {role: ref(f"res_users_{prefix}_{role}_demo") for role in roles}
        return {
            "prefix": prefix,
            "company": ref(f"res_company_{prefix}_demo"),
            # the agency's own copy of its SOP (corrected: rkt.sop.copy_corrections)
            "sop": ref(
                "rkt_sop_dinkes_balangan" if prefix == "dinkes" else "rkt_sop_bkpsdm_balangan"
            )._get_agency_copy(ref(f"res_company_{prefix}_demo")),
            "users": users,
            "sekretariat": ref(f"hr_department_{prefix}_sekretariat_demo"),
            "kasubbag": ref(f"hr_employee_{prefix}_kasubbag_demo"),
            "lines": DINKES_LINES if prefix == "dinkes" else BKPSDM_LINES,
        }

    def _demo_esign(self, agency):
        """The agency signs with local certificates; its head and its division heads
        (who sign their Perjanjian Kinerja) get a demo PKCS#12 (from a demo root the
        agency trusts, passphrase ``DEMO_ESIGN_PASSPHRASE``), valid five years from
        today."""
        from ..tools import pades

        company = agency["company"]
        head = self.env.ref(f"rkt_planning.hr_employee_{agency['prefix']}_kepala_demo")
        if not pades.is_available() or company.rkt_esign_provider != "none":
            return
        from ..tools import demo_certificates as certs

        now = datetime.datetime.utcnow().replace(microsecond=0)
        ca = certs.make_ca("RKT Demo Root CA (not a real CA)")
        company.write(
            {
                "rkt_esign_provider": "local",
                "rkt_esign_trust_roots": base64.b64encode(certs.cert_pem(ca[1])),
                "rkt_esign_trust_roots_filename": "rkt-demo-root-ca.pem",
            }
        )
        division_heads = (
            self.env["hr.department"]
            .search([("company_id", "=", company.id)])
            .manager_id
        )
        holders = [(head, "RAHMAT HIDAYAT")] + [
            (employee, employee.name.upper()) for employee in division_heads - head
        ]
        for employee, common_name in holders:
            official = certs.make_official(
                ca,
                common_name,
                now - timedelta(days=1),
                now + timedelta(days=5 * 365),
                organization=company.name,
            )
            employee.write(
                {
                    "rkt_esign_p12": base64.b64encode(
                        certs.make_p12(ca, official, DEMO_ESIGN_PASSPHRASE)
                    ),
                    "rkt_esign_p12_filename": "{}-demo.p12".format(
                        "-".join(pades.normalize_name(common_name).lower().split())
                    ),
                }
            )

    def _as(self, records, user):
        """``records`` as ``user`` would act on them, in their own agency."""
        return records.with_user(user).with_context(
            allowed_company_ids=user.company_ids.ids,
            # the demo needs no e-mail: invitations and notifications stay queued
            mail_notify_force_send=False,
            no_mail_to_attendees=True,
        )

    def _demo_division_key(self, form, agency):
        """``kesmas`` for the form of hr_department_dinkes_kesmas_demo."""
        xmlid = form.department_id.get_external_id()[form.department_id.id]
        return xmlid.split(f"hr_department_{agency['prefix']}_", 1)[-1].removesuffix("_demo")

    def _demo_line_vals(self, form, agency, offset):
        key = self._demo_division_key(form, agency)
        vals_list = []
        for index, line in enumerate(agency["lines"].get(key, [])):
            vals = dict(line, form_id=form.id, sequence=10 * (index + 1))
            vals["target"] = line["target"].get(offset) or next(iter(line["target"].values()))
            number = vals["target"].lstrip("≤≥ ").replace(",", ".")
            vals["target_value"] = float(number) if number.replace(".", "").isdigit() else 0.0
            vals_list.append(vals)
        return vals_list

    def _demo_fill(self, form, agency, offset, submit=True):
        user = form.head_employee_id.user_id
        self._as(self.env["rkt.plan.line"], user).create(
            skip_prefilled(form, self._demo_line_vals(form, agency, offset))
        )
        if submit:
            self._as(form, user).action_submit()

    def _demo_plan(self, agency, year, offset, stage):
        users = agency["users"]
        head, secretary = users["kepala"], users["sekretaris"]
        planner, team = users["perencanaan"], users["tim"]
        plan = self._as(self.env["rkt.plan"], planner).create(
            {
                "company_id": agency["company"].id,
                "year": year,
                "sop_id": agency["sop"].id,
                "program_document_ref": f"Renstra 2025-2029 dan Program Kerja Tahun {year}",
                "meeting_location": f"Aula {agency['company'].name}",
            }
        )
        # The Sekretariat's form is filled by its Kasubbag, not by the secretary who
        # corrects the draft: the head decides it (the planner may not).
        sekretariat = plan.form_ids.filtered(
            lambda f: f.department_id == agency["sekretariat"]
        )
        self._as(sekretariat, head).head_employee_id = agency["kasubbag"]
        # Sekretariat first, then the Bidang, as the RKT prints them
        order = list(agency["lines"])
        for form in plan.form_ids:
            self._as(form, planner).sequence = 10 * (
                order.index(self._demo_division_key(form, agency)) + 1
            )

        # 1. the head's disposition
        head_plan = self._as(plan, head)
        head_plan.disposition = (
            f"Kepada {agency['sop'].role_planner_name}: segera susun Rencana "
            f"Kinerja Tahunan {year} berdasarkan Renstra 2025-2029 dan IKU, "
            f"dikoordinasikan dengan Sekretariat dan seluruh Bidang."
        )
        head_plan.action_start()
        # 2. planning of the preparation
        self._as(plan, planner).complete_step(
            f"Jadwal dan pembagian tugas penyusunan RKT {year} disusun; Form RKT disiapkan."
        )
        # 3. coordination meeting
        planner_plan = self._as(plan, planner)
        # the meeting was held this morning (08:00 WITA is 00:00 UTC)
        now = fields.Datetime.now()
        meeting_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        planner_plan.meeting_start = min(meeting_start, now - timedelta(hours=1))
        planner_plan.action_schedule_meeting()
        # the meeting took place: its activity is done
        self._as(
            plan.activity_ids.filtered(
                lambda a: a.calendar_event_id == plan.meeting_event_id
            ),
            planner,
        ).action_feedback(feedback="Rapat koordinasi telah dilaksanakan.")
        planner_plan.complete_step(
            "Rapat koordinasi pengisian Form RKT dihadiri Sekretaris dan para Kepala "
            "Bidang; Form RKT dibagikan."
        )
        # 4. the divisions fill their forms
        forms = plan.form_ids.sorted("sequence")
        if stage == "filling":
            for form in forms[:2]:
                self._demo_fill(form, agency, offset)
            # the third has started, the others have not
            self._demo_fill(forms[2], agency, offset, submit=False)
            return plan
        returned = forms[1]
        for form in forms:
            self._demo_fill(form, agency, offset)
            if form == returned and stage == "returned":
                # the team sends one form back before the collection closes
                self._as(form, team).return_form(
                    "Indikator belum mengacu pada IKU Renstra 2025-2029; mohon "
                    "disesuaikan."
                )
                head_user = form.head_employee_id.user_id
                line = form.line_ids[:1]
                self._as(line, head_user).indicator = (
                    f"{line.indicator} (IKU Renstra 2025-2029)"
                )
                self._as(form, head_user).action_submit()
        # 5. collection closes by itself with the last form; 6. the team compiles
        self._as(plan, team).complete_step(
            "Form RKT seluruh Sekretariat dan Bidang dikompilasi menjadi Draft RKT."
        )
        # 7. each division corrects its part of the draft, the secretary accepts
        for form in forms:
            head_user = form.head_employee_id.user_id
            self._as(form, head_user).action_submit()
            if form == returned:
                self._as(form, secretary).return_form(
                    "Anggaran sub kegiatan belum sesuai pagu indikatif; mohon diperbaiki."
                )
                line = form.line_ids[:1]
                self._as(line, head_user).budget = line.budget * 0.9
                self._as(form, head_user).action_submit()
            self._as(form, secretary).action_accept_form()
        # 8. the team drafts the RKT
        self._as(plan, team).complete_step("Draft RKT disusun dan diserahkan ke Sekretaris.")
        # 9. the secretary's correction
        if stage == "returned":
            self._as(plan, secretary).return_to_step(
                "Target Indeks Profesionalitas ASN belum selaras dengan Renstra; "
                "perbaiki dan lengkapi sumber dana tiap sub kegiatan."
            )
            return plan
        self._as(plan, secretary).action_approve()
        # 10. the head signs: the signed RKT is rendered and stored once
        reports = self.env["ir.actions.report"]
        if reports.get_wkhtmltopdf_state() not in ("ok", "upgrade", "workers"):
            _logger.info(
                "wkhtmltopdf is not available: demo RKT %s waits for the head's "
                "signature.",
                plan.name,
            )
            return plan
        head_plan = self._as(plan, head).with_context(force_report_rendering=True)
        if agency["company"].rkt_esign_provider == "local":
            # the head types the passphrase of their certificate in the signing dialog
            head_plan.action_sign(passphrase=DEMO_ESIGN_PASSPHRASE)
        else:
            head_plan.action_sign()
        # 11. the planning head files it
        self._as(plan, planner).complete_step(
            "RKT yang telah ditandatangani diarsipkan dan disampaikan kepada Bappeda."
        )
        return plan
