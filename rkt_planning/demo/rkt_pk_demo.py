"""Demo Perjanjian Kinerja: drafted from the archived demo RKT of the Dinas
Kesehatan, as its planning head enters the DPA date; the Sekretariat's PK is
signed by both parties (each with their demo certificate where the demo agency
signs electronically).  Called by ``hooks.post_init_hook`` after the demo plans."""

from datetime import timedelta

from odoo import fields

from .rkt_demo import DEMO_ESIGN_PASSPHRASE

DEMO_PK_PLAN = "rkt_planning.rkt_plan_dinkes_archived_demo"
DEMO_REGENT = {
    "rkt_regent_name": "H. AHMAD FAUZI, S.H., M.H.",
    "rkt_regent_title": "Bupati Balangan",
}


def create_demo_pks(env):
    plan = env.ref(DEMO_PK_PLAN, raise_if_not_found=False)
    if not plan or plan.pk_ids or plan.state not in ("signed", "archived"):
        return
    company = plan.company_id
    company.write(
        {name: value for name, value in DEMO_REGENT.items() if not company[name]}
    )

    def as_user(records, user):
        return records.with_user(user).with_context(
            allowed_company_ids=company.ids, mail_notrack=True
        )

    planner = plan.planner_employee_id.user_id
    # the DPA was approved a few days after the RKT was signed (or today)
    dpa_date = min(
        (plan.signed_date or fields.Date.today()) + timedelta(days=3),
        fields.Date.today(),
    )
    pks = as_user(plan, planner).set_dpa_date(dpa_date)
    sekretariat = pks.filtered(
        lambda pk: pk.party == "division"
        and pk.department_id.name
        and "sekretariat" in pk.department_id.name.lower()
    )[:1]
    if sekretariat:
        # both parties sign electronically where the demo agency does (rkt_demo.py)
        passphrase = DEMO_ESIGN_PASSPHRASE if company.rkt_esign_provider != "none" else None
        as_user(sekretariat, sekretariat.first_employee_id.user_id).action_sign_first(
            passphrase=passphrase
        )
        as_user(sekretariat, plan.head_employee_id.user_id).action_sign_second(
            passphrase=passphrase
        )
