from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .rkt_sop_step import DECISION_KINDS, DIVISION_KINDS, ROLE_CODES

LOCKED_STATES = ("signed", "archived", "cancelled")
# The security group a user needs to act in each SOP role.
ROLE_GROUPS = {
    "team": "rkt_planning.group_rkt_team",
    "planner": "rkt_planning.group_rkt_planner",
    "division_head": "rkt_planning.group_rkt_division_head",
    "secretary": "rkt_planning.group_rkt_secretary",
    "head": "rkt_planning.group_rkt_head",
}


class RktPlanEngine(models.AbstractModel):
    """The step engine of ``rkt.plan``: its public actions, who may take them, and how
    the plan moves from step to step."""

    _name = "rkt.plan.engine"
    _description = "RKT Step Engine"

    # ------------------------------------------------------------------
    # Actions (buttons and public API)
    #
    # Each public method takes the plan's lock first (``_lock_for_transition``),
    # then checks who may act (``_check_can``) on what it has just re-read.
    # ``expected_step_id``: the step the caller saw; the buttons send it in the
    # context (``rkt_expected_step_id``).  A call made for a step the plan has left
    # is refused instead of acting on the next step.
    # ------------------------------------------------------------------

    def action_start(self, expected_step_id=None):
        """The head gives the disposition: completes the first step of the SOP."""
        self._lock_for_transition(expected_step_id)
        self._check_can("start")
        for plan in self:
            if not (plan.disposition or "").strip():
                raise UserError(
                    self.env._(
                        "Write the disposition before starting RKT %(plan)s.",
                        plan=plan.name,
                    )
                )
            if not plan.program_document_ids and not plan.program_document_ref:
                raise UserError(
                    self.env._(
                        "Attach the Dokumen Program Kerja, or give its reference, "
                        "before starting RKT %(plan)s.",
                        plan=plan.name,
                    )
                )
            plan._check_ready_to_start()
            first = plan.sop_id._get_first_step()
            plan._engine_write({"state": "in_progress", "round": 1})
            plan._enter_step(first)
            plan._complete_current_step(note=plan.disposition)
        return True

    def action_complete_step(self):
        """Open the dialog that records the output of the current step."""
        self.ensure_one()
        self._check_can("complete")
        return self._get_step_dialog_action(
            "rkt.plan.step.complete", self.env._("Complete Step")
        )

    def complete_step(self, output_note=False, attachment_ids=None, expected_step_id=None):
        """Complete the current step, recording what it produced.

        :param output_note: what the step produced (required for process steps
            without attachment)
        :param attachment_ids: ids of ``ir.attachment`` records that hold the output:
            documents of this plan, or documents the caller has just uploaded
        :param expected_step_id: the step the caller saw (see above)
        """
        self._lock_for_transition(expected_step_id)
        self._check_can("complete")
        for plan in self:
            attachments = plan._get_output_attachments(attachment_ids)
            kind = plan.step_kind
            if kind == "process" and not (output_note or "").strip() and not attachments:
                raise UserError(
                    self.env._(
                        "Step '%(step)s' must produce '%(output)s': describe it or "
                        "attach it before completing the step.",
                        step=plan.step_id.name,
                        output=plan.step_id.output or "",
                    )
                )
            plan._complete_current_step(
                note=output_note, attachments=attachments, decision="done"
            )
        return True

    def action_schedule_meeting(self, expected_step_id=None):
        """Schedule the coordination meeting of the current meeting step; called
        again, it moves the meeting already scheduled."""
        self._lock_for_transition(expected_step_id)
        self._check_can("schedule_meeting")
        for plan in self:
            if not plan.meeting_start:
                raise UserError(
                    self.env._("Set the meeting date before scheduling the meeting.")
                )
            if plan.meeting_event_id:
                plan.meeting_event_id.write(plan._prepare_meeting_times())
            else:
                plan._engine_write(
                    {"meeting_event_id": plan._create_meeting_event().id}
                )
        return True

    def action_close_collection(self, expected_step_id=None):
        """Close the collection of division forms before every division submitted."""
        self._lock_for_transition(expected_step_id)
        self._check_can("close_collection")
        for plan in self:
            missing = plan.form_ids.filtered(
                lambda f: f.state not in ("submitted", "accepted")
            )
            missing._set_state("missing")
            missing._activity_close()
            plan._check_forms_done()
        return True

    def action_approve(self, expected_step_id=None):
        """Answer 'ya' to the current decision step."""
        self._lock_for_transition(expected_step_id)
        self._check_can("approve")
        for plan in self:
            plan._complete_current_step(decision="yes")
        return True

    def action_sign(self, expected_step_id=None, passphrase=None, nik=None):
        """The head's 'ya': sign the RKT.

        An agency that signs electronically (settings) needs the official's
        passphrase (and, for BSrE, NIK): without it, the signing dialog opens.  The
        key is unlocked and the certificate checked before anything is written; a
        refusal of the gateway afterwards raises, and the transaction rolls back.
        The passphrase is an argument only: never stored, logged or posted.
        """
        self._lock_for_transition(expected_step_id)
        self._check_can("sign")
        if passphrase is None and any(
            plan._get_esign_provider() != "none" for plan in self
        ):
            self.ensure_one()
            return self._get_step_dialog_action("rkt.plan.sign", self.env._("Sign RKT"))
        esigns = {plan.id: plan._prepare_esign(passphrase, nik) for plan in self}
        for plan in self:
            capacity = plan._get_acting_capacity()
            # The signed file is rendered from the plan as signed, then signed (by the
            # gateway, for BSrE): if that fails, the savepoint undoes the plan's
            # signed state and the error leaves the plan at the sign step.
            with self.env.cr.savepoint():
                plan._engine_write(
                    {
                        "state": "signed",
                        "signed_user_id": self.env.user.id,
                        "signed_employee_id": capacity["employee"].id,
                        "signed_capacity": capacity["signed_capacity"],
                        "signed_date": plan._get_agency_today(),
                    }
                )
                plan._on_signed(esigns[plan.id])
            plan._complete_current_step(decision="yes")
        return True

    def action_return(self):
        """Open the dialog that asks the reason of a 'tidak'."""
        self.ensure_one()
        self._check_can("return")
        return self._get_step_dialog_action("rkt.plan.return", self.env._("Return (Tidak)"))

    def return_to_step(self, reason, expected_step_id=None):
        """Answer 'tidak': return the plan to the step the SOP names, in a new round."""
        self._lock_for_transition(expected_step_id)
        self._check_can("return")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for returning the RKT."))
        for plan in self:
            # the notices of the procedure are written in the agency's language
            plan = plan._rkt_with_agency_lang()
            step = plan.step_id
            target = step.return_step_id
            if not target:
                raise UserError(
                    self.env._(
                        "The SOP names no step for the 'tidak' of '%(step)s'.",
                        step=step.name,
                    )
                )
            plan._close_log(decision="no", reason=reason)
            plan._activity_cancel()
            plan._engine_write({"round": plan.round + 1})
            plan.message_post(
                body=plan.env._(
                    "Returned (tidak) at '%(step)s' to '%(target)s', round %(round)s: "
                    "%(reason)s",
                    step=step.name,
                    target=target.name,
                    round=plan.round,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_comment",
            )
            plan._enter_step(target)
        return True

    def action_cancel(self, expected_step_id=None):
        self._lock_for_transition(expected_step_id)
        self._check_can("cancel")
        for plan in self:
            plan._close_log(decision="cancelled")
            plan._engine_write({"state": "cancelled"})
            plan._activity_cancel()
        return True

    # ------------------------------------------------------------------
    # Business methods: one transition at a time
    # ------------------------------------------------------------------

    def _get_step_dialog_action(self, res_model, title):
        """The dialog of a step's button; it carries the step the user saw, so that
        its confirmation is refused if the plan has moved on meanwhile."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": res_model,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_plan_id": self.id,
                "default_expected_step_id": self._get_expected_step_id()
                or self.step_id.id,
            },
        }

    def _get_expected_step_id(self, expected_step_id=None):
        expected = expected_step_id or self.env.context.get("rkt_expected_step_id")
        return int(expected) if expected else False

    def _lock_for_transition(self, expected_step_id=None):
        """Serialise every transition of these plans, explicit or automatic.

        Two division heads submitting the last two forms at once would each see
        the other's form still open (each transaction reads its own snapshot), and
        neither would close the fill step.  Every transition therefore first takes
        the plan's row (``_rkt_lock_rows``): the second waits for the first, and is
        retried after it.  What the transition decides on is read after this point.

        :param expected_step_id: the step the caller saw; a plan that has moved on
            since is refused with a clear message.
        """
        self._rkt_lock_rows()
        expected = self._get_expected_step_id(expected_step_id)
        if expected:
            stale = self.filtered(lambda p: p.step_id.id != expected)
            if stale:
                raise UserError(
                    self.env._(
                        "RKT %(plan)s has moved on: its current step is now "
                        "'%(step)s'. Reload it and check before acting again.",
                        plan=stale[0].name,
                        step=stale[0].step_id.name or stale[0].state,
                    )
                )

    def _get_output_attachments(self, attachment_ids):
        """The documents a step's output may link: this plan's own, or those the
        current user has just uploaded (for the step dialog) — never another plan's
        or another agency's file."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].browse(attachment_ids or []).exists()
        if len(attachments) != len(set(attachment_ids or [])):
            raise UserError(self.env._("A document given as the step's output no longer exists."))
        attachments.check_access("read")
        foreign = attachments.filtered(
            lambda a: not (
                (a.res_model == self._name and a.res_id == self.id)
                or (
                    a.res_model in (False, "rkt.plan.step.complete")
                    and a.create_uid == self.env.user
                    and not a.res_field
                )
            )
        )
        if foreign:
            raise UserError(
                self.env._(
                    "%(file)s is not a document of RKT %(plan)s: attach the output "
                    "to this plan.",
                    file=foreign[0].name,
                    plan=self.name,
                )
            )
        return attachments

    # ------------------------------------------------------------------
    # Business methods: who may act
    # ------------------------------------------------------------------

    def _get_role_holders(self):
        """The officials assigned to each role code on this plan."""
        self.ensure_one()
        return {
            "team": self.team_employee_ids,
            "planner": self.planner_employee_id,
            "division_head": self.form_ids.head_employee_id,
            "secretary": self.secretary_employee_id,
            "head": self.head_employee_id,
        }

    @api.model
    def _get_user_roles_by_group(self, user):
        """The role codes whose security group ``user`` holds."""
        return {role for role, group in ROLE_GROUPS.items() if user.has_group(group)}

    def _get_user_capacities(self, user=None):
        """Roles the user holds on each plan: ``{plan_id: {role: capacity}}``.

        A user holds a role on a plan when they are that role's official on the
        plan, or its acting official (Plt./Plh.) while a delegation is in force,
        **and** they hold the role's security group (``ROLE_GROUPS``).

        ``capacity`` is ``{'employee': <official>, 'kind': False | 'plt' | 'plh'}``:
        the official whose role it is, and how the user acts for them.
        """
        user = user or self.env.user
        entitled = self._get_user_roles_by_group(user)
        holders = {plan.id: plan._get_role_holders() for plan in self}
        officials = self.env["hr.employee"].union(
            *(emp for roles in holders.values() for emp in roles.values())
        )
        delegations = self.env["rkt.delegation"]._get_active(officials).filtered(
            lambda d: d.delegate_employee_id.user_id == user
        )
        acting_for = {d.employee_id: d.kind for d in delegations}
        result = {}
        for plan in self:
            roles = {}
            for role, employees in holders[plan.id].items():
                if role not in entitled:
                    continue
                for employee in employees:
                    if employee.user_id == user:
                        roles[role] = {"employee": employee, "kind": False}
                        break
                    if employee in acting_for:
                        roles.setdefault(
                            role, {"employee": employee, "kind": acting_for[employee]}
                        )
            result[plan.id] = roles
        return result

    def _get_allowed_actions(self, roles):
        """The actions the holder of ``roles`` may take on this plan now."""
        self.ensure_one()
        actions = set()
        roles = set(roles)
        if self.state in ("draft", "in_progress") and (
            "head" in roles or self.env.user.has_group("rkt_planning.group_rkt_manager")
        ):
            actions.add("cancel")
        step = self.step_id
        if not step or self.state in ("archived", "cancelled"):
            return actions
        if self.state == "draft":
            if step.get_roles() & roles:
                actions.add("start")
            return actions
        kind = step.kind
        actors = step.get_roles() & roles
        if kind in DIVISION_KINDS:
            actors.discard("division_head")
        if actors:
            if kind == "decision":
                actions |= {"approve", "return"}
            elif kind == "sign":
                actions |= {"sign", "return"}
            elif kind == "meeting":
                actions.add("schedule_meeting")
                actions.add("complete")
            elif kind != "fill":
                actions.add("complete")
            if kind in ("compile", "process", "correction"):
                actions.add("edit_lines")
        if kind in ("fill", "collect") and self._get_collect_step().get_roles() & roles:
            actions.add("close_collection")
        return actions

    def _check_can(self, action):
        """Raise unless the current user may take ``action`` on every plan of self."""
        capacities = self._get_user_capacities()
        for plan in self:
            if action not in plan._get_allowed_actions(capacities.get(plan.id, {})):
                raise UserError(plan._get_refusal_message(action))
            if action in ("approve", "sign", "return"):
                plan._check_other_decision_taken_by_someone_else()

    def _check_other_decision_taken_by_someone_else(self):
        """Separation of duties: the secretary's decision and the head's signature
        of one round are taken by two different people."""
        self.ensure_one()
        # sudo: the log is read to know who decided; nothing of it is disclosed.
        other = self.sudo().log_ids.filtered(
            lambda log: log.round == self.round
            and log.step_id != self.step_id
            and log.step_id.kind in DECISION_KINDS
            and log.decision == "yes"
            and log.user_id == self.env.user
        )
        if other:
            raise UserError(
                self.env._(
                    "You already decided '%(step)s' of RKT %(plan)s in this round: "
                    "the secretary's decision and the head's signature are taken by "
                    "two different people.",
                    step=other[0].step_id.name,
                    plan=self.name,
                )
            )

    def _check_can_change_officials(self):
        """Officials and divisions of a draft plan are changed by an RKT manager of
        its agency or by its head (not the team, not the planning head)."""
        if self._is_engine() or self.env.user.has_group("rkt_planning.group_rkt_manager"):
            return
        capacities = self._get_user_capacities()
        refused = self.filtered(lambda p: "head" not in capacities.get(p.id, {}))
        if refused:
            raise UserError(
                self.env._(
                    "Only an RKT manager of the agency or the head may change the "
                    "agency, SOP, officials and divisions of RKT %(plan)s; they come "
                    "from the agency's settings.",
                    plan=refused[0].name,
                )
            )

    def _check_officials_from_settings(self):
        """A plan created by someone who may not choose its officials takes them
        from the agency's settings, as they are."""
        if self._is_engine() or self.env.user.has_group("rkt_planning.group_rkt_manager"):
            return
        for plan in self:
            company = plan.company_id
            default_head = self._get_default_head(company)
            if default_head.user_id == self.env.user:
                continue  # the agency's head chooses
            departments = self._get_default_departments(company)
            expected = {
                "head": default_head,
                "secretary": company.rkt_secretary_employee_id,
                "planner": company.rkt_planner_employee_id,
                "team": company.rkt_team_employee_ids,
            }
            actual = {
                "head": plan.head_employee_id,
                "secretary": plan.secretary_employee_id,
                "planner": plan.planner_employee_id,
                "team": plan.team_employee_ids,
            }
            forms = {(f.department_id, f.head_employee_id) for f in plan.form_ids}
            if actual != expected or forms != {(d, d.manager_id) for d in departments}:
                raise UserError(
                    self.env._(
                        "The officials and divisions of a new RKT come from the "
                        "agency's settings (RKT › Configuration › Settings); only an "
                        "RKT manager or the head may change them."
                    )
                )

    def _get_refusal_message(self, action):
        self.ensure_one()
        if action == "cancel":
            return self.env._(
                "Only the head of agency or an RKT manager may cancel RKT %(plan)s, "
                "and only before it is signed.",
                plan=self.name,
            )
        step = self.step_id
        if self.state not in ("draft", "in_progress", "signed") or not step:
            return self.env._(
                "RKT %(plan)s is closed: no step can be taken on it.", plan=self.name
            )
        roles = step.get_roles()
        if action == "close_collection":
            roles = self._get_collect_step().get_roles()
        holders = self._get_role_holders()
        names = self.env["hr.employee"].union(
            *(holders[role] for role in roles if role in holders)
        ).mapped("name")
        return self.env._(
            "You may not do this on RKT %(plan)s now. The current step '%(step)s' is "
            "for %(roles)s (%(names)s), or their acting official, holding the role's "
            "RKT group.",
            plan=self.name,
            step=step.name,
            roles=", ".join(self.sop_id.get_role_names(roles)),
            names=", ".join(names) or "-",
        )

    def _get_acting_capacity(self):
        """How the current user acts on the current step: for whom and in what capacity."""
        self.ensure_one()
        roles = self._get_user_capacities().get(self.id, {})
        for role in ROLE_CODES[::-1]:
            if role in roles and role in self.step_id.get_roles():
                capacity = roles[role]
                return {
                    "role": role,
                    "employee": capacity["employee"],
                    "kind": capacity["kind"],
                    "signed_capacity": capacity["kind"] or "head",
                }
        return {
            "role": False,
            "employee": self.env.user.employee_id,
            "kind": False,
            "signed_capacity": "head",
        }

    def _get_collect_step(self):
        """The collect step that closes the current division fill."""
        self.ensure_one()
        step = self.step_id
        while step and step.kind in ("fill", "collect"):
            if step.kind == "collect":
                return step
            step = step._get_next_step()
        return self.env["rkt.sop.step"]

    def _get_official_problems(self):
        """What keeps the officials of this plan from running it: a role whose
        official lacks the role's security group, and the head and the secretary
        being one person (separation of duties)."""
        self.ensure_one()
        problems = []
        needed = self.sop_id.step_ids.get_roles()
        for role, employees in self._get_role_holders().items():
            if role not in needed:
                continue
            group = self.env.ref(ROLE_GROUPS[role])
            for employee in employees.filtered("user_id"):
                if not employee.user_id.has_group(ROLE_GROUPS[role]):
                    problems.append(
                        self.env._(
                            "%(official)s, %(role)s, lacks the group '%(group)s'",
                            official=employee.name,
                            role=self.sop_id.get_role_name(role),
                            group=group.name,
                        )
                    )
        head, secretary = self.head_employee_id, self.secretary_employee_id
        if head and secretary:
            users = self._get_role_users({"head"}) & self._get_role_users({"secretary"})
            if head == secretary or (head.user_id and head.user_id == secretary.user_id):
                problems.append(
                    self.env._(
                        "%(name)s is both the head and the secretary: the secretary's "
                        "decision and the head's signature need two people",
                        name=head.name,
                    )
                )
            elif users:
                problems.append(
                    self.env._(
                        "%(name)s acts today for both the head and the secretary: the "
                        "secretary's decision and the head's signature need two people",
                        name=users[0].name,
                    )
                )
        return problems

    def _check_ready_to_start(self):
        self.ensure_one()
        problems = []
        if not self.sop_id.step_ids:
            problems.append(self.env._("the SOP has no steps"))
        for role, employees in self._get_role_holders().items():
            needed = any(step.get_roles() & {role} for step in self.sop_id.step_ids)
            if needed and not employees:
                problems.append(
                    self.env._(
                        "nobody holds the role %(role)s",
                        role=self.sop_id.get_role_name(role),
                    )
                )
        if not self.form_ids and any(
            step.kind in DIVISION_KINDS for step in self.sop_id.step_ids
        ):
            problems.append(self.env._("no division takes part"))
        without_head = self.form_ids.filtered(lambda f: not f.head_employee_id.user_id)
        if without_head:
            problems.append(
                self.env._(
                    "these divisions have no head with a user: %(divisions)s",
                    divisions=", ".join(without_head.department_id.mapped("name")),
                )
            )
        problems += self._get_official_problems()
        if problems:
            raise UserError(
                self.env._(
                    "RKT %(plan)s cannot start: %(problems)s.",
                    plan=self.name,
                    problems="; ".join(problems),
                )
            )

    # ------------------------------------------------------------------
    # Business methods: the engine
    # ------------------------------------------------------------------

    def _get_step_deadline(self, step, start):
        """End of the ``step.duration``-th working day after the day ``start`` falls on,
        on the agency's working calendar (see ``resource.calendar``)."""
        self.ensure_one()
        return self.company_id.resource_calendar_id._rkt_working_day_deadline(
            start, step.duration
        )

    def _enter_step(self, step):
        """Make ``step`` the current step and open its log row."""
        self.ensure_one()
        # its notices are written in the agency's language
        self = self._rkt_with_agency_lang()
        now = fields.Datetime.now()
        deadline = self._get_step_deadline(step, now)
        self._engine_write(
            {"step_id": step.id, "step_date_start": now, "step_deadline": deadline}
        )
        self.env["rkt.plan.log"]._open(self, step, now, deadline)
        hook = getattr(self, f"_on_enter_{step.kind}", None)
        if hook:
            hook()
        self._activity_update()

    def _complete_current_step(self, decision="done", note=False, reason=False, attachments=None):
        """Run the completion hook of the current step, log it and enter the next one."""
        self.ensure_one()
        step = self.step_id
        hook = getattr(self, f"_on_complete_{step.kind}", None)
        if hook:
            hook()
        self._close_log(decision=decision, note=note, reason=reason, attachments=attachments)
        if self.step_id != step:
            return  # a hook moved the plan on already
        next_step = step._get_next_step()
        if next_step:
            self._enter_step(next_step)
        else:
            self._on_finished()

    def _close_log(self, decision="done", note=False, reason=False, attachments=None):
        self.ensure_one()
        # its notices are written in the agency's language
        self = self._rkt_with_agency_lang()
        capacity = self._get_acting_capacity()
        decisions = dict(self.env["rkt.plan.log"]._fields["decision"]._description_selection(self.env))
        feedback = self.env._(
            "%(step)s: %(decision)s by %(user)s.",
            step=self.step_id.name,
            decision=decisions.get(decision, decision),
            user=self.env.user.name,
        )
        if reason:
            feedback = f"{feedback} {reason}"
        self._activity_done(feedback)
        self.log_ids._close_open(
            decision=decision,
            note=note,
            reason=reason,
            attachments=attachments,
            capacity=capacity,
        )

    def _on_enter_fill(self):
        # every division fills again, also when a 'tidak' returns the plan here
        forms = self.form_ids
        forms._set_state("to_fill", deadline=self.step_deadline)
        forms._renstra_prefill()
        forms._activity_schedule_division()
        self._check_forms_done()

    def _on_enter_collect(self):
        self._check_forms_done()

    def _on_enter_compile(self):
        forms = self.form_ids.filtered(lambda f: f.state in ("submitted", "accepted"))
        if not forms:
            return
        # One UPDATE for all the lines, however many: an ORM write sends one per 100
        # lines (and reads them all first).  No field depends on is_compiled.
        lines = self.env["rkt.plan.line"]
        lines.flush_model(["form_id", "is_compiled"])
        self.env.cr.execute(
            SQL(
                "UPDATE rkt_plan_line SET is_compiled = TRUE, write_uid = %s, "
                "write_date = %s WHERE form_id IN %s AND is_compiled IS NOT TRUE",
                self.env.uid,
                self.env.cr.now(),
                tuple(forms.ids),
            )
        )
        lines.invalidate_model(["is_compiled", "write_uid", "write_date"])

    def _on_enter_correction(self):
        forms = self.form_ids.filtered(
            lambda f: f.state in ("submitted", "accepted", "returned")
        )
        forms._set_state("correction", deadline=self.step_deadline)
        forms._activity_schedule_division()

    def _on_complete_meeting(self):
        if not self.meeting_event_id:
            raise UserError(
                self.env._(
                    "Schedule the meeting of step '%(step)s' before completing it.",
                    step=self.step_id.name,
                )
            )

    def _on_complete_compile(self):
        if not self.env["rkt.plan.line"].search_count(
            [("plan_id", "=", self.id), ("is_compiled", "=", True)], limit=1
        ):
            raise UserError(
                self.env._(
                    "No division has submitted a line: there is nothing to compile "
                    "into the draft RKT."
                )
            )

    def _on_complete_correction(self):
        pending = self.form_ids.filtered(
            lambda f: f.state in ("correction", "submitted", "returned")
        )
        pending._set_state("accepted")
        pending._activity_close()

    def _on_complete_archive(self):
        today = self._get_agency_today()
        number = self._next_number("rkt.plan.archive", date=today)
        self._engine_write(
            {
                "archive_number": number,
                "archive_date": today,
            }
        )

    def _on_finished(self):
        self.ensure_one()
        self._engine_write({"state": "archived", "step_deadline": False})

    def _check_forms_done(self):
        """Complete the fill / collect step once every division form is in."""
        for plan in self:
            if plan.state != "in_progress" or plan.step_kind not in ("fill", "collect"):
                continue
            if not all(
                form.state in ("submitted", "accepted", "missing") for form in plan.form_ids
            ):
                continue
            missing = plan.form_ids.filtered(lambda f: f.state == "missing")
            if missing:
                plan._complete_current_step(
                    decision="closed",
                    note=self.env._(
                        "Collection closed early; missing divisions: %(divisions)s",
                        divisions=", ".join(missing.department_id.mapped("name")),
                    ),
                )
            else:
                plan._complete_current_step(
                    decision="auto", note=self.env._("Every division form is in.")
                )

    def _check_corrections_done(self):
        """Complete the correction step once every division form is accepted."""
        for plan in self:
            if plan.state == "in_progress" and plan.step_kind == "correction" and all(
                form.state in ("accepted", "missing") for form in plan.form_ids
            ):
                plan._complete_current_step(
                    decision="auto",
                    note=self.env._("Every division's correction is accepted."),
                )

    def _create_meeting_event(self):
        self.ensure_one()
        employees = (
            self.planner_employee_id
            | self.team_employee_ids
            | self.secretary_employee_id
            | self.form_ids.head_employee_id
        )
        partners = employees.user_id.partner_id | employees.work_contact_id
        return self.env["calendar.event"].create(
            {
                "name": self.env._(
                    "RKT %(year)s coordination meeting (%(plan)s)",
                    year=self.year,
                    plan=self.name,
                ),
                **self._prepare_meeting_times(),
                "partner_ids": [Command.set(partners.ids)],
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
                "description": self.step_id.name,
            }
        )

    def _prepare_meeting_times(self):
        self.ensure_one()
        return {
            "start": self.meeting_start,
            "stop": self.meeting_start + timedelta(hours=2),
            "location": self.meeting_location,
        }

    def _get_agency_today(self):
        """Today's date in the agency, in its working calendar's time zone: the
        date of a signature or an archive is the agency's, not the clicking
        user's (whose time zone may be another, or none)."""
        self.ensure_one()
        return self.company_id.resource_calendar_id._rkt_today()

    def _get_remaining_working_days(self, deadline):
        """Whole working days from today until the day of ``deadline``; negative:
        working days late (today counts once the deadline's day is over)."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not deadline or not calendar:
            return 0
        return calendar._rkt_working_days_between(
            calendar._rkt_today(), calendar._rkt_local_date(deadline)
        )

    def _get_form_reviewer_roles(self):
        """Roles that accept or return division forms at the current step."""
        self.ensure_one()
        if self.state != "in_progress":
            return set()
        if self.step_kind == "correction":
            return self.step_id.get_roles() - {"division_head"}
        if self.step_kind in ("fill", "collect"):
            return self._get_collect_step().get_roles() - {"division_head"}
        return set()

    def _check_draft_divisions(self):
        started = self.filtered(lambda p: p.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "The divisions of RKT %(plan)s cannot change once the procedure "
                    "has started.",
                    plan=started[0].name,
                )
            )

    def _check_not_locked(self):
        locked = self.filtered(lambda p: p.state in LOCKED_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "RKT %(plan)s is signed, archived or cancelled: it can no longer "
                    "be changed.",
                    plan=locked[0].name,
                )
            )
