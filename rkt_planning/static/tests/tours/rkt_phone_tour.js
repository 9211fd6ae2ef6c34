/** @odoo-module **/
/*
 * An official's day on a phone (375 px, see tests/test_tour.py,
 * TestRktPhoneTours): each official lands on "My RKT Tasks" and reaches the
 * action of their step in one tap on its card.
 */

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function card(text) {
    return `.o_rkt_tasks .o_kanban_record:contains(${text})`;
}

function landing() {
    return [
        {
            content: "The landing screen is My RKT Tasks",
            trigger: ".o_rkt_tasks .o_kanban_record",
        },
    ];
}

tours.add("rkt_phone_division_submit", {
    url: "/odoo",
    steps: () => [
        ...landing(),
        {
            content: "One tap: submit my division's form from its card",
            trigger: `${card("Bidang 0")} button[name="action_rkt_submit"]`,
            run: "click",
        },
        {
            content: "The submitted form opens",
            trigger: ".o_form_view .o_field_widget[name=state], .o_form_view .o_statusbar_status",
        },
    ],
});

tours.add("rkt_phone_secretary_return", {
    url: "/odoo",
    steps: () => [
        ...landing(),
        {
            content: "One tap: return the draft (tidak) from its card",
            trigger: `${card("RKT/")} button[name="action_rkt_return"]`,
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Target IKU belum selaras dengan Renstra.",
        },
        {
            content: "Confirm the return",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

tours.add("rkt_phone_secretary_approve", {
    url: "/odoo",
    steps: () => [
        ...landing(),
        {
            content: "One tap: accept the draft (ya) from its card",
            trigger: `${card("RKT/")} button[name="action_rkt_approve"]`,
            run: "click",
        },
        {
            content: "The RKT opens, at the head's signature",
            trigger: ".o_form_view",
        },
    ],
});

tours.add("rkt_phone_head_sign", {
    url: "/odoo",
    steps: () => [
        ...landing(),
        {
            content: "One tap: sign the RKT from its card",
            trigger: `${card("RKT/")} button[name="action_rkt_sign"]`,
            run: "click",
        },
        {
            content: "Confirm the signature",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The signed RKT opens",
            trigger: ".o_form_view",
        },
    ],
});
