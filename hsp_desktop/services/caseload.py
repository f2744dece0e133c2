"""The family support worker's caseload, and the follow-up actions of meetings and visits.

One screen's worth of data: for each family on the caseload (open or closed), the last time
someone from school was in touch, the actions still open, and the next home visit. Built from
a handful of grouped queries over the caseload's students, so it stays fast on years of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.model import (
    CaseworkAction,
    ContactRecord,
    FollowUpAction,
    HomeVisit,
    Meeting,
    SchoolClass,
    StaffMember,
    Student,
    SupportCase,
    rules,
)
from hsp_desktop.model.casework import CaseStatus, VisitStatus
from hsp_desktop.model.contacts import ActionStatus, Channel, Outcome
from hsp_desktop.model.meetings import MeetingStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.interpreters import carers_and_interpreter_languages
from hsp_desktop.services.reviews import Clock, local_today, utc_now
from hsp_desktop.store import Database

__all__ = [
    "ActionDraft",
    "ActionView",
    "CaseRow",
    "CaseStatus",
    "CaseView",
    "CaseloadService",
    "actions_where",
]


# -- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionDraft:
    student_id: int
    description: str
    owner_id: int | None
    due_on: dt.date | None
    meeting_id: int | None = None
    visit_id: int | None = None


@dataclass(frozen=True, slots=True)
class ActionView:
    id: int
    student_id: int
    student_name: str
    meeting_id: int | None
    visit_id: int | None
    description: str
    owner_id: int | None
    owner_name: str
    due_on: dt.date
    done_on: dt.date | None
    version: int

    def overdue_on(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today

    @property
    def source(self) -> str:
        if self.meeting_id:
            return "Meeting"
        if self.visit_id:
            return "Home visit"
        return "Caseload"


def actions_where(
    s: Session,
    *,
    meeting_id: int | None = None,
    visit_id: int | None = None,
    student_ids: Sequence[int] | None = None,
    owner_id: int | None = None,
    open_only: bool = False,
) -> list[ActionView]:
    query = (
        select(
            CaseworkAction,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
            StaffMember,
        )
        .join(Student, Student.id == CaseworkAction.student_id)
        .outerjoin(StaffMember, StaffMember.id == CaseworkAction.owner_id)
    )
    if meeting_id is not None:
        query = query.where(CaseworkAction.meeting_id == meeting_id)
    if visit_id is not None:
        query = query.where(CaseworkAction.visit_id == visit_id)
    if student_ids is not None:
        query = query.where(CaseworkAction.student_id.in_(student_ids))
    if owner_id is not None:
        query = query.where(CaseworkAction.owner_id == owner_id)
    if open_only:
        query = query.where(CaseworkAction.done_on.is_(None))
    query = query.order_by(CaseworkAction.done_on.is_not(None), CaseworkAction.due_on)
    return [
        ActionView(
            a.id,
            a.student_id,
            f"{preferred or first} {last}",
            a.meeting_id,
            a.visit_id,
            a.description,
            a.owner_id,
            owner.display_name if owner else "",
            a.due_on,
            a.done_on,
            a.version,
        )
        for a, first, preferred, last, owner in s.execute(query)
    ]


# -- the caseload ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: int
    student_id: int
    student_name: str
    class_name: str
    carers: str  # who the family is, for the list
    language: str  # "" or "Urdu, interpreter"
    status: CaseStatus
    opened_on: dt.date
    closed_on: dt.date | None
    worker_id: int | None
    worker_name: str
    last_contact: dt.date | None
    last_contact_how: str
    open_actions: int
    overdue_actions: int
    next_visit: dt.datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    student_id: int
    student_name: str
    worker_id: int | None
    worker_name: str
    status: CaseStatus
    opened_on: dt.date
    closed_on: dt.date | None
    reason: str  # "" when hidden
    closing_note: str
    hidden: bool
    version: int


def _case_view(s: Session, case: SupportCase, actor: Actor) -> CaseView:
    student = s.get(Student, case.student_id)
    worker = s.get(StaffMember, case.worker_id) if case.worker_id else None
    hidden = not actor.can(Permission.VIEW_RESTRICTED)
    return CaseView(
        case.id,
        case.student_id,
        f"{student.preferred_first_name or student.first_name} {student.last_name}"
        if student
        else "",
        case.worker_id,
        worker.display_name if worker else "",
        case.status,
        case.opened_on,
        case.closed_on,
        "" if hidden else case.reason,
        "" if hidden else case.closing_note,
        hidden,
        case.version,
    )


def _may_own_actions(actor: Actor) -> None:
    if not (actor.can(Permission.MANAGE_MEETINGS) or actor.can(Permission.MANAGE_VISITS)):
        actor.require(Permission.MANAGE_VISITS)


class CaseloadService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return local_today(self.clock)

    # -- the one screen ---------------------------------------------------------------------
    def caseload(
        self,
        actor: Actor,
        worker_id: int | None = None,
        *,
        everyone: bool = False,
        include_closed: bool = True,
        closed_since: dt.date | None = None,
    ) -> list[CaseRow]:
        """The families of one worker (the actor's own by default), or of ``everyone``: open
        cases, and closed ones (only those closed on or after ``closed_since`` if given)."""
        actor.require(Permission.MANAGE_VISITS)
        worker = None if everyone else (worker_id or actor.staff_member_id)
        today = self.today()
        with self.db.read() as s:
            query = (
                select(
                    SupportCase.id,
                    SupportCase.student_id,
                    SupportCase.status,
                    SupportCase.opened_on,
                    SupportCase.closed_on,
                    SupportCase.worker_id,
                    SupportCase.version,
                    Student.first_name,
                    Student.preferred_first_name,
                    Student.last_name,
                    SchoolClass.name,
                    StaffMember.title,
                    StaffMember.first_name,
                    StaffMember.last_name,
                )
                .join(Student, Student.id == SupportCase.student_id)
                .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
                .outerjoin(StaffMember, StaffMember.id == SupportCase.worker_id)
            )
            # The families, as a subquery: the database matches them, no long lists of ids.
            ids = select(SupportCase.student_id)
            if worker is not None:
                query = query.where(SupportCase.worker_id == worker)
                ids = ids.where(SupportCase.worker_id == worker)
            if not include_closed:
                query = query.where(SupportCase.status == CaseStatus.OPEN)
                ids = ids.where(SupportCase.status == CaseStatus.OPEN)
            elif closed_since is not None:
                recent = (SupportCase.status == CaseStatus.OPEN) | (
                    SupportCase.closed_on >= closed_since
                )
                query = query.where(recent)
                ids = ids.where(recent)
            cases = s.execute(query).all()
            if not cases:
                return []
            carers = _family_lines(s, ids)
            contact = _last_contacts(s, ids)
            open_actions, overdue = _open_actions(s, ids, today)
            visits = _next_visits(s, ids, self.clock())
        rows = []
        for (
            case_id,
            sid,
            status,
            opened,
            closed,
            worker_of,
            version,
            first,
            preferred,
            last,
            class_name,
            w_title,
            w_first,
            w_last,
        ) in cases:
            names, language = carers.get(sid, ("", ""))
            when, how = contact.get(sid, (None, ""))
            rows.append(
                CaseRow(
                    case_id,
                    sid,
                    f"{preferred or first} {last}",
                    class_name or "",
                    names,
                    language,
                    status,
                    opened,
                    closed,
                    worker_of,
                    " ".join(p for p in (w_title, w_first, w_last) if p),
                    when,
                    how,
                    open_actions.get(sid, 0),
                    overdue.get(sid, 0),
                    visits.get(sid),
                    version,
                )
            )
        rows.sort(
            key=lambda r: (r.status is not CaseStatus.OPEN, -r.overdue_actions, r.student_name)
        )
        return rows

    def workers(self, actor: Actor) -> list[tuple[int, str]]:
        """Staff who hold cases, for the worker filter."""
        actor.require(Permission.MANAGE_VISITS)
        with self.db.read() as s:
            return [
                (m.id, m.display_name)
                for m in s.scalars(
                    select(StaffMember)
                    .where(StaffMember.id.in_(select(SupportCase.worker_id)))
                    .order_by(StaffMember.last_name)
                )
            ]

    def get_case(self, actor: Actor, case_id: int) -> CaseView:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.read() as s:
            return _case_view(s, get_or_fail(s, SupportCase, case_id, "case"), actor)

    def case_for_student(self, actor: Actor, student_id: int) -> CaseView | None:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.read() as s:
            case = s.scalar(
                select(SupportCase)
                .where(SupportCase.student_id == student_id)
                .order_by(SupportCase.status != CaseStatus.OPEN, SupportCase.opened_on.desc())
                .limit(1)
            )
            return _case_view(s, case, actor) if case else None

    # -- writing ----------------------------------------------------------------------------
    def open_case(
        self,
        actor: Actor,
        student_id: int,
        reason: str,
        *,
        worker_id: int | None = None,
        opened_on: dt.date | None = None,
    ) -> CaseView:
        actor.require(Permission.MANAGE_VISITS)
        when = opened_on or self.today()
        if when > self.today():
            raise ValidationError("Opened on", "cannot be in the future")
        with self.db.transaction() as s:
            student = get_or_fail(s, Student, student_id, "student")
            worker = worker_id or actor.staff_member_id
            if worker is None:
                raise ValidationError("Worker", "choose who holds the case")
            get_or_fail(s, StaffMember, worker, "member of staff")
            if s.scalar(
                select(SupportCase.id).where(
                    SupportCase.student_id == student.id, SupportCase.status == CaseStatus.OPEN
                )
            ):
                raise KnownError(
                    f"The family of {student.first_name} {student.last_name} already has an "
                    "open case."
                )
            case = SupportCase(
                student_id=student.id,
                worker_id=worker,
                status=CaseStatus.OPEN,
                opened_on=when,
                reason=rules.free_text("Reason", reason, 5000),
            )
            s.add(case)
            s.flush()
            audit.record(s, actor, "create", "support_case", case.id, "Family support case opened")
            return _case_view(s, case, actor)

    def close_case(
        self,
        actor: Actor,
        case_id: int,
        read_version: int,
        note: str = "",
        closed_on: dt.date | None = None,
    ) -> CaseView:
        actor.require(Permission.MANAGE_VISITS)
        when = closed_on or self.today()
        with self.db.transaction() as s:
            case = get_or_fail(s, SupportCase, case_id, "case")
            check_version(case, read_version, "case")
            if case.status is CaseStatus.CLOSED:
                raise KnownError("This case is already closed.")
            if when < case.opened_on:
                raise ValidationError("Closed on", "cannot be before the case was opened")
            if when > self.today():
                raise ValidationError("Closed on", "cannot be in the future")
            case.status, case.closed_on = CaseStatus.CLOSED, when
            case.closing_note = rules.free_text("Closing note", note, 5000)
            s.flush()
            audit.record(s, actor, "close", "support_case", case.id, "Family support case closed")
            return _case_view(s, case, actor)

    def reopen_case(self, actor: Actor, case_id: int, read_version: int) -> CaseView:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.transaction() as s:
            case = get_or_fail(s, SupportCase, case_id, "case")
            check_version(case, read_version, "case")
            if s.scalar(
                select(SupportCase.id).where(
                    SupportCase.student_id == case.student_id,
                    SupportCase.status == CaseStatus.OPEN,
                    SupportCase.id != case.id,
                )
            ):
                raise KnownError("This family already has another open case.")
            case.status, case.closed_on = CaseStatus.OPEN, None
            s.flush()
            audit.record(
                s, actor, "reopen", "support_case", case.id, "Family support case reopened"
            )
            return _case_view(s, case, actor)

    # -- actions ----------------------------------------------------------------------------
    def actions(
        self,
        actor: Actor,
        *,
        student_id: int | None = None,
        owner_id: int | None = None,
        open_only: bool = True,
    ) -> list[ActionView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return actions_where(
                s,
                student_ids=[student_id] if student_id is not None else None,
                owner_id=owner_id,
                open_only=open_only,
            )

    def add_action(self, actor: Actor, draft: ActionDraft) -> ActionView:
        _may_own_actions(actor)
        description = rules.required_text("Action", draft.description, 2000)
        if draft.owner_id is None:
            raise ValidationError("Owner", "choose who will do it")
        if draft.due_on is None:
            raise ValidationError("Due", "is required")
        with self.db.transaction() as s:
            get_or_fail(s, Student, draft.student_id, "student")
            get_or_fail(s, StaffMember, draft.owner_id, "member of staff")
            if draft.meeting_id is not None:
                meeting = get_or_fail(s, Meeting, draft.meeting_id, "meeting")
                if meeting.student_id != draft.student_id:
                    raise ValidationError("Meeting", "belongs to another student")
            if draft.visit_id is not None:
                visit = get_or_fail(s, HomeVisit, draft.visit_id, "home visit")
                if visit.student_id != draft.student_id:
                    raise ValidationError("Home visit", "belongs to another student")
            action = CaseworkAction(
                student_id=draft.student_id,
                meeting_id=draft.meeting_id,
                visit_id=draft.visit_id,
                description=description,
                owner_id=draft.owner_id,
                due_on=draft.due_on,
            )
            s.add(action)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "casework_action",
                action.id,
                f"Action due {draft.due_on:%d/%m/%Y}",
                after=audit.snapshot(action),
            )
            return _one_action(s, action.id)

    def set_action_done(
        self, actor: Actor, action_id: int, read_version: int, done_on: dt.date | None
    ) -> ActionView:
        """Tick an action off (``done_on`` a date) or open it again (None)."""
        _may_own_actions(actor)
        if done_on is not None and done_on > self.today():
            raise ValidationError("Done on", "cannot be in the future")
        with self.db.transaction() as s:
            action = get_or_fail(s, CaseworkAction, action_id, "action")
            check_version(action, read_version, "action")
            before = audit.snapshot(action)
            action.done_on = done_on
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "casework_action",
                action.id,
                "Action done" if done_on else "Action reopened",
                before=before,
                after=audit.snapshot(action),
            )
            return _one_action(s, action.id)


# Students by id, or a subquery selecting their ids.
StudentIds = Sequence[int] | Select[Any]


def _one_action(s: Session, action_id: int) -> ActionView:
    action = s.get(CaseworkAction, action_id)
    assert action is not None
    return next(a for a in actions_where(s, student_ids=[action.student_id]) if a.id == action_id)


def _family_lines(s: Session, student_ids: StudentIds) -> dict[int, tuple[str, str]]:
    """Per student: the carers' names, and the language help they need."""
    return {
        sid: (" and ".join(names), "; ".join(f"{lang}, interpreter" for lang in langs))
        for sid, (names, langs) in carers_and_interpreter_languages(s, student_ids).items()
    }


def _last_contacts(s: Session, student_ids: StudentIds) -> dict[int, tuple[dt.date, str]]:
    """The latest conversation, meeting held or visit done, per student."""
    best: dict[int, tuple[dt.date, str]] = {}

    def offer(sid: int, day: dt.date | None, how: str) -> None:
        if day is not None and (sid not in best or day > best[sid][0]):
            best[sid] = (day, how)

    # Per student the newest of each, found by walking a (student, time) index backwards: a
    # handful of rows each, however many years of history there are.
    def newest(column: Any, student: Any, *conditions: Any) -> Any:
        return (
            select(column)
            .where(student == Student.id, *conditions)
            .order_by(column.desc() if column is not ContactRecord.id else ContactRecord.at.desc())
            .limit(1)
            .correlate(Student)
            .scalar_subquery()
        )

    found = s.execute(
        select(
            Student.id,
            newest(
                ContactRecord.id,
                ContactRecord.student_id,
                ContactRecord.outcome == Outcome.SPOKE,
                ContactRecord.channel != Channel.LETTER,  # a letter is not a conversation
            ),
            newest(Meeting.day, Meeting.student_id, Meeting.status == MeetingStatus.HELD),
            newest(HomeVisit.leaves_at, HomeVisit.student_id, HomeVisit.status == VisitStatus.DONE),
        ).where(Student.id.in_(student_ids))
    ).all()
    contact_ids = [row[1] for row in found if row[1] is not None]
    for sid, at, channel in s.execute(
        select(ContactRecord.student_id, ContactRecord.at, ContactRecord.channel).where(
            ContactRecord.id.in_(contact_ids)
        )
    ):
        offer(sid, at.astimezone().date(), channel.label)
    for sid, _, held, visited in found:
        offer(sid, held, "Meeting")
        if visited is not None:
            offer(sid, visited.astimezone().date(), "Home visit")
    return best


def _open_actions(
    s: Session, student_ids: StudentIds, today: dt.date
) -> tuple[dict[int, int], dict[int, int]]:
    """Open actions per student (casework and contact follow-ups), and how many are late."""
    total: dict[int, int] = {}
    late: dict[int, int] = {}
    for sid, due in s.execute(
        select(CaseworkAction.student_id, CaseworkAction.due_on).where(
            CaseworkAction.student_id.in_(student_ids), CaseworkAction.done_on.is_(None)
        )
    ):
        total[sid] = total.get(sid, 0) + 1
        if due < today:
            late[sid] = late.get(sid, 0) + 1
    for sid, due in s.execute(
        select(FollowUpAction.student_id, FollowUpAction.due_date).where(
            FollowUpAction.student_id.in_(student_ids),
            FollowUpAction.status == ActionStatus.OPEN,
        )
    ):
        total[sid] = total.get(sid, 0) + 1
        if due < today:
            late[sid] = late.get(sid, 0) + 1
    return total, late


def _next_visits(s: Session, student_ids: StudentIds, now: dt.datetime) -> dict[int, dt.datetime]:
    return {
        sid: (at if at.tzinfo else at.replace(tzinfo=dt.UTC))
        for sid, at in s.execute(
            select(HomeVisit.student_id, func.min(HomeVisit.leaves_at))
            .where(
                HomeVisit.student_id.in_(student_ids),
                HomeVisit.status == VisitStatus.PLANNED,
                HomeVisit.expected_return >= now,
            )
            .group_by(HomeVisit.student_id)
        )
        if at is not None
    }
