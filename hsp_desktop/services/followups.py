"""Follow-up actions: each on its owner's list with a due date, done or passed on in one step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.errors import ValidationError
from hsp_desktop.model import FollowUpAction, StaffMember, Student, rules
from hsp_desktop.model.contacts import ActionStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.contacts import Clock, staff_name, student_name, utc_now
from hsp_desktop.store import Database

__all__ = ["ActionStatus", "FollowUpService", "FollowUpView"]


@dataclass(frozen=True, slots=True)
class FollowUpView:
    id: int
    contact_id: int | None
    student_id: int
    student_name: str
    owner_id: int
    owner_name: str
    description: str
    due_date: dt.date
    status: ActionStatus
    done_at: dt.datetime | None
    done_note: str
    version: int
    overdue: bool


class FollowUpService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def _today(self) -> dt.date:
        return self.clock().astimezone().date()

    def for_owner(
        self, actor: Actor, owner_id: int | None = None, *, include_done: bool = False
    ) -> list[FollowUpView]:
        """The owner's follow-ups (the actor's own by default), soonest due first."""
        actor.require(Permission.LOG_CONTACTS)
        owner = owner_id if owner_id is not None else actor.staff_member_id
        if owner is None:
            return []
        query = (
            select(FollowUpAction, Student, StaffMember)
            .join(Student, Student.id == FollowUpAction.student_id)
            .join(StaffMember, StaffMember.id == FollowUpAction.owner_id)
            .where(FollowUpAction.owner_id == owner)
            .order_by(FollowUpAction.status.desc(), FollowUpAction.due_date, FollowUpAction.id)
        )
        if not include_done:
            query = query.where(FollowUpAction.status == ActionStatus.OPEN)
        today = self._today()
        with self.db.read() as s:
            return [self._view(a, st, m, today) for a, st, m in s.execute(query)]

    def for_student(self, actor: Actor, student_id: int) -> list[FollowUpView]:
        actor.require(Permission.VIEW_STUDENTS)
        today = self._today()
        with self.db.read() as s:
            rows = s.execute(
                select(FollowUpAction, Student, StaffMember)
                .join(Student, Student.id == FollowUpAction.student_id)
                .join(StaffMember, StaffMember.id == FollowUpAction.owner_id)
                .where(FollowUpAction.student_id == student_id)
                .order_by(FollowUpAction.due_date)
            )
            return [self._view(a, st, m, today) for a, st, m in rows]

    def add(
        self,
        actor: Actor,
        student_id: int,
        owner_id: int,
        description: str,
        due_date: dt.date,
    ) -> FollowUpView:
        actor.require(Permission.LOG_CONTACTS)
        text = rules.required_text("Follow-up", description, 20_000)
        with self.db.transaction() as s:
            student = get_or_fail(s, Student, student_id, "student")
            owner = get_or_fail(s, StaffMember, owner_id, "owner")
            action = FollowUpAction(
                student_id=student_id, owner_id=owner_id, description=text, due_date=due_date
            )
            s.add(action)
            s.flush()
            audit.record(s, actor, "create", "followup_action", action.id, "Follow-up added")
            return self._view(action, student, owner, self._today())

    def complete(
        self, actor: Actor, action_id: int, read_version: int, note: str = ""
    ) -> FollowUpView:
        actor.require(Permission.LOG_CONTACTS)
        with self.db.transaction() as s:
            action = get_or_fail(s, FollowUpAction, action_id, "follow-up")
            check_version(action, read_version, "follow-up")
            if action.status is ActionStatus.DONE:
                raise ValidationError("Follow-up", "is already done")
            action.status = ActionStatus.DONE
            action.done_at = self.clock()
            action.done_note = rules.free_text("Note", note, 2000)
            s.flush()
            audit.record(s, actor, "update", "followup_action", action.id, "Follow-up done")
            return self._loaded(s, action)

    def reassign(
        self, actor: Actor, action_id: int, read_version: int, owner_id: int
    ) -> FollowUpView:
        actor.require(Permission.LOG_CONTACTS)
        with self.db.transaction() as s:
            action = get_or_fail(s, FollowUpAction, action_id, "follow-up")
            check_version(action, read_version, "follow-up")
            owner = get_or_fail(s, StaffMember, owner_id, "new owner")
            if action.owner_id == owner_id:
                raise ValidationError("Owner", f"{owner.display_name} already owns it")
            before = audit.snapshot(action)
            action.owner_id = owner_id
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "followup_action",
                action.id,
                f"Follow-up passed to {owner.display_name}",
                before,
                audit.snapshot(action),
            )
            return self._loaded(s, action)

    def _loaded(self, s: Session, action: FollowUpAction) -> FollowUpView:
        student = s.get(Student, action.student_id)
        owner = s.get(StaffMember, action.owner_id)
        assert student is not None
        return self._view(action, student, owner, self._today())

    @staticmethod
    def _view(
        action: FollowUpAction, student: Student, owner: StaffMember | None, today: dt.date
    ) -> FollowUpView:
        return FollowUpView(
            action.id,
            action.contact_id,
            action.student_id,
            student_name(student),
            action.owner_id,
            staff_name(owner),
            action.description,
            action.due_date,
            action.status,
            action.done_at,
            action.done_note,
            action.version,
            action.status is ActionStatus.OPEN and action.due_date < today,
        )
