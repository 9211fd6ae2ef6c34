{
    "name": "RKT Planning (Penyusunan Rencana Kinerja Tahunan)",
    "summary": "Run the SOP 'Penyusunan RKT' of an Indonesian regional agency: "
    "disposition, division forms, compilation, correction, signature and archive",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Human Resources",
    "website": "https://github.com/rkt-planning/rkt_planning",
    "author": "RKT Planning Developers",
    "maintainers": [],
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    # pyHanko 0.20.1 is the newest pyHanko that installs with the cryptography
    # Odoo 18 pins on Python 3.11 (3.4.8); 0.21 needs cryptography >= 41.0.5.
    # See the README, "Electronic signature (TTE)".
    "external_dependencies": {
        "python": ["pyhanko==0.20.1", "pyhanko-certvalidator==0.24.1"],
    },
    "depends": [
        "hr",
        "mail",
        "resource",
        "calendar",
    ],
    "data": [
        "security/rkt_planning_groups.xml",
        "security/ir.model.access.csv",
        "security/rkt_planning_security.xml",
        "data/ir_sequence_data.xml",
        "data/rkt_sop_data.xml",
        "data/report_paperformat_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "wizard/rkt_plan_step_complete_views.xml",
        "wizard/rkt_plan_return_views.xml",
        "wizard/rkt_plan_sign_views.xml",
        "views/rkt_sop_views.xml",
        "views/rkt_plan_views.xml",
        "views/rkt_plan_form_views.xml",
        "views/rkt_plan_line_views.xml",
        "views/rkt_plan_log_views.xml",
        "views/rkt_delegation_views.xml",
        "views/res_config_settings_views.xml",
        "views/hr_employee_views.xml",
        "views/rkt_planning_menus.xml",
        "views/rkt_plan_signature_views.xml",
        "views/rkt_verify_templates.xml",
        "report/rkt_plan_reports.xml",
        "report/rkt_plan_templates.xml",
        "report/rkt_sop_reports.xml",
        "report/rkt_sop_templates.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/resource_calendar_leaves_demo.xml",
        "demo/res_users_demo.xml",
        "demo/hr_demo.xml",
    ],
    # builds the demo plans (demo/rkt_demo.py) when installed with demo data
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "rkt_planning/static/tests/tours/rkt_main_path_tour.js",
        ],
    },
}
