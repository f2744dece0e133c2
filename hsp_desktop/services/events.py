"""Events and workshops for families: coffee mornings, Makaton, PECS, eating and drinking and
mobility workshops, open evenings, performances, the award ceremony. Families are invited by
class or all at once; attendance is ticked off; engagement counts the events each family came
to this academic year, so families who never come can be reached another way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.model import (
    Carer,
    EventInvitation,
    SchoolClass,
    SchoolEvent,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.casework import EventKind
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.interpreters import (
    carers_and_interpreter_languages,
    snapshot,
)
from hsp_desktop.services.reviews import Clock, academic_year_start, local_today, utc_now
from hsp_desktop.store import Database

__all__ = [
    "EngagementRow",
    "EventDraft",
    "EventKind",
    "EventService",
    "EventView",
    "GuestRow",
]


@dataclass(frozen=True, slots=True)
class EventDraft:
    kind: EventKind
    title: str
    day: dt.date
    start_time: dt.time | None = None
    place: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    kind: EventKind
    title: str
    day: dt.date
    start_time: dt.time | None
    place: str
    notes: str
    cancelled: bool
    invited: int
    attended: int
    recorded: int  # invitations with attendance ticked either way
    interpreters_needed: int  # invited families with a carer who needs an interpreter
    version: int

    def as_draft(self) -> EventDraft:
        return EventDraft(self.kind, self.title, self.day, self.start_time, self.place, self.notes)


@dataclass(frozen=True, slots=True)
class GuestRow:
    student_id: int
    student_name: str
    class_name: str
    carers: str
    language: str  # "" or "Polish (interpreter)"
    attended: bool | None


@dataclass(frozen=True, slots=True)
class EngagementRow:
    student_id: int
    student_name: str
    class_name: str
    carers: str
    language: str
    invited: int
    attended: int
    last_attended: dt.date | None

    @property
    def never(self) -> bool:
        return self.invited > 0 and self.attended == 0


def _carer_lines(s: Session, student_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    found = carers_and_interpreter_languages(s, student_ids)
    lines: dict[int, tuple[str, str]] = {}
    for sid in student_ids:
        names, langs = found.get(sid, ([], []))
        lines[sid] = (" and ".join(names), ", ".join(f"{lang} (interpreter)" for lang in langs))
    return lines


class EventService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return local_today(self.clock)

    # -- events -----------------------------------------------------------------------------
    def events(
        self, actor: Actor, first: dt.date | None = None, last: dt.date | None = None
    ) -> list[EventView]:
        """Events between two dates (default: this academic year), earliest first."""
        actor.require(Permission.VIEW_STUDENTS)
        start = academic_year_start(self.today())
        first = first or dt.date(start, 9, 1)
        last = last or dt.date(start + 1, 8, 31)
        with self.db.read() as s:
            events = list(
                s.scalars(
                    select(SchoolEvent)
                    .where(SchoolEvent.day >= first, SchoolEvent.day <= last)
                    .order_by(SchoolEvent.day, SchoolEvent.start_time)
                )
            )
            return self._views(s, events)

    def get(self, actor: Actor, event_id: int) -> EventView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._views(s, [get_or_fail(s, SchoolEvent, event_id, "event")])[0]

    def create(self, actor: Actor, draft: EventDraft) -> EventView:
        actor.require(Permission.MANAGE_MEETINGS)
        values = _clean(draft)
        with self.db.transaction() as s:
            event = SchoolEvent(**values)
            s.add(event)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "school_event",
                event.id,
                f"{event.title} on {event.day:%d/%m/%Y}",
                after=snapshot(event),
            )
            return self._views(s, [event])[0]

    def update(
        self, actor: Actor, event_id: int, read_version: int, draft: EventDraft
    ) -> EventView:
        actor.require(Permission.MANAGE_MEETINGS)
        values = _clean(draft)
        with self.db.transaction() as s:
            event = get_or_fail(s, SchoolEvent, event_id, "event")
            check_version(event, read_version, "event")
            new_day = values["day"]
            assert isinstance(new_day, dt.date)
            if new_day > self.today() and s.scalar(
                select(func.count())
                .select_from(EventInvitation)
                .where(EventInvitation.event_id == event.id, EventInvitation.attended.is_not(None))
            ):
                raise ValidationError(
                    "Date", "attendance has been recorded, so the event cannot move to the future"
                )
            before = snapshot(event)
            for key, value in values.items():
                setattr(event, key, value)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "school_event",
                event.id,
                event.title,
                before=before,
                after=snapshot(event),
            )
            return self._views(s, [event])[0]

    def set_cancelled(
        self, actor: Actor, event_id: int, read_version: int, cancelled: bool
    ) -> EventView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            event = get_or_fail(s, SchoolEvent, event_id, "event")
            check_version(event, read_version, "event")
            event.cancelled = cancelled
            s.flush()
            audit.record(
                s,
                actor,
                "cancel" if cancelled else "update",
                "school_event",
                event.id,
                f"{event.title} {'cancelled' if cancelled else 'back on'}",
            )
            return self._views(s, [event])[0]

    # -- invitations ------------------------------------------------------------------------
    def invite(
        self,
        actor: Actor,
        event_id: int,
        *,
        class_ids: Sequence[int] = (),
        student_ids: Sequence[int] = (),
        everyone: bool = False,
    ) -> int:
        """Invite the families of whole classes, of some students, or of everyone on roll.
        Returns how many families were newly invited."""
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            event = get_or_fail(s, SchoolEvent, event_id, "event")
            if event.cancelled:
                raise KnownError("This event is cancelled.")
            query = select(Student.id).where(Student.status == StudentStatus.ON_ROLL)
            if not everyone:
                if not class_ids and not student_ids:
                    raise ValidationError("Invite", "choose classes or students, or everyone")
                query = query.where(Student.class_id.in_(class_ids) | Student.id.in_(student_ids))
            wanted = set(s.scalars(query))
            already = set(
                s.scalars(
                    select(EventInvitation.student_id).where(EventInvitation.event_id == event_id)
                )
            )
            new = sorted(wanted - already)
            s.add_all(EventInvitation(event_id=event_id, student_id=sid) for sid in new)
            s.flush()
            audit.record(
                s,
                actor,
                "invite",
                "school_event",
                event_id,
                f"{len(new)} families invited to {event.title}",
            )
            return len(new)

    def uninvite(self, actor: Actor, event_id: int, student_ids: Sequence[int]) -> None:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            get_or_fail(s, SchoolEvent, event_id, "event")
            s.execute(
                delete(EventInvitation).where(
                    EventInvitation.event_id == event_id,
                    EventInvitation.student_id.in_(student_ids),
                )
            )
            audit.record(
                s,
                actor,
                "uninvite",
                "school_event",
                event_id,
                f"{len(student_ids)} invitations withdrawn",
            )

    def guests(self, actor: Actor, event_id: int) -> list[GuestRow]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            get_or_fail(s, SchoolEvent, event_id, "event")
            found = s.execute(
                select(
                    EventInvitation.student_id,
                    EventInvitation.attended,
                    Student.first_name,
                    Student.preferred_first_name,
                    Student.last_name,
                    SchoolClass.name,
                )
                .join(Student, Student.id == EventInvitation.student_id)
                .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
                .where(EventInvitation.event_id == event_id)
                .order_by(SchoolClass.name, Student.last_name, Student.first_name)
            ).all()
            carers = _carer_lines(s, [r[0] for r in found])
        return [
            GuestRow(
                sid,
                f"{preferred or first} {last}",
                class_name or "",
                carers[sid][0],
                carers[sid][1],
                attended,
            )
            for sid, attended, first, preferred, last, class_name in found
        ]

    def record_attendance(
        self, actor: Actor, event_id: int, attended: Mapping[int, bool | None]
    ) -> EventView:
        """Tick who came (True), who did not (False), or clear (None), by student id."""
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            event = get_or_fail(s, SchoolEvent, event_id, "event")
            if event.day > self.today() and any(v is not None for v in attended.values()):
                raise ValidationError(
                    "Attendance", f"the event is on {event.day:%d/%m/%Y}: it has not happened yet"
                )
            invitations = {
                i.student_id: i
                for i in s.scalars(
                    select(EventInvitation).where(
                        EventInvitation.event_id == event_id,
                        EventInvitation.student_id.in_(list(attended)),
                    )
                )
            }
            changed = 0
            for sid, value in attended.items():
                invitation = invitations.get(sid)
                if invitation is None:
                    if not value:
                        continue
                    # A family that came without an invitation still counts as having come.
                    invitation = EventInvitation(event_id=event_id, student_id=sid)
                    s.add(invitation)
                if invitation.attended != value:
                    invitation.attended = value
                    changed += 1
            s.flush()
            audit.record(
                s,
                actor,
                "attendance",
                "school_event",
                event_id,
                f"Attendance recorded for {changed} families at {event.title}",
            )
            return self._views(s, [event])[0]

    # -- engagement -------------------------------------------------------------------------
    def engagement(
        self, actor: Actor, start_year: int | None = None, class_id: int | None = None
    ) -> list[EngagementRow]:
        """Per family on roll: events invited to and attended in an academic year (this one by
        default), fewest attended first."""
        actor.require(Permission.VIEW_STUDENTS)
        year = start_year if start_year is not None else academic_year_start(self.today())
        first, last = dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
        with self.db.read() as s:
            counts = (
                select(
                    EventInvitation.student_id.label("sid"),
                    func.count().label("invited"),
                    func.sum(case((EventInvitation.attended.is_(True), 1), else_=0)).label(
                        "attended"
                    ),
                    func.max(
                        case((EventInvitation.attended.is_(True), SchoolEvent.day), else_=None)
                    ).label("last"),
                )
                .join(SchoolEvent, SchoolEvent.id == EventInvitation.event_id)
                .where(
                    SchoolEvent.day >= first,
                    SchoolEvent.day <= last,
                    SchoolEvent.cancelled.is_(False),
                )
                .group_by(EventInvitation.student_id)
                .subquery()
            )
            query = (
                select(
                    Student.id,
                    Student.first_name,
                    Student.preferred_first_name,
                    Student.last_name,
                    SchoolClass.name,
                    counts.c.invited,
                    counts.c.attended,
                    counts.c.last,
                )
                .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
                .outerjoin(counts, counts.c.sid == Student.id)
                .where(Student.status == StudentStatus.ON_ROLL)
            )
            if class_id is not None:
                query = query.where(Student.class_id == class_id)
            found = s.execute(query).all()
            carers = _carer_lines(s, [r[0] for r in found])
        rows = [
            EngagementRow(
                sid,
                f"{preferred or first} {last}",
                class_name or "",
                carers[sid][0],
                carers[sid][1],
                int(invited or 0),
                int(attended or 0),
                _as_date(last_day),
            )
            for sid, first, preferred, last, class_name, invited, attended, last_day in found
        ]
        rows.sort(key=lambda r: (r.attended, -r.invited, r.class_name, r.student_name))
        return rows

    # -- internals --------------------------------------------------------------------------
    def _views(self, s: Session, events: Sequence[SchoolEvent]) -> list[EventView]:
        if not events:
            return []
        ids = [e.id for e in events]
        stats = {
            eid: (int(n or 0), int(came or 0), int(ticked or 0))
            for eid, n, came, ticked in s.execute(
                select(
                    EventInvitation.event_id,
                    func.count(),
                    func.sum(case((EventInvitation.attended.is_(True), 1), else_=0)),
                    func.sum(case((EventInvitation.attended.is_not(None), 1), else_=0)),
                )
                .where(EventInvitation.event_id.in_(ids))
                .group_by(EventInvitation.event_id)
            )
        }
        interp = dict(
            s.execute(
                select(
                    EventInvitation.event_id, func.count(func.distinct(EventInvitation.student_id))
                )
                .join(StudentCarer, StudentCarer.student_id == EventInvitation.student_id)
                .join(Carer, Carer.id == StudentCarer.carer_id)
                .where(
                    EventInvitation.event_id.in_(ids),
                    Carer.needs_interpreter.is_(True),
                    StudentCarer.restriction == Restriction.NONE,
                )
                .group_by(EventInvitation.event_id)
            ).all()
        )
        return [
            EventView(
                e.id,
                e.kind,
                e.title,
                e.day,
                e.start_time,
                e.place,
                e.notes,
                e.cancelled,
                *stats.get(e.id, (0, 0, 0)),
                int(interp.get(e.id, 0)),
                e.version,
            )
            for e in events
        ]


def _clean(draft: EventDraft) -> dict[str, object]:
    kind = EventKind(draft.kind)
    day = rules.parse_date("Date", draft.day, required=True)
    return {
        "kind": kind,
        "title": rules.required_text("Title", draft.title or kind.label, 200),
        "day": day,
        "start_time": draft.start_time,
        "place": rules.optional_text("Where", draft.place, 200),
        "notes": rules.free_text("Notes", draft.notes, 5000),
    }


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite hands back text from max(case(...))
