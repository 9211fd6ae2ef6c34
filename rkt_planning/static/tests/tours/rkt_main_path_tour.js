/** @odoo-module **/
/*
 * The main path of the SOP "Penyusunan RKT", walked in the browser by the real users
 * one after the other (see tests/test_tour.py, which logs each of them in and does
 * the steps that are not part of this path through the ORM):
 *
 *   1. the head gives the disposition that starts the RKT;
 *   2. a division head fills a line of their Form RKT and submits it;
 *   3. at the correction step the secretary returns that form with a reason;
 *   4. the division head corrects it and submits it again;
 *   5. the secretary accepts it;
 *   6. the head signs the RKT and finds it in the Print menu.
 */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const tours = registry.category("web_tour.tours");

function openApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the RKT app",
            trigger: '.o_app[data-menu-xmlid="rkt_planning.rkt_planning_menu_root"]',
            run: "click",
        },
    ];
}

function openMyTasksMenu(menuXmlid, content) {
    return [
        {
            content: "Open the menu My RKT Tasks",
            trigger: '.o_menu_sections [data-menu-xmlid="rkt_planning.rkt_planning_menu_my_tasks"]',
            run: "click",
        },
        {
            content,
            trigger: `.o-dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

function openMyDivisionForm() {
    return [
        ...openApp(),
        ...openMyTasksMenu(
            "rkt_planning.rkt_plan_form_menu_my",
            "My Division Forms: the open Form RKT of my division"
        ),
        {
            // the app opens on My RKT Tasks: wait until its cards are gone
            content: "My Division Forms is shown",
            trigger: ".o_breadcrumb:contains(My Division Forms)",
        },
        {
            content: "Open my division's form",
            trigger: ".o_kanban_record:contains(Bidang 0)",
            run: "click",
        },
        {
            content: "The form is open for me: it can be submitted",
            trigger: '.o_form_view button[name="action_submit"]',
        },
    ];
}

function openFormToReview() {
    return [
        ...openApp(),
        ...openMyTasksMenu(
            "rkt_planning.rkt_plan_form_menu_review",
            "Forms to Review: the forms submitted to me"
        ),
        {
            content: "Open the form of Bidang 0",
            trigger: ".o_data_row .o_data_cell[name=department_id]:contains(Bidang 0)",
            run: "click",
        },
    ];
}

function openPlanToActOn() {
    return [
        ...openApp(),
        {
            content: "The app opens on my RKT tasks",
            trigger: ".o_rkt_tasks",
        },
        ...openMyTasksMenu(
            "rkt_planning.rkt_plan_menu_my",
            "RKT Steps to Act On: the plans waiting for me"
        ),
        {
            content: "The RKT steps waiting for me",
            trigger: ".o_breadcrumb:contains(RKT Steps to Act On)",
        },
        {
            content: "Open the RKT",
            trigger: ".o_data_row .o_data_cell[name=name]:contains(RKT/)",
            run: "click",
        },
    ];
}

tours.add("rkt_main_path_head_start", {
    url: "/odoo",
    steps: () => [
        ...openPlanToActOn(),
        {
            content: "Write the disposition",
            trigger: ".o_field_widget[name=disposition] textarea",
            run: "edit Kepada Kasubbag Perencanaan: segera susun RKT tahun 2027.",
        },
        {
            content: "Give the disposition: the procedure starts",
            trigger: 'button[name="action_start"]',
            run: "click",
        },
        {
            content: "The RKT is in progress, at the planning step",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Perencanaan)",
        },
        {
            content: "The head has nothing more to do at this step",
            trigger: '.o_form_view:not(:has(button[name="action_start"]))',
        },
    ],
});

tours.add("rkt_main_path_division_fill", {
    url: "/odoo",
    steps: () => [
        ...openMyDivisionForm(),
        {
            content: "Add a line",
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Strategic objective",
            trigger: ".o_selected_row .o_field_widget[name=strategic_objective] input",
            run: "edit Meningkatnya kualitas pelayanan kepegawaian",
        },
        {
            content: "Performance indicator",
            trigger: ".o_selected_row .o_field_widget[name=indicator] textarea",
            run: "edit Indeks kepuasan layanan kepegawaian",
        },
        {
            content: "Target",
            trigger: ".o_selected_row .o_field_widget[name=target] input",
            run: "edit 85",
        },
        {
            content: "Unit",
            trigger: ".o_selected_row .o_field_widget[name=uom] input",
            run: "edit nilai",
        },
        {
            content: "Budget",
            trigger: ".o_selected_row .o_field_widget[name=budget] input",
            run: "edit 150000000",
        },
        ...stepUtils.saveForm(),
        {
            content: "Submit the form to the team",
            trigger: 'button[name="action_submit"]',
            run: "click",
        },
        {
            content: "The form is submitted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Submitted)",
        },
    ],
});

tours.add("rkt_main_path_secretary_return", {
    url: "/odoo",
    steps: () => [
        ...openFormToReview(),
        {
            content: "Return the form for correction",
            trigger: 'button[name="action_return_form"]',
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Target indeks kepuasan belum sesuai Renstra: minimal 88.",
        },
        {
            content: "Confirm the return",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The form is returned to its division",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Returned)",
        },
    ],
});

tours.add("rkt_main_path_division_resubmit", {
    url: "/odoo",
    steps: () => [
        ...openMyDivisionForm(),
        {
            content: "The secretary's reason is shown",
            trigger: ".alert-warning:contains(minimal 88)",
        },
        {
            content: "Correct the target of the line",
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_data_cell[name=target]",
            run: "click",
        },
        {
            content: "New target",
            trigger: ".o_selected_row .o_field_widget[name=target] input",
            run: "edit 88",
        },
        ...stepUtils.saveForm(),
        {
            content: "Submit the corrected form",
            trigger: 'button[name="action_submit"]',
            run: "click",
        },
        {
            content: "The corrected form is submitted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Submitted)",
        },
    ],
});

tours.add("rkt_main_path_secretary_accept", {
    url: "/odoo",
    steps: () => [
        ...openFormToReview(),
        {
            content: "The corrected target is there",
            trigger: ".o_field_widget[name=line_ids] .o_data_cell[name=target]:contains(88)",
        },
        {
            content: "Accept the corrected form",
            trigger: 'button[name="action_accept_form"]',
            run: "click",
        },
        {
            content: "The form is accepted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Accepted)",
        },
    ],
});

tours.add("rkt_main_path_head_sign", {
    url: "/odoo",
    steps: () => [
        ...openPlanToActOn(),
        {
            content: "Sign the RKT (ya)",
            trigger: 'button[name="action_sign"]',
            run: "click",
        },
        {
            content: "Confirm the signature",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The RKT is signed",
            trigger: ".o_form_view .ribbon:contains(Signed)",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus button.dropdown-toggle",
            run: "click",
        },
        {
            content: "The RKT can be printed",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(RKT (Rencana Kinerja Tahunan))",
        },
    ],
});
