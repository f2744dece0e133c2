"""Annual reviews: the statutory date rules, the school calendar they fall in, the tracker and
the SENCO dashboard.

The rules are data, kept per school (``ReviewSettings``), with two presets:

* England (SEND Regulations 2014, Code of Practice 2015): review within 12 months of the plan
  or the last review; at least 2 weeks' notice of the meeting (reg 20); advice circulated at
  least 2 weeks before it; the report to everyone within 2 weeks after; preparing for
  adulthood from Year 9; phase transfer amendments by 15 February (31 March into post-16).
* Wales (ALN and Education Tribunal (Wales) Act 2018, s.23): IDPs reviewed within each
  12-month review period. The notice and report periods are the school's own practice and
  are kept configurable; there is no phase-transfer date.

Deadlines are calendar days, as the law counts them. When a deadline falls on a weekend or in
a school holiday the paper must go out on the last school day before it, so each step also
gives that "send by" day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, NotFoundError, ValidationError
from hsp_desktop.model import (
    Carer,
    InterpreterBooking,
    Meeting,
    MeetingAttendee,
    ReviewSettings,
    School,
    SchoolClass,
    Student,
    StudentCarer,
    Term,
)
from hsp_desktop.model.casework import BookingStatus
from hsp_desktop.model.enums import Country, Restriction, SenStatus, StudentStatus, TermName
from hsp_desktop.model.meetings import AttendeeKind, MeetingStatus, MeetingType
from hsp_desktop.model.students import add_months
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version
from hsp_desktop.store import Database

# -- the clock --------------------------------------------------------------------------------

Clock = Callable[[], dt.datetime]  # returns an aware moment


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today(clock: Clock) -> dt.date:
    return clock().astimezone().date()


class SettableClock:
    """A clock that stands still until moved: for demos, screenshots and tests."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = _aware(moment)

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = _aware(moment)

    def advance(self, delta: dt.timedelta) -> None:
        self.moment += delta


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.astimezone()


# -- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseTransfer:
    year_group: str  # the year the student is in during the year of transfer
    month: int
    day: int

    def deadline(self, academic_year_start: int) -> dt.date:
        year = academic_year_start + (1 if self.month < 9 else 0)
        return _safe_date(year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class ReviewRules:
    plan_name: str = "EHCP"
    interval_months: int = 12
    notice_days: int = 14
    advice_days: int = 14  # 0: not tracked
    report_days: int = 14  # 0: not tracked
    adulthood_from_year: int = 9  # 0: no reminder
    transfers: tuple[PhaseTransfer, ...] = (
        PhaseTransfer("6", 2, 15),
        PhaseTransfer("11", 3, 31),
    )
    transfer_lead_days: int = 42  # report (2 weeks) and the LA's decision (4 weeks)
    version: int = 0  # of the stored settings; 0 when the country's defaults apply

    @property
    def adulthood_label(self) -> str:
        return "Preparing for adulthood" if self.plan_name == "EHCP" else "Transition to adult life"

    def transfer_for(self, year_group: str) -> PhaseTransfer | None:
        return next((t for t in self.transfers if t.year_group == year_group), None)


ENGLAND = ReviewRules()
WALES = ReviewRules(plan_name="IDP", advice_days=0, adulthood_from_year=9, transfers=())


def default_rules(country: Country) -> ReviewRules:
    return WALES if country is Country.WALES else ENGLAND


def parse_transfers(text: str) -> tuple[PhaseTransfer, ...]:
    """``"6:02-15,11:03-31"`` -> transfers; raises ``ValidationError`` naming the bad part."""
    result: list[PhaseTransfer] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            year_group, when = (x.strip() for x in part.split(":"))
            month, day = (int(x) for x in when.split("-"))
            _safe_date(2024, month, day)
        except ValueError:
            raise ValidationError(
                "Phase transfers",
                f"{part!r} is not 'year group:MM-DD' (for example 6:02-15)",
            ) from None
        if not year_group:
            raise ValidationError("Phase transfers", f"{part!r} has no year group")
        result.append(PhaseTransfer(year_group.upper(), month, day))
    return tuple(result)


def format_transfers(transfers: Iterable[PhaseTransfer]) -> str:
    return ",".join(f"{t.year_group}:{t.month:02d}-{t.day:02d}" for t in transfers)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    """29 February in a year without one becomes 28 February."""
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def _rules_from_row(row: ReviewSettings) -> ReviewRules:
    return ReviewRules(
        plan_name=row.plan_name,
        interval_months=row.interval_months,
        notice_days=row.notice_days,
        advice_days=row.advice_days,
        report_days=row.report_days,
        adulthood_from_year=row.adulthood_from_year,
        transfers=parse_transfers(row.transfer_deadlines),
        transfer_lead_days=row.transfer_lead_days,
        version=row.version,
    )


def load_rules(s: Session) -> ReviewRules:
    row = s.scalar(select(ReviewSettings).order_by(ReviewSettings.id).limit(1))
    if row is not None:
        return _rules_from_row(row)
    country = s.scalar(select(School.country).limit(1)) or Country.ENGLAND
    return default_rules(country)


# -- the school calendar -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HalfTerm:
    label: str  # "Autumn 1"
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


_HOLIDAY_BEFORE = {
    TermName.AUTUMN: "summer holiday",
    TermName.SPRING: "Christmas holiday",
    TermName.SUMMER: "Easter holiday",
}


@dataclass(frozen=True)
class SchoolCalendar:
    """School days from the school's term dates; weekdays only where no terms are set."""

    half_terms: tuple[HalfTerm, ...] = ()
    breaks: tuple[tuple[dt.date, dt.date, str], ...] = ()  # half-term weeks, with names
    terms: tuple[tuple[TermName, dt.date, dt.date], ...] = ()
    _memo: dict[dt.date, str | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def from_terms(
        cls, rows: Iterable[tuple[TermName, dt.date, dt.date, dt.date | None, dt.date | None]]
    ) -> SchoolCalendar:
        halves: list[HalfTerm] = []
        breaks: list[tuple[dt.date, dt.date, str]] = []
        terms: list[tuple[TermName, dt.date, dt.date]] = []
        for name, start, end, ht_start, ht_end in sorted(rows, key=lambda r: r[1]):
            terms.append((name, start, end))
            title = name.value.capitalize()
            if ht_start and ht_end and start < ht_start <= ht_end < end:
                halves.append(HalfTerm(f"{title} 1", start, ht_start - dt.timedelta(days=1)))
                halves.append(HalfTerm(f"{title} 2", ht_end + dt.timedelta(days=1), end))
                breaks.append((ht_start, ht_end, f"{name.value} half-term"))
            else:
                halves.append(HalfTerm(title, start, end))
        return cls(tuple(halves), tuple(breaks), tuple(terms))

    @classmethod
    def load(cls, s: Session) -> SchoolCalendar:
        rows = s.execute(
            select(
                Term.name, Term.start_date, Term.end_date, Term.half_term_start, Term.half_term_end
            )
        ).all()
        return cls.from_terms((r[0], r[1], r[2], r[3], r[4]) for r in rows)

    def _covered(self, day: dt.date) -> bool:
        return bool(self.terms) and self.terms[0][1] <= day <= self.terms[-1][2]

    def holiday(self, day: dt.date) -> str | None:
        """What keeps the school closed that day ("a weekend", "Easter holiday"), or None."""
        if day not in self._memo:
            self._memo[day] = self._holiday(day)
        return self._memo[day]

    def _holiday(self, day: dt.date) -> str | None:
        if day.weekday() >= 5:
            return "a weekend"
        if not self._covered(day):
            return None
        for start, end, name in self.breaks:
            if start <= day <= end:
                return name
        if any(start <= day <= end for _, start, end in self.terms):
            return None
        following = next((t for t in self.terms if t[1] > day), None)
        return _HOLIDAY_BEFORE[following[0]] if following else "a school holiday"

    def is_school_day(self, day: dt.date) -> bool:
        return self.holiday(day) is None

    def last_school_day_on_or_before(self, day: dt.date) -> dt.date:
        current = day
        for _ in range(70):  # the summer holiday is the longest gap
            if self.is_school_day(current):
                return current
            current -= dt.timedelta(days=1)
        return day

    def half_term_of(self, day: dt.date) -> HalfTerm | None:
        """The half-term containing ``day``, or the next one when ``day`` is in a holiday."""
        for half in self.half_terms:
            if half.end >= day:
                return half
        return None


# -- statutory steps ----------------------------------------------------------------------------


class StepState(StrEnum):
    DONE = "done"
    LATE = "late"  # done, after the deadline
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"done": "Done", "late": "Done late", "due": "Due", "overdue": "Overdue"}[self.value]


class StepKey(StrEnum):
    INVITATIONS = "invitations"
    ADVICE = "advice"
    REPORT = "report"

    @property
    def label(self) -> str:
        return {
            "invitations": "Invitations sent",
            "advice": "Advice circulated",
            "report": "Review report sent",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Step:
    key: StepKey
    deadline: dt.date  # the statutory last day
    send_by: dt.date  # the last school day on or before the deadline
    done_on: dt.date | None
    state: StepState
    note: str = ""

    @property
    def label(self) -> str:
        return self.key.label

    @property
    def describe(self) -> str:
        if self.done_on:
            return f"{self.state.label} {self.done_on:%d/%m/%Y}"
        return f"{self.state.label} by {self.send_by:%d/%m/%Y}"


def _step(
    key: StepKey,
    deadline: dt.date,
    done_on: dt.date | None,
    today: dt.date,
    calendar: SchoolCalendar,
) -> Step:
    send_by = calendar.last_school_day_on_or_before(deadline)
    note = ""
    closed = calendar.holiday(deadline)
    if closed and send_by != deadline:
        note = f"{deadline:%d/%m/%Y} falls in {closed}: send by {send_by:%d/%m/%Y}"
    if done_on is not None:
        state = StepState.DONE if done_on <= deadline else StepState.LATE
    else:
        state = StepState.OVERDUE if today > deadline else StepState.DUE
    return Step(key, deadline, send_by, done_on, state, note)


def review_steps(
    meeting_day: dt.date,
    *,
    invitations_on: dt.date | None,
    advice_on: dt.date | None,
    report_on: dt.date | None,
    rules: ReviewRules,
    calendar: SchoolCalendar,
    today: dt.date,
) -> tuple[Step, ...]:
    """The statutory papers of one review: each done, due or overdue on ``today``."""
    steps = [
        _step(
            StepKey.INVITATIONS,
            meeting_day - dt.timedelta(days=rules.notice_days),
            invitations_on,
            today,
            calendar,
        )
    ]
    if rules.advice_days:
        steps.append(
            _step(
                StepKey.ADVICE,
                meeting_day - dt.timedelta(days=rules.advice_days),
                advice_on,
                today,
                calendar,
            )
        )
    if rules.report_days:
        steps.append(
            _step(
                StepKey.REPORT,
                meeting_day + dt.timedelta(days=rules.report_days),
                report_on,
                today,
                calendar,
            )
        )
    return tuple(steps)


def next_review_due(
    issued: dt.date | None, last_review: dt.date | None, rules: ReviewRules
) -> dt.date | None:
    """Within ``interval_months`` of the plan, then of the last review (inclusive)."""
    base = last_review or issued
    return add_months(base, rules.interval_months) if base else None


def year_number(year_group: str) -> int | None:
    text = (year_group or "").strip().upper().removeprefix("YEAR").strip()
    if text in {"R", "N", "N1", "N2"}:
        return 0
    return int(text) if text.isdigit() else None


def academic_year_start(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def transfer_deadline(year_group: str, today: dt.date, rules: ReviewRules) -> dt.date | None:
    """The date the plan must be amended by, for a student in a transfer year this year."""
    transfer = rules.transfer_for((year_group or "").strip().upper())
    return transfer.deadline(academic_year_start(today)) if transfer else None


def planning_warnings(
    day: dt.date,
    *,
    due: dt.date | None,
    last_review: dt.date | None,
    today: dt.date,
    rules: ReviewRules,
    calendar: SchoolCalendar,
) -> list[str]:
    """What is unusual about holding a review on ``day`` (empty when nothing is)."""
    warnings: list[str] = []
    if due and day > due:
        since = f"the last review ({last_review:%d/%m/%Y})" if last_review else "the plan"
        warnings.append(
            f"{day:%d/%m/%Y} is more than {rules.interval_months} months after {since}: "
            f"the review is due by {due:%d/%m/%Y}."
        )
    latest_invite = day - dt.timedelta(days=rules.notice_days)
    if latest_invite < today:
        warnings.append(
            f"Invitations had to go out by {latest_invite:%d/%m/%Y} to give "
            f"{rules.notice_days} days' notice; the earliest date with full notice is "
            f"{today + dt.timedelta(days=rules.notice_days):%d/%m/%Y}."
        )
    closed = calendar.holiday(day)
    if closed:
        warnings.append(f"{day:%d/%m/%Y} falls in {closed}.")
    return warnings


class ReviewNeedsConfirmation(KnownError):
    """Allowed, but against the rules: the user confirms and the call is repeated."""

    title = "Please confirm"

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("\n".join(reasons))
        self.reasons = tuple(reasons)


# -- the tracker and the dashboard --------------------------------------------------------------


class ReviewState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # by the end of this half-term
    PLANNED = "planned"
    OK = "ok"
    NO_DATE = "no_date"  # an EHCP with no issue or review date on file

    @property
    def label(self) -> str:
        return {
            "overdue": "Overdue",
            "due_soon": "Due this half-term",
            "planned": "Planned",
            "ok": "Not yet due",
            "no_date": "No plan date on file",
        }[self.value]


@dataclass(frozen=True, slots=True)
class PlannedReview:
    meeting_id: int
    day: dt.date
    start_time: dt.time | None
    status: MeetingStatus
    steps: tuple[Step, ...]
    adulthood_discussed: bool
    version: int


@dataclass(frozen=True, slots=True)
class ReviewRow:
    student_id: int
    student_name: str
    class_name: str
    year_group: str
    plan_issued: dt.date | None
    last_review: dt.date | None
    next_due: dt.date | None
    review_by: dt.date | None  # next_due, or earlier for a phase transfer
    transfer_deadline: dt.date | None
    adulthood: bool  # Year 9 and up: the review considers preparing for adulthood
    planned: PlannedReview | None
    state: ReviewState
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LatePaper:
    meeting_id: int
    student_id: int
    student_name: str
    meeting_day: dt.date
    what: str  # "Invitations sent", "Outcome not recorded"
    deadline: dt.date
    days_late: int


@dataclass(frozen=True, slots=True)
class InterpreterGap:
    """A planned meeting where a carer needs an interpreter not yet confirmed."""

    meeting_id: int
    student_id: int
    student_name: str
    meeting_kind: MeetingType
    meeting_day: dt.date
    carer_name: str
    language: str  # DfE code
    dialect: str
    booking_id: int | None
    booking_status: BookingStatus | None

    @property
    def status_label(self) -> str:
        if self.booking_status is None:
            return "No booking"
        return f"{self.booking_status.label}, not confirmed"


@dataclass(frozen=True, slots=True)
class SencoDashboard:
    today: dt.date
    half_term: HalfTerm | None
    rules: ReviewRules
    overdue: tuple[ReviewRow, ...]
    due_this_half_term: tuple[ReviewRow, ...]
    papers_late: tuple[LatePaper, ...]
    interpreters: tuple[InterpreterGap, ...]
    transfers: tuple[ReviewRow, ...]
    adulthood: tuple[ReviewRow, ...]  # planned reviews for Year 9+ not yet marked as covering it
    ehcp_students: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def display_name(first: str, preferred: str, last: str) -> str:
    return f"{preferred or first} {last}"


@dataclass(frozen=True, slots=True)
class _StudentFacts:
    id: int
    name: str
    class_name: str
    year_group: str
    issued: dt.date | None
    last_on_file: dt.date | None
    last_held: dt.date | None


class ReviewService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return local_today(self.clock)

    # -- rules ------------------------------------------------------------------------------
    def rules(self, actor: Actor) -> ReviewRules:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return load_rules(s)

    def calendar(self) -> SchoolCalendar:
        with self.db.read() as s:
            return SchoolCalendar.load(s)

    def update_rules(self, actor: Actor, read_version: int, rules: ReviewRules) -> ReviewRules:
        """Store the school's rules (``read_version`` 0 when the defaults were shown)."""
        actor.require(Permission.MANAGE_TERMS)
        clean = _check_rules(rules)
        with self.db.transaction() as s:
            row = s.scalar(select(ReviewSettings).order_by(ReviewSettings.id).limit(1))
            if row is None:
                if read_version != 0:
                    raise NotFoundError("The review rules were reset on another computer.")
                row = ReviewSettings()
                s.add(row)
                before = None
            else:
                check_version(row, read_version, "review rules")
                before = audit.snapshot(row)
            row.plan_name = clean.plan_name
            row.interval_months = clean.interval_months
            row.notice_days = clean.notice_days
            row.advice_days = clean.advice_days
            row.report_days = clean.report_days
            row.adulthood_from_year = clean.adulthood_from_year
            row.transfer_deadlines = format_transfers(clean.transfers)
            row.transfer_lead_days = clean.transfer_lead_days
            s.flush()
            audit.record(
                s,
                actor,
                "update" if before else "create",
                "review_settings",
                row.id,
                "Annual review rules",
                before=before,
                after=audit.snapshot(row),
            )
            return _rules_from_row(row)

    # -- one student ------------------------------------------------------------------------
    def student_review(self, actor: Actor, student_id: int) -> ReviewRow | None:
        """The review position of one student; None when the student has no plan."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            rows = self._rows(s, self.today(), student_ids=[student_id])
        return rows[0] if rows else None

    def planning_check(self, actor: Actor, student_id: int, day: dt.date) -> list[str]:
        """Warnings for an annual review of this student on ``day``."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return review_date_warnings(s, student_id, day, self.today())

    # -- everyone ---------------------------------------------------------------------------
    def tracker(self, actor: Actor) -> list[ReviewRow]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._rows(s, self.today())

    def dashboard(self, actor: Actor) -> SencoDashboard:
        actor.require(Permission.VIEW_STUDENTS)
        today = self.today()
        with self.db.read() as s:
            rules = load_rules(s)
            calendar = SchoolCalendar.load(s)
            rows = self._rows(s, today, rules=rules, calendar=calendar)
            gaps = interpreter_gaps(s, today)
        half = calendar.half_term_of(today)
        papers: list[LatePaper] = []
        for row in rows:
            planned = row.planned
            if planned is None:
                continue
            for step in planned.steps:
                if step.state is StepState.OVERDUE and (
                    step.key is not StepKey.REPORT or planned.status is MeetingStatus.HELD
                ):
                    papers.append(
                        LatePaper(
                            planned.meeting_id,
                            row.student_id,
                            row.student_name,
                            planned.day,
                            step.label,
                            step.deadline,
                            (today - step.deadline).days,
                        )
                    )
            if planned.status is MeetingStatus.PLANNED and planned.day < today:
                papers.append(
                    LatePaper(
                        planned.meeting_id,
                        row.student_id,
                        row.student_name,
                        planned.day,
                        "Outcome not recorded",
                        planned.day,
                        (today - planned.day).days,
                    )
                )
        papers.sort(key=lambda p: (-p.days_late, p.student_name))
        return SencoDashboard(
            today=today,
            half_term=half,
            rules=rules,
            overdue=tuple(r for r in rows if r.state is ReviewState.OVERDUE),
            due_this_half_term=tuple(r for r in rows if r.state is ReviewState.DUE_SOON),
            papers_late=tuple(papers),
            interpreters=tuple(gaps),
            transfers=tuple(
                r
                for r in rows
                if r.transfer_deadline
                and r.transfer_deadline >= today
                and not (r.last_review and r.last_review >= _year_start(today))
            ),
            adulthood=tuple(
                r
                for r in rows
                if r.adulthood
                and r.planned
                and r.planned.status is MeetingStatus.PLANNED
                and not r.planned.adulthood_discussed
            ),
            ehcp_students=len(rows),
        )

    # -- the shared reading -----------------------------------------------------------------
    def _rows(
        self,
        s: Session,
        today: dt.date,
        *,
        student_ids: Sequence[int] | None = None,
        rules: ReviewRules | None = None,
        calendar: SchoolCalendar | None = None,
    ) -> list[ReviewRow]:
        rules = rules or load_rules(s)
        calendar = calendar or SchoolCalendar.load(s)
        facts = _ehcp_students(s, student_ids)
        if not facts:
            return []
        ids = [f.id for f in facts] if student_ids is not None else None
        current = _current_reviews(s, ids, today)
        half = calendar.half_term_of(today)
        horizon = half.end if half else today + dt.timedelta(days=42)
        rows = []
        for f in facts:
            last = max((d for d in (f.last_on_file, f.last_held) if d), default=None)
            rows.append(_row(f, last, current.get(f.id), today, horizon, rules, calendar))
        rows.sort(key=lambda r: (r.review_by or dt.date.max, r.student_name))
        return rows


def _year_start(today: dt.date) -> dt.date:
    return dt.date(academic_year_start(today), 9, 1)


def _check_rules(rules: ReviewRules) -> ReviewRules:
    plan = " ".join(rules.plan_name.split())
    if not plan or len(plan) > 20:
        raise ValidationError("Plan name", "must be 1 to 20 characters (EHCP, IDP)")
    if not 1 <= rules.interval_months <= 24:
        raise ValidationError("Review every", "must be between 1 and 24 months")
    for label, value in (
        ("Notice before the meeting", rules.notice_days),
        ("Advice before the meeting", rules.advice_days),
        ("Report after the meeting", rules.report_days),
        ("Transfer lead time", rules.transfer_lead_days),
    ):
        if not 0 <= value <= 120:
            raise ValidationError(label, "must be between 0 and 120 days")
    if rules.notice_days < 1:
        raise ValidationError("Notice before the meeting", "must be at least 1 day")
    if not 0 <= rules.adulthood_from_year <= 14:
        raise ValidationError("Adulthood from year", "must be a year group from 0 to 14")
    return replace(rules, plan_name=plan)


def _ehcp_students(s: Session, student_ids: Sequence[int] | None) -> list[_StudentFacts]:
    # The last review held, per student, straight off the (student, kind, status, day) index.
    last_held = (
        select(Meeting.day)
        .where(
            Meeting.student_id == Student.id,
            Meeting.kind == MeetingType.ANNUAL_REVIEW,
            Meeting.status == MeetingStatus.HELD,
        )
        .order_by(Meeting.day.desc())
        .limit(1)
        .correlate(Student)
        .scalar_subquery()
    )
    query = (
        select(
            Student.id,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
            SchoolClass.name,
            Student.year_group,
            Student.ehcp_issued,
            Student.ehcp_last_review,
            last_held,
        )
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.sen_status == SenStatus.EHCP, Student.status == StudentStatus.ON_ROLL)
    )
    if student_ids is not None:
        query = query.where(Student.id.in_(student_ids))
    return [
        _StudentFacts(
            r[0], display_name(r[1], r[2], r[3]), r[4] or "", r[5] or "", r[6], r[7], r[8]
        )
        for r in s.execute(query)
    ]


def _last_held_reviews(s: Session, student_ids: Sequence[int] | None) -> dict[int, dt.date]:
    query = (
        select(Meeting.student_id, func.max(Meeting.day))
        .where(Meeting.kind == MeetingType.ANNUAL_REVIEW, Meeting.status == MeetingStatus.HELD)
        .group_by(Meeting.student_id)
    )
    if student_ids is not None:
        query = query.where(Meeting.student_id.in_(student_ids))
    return {sid: day for sid, day in s.execute(query)}


def _current_reviews(
    s: Session, student_ids: Sequence[int] | None, today: dt.date
) -> dict[int, Any]:
    """Per student, the review that still has work: the next planned one, else the last held
    one whose report is still to go (within the last year)."""
    recent = today - dt.timedelta(days=366)
    columns = (
        Meeting.id,
        Meeting.student_id,
        Meeting.day,
        Meeting.start_time,
        Meeting.status,
        Meeting.invitations_sent_on,
        Meeting.advice_circulated_on,
        Meeting.report_sent_on,
        Meeting.pfa_discussed,
        Meeting.version,
    )
    planned = select(*columns).where(
        Meeting.status == MeetingStatus.PLANNED, Meeting.kind == MeetingType.ANNUAL_REVIEW
    )
    report_due = select(*columns).where(
        Meeting.status == MeetingStatus.HELD,
        Meeting.day >= recent,
        Meeting.kind == MeetingType.ANNUAL_REVIEW,
        Meeting.report_sent_on.is_(None),
    )
    found: list[Any] = []
    for query in (planned, report_due):
        if student_ids is not None:
            query = query.where(Meeting.student_id.in_(student_ids))
        found.extend(s.execute(query).all())
    found.sort(key=lambda m: m.day)
    result: dict[int, Any] = {}
    for meeting in found:
        chosen = result.get(meeting.student_id)
        if chosen is None or (
            chosen.status is not MeetingStatus.PLANNED and meeting.status is MeetingStatus.PLANNED
        ):
            result[meeting.student_id] = meeting
    return result


def _row(
    f: _StudentFacts,
    last: dt.date | None,
    meeting: Any,
    today: dt.date,
    horizon: dt.date,
    rules: ReviewRules,
    calendar: SchoolCalendar,
) -> ReviewRow:
    due = next_review_due(f.issued, last, rules)
    transfer = transfer_deadline(f.year_group, today, rules)
    review_by = due
    notes: list[str] = []
    if transfer:
        latest = transfer - dt.timedelta(days=rules.transfer_lead_days)
        already = last is not None and last >= _year_start(today)
        if not already and (review_by is None or latest < review_by):
            review_by = latest
        notes.append(f"Phase transfer: plan to be amended by {transfer:%d/%m/%Y}")
    number = year_number(f.year_group)
    adulthood = bool(
        rules.adulthood_from_year and number is not None and number >= rules.adulthood_from_year
    )
    if adulthood:
        notes.append(f"Year {f.year_group}: the review considers {rules.adulthood_label.lower()}")
    planned = None
    if meeting is not None:
        planned = PlannedReview(
            meeting.id,
            meeting.day,
            meeting.start_time,
            meeting.status,
            review_steps(
                meeting.day,
                invitations_on=meeting.invitations_sent_on,
                advice_on=meeting.advice_circulated_on,
                report_on=meeting.report_sent_on,
                rules=rules,
                calendar=calendar,
                today=today,
            ),
            meeting.pfa_discussed,
            meeting.version,
        )
    if review_by is None:
        state = ReviewState.NO_DATE
    elif review_by < today:
        state = ReviewState.OVERDUE
    elif planned is not None and planned.status is MeetingStatus.PLANNED:
        state = ReviewState.PLANNED
        if planned.day > review_by:
            notes.append(f"Planned for {planned.day:%d/%m/%Y}, after it is due")
    elif review_by <= horizon:
        state = ReviewState.DUE_SOON
    else:
        state = ReviewState.OK
    return ReviewRow(
        f.id,
        f.name,
        f.class_name,
        f.year_group,
        f.issued,
        last,
        due,
        review_by,
        transfer,
        adulthood,
        planned,
        state,
        tuple(notes),
    )


def review_date_warnings(s: Session, student_id: int, day: dt.date, today: dt.date) -> list[str]:
    student = s.get(Student, student_id)
    if student is None:
        raise NotFoundError(f"The student (id {student_id}) no longer exists.")
    rules = load_rules(s)
    calendar = SchoolCalendar.load(s)
    held = _last_held_reviews(s, [student_id]).get(student_id)
    # A review being re-dated should not count itself as the last one.
    last = max((d for d in (student.ehcp_last_review, held) if d and d < day), default=None)
    due = next_review_due(student.ehcp_issued, last, rules)
    return planning_warnings(
        day, due=due, last_review=last, today=today, rules=rules, calendar=calendar
    )


# -- interpreters not yet confirmed ---------------------------------------------------------------


def interpreter_gaps(
    s: Session, today: dt.date, meeting_ids: Sequence[int] | None = None
) -> list[InterpreterGap]:
    """Planned meetings from today on where a carer who needs an interpreter has no confirmed
    booking in their language."""
    query = (
        select(
            Meeting.id,
            Meeting.student_id,
            Meeting.kind,
            Meeting.day,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
        )
        .join(Student, Student.id == Meeting.student_id)
        .where(Meeting.status == MeetingStatus.PLANNED, Meeting.day >= today)
    )
    if meeting_ids is not None:
        query = query.where(Meeting.id.in_(meeting_ids))
    meetings = s.execute(query).all()
    if not meetings:
        return []
    student_ids = {m[1] for m in meetings}
    needing: dict[int, list[tuple[int, str, str, str]]] = {}
    for sid, cid, title, first, last, lang, dialect in s.execute(
        select(
            StudentCarer.student_id,
            Carer.id,
            Carer.title,
            Carer.first_name,
            Carer.last_name,
            Carer.spoken_language,
            Carer.spoken_dialect,
        )
        .join(Carer, Carer.id == StudentCarer.carer_id)
        .where(
            StudentCarer.student_id.in_(student_ids),
            Carer.needs_interpreter.is_(True),
            StudentCarer.restriction == Restriction.NONE,
        )
    ):
        name = " ".join(p for p in (title, first, last) if p)
        needing.setdefault(sid, []).append((cid, name, lang, dialect))
    if not needing:
        return []
    relevant = [m for m in meetings if m[1] in needing]
    mids = [m[0] for m in relevant]
    invited: dict[int, set[int]] = {}
    for mid, guest in s.execute(
        select(MeetingAttendee.meeting_id, MeetingAttendee.carer_id).where(
            MeetingAttendee.meeting_id.in_(mids),
            MeetingAttendee.kind == AttendeeKind.CARER,
            MeetingAttendee.invited.is_(True),
        )
    ):
        if guest is not None:
            invited.setdefault(mid, set()).add(guest)
    bookings: dict[int, list[tuple[int, int | None, str, BookingStatus]]] = {}
    for bid, booked_for, booked_carer, booked_lang, status in s.execute(
        select(
            InterpreterBooking.id,
            InterpreterBooking.meeting_id,
            InterpreterBooking.carer_id,
            InterpreterBooking.language,
            InterpreterBooking.status,
        ).where(
            InterpreterBooking.meeting_id.in_(mids),
            InterpreterBooking.status != BookingStatus.CANCELLED,
        )
    ):
        if booked_for is not None:
            bookings.setdefault(booked_for, []).append((bid, booked_carer, booked_lang, status))
    gaps: list[InterpreterGap] = []
    for mid, sid, kind, day, first, preferred, last in relevant:
        guests = invited.get(mid)
        for cid, name, lang, dialect in needing[sid]:
            if guests is not None and cid not in guests:
                continue  # carers were chosen for this meeting and this one is not coming
            found = [b for b in bookings.get(mid, []) if b[2] == lang and (b[1] in (None, cid))]
            if any(b[3] is BookingStatus.CONFIRMED for b in found):
                continue
            gaps.append(
                InterpreterGap(
                    mid,
                    sid,
                    display_name(first, preferred, last),
                    kind,
                    day,
                    name,
                    lang,
                    dialect,
                    found[0][0] if found else None,
                    found[0][3] if found else None,
                )
            )
    gaps.sort(key=lambda g: (g.meeting_day, g.student_name))
    return gaps
