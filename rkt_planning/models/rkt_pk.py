import base64

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .rkt_pk_line import PK_LINE_COPIED_FIELDS
from .rkt_plan_signature import (
    SIGNING_CONTEXT_KEY,
    canonical_json,
    new_verify_token,
    sha256_hex,
    verification_notification,
)

PK_STATES = [
    ("draft", "Draft"),
    ("first_signed", "Signed by the First Party"),
    ("signed", "Signed"),
    ("archived", "Archived"),
]
PK_PARTIES = [
    ("head", "Head of Agency (with the Regent)"),
    ("division", "Division Head (with the Head of Agency)"),
]
# How a party signed: as the official, or as their acting official.
PK_CAPACITIES = [
    ("own", "Official"),
    ("plt", "Plt. (Acting)"),
    ("plh", "Plh. (Daily Acting)"),
]
# What only the PK's own workflow writes.
PK_ENGINE_FIELDS = (
    "name",
    "plan_id",
    "party",
    "department_id",
    "first_employee_id",
    "first_title",
    "second_employee_id",
    "second_name",
    "second_title",
    "state",
    "deadline",
    "first_signer_employee_id",
    "first_signed_user_id",
    "first_capacity",
    "first_signed_date",
    "second_signer_employee_id",
    "second_signed_user_id",
    "second_capacity",
    "second_signed_date",
    "second_on_paper",
    "signature_id",
)
PK_REPORT = "rkt_planning.action_report_rkt_pk"
# What the signature covers of each party's printed block.
PK_PRINTED_PARTY_KEYS = ("title", "name", "rank", "nip")
# The names of the PAdES signature fields of a PK: the first party's, then the
# second party's, added to the same file (an incremental update).
PK_ESIGN_FIELDS = {"first": "PK-TTE-1", "second": "PK-TTE-2"}


class RktPk(models.Model):
    """The Perjanjian Kinerja (performance agreement, PermenPAN-RB 53/2014) of one
    official for the year of a signed RKT.

    Drafted by the addon once the RKT is signed and its DPA date entered: one for
    the head of agency (second party: the regent, printed from the settings) with
    the agency's IKU lines, one per division head (second party: the head of
    agency) with the lines of their division form.

    ===============  =====================================================
    Action           Who, when
    ===============  =====================================================
    Sign (first)     the first party or their acting official, in draft
    Sign (second)    division PK: the head of agency or their acting
                     official; the head's PK: the head (or acting official)
                     records the regent's signature on paper as received
    Archive          the planning head or an RKT manager, once signed
    Edit lines       the first party, planning head or RKT manager, draft
    ===============  =====================================================
    """

    _name = "rkt.pk"
    _inherit = ["rkt.engine.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Perjanjian Kinerja (PK)"
    _order = "year desc, plan_id, party desc, department_id, id"
    _check_company_auto = True
    _mail_post_access = "read"
    _rkt_engine_fields = PK_ENGINE_FIELDS
    _sql_constraints = [
        (
            "plan_official_unique",
            "UNIQUE(plan_id, party, first_employee_id)",
            "An official has one Perjanjian Kinerja per RKT.",
        ),
    ]

    name = fields.Char(string="Number", required=True, readonly=True, default="/")
    plan_id = fields.Many2one(
        "rkt.plan",
        string="RKT",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="plan_id.company_id", store=True, index=True, string="Agency"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(related="plan_id.year", store=True, string="Fiscal Year")
    party = fields.Selection(PK_PARTIES, string="Agreement Of", required=True, readonly=True)
    department_id = fields.Many2one(
        "hr.department", string="Division", readonly=True, check_company=True
    )
    first_employee_id = fields.Many2one(
        "hr.employee",
        string="First Party (PIHAK PERTAMA)",
        readonly=True,
        required=True,
        check_company=True,
    )
    first_title = fields.Char(string="Position of the First Party", readonly=True)
    second_employee_id = fields.Many2one(
        "hr.employee",
        string="Second Party (PIHAK KEDUA)",
        readonly=True,
        check_company=True,
        help="The head of agency for a division head's PK; empty for the head's own "
        "PK, whose second party is the regent.",
    )
    second_name = fields.Char(
        string="Name of the Second Party",
        readonly=True,
        help="The regent's name for the head's PK (from the settings), printed only.",
    )
    second_title = fields.Char(string="Position of the Second Party", readonly=True)
    state = fields.Selection(
        PK_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    deadline = fields.Date(
        readonly=True,
        help="One month after the DPA date (PermenPAN-RB 53/2014).",
    )
    line_ids = fields.One2many("rkt.pk.line", "pk_id", string="Lines")
    budget_total = fields.Monetary(
        string="Total Budget", compute="_compute_budget_total", currency_field="currency_id"
    )
    first_signer_employee_id = fields.Many2one(
        "hr.employee", string="First Party Signed By", readonly=True
    )
    first_signed_user_id = fields.Many2one("res.users", readonly=True, string="First Party User")
    first_capacity = fields.Selection(PK_CAPACITIES, readonly=True, string="First Party Signed As")
    first_signed_date = fields.Date(readonly=True, string="First Party Signed On")
    second_signer_employee_id = fields.Many2one(
        "hr.employee",
        string="Second Party Signatory",
        readonly=True,
        help="Who signs as the second party: the head of agency, or the acting "
        "official (Plt./Plh.) who acted for them when the first party signed. The "
        "PK is rendered and signed by the first party with this name printed, so "
        "only they sign second.",
    )
    second_signed_user_id = fields.Many2one(
        "res.users", readonly=True, string="Second Party User"
    )
    second_capacity = fields.Selection(
        PK_CAPACITIES, readonly=True, string="Second Party Signs As"
    )
    second_signed_date = fields.Date(readonly=True, string="Second Party Signed On")
    second_on_paper = fields.Boolean(
        string="Signed on Paper",
        readonly=True,
        help="The regent signed the printed PK; the head of agency recorded it.",
    )
    signature_id = fields.Many2one(
        "rkt.plan.signature",
        string="Signature",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The signature record, made when the first party signs and completed "
        "by the second: what both parties sign, and the signed file.",
    )
    user_can_sign_first = fields.Boolean(compute="_compute_user_actions")
    user_can_sign_second = fields.Boolean(compute="_compute_user_actions")
    user_can_archive = fields.Boolean(compute="_compute_user_actions")
    user_can_reset = fields.Boolean(compute="_compute_user_actions")

    # ------------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------------

    @api.depends("line_ids.budget")
    def _compute_budget_total(self):
        for pk in self:
            pk.budget_total = sum(pk.line_ids.mapped("budget"))

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_user_actions(self):
        for pk in self:
            pk.user_can_sign_first = pk._get_refusal("sign_first") is None
            pk.user_can_sign_second = pk._get_refusal("sign_second") is None
            pk.user_can_archive = pk._get_refusal("archive") is None
            pk.user_can_reset = pk._get_refusal("reset") is None

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if not self.env.su and self.filtered(lambda pk: pk.state != "draft"):
            raise UserError(self.env._("A signed Perjanjian Kinerja cannot be deleted."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_sign_first(self, passphrase=None, nik=None):
        """The first party (or their acting official) signs.

        The PK is rendered now, as both parties sign it: the first party's and the
        second party's names and positions are part of what is agreed.  Where the
        agency signs electronically, the file is signed with the first party's
        certificate (without the passphrase, and NIK for BSrE, the signing dialog
        opens); the signature record keeps it."""
        self._check_can_sign_first()
        dialog = self._get_esign_dialog("first", passphrase)
        if dialog:
            return dialog
        # the key is unlocked and the certificate checked before anything is written
        esigns = {
            pk.id: pk.plan_id._prepare_esign(passphrase, nik)
            for pk in self._filter_electronic("first")
        }
        for pk in self:
            employee, capacity = pk._get_acting_as(pk.first_employee_id)
            second_employee, second_capacity = pk._get_second_signatory()
            with self.env.cr.savepoint():
                pk._engine_write(
                    {
                        "state": "first_signed",
                        "first_signer_employee_id": employee.id,
                        "first_signed_user_id": self.env.user.id,
                        "first_capacity": capacity,
                        "first_signed_date": pk._get_today(),
                        "second_signer_employee_id": second_employee.id,
                        "second_capacity": second_capacity,
                    }
                )
                pk._create_signature(esigns.get(pk.id))
            pk._activity_done()
            pk._activity_schedule_officials()
        return True

    def action_sign_second(self, passphrase=None, nik=None):
        """The second party signs: the head of agency (or the acting official the
        PK names) for a division head's PK; for the head's own PK, the head (or
        acting official) records the regent's signature on the printed PK as
        received.

        Where the agency signs electronically, the second party's signature of a
        division head's PK is a PAdES signature added to the file the first party
        signed (without the passphrase, and NIK for BSrE, the signing dialog
        opens)."""
        self._check_can_sign_second()
        dialog = self._get_esign_dialog("second", passphrase)
        if dialog:
            return dialog
        esigns = {
            pk.id: pk.plan_id._prepare_esign(passphrase, nik)
            for pk in self._filter_electronic("second")
        }
        for pk in self:
            with self.env.cr.savepoint():
                pk._engine_write(
                    {
                        "state": "signed",
                        "second_signed_user_id": self.env.user.id,
                        "second_signed_date": pk._get_today(),
                        "second_on_paper": pk.party == "head",
                    }
                )
                pk._cosign_signature(esigns.get(pk.id))
            pk._activity_done()
        return True

    def action_reset_to_draft(self):
        """Button: ask the reason, then withdraw the first party's signature."""
        self._check_can_reset()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Back to Draft"),
            "res_model": "rkt.pk.reset",
            "view_mode": "form",
            "target": "new",
            "context": {"default_pk_id": self.id},
        }

    def reset_to_draft(self, reason):
        """The planning head, an RKT manager or the first party takes a PK signed
        by the first party only back to draft, e.g. when the acting official
        printed as the second party can no longer sign: the first party's
        signature is withdrawn (its record kept, marked withdrawn, so that its QR
        code says so) and the PK is signed again."""
        self._check_can_reset()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for taking the PK back to draft."))
        for pk in self:
            # sudo: the engine marks the withdrawn signature (only it writes one)
            pk.signature_id.sudo().write(
                {
                    "voided_at": fields.Datetime.now(),
                    "void_reason": reason,
                    "voided_by_user_id": self.env.user.id,
                }
            )
            pk._engine_write(
                {
                    "state": "draft",
                    "signature_id": False,
                    "first_signer_employee_id": False,
                    "first_signed_user_id": False,
                    "first_capacity": False,
                    "first_signed_date": False,
                    "second_signer_employee_id": False,
                    "second_capacity": False,
                }
            )
            pk.message_post(
                body=self.env._(
                    "Back to draft, the first party's signature withdrawn: %(reason)s",
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
            pk._activity_cancel()
            pk._activity_schedule_officials()
        return True

    def action_archive_pk(self):
        """The planning head or an RKT manager archives a signed PK."""
        self._check_can_archive()
        self._engine_write({"state": "archived"})
        return True

    def action_verify_signed_document(self):
        """Button: tell whether the signature of the PK still holds."""
        self.ensure_one()
        status, message = self._check_signed_document()
        return verification_notification(
            self.env, self.env._("Signed Perjanjian Kinerja"), status, message
        )

    def action_print(self):
        self.ensure_one()
        return self.env.ref(PK_REPORT).report_action(self)

    # ------------------------------------------------------------------
    # Business methods: who may act
    # ------------------------------------------------------------------

    def _check_can_sign_first(self):
        self._raise_refusal("sign_first")

    def _check_can_sign_second(self):
        self._raise_refusal("sign_second")

    def _check_can_reset(self):
        self._raise_refusal("reset")

    def _check_can_archive(self):
        self._raise_refusal("archive")

    def _raise_refusal(self, action):
        """Refuse ``action`` unless the current user may take it on every PK of
        self now.  The PKs' rows are taken first (``_rkt_lock_rows``): the same
        signature sent twice at once passes once, the other request is retried
        after it and refused here, instead of failing on the unique signature."""
        self._rkt_lock_rows()
        for pk in self:
            message = pk._get_refusal(action)
            if message is not None:
                raise UserError(message)

    def _get_refusal(self, action):
        """``None`` when the current user may take ``action`` on this PK now,
        else the message that refuses it."""
        self.ensure_one()
        if action == "sign_first":
            if self.state != "draft":
                return self.env._(
                    "%(pk)s is not a draft: the first party has signed already.",
                    pk=self.name,
                )
            if not self._is_acting_as(self.first_employee_id):
                return self.env._(
                    "Only %(official)s (the first party) or their acting official "
                    "may sign %(pk)s as the first party.",
                    official=self.first_employee_id.name,
                    pk=self.name,
                )
            return None
        if action == "sign_second":
            if self.state != "first_signed":
                return self.env._(
                    "%(pk)s is signed by the second party after the first party "
                    "and only once.",
                    pk=self.name,
                )
            official = self._get_second_official()
            if not self._is_acting_as(official):
                if self.party == "head":
                    return self.env._(
                        "Only the head of agency %(official)s or their acting "
                        "official records the regent's signature of %(pk)s.",
                        official=official.name or "-",
                        pk=self.name,
                    )
                return self.env._(
                    "Only %(official)s (the second party) or their acting official "
                    "may sign %(pk)s as the second party.",
                    official=official.name or "-",
                    pk=self.name,
                )
            # the first party signed a PK naming who signs second (an acting
            # official, or the head): only they do
            signatory = self.second_signer_employee_id
            if (
                self.party == "division"
                and signatory
                and self.env.user not in signatory.user_id
            ):
                return self.env._(
                    "%(pk)s was signed by the first party with %(signatory)s named as "
                    "the second party (%(capacity)s): only they may sign it.",
                    pk=self.name,
                    signatory=signatory.name,
                    capacity=dict(
                        self._fields["second_capacity"]._description_selection(self.env)
                    ).get(self.second_capacity, ""),
                )
            return None
        if action == "reset":
            if self.state != "first_signed":
                return self.env._(
                    "Only a PK signed by the first party alone goes back to draft; "
                    "%(pk)s is not.",
                    pk=self.name,
                )
            if not (self._is_pk_manager() or self._is_acting_as(self.first_employee_id)):
                return self.env._(
                    "Only the planning head, an RKT manager or the first party takes "
                    "%(pk)s back to draft.",
                    pk=self.name,
                )
            return None
        if action == "archive":
            if self.state != "signed":
                return self.env._(
                    "%(pk)s is archived once signed by both parties.", pk=self.name
                )
            if not self._is_pk_manager():
                return self.env._(
                    "Only the planning head or an RKT manager archives %(pk)s.",
                    pk=self.name,
                )
            return None
        return self.env._("Unknown action.")

    def _is_pk_manager(self):
        user = self.env.user
        return user.has_group("rkt_planning.group_rkt_manager") or (
            user.has_group("rkt_planning.group_rkt_planner")
            and self.plan_id.planner_employee_id.user_id == user
        )

    def _can_edit_lines(self):
        self.ensure_one()
        return self.state == "draft" and (
            self._is_acting_as(self.first_employee_id) or self._is_pk_manager()
        )

    def _get_second_official(self):
        """Whose role signs second: the head of agency (for the head's own PK, the
        head records the regent's signature)."""
        self.ensure_one()
        if self.party == "head":
            return self.first_employee_id
        return self.second_employee_id

    def _is_acting_as(self, official):
        return bool(official) and official in self.env[
            "rkt.delegation"
        ]._get_acting_employees(self.env.user)

    def _get_acting_as(self, official):
        """``(employee whose name is printed, capacity)`` of the current user acting
        for ``official``: the official themself, or their Plt./Plh."""
        self.ensure_one()
        user = self.env.user
        if official.user_id == user:
            return official, "own"
        delegation = self.env["rkt.delegation"]._get_active(official).filtered(
            lambda d: d.delegate_employee_id.user_id == user
        )[:1]
        employees = user.employee_ids
        employee = employees.filtered(lambda e: e.company_id == self.company_id)[:1]
        return employee or employees[:1] or official, delegation.kind or "own"

    def _get_second_signatory(self):
        """``(employee, capacity)`` who will sign as the second party of a division
        head's PK, printed when the first party signs: the head of agency, or the
        acting official (Plt./Plh.) acting for them today.  Nobody for the head's
        own PK (the regent signs on paper)."""
        self.ensure_one()
        if self.party != "division":
            return self.env["hr.employee"], False
        official = self.second_employee_id
        delegation = self.env["rkt.delegation"]._get_active(official)[:1]
        if delegation:
            return delegation.delegate_employee_id, delegation.kind
        return official, "own"

    def _filter_electronic(self, party):
        """The PKs whose ``party`` ("first" or "second") signs with a PAdES
        signature: every signature in an agency that signs electronically, but the
        regent's (on paper, recorded by the head)."""
        return self.filtered(
            lambda pk: not (party == "second" and pk.party == "head")
            and pk.plan_id._get_esign_provider() != "none"
        )

    def _get_esign_dialog(self, party, passphrase):
        """The signing dialog, when ``party`` signs electronically and the
        passphrase was not given; else ``None``."""
        if passphrase is not None or not self._filter_electronic(party):
            return None
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign Perjanjian Kinerja"),
            "res_model": "rkt.pk.sign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_pk_id": self.id, "default_party": party},
        }

    def _get_signed_pdf(self):
        """The signed PK as its signature record keeps it: what is printed of a
        signed PK, never rendered anew.  Missing or altered, it is refused."""
        self.ensure_one()
        signature = self.signature_id
        if not signature or signature._check_stored()[0] != "ok":
            raise UserError(
                self.env._(
                    "The signed file of %(pk)s is missing or does not match its "
                    "signature: it is not printed. Ask your administrator to restore it.",
                    pk=self.name,
                )
            )
        return signature._get_pdf_content()

    def _get_printed_signature(self):
        """The signature whose code the report prints: the one being recorded
        while the engine renders the PK, else the PK's signature record."""
        self.ensure_one()
        pending = self.env.context.get(SIGNING_CONTEXT_KEY)
        if (
            isinstance(pending, models.BaseModel)
            and pending._name == "rkt.plan.signature"
            and pending.pk_id.id == self.id
            and not self.signature_id
        ):
            return pending
        return self.signature_id

    def _get_today(self):
        self.ensure_one()
        return self.company_id.resource_calendar_id._rkt_today()

    # ------------------------------------------------------------------
    # Business methods: drafting
    # ------------------------------------------------------------------

    @api.model
    def _draft_for_plans(self, plans):
        """Draft the PKs of signed ``plans`` with a DPA date that have none yet:
        the head's (the agency's IKU lines) and one per division head (their
        form's lines).  Called by the engine once the user's right was checked.

        Their numbers follow the agency's sequence ``rkt.pk``, counted per fiscal
        year (PK/2027/0001, the head's PK first)."""
        vals_list = []
        for plan in plans:
            if plan.state not in ("signed", "archived") or not plan.dpa_date:
                continue
            if plan.pk_ids:
                continue
            company = plan.company_id
            lines = plan._get_document_lines()
            deadline = plan.dpa_date + relativedelta(months=1)
            head = plan.head_employee_id
            head_title = company.rkt_head_title or f"Kepala {company.name}"
            vals_list.append(
                {
                    "name": plan._next_number("rkt.pk"),
                    "plan_id": plan.id,
                    "party": "head",
                    "first_employee_id": head.id,
                    "first_title": head_title,
                    "second_name": company.rkt_regent_name or "",
                    "second_title": company.rkt_regent_title or "",
                    "deadline": deadline,
                    "line_ids": self._prepare_line_commands(
                        lines.filtered("is_iku")
                    ),
                }
            )
            for form in plan.form_ids:
                official = form.head_employee_id
                if not official or form.state == "missing":
                    continue
                form_lines = lines.filtered(lambda line, f=form: line.form_id == f)
                vals_list.append(
                    {
                        "name": plan._next_number("rkt.pk"),
                        "plan_id": plan.id,
                        "party": "division",
                        "department_id": form.department_id.id,
                        "first_employee_id": official.id,
                        "first_title": official.rkt_position
                        or f"Kepala {form.department_id.name}",
                        "second_employee_id": head.id,
                        "second_name": head.name,
                        "second_title": head_title,
                        "deadline": deadline,
                        "line_ids": self._prepare_line_commands(form_lines),
                    }
                )
        # sudo: the engine drafts the PKs once the DPA date was entered by
        # someone entitled (see rkt.plan._check_can_set_dpa_date)
        pks = self.sudo()._engine().create(vals_list).with_env(self.env)
        pks._activity_schedule_officials()
        return pks

    @api.model
    def _prepare_line_commands(self, plan_lines):
        return [
            fields.Command.create(
                {
                    **{name: plan_line[name] for name in PK_LINE_COPIED_FIELDS},
                    "plan_line_id": plan_line.id,
                    "rkt_target": plan_line.target,
                }
            )
            for plan_line in plan_lines
        ]

    # ------------------------------------------------------------------
    # Business methods: activities
    # ------------------------------------------------------------------

    def _get_waiting_official(self):
        self.ensure_one()
        if self.state == "draft":
            return self.first_employee_id
        if self.state == "first_signed":
            return self._get_second_official()
        return self.env["hr.employee"]

    def _activity_schedule_officials(self):
        """One activity, due on the PK's deadline, for the official whose signature
        is awaited (or their acting official)."""
        act_type = self.env.ref("rkt_planning.mail_act_rkt_pk_sign")
        vals_list = []
        for pk in self:
            official = pk._get_waiting_official()
            users = self.env["rkt.delegation"]._get_acting_users(official)
            summary = (
                self.env._("Record the regent's signature of %(pk)s", pk=pk.name)
                if pk.party == "head" and pk.state == "first_signed"
                else self.env._("Sign %(pk)s", pk=pk.name)
            )
            for user in users:
                vals_list.append(
                    {
                        "activity_type_id": act_type.id,
                        "automated": True,
                        "user_id": user.id,
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": pk.id,
                        "date_deadline": pk.deadline or fields.Date.today(),
                        "summary": summary[:250],
                    }
                )
        # sudo: the engine schedules the activity of the official who signs next
        return self.env["mail.activity"].sudo().create(vals_list)

    def _activity_cancel(self):
        act_type = self.env.ref("rkt_planning.mail_act_rkt_pk_sign")
        # sudo: the workflow's activities are the engine's (see mail.activity)
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == act_type).unlink()

    def _activity_done(self):
        act_type = self.env.ref("rkt_planning.mail_act_rkt_pk_sign")
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == act_type
        )
        if activities:
            activities.action_feedback(feedback=self.env._("Signed."))

    # ------------------------------------------------------------------
    # Business methods: the signature record
    # ------------------------------------------------------------------

    def _get_signed_content(self):
        """What the signatures cover: the PK's parties as printed and its lines."""
        self.ensure_one()
        parties = self.env["report.rkt_planning.report_rkt_pk"]._get_parties(self)
        return {
            "pk": self.name,
            "plan": self.plan_id.name,
            "agency": self.company_id.name or "",
            "year": self.year,
            "party": self.party,
            "date": parties["date"],
            "place": parties["place"],
            "first": {
                "official": self.first_employee_id.name or "",
                "signer": self.first_signer_employee_id.name or "",
                "capacity": self.first_capacity or "",
                "date": fields.Date.to_string(self.first_signed_date) or "",
                **{key: parties["first"][key] for key in PK_PRINTED_PARTY_KEYS},
            },
            "second": {
                "official": self.second_name or "",
                "signer": self.second_signer_employee_id.name or "",
                "capacity": self.second_capacity or "",
                "on_paper": self.party == "head",
                **{key: parties["second"][key] for key in PK_PRINTED_PARTY_KEYS},
            },
            "lines": self._get_signed_lines(),
        }

    def _get_signed_lines(self):
        """The PK's lines as the signatures cover them."""
        self.ensure_one()
        return [
            {
                "strategic_objective": line.strategic_objective or "",
                "indicator": line.indicator or "",
                "target": line.target or "",
                "uom": line.uom or "",
                "program_code": line.program_code or "",
                "program_name": line.program_name or "",
                "budget": f"{line.budget:.2f}",
            }
            for line in self.line_ids
        ]

    def _check_signed_document(self):
        """Check the PK's signature record against itself and the PK's lines
        against what was signed; see ``rkt.plan._check_signed_document``.

        :return: ``(status, message)``; ``ok``, ``missing``, ``altered`` or
            ``content_changed``
        """
        self.ensure_one()
        signature = self.signature_id
        if not signature:
            return "missing", self.env._(
                "%(pk)s has no signature record to check.", pk=self.name
            )
        status, message = signature._check_stored()
        if status != "ok":
            return status, message
        if signature._get_snapshot().get("lines") != self._get_signed_lines():
            return "content_changed", self.env._(
                "The signed file of %(pk)s is intact, but its lines now differ from "
                "what was signed.",
                pk=self.name,
            )
        return "ok", self.env._(
            "The signature of %(pk)s holds: its signed content and its stored file "
            "match their SHA-256, and its lines are those signed.",
            pk=self.name,
        )

    def _create_signature(self, esign=None):
        """The first party has signed: record what both parties sign and the PK
        rendered once, in the agency's document language, signed electronically
        as ``esign`` says (see ``rkt.plan._prepare_esign``), in a new
        ``rkt.plan.signature`` — the signature record of the RKT's kind."""
        self.ensure_one()
        # the agency's document language, as the signed RKT (res.company.rkt_lang)
        lang = self.company_id._rkt_get_lang(document=True) or "en_US"
        pk = self.with_context(lang=lang)
        content = canonical_json(pk._get_signed_content())
        values = {
            "name": self.name,
            "pk_id": self.id,
            "signer_user_id": self.env.user.id,
            "signer_employee_id": self.first_signer_employee_id.id,
            "official_employee_id": self.first_employee_id.id,
            # the RKT's capacities: only an acting official's is recorded here
            "capacity": self.first_capacity if self.first_capacity in ("plt", "plh") else False,
            "signed_date": self.first_signed_date,
            "signed_at": fields.Datetime.now(),
            "lang": lang,
            "content": content,
            "content_sha256": sha256_hex(content),
            "verify_token": new_verify_token(),
            "esign_provider": esign["provider"] if esign else "none",
            "esign_signer_name": (esign or {}).get("signer_name") or "",
            "esign_issuer": (esign or {}).get("issuer") or "",
        }
        Signature = self.env["rkt.plan.signature"]
        pending = Signature.new(values)
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(lang=lang, **{SIGNING_CONTEXT_KEY: pending})
            ._render_qweb_pdf(PK_REPORT, self.ids)
        )
        if report_format == "pdf":
            if esign:
                pdf = self._esign_file(pdf, esign, "first", values)
            values.update(
                {
                    "pdf_file": base64.b64encode(pdf),
                    "pdf_filename": "{} - signed.pdf".format(
                        self.name.replace("/", "-")
                    ),
                    "pdf_sha256": sha256_hex(pdf),
                }
            )
        else:
            # no file (a test run without rendering): no electronic signature either
            values["esign_provider"] = "none"
        # sudo: the RKT groups only read signatures; the engine records the one
        # the first party has just made (action_sign_first checked the user)
        signature = Signature.sudo().create(values)
        self._engine_write({"signature_id": signature.id})
        return signature

    def _esign_file(self, pdf, esign, party, values):
        """``pdf`` with ``party``'s ("first" or "second") PAdES signature, made as
        ``esign`` says through the RKT's helper (``rkt.plan._apply_esign``), which
        completes ``values`` with the certificate's holder and issuer."""
        self.ensure_one()
        reasons = {
            "first": self.env._(
                "Perjanjian Kinerja %(pk)s signed by the first party", pk=self.name
            ),
            "second": self.env._(
                "Perjanjian Kinerja %(pk)s signed by the second party", pk=self.name
            ),
        }
        return self.plan_id._apply_esign(
            pdf, esign, values, reason=reasons[party], field_name=PK_ESIGN_FIELDS[party]
        )

    def _cosign_signature(self, esign=None):
        """The second party has signed: complete the signature record.  Where they
        sign electronically, their PAdES signature is added to the stored file as
        an incremental update (the first party's stays valid); the file must be
        intact to be signed."""
        self.ensure_one()
        signature = self.signature_id
        status, message = signature._check_stored() if signature else ("missing", "")
        if status == "altered" or not signature:
            raise UserError(
                self.env._(
                    "%(pk)s cannot be signed: %(problem)s Ask your administrator to "
                    "check it.",
                    pk=self.name,
                    problem=message
                    or self.env._("the first party's signature record is missing."),
                )
            )
        values = {"cosigned_at": fields.Datetime.now()}
        pdf = signature._get_pdf_content()
        if esign and pdf:
            esign_values = {}
            signed = self._esign_file(pdf, esign, "second", esign_values)
            values.update(
                {
                    "pdf_file": base64.b64encode(signed),
                    "pdf_sha256": sha256_hex(signed),
                    "cosign_signer_name": esign_values.get("esign_signer_name") or "",
                    "cosign_issuer": esign_values.get("esign_issuer") or "",
                }
            )
        # sudo: the engine completes the record with the second party's signature
        # (action_sign_second checked the user)
        signature.sudo().write(values)
        return signature
