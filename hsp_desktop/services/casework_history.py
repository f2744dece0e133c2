"""Believable meetings, reviews, interpreter bookings, home visits, caseload and events: for the
demo school, and years of them for benchmarks.

``demo_casework`` is a demo extension (see ``services.demo.demo_extensions``): last year's
annual reviews with their papers, the reviews now being planned (one or two with papers late,
a few overdue, one for a family who needs an Urdu interpreter), other meetings, interpreter
bookings with costs, the family support worker's caseload with visits and actions, and this
year's events with attendance. ``generate_years`` adds a decade of history in bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hsp_desktop.model import (
    Carer,
    CaseworkAction,
    EventInvitation,
    HomeVisit,
    InterpreterBooking,
    Meeting,
    MeetingAttendee,
    SchoolEvent,
    StaffMember,
    Student,
    StudentCarer,
    SupportCase,
)
from hsp_desktop.model.casework import (
    BookingStatus,
    CaseStatus,
    EventKind,
    ProviderKind,
    VisitStatus,
)
from hsp_desktop.model.enums import Restriction, SenStatus, StudentStatus
from hsp_desktop.model.meetings import AttendeeKind, MeetingStatus, MeetingType, Place
from hsp_desktop.model.students import add_months
from hsp_desktop.services.reviews import SchoolCalendar, academic_year_start
from hsp_desktop.store import Database

_AGENCIES = ("Kent Interpreting Service", "Language Partners Ltd", "Clear Voice Interpreting")
_PHONE_SERVICE = "Language Line (telephone)"
_INTERPRETERS = {
    "URD": ("Mrs Shazia Anwar", "Mr Khalid Mir"),
    "PNJM": ("Mr Khalid Mir",),
    "PNJG": ("Mrs Jasbir Kaur-Bains",),
    "POL": ("Mrs Anna Zając", "Mr Marek Nowicki"),
    "BNG": ("Mr Rafiq Uddin",),
    "BNGS": ("Mr Rafiq Uddin",),
    "SOM": ("Ms Ifrah Ali",),
    "ARA": ("Mr Sami Haddad",),
    "RMN": ("Mrs Irina Pop",),
    "POR": ("Ms Rita Gomes",),
    "UKR": ("Mrs Oksana Levchenko",),
    "TUR": ("Mr Can Aydın",),
}
_PROFESSIONALS = (
    ("Dr Sarah Okafor", "Educational psychologist, local authority"),
    ("Mr James Reid", "SEN caseworker, local authority"),
    ("Ms Helen Tate", "Speech and language therapist, NHS"),
    ("Mrs Joanne Price", "Occupational therapist, NHS"),
    ("Mr Dev Patel", "Physiotherapist, NHS"),
    ("Ms Claire Boyd", "Social worker, children's services"),
    ("Ms Rachel Green", "School nurse"),
)
_OUTCOMES = (
    "Good progress on communication targets; new targets agreed for independence at lunch.",
    "Family pleased with progress. Agreed to request more speech and language therapy time.",
    "Discussed transport and toileting; plan amended for the move to the new class.",
    "Sensory diet working well at school; family will try the same routine at home.",
    "Reviewed outcomes: most met. Agreed a referral to the wheelchair service.",
)
_VISIT_PURPOSES = (
    "Support with the DLA application",
    "Sleep routine: follow-up on the plan agreed last month",
    "Bring the new visual timetable and show how it works",
    "Introduce the short-breaks service",
    "Help with the school transport form",
    "Talk through the annual review before the meeting",
    "Check how the new equipment at home is working",
)
_VISIT_NOTES = (
    "Family managing better with the routine. Mum asked for the Makaton workshop dates.",
    "Forms completed together; copy kept on file. Dad to post them tomorrow.",
    "Home is calm; sibling finding things hard. Suggested the young carers' group.",
    "Equipment fitted but the hoist is not being used yet; OT referral agreed.",
)
_CASE_REASONS = (
    "Parent asked for help with benefits and forms.",
    "Sleep difficulties at home; family exhausted.",
    "Recently arrived family: help finding services, interpreters for appointments.",
    "Referred by class teacher: attendance dropping, family stress.",
    "Preparing for the move to adult services.",
    "Housing problems; family moving to temporary accommodation.",
)
_ACTIONS = (
    "Send the short-breaks leaflet in Polish",
    "Ring the family after the housing appointment",
    "Chase the wheelchair service referral",
    "Book the interpreter for the next visit",
    "Ask the class teacher to send the visual timetable home",
    "Share the DLA evidence letter",
    "Check the transport form was received",
)

MEETING_TIMES = (dt.time(9, 30), dt.time(10, 0), dt.time(11, 0), dt.time(13, 30), dt.time(14, 0))


@dataclass
class _Family:
    student: Student
    carers: list[Carer]

    @property
    def needing(self) -> list[Carer]:
        return [c for c in self.carers if c.needs_interpreter]


def _families(s: Session) -> list[_Family]:
    students = list(
        s.scalars(
            select(Student).where(Student.status == StudentStatus.ON_ROLL).order_by(Student.id)
        )
    )
    carers: dict[int, list[Carer]] = {}
    for link, carer in s.execute(
        select(StudentCarer, Carer)
        .join(Carer, Carer.id == StudentCarer.carer_id)
        .where(StudentCarer.restriction == Restriction.NONE)
        .order_by(StudentCarer.contact_order)
    ):
        carers.setdefault(link.student_id, []).append(carer)
    return [_Family(st, carers.get(st.id, [])) for st in students]


def _school_day(calendar: SchoolCalendar, day: dt.date, forward: bool = False) -> dt.date:
    step = dt.timedelta(days=1 if forward else -1)
    for _ in range(70):
        if calendar.is_school_day(day):
            return day
        day += step
    return day


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time).astimezone().astimezone(dt.UTC)


class _Demo:
    def __init__(self, s: Session, rng: random.Random, today: dt.date) -> None:
        self.s, self.rng, self.today = s, rng, today
        self.calendar = SchoolCalendar.load(s)
        self.staff = list(s.scalars(select(StaffMember).order_by(StaffMember.id)))
        self.families = _families(s)
        self.office, self.fsw, self.senco = self.staff[1], self.staff[3], self.staff[4]

    def attendees(
        self, family: _Family, held: bool, staff: Sequence[StaffMember], professionals: int
    ) -> list[MeetingAttendee]:
        rng = self.rng
        result = [
            MeetingAttendee(
                kind=AttendeeKind.STAFF,
                staff_member_id=m.id,
                name=m.display_name,
                role=m.job_title,
                invited=True,
                attended=True if held else None,
            )
            for m in dict.fromkeys(staff)
        ]
        for carer in family.carers[:2]:
            result.append(
                MeetingAttendee(
                    kind=AttendeeKind.CARER,
                    carer_id=carer.id,
                    name=carer.full_name,
                    role="Parent or carer",
                    invited=True,
                    attended=(rng.random() < 0.85) if held else None,
                )
            )
        for name, role in rng.sample(_PROFESSIONALS, professionals):
            result.append(
                MeetingAttendee(
                    kind=AttendeeKind.PROFESSIONAL,
                    name=name,
                    role=role,
                    invited=True,
                    attended=(rng.random() < 0.6) if held else None,
                )
            )
        return result

    def booking(
        self,
        family: _Family,
        carer: Carer,
        meeting: Meeting | None,
        day: dt.date,
        start: dt.time | None,
        status: BookingStatus,
        purpose: str,
    ) -> InterpreterBooking:
        rng = self.rng
        code = carer.spoken_language
        speaker = next(
            (m for m in self.staff if code in {c.strip() for c in m.languages.split(",")}), None
        )
        if speaker is not None and rng.random() < 0.5:
            kind, provider, name, cost = ProviderKind.STAFF, "", speaker.display_name, 0
        elif rng.random() < 0.3:
            kind, provider, name = ProviderKind.TELEPHONE, _PHONE_SERVICE, ""
            cost = rng.choice((2400, 3000, 3600))
        else:
            kind, provider = ProviderKind.AGENCY, rng.choice(_AGENCIES)
            name = rng.choice(_INTERPRETERS.get(code, ("Interpreter to be named",)))
            cost = rng.choice((4500, 5250, 6000, 7500))
        requested = day - dt.timedelta(days=rng.randint(14, 30))
        booking = InterpreterBooking(
            student_id=family.student.id,
            carer_id=carer.id,
            meeting_id=meeting.id if meeting else None,
            purpose=purpose,
            day=day,
            start_time=start,
            duration_minutes=60,
            language=code,
            dialect=carer.spoken_dialect,
            provider_kind=kind,
            provider_name=provider,
            interpreter_name=name if status is not BookingStatus.REQUESTED else "",
            staff_member_id=speaker.id if kind is ProviderKind.STAFF and speaker else None,
            status=status,
            requested_on=min(requested, self.today),
            confirmed_on=(
                min(requested + dt.timedelta(days=3), self.today)
                if status is BookingStatus.CONFIRMED
                else None
            ),
            cancelled_on=day - dt.timedelta(days=1) if status is BookingStatus.CANCELLED else None,
            cost_pence=cost if status is not BookingStatus.CANCELLED else cost // 2,
            notes=carer.interpreter_notes,
        )
        if kind is ProviderKind.STAFF and status is BookingStatus.REQUESTED:
            booking.interpreter_name = name
        self.s.add(booking)
        return booking

    def meeting(
        self,
        family: _Family,
        kind: MeetingType,
        day: dt.date,
        status: MeetingStatus,
        *,
        staff: Sequence[StaffMember],
        professionals: int = 0,
        purpose: str = "",
    ) -> Meeting:
        rng = self.rng
        held = status is MeetingStatus.HELD
        meeting = Meeting(
            student_id=family.student.id,
            kind=kind,
            status=status,
            day=day,
            start_time=rng.choice(MEETING_TIMES),
            duration_minutes=60 if kind is MeetingType.ANNUAL_REVIEW else 30,
            place=Place.SCHOOL,
            place_detail=rng.choice(("Meeting room", "Family room", "Classroom")),
            purpose=purpose,
            outcome_notes=rng.choice(_OUTCOMES) if held else "",
            pfa_discussed=held and (year_of(family.student) or 0) >= 9,
        )
        meeting.attendees = self.attendees(family, held, staff, professionals)
        self.s.add(meeting)
        return meeting

    # -- the parts ------------------------------------------------------------------------
    def reviews(self) -> None:
        rng, today = self.rng, self.today
        ehcp = [f for f in self.families if f.student.sen_status is SenStatus.EHCP]
        urdu = next(
            (
                f
                for f in ehcp
                if f.student.first_language == "URD"
                and any(c.spoken_language == "URD" for c in f.carers)
            ),
            next(
                (f for f in ehcp if f.student.first_language == "URD" and f.carers),
                next((f for f in ehcp if f.carers), None),
            ),
        )
        if urdu is not None:
            # The family the SENCO meets in the walkthrough: Urdu, interpreter, review overdue.
            carer = next((c for c in urdu.carers if c.spoken_language == "URD"), urdu.carers[0])
            carer.spoken_language, carer.spoken_dialect = "URD", ""
            carer.needs_interpreter, carer.needs_translation = True, True
            carer.written_language = "URD"
            urdu.student.ehcp_last_review = add_months(today, -13)
        late_papers = 0
        for family in ehcp:
            student = family.student
            last = student.ehcp_last_review
            teacher = [m for m in (self.senco, self._teacher(student)) if m is not None]
            if last is not None:
                last = _school_day(self.calendar, last)
                student.ehcp_last_review = last
                meeting = self.meeting(
                    family,
                    MeetingType.ANNUAL_REVIEW,
                    last,
                    MeetingStatus.HELD,
                    staff=teacher,
                    professionals=rng.randint(1, 3),
                )
                meeting.invitations_sent_on = last - dt.timedelta(days=rng.randint(15, 24))
                meeting.advice_circulated_on = last - dt.timedelta(days=rng.randint(14, 16))
                report = last + dt.timedelta(days=rng.randint(5, 13 if rng.random() < 0.9 else 20))
                meeting.report_sent_on = report if report <= today else None
                for carer in family.needing[:1]:
                    self.s.flush()
                    self.booking(
                        family,
                        carer,
                        meeting,
                        last,
                        meeting.start_time,
                        BookingStatus.CONFIRMED,
                        MeetingType.ANNUAL_REVIEW.label,
                    )
            base = last or student.ehcp_issued
            if base is None or family is urdu:
                continue
            due = add_months(base, 12)
            if not today + dt.timedelta(days=3) <= due <= today + dt.timedelta(days=60):
                continue
            if rng.random() < 0.3:
                continue  # due soon and not planned yet: the dashboard's "due this half-term"
            day = _school_day(self.calendar, due - dt.timedelta(days=rng.randint(3, 10)))
            if day <= today:
                continue
            meeting = self.meeting(
                family,
                MeetingType.ANNUAL_REVIEW,
                day,
                MeetingStatus.PLANNED,
                staff=teacher,
                professionals=rng.randint(1, 2),
            )
            invite_by = day - dt.timedelta(days=14)
            if invite_by < today:
                if late_papers < 2:
                    late_papers += 1  # the walkthrough's "papers late"
                else:
                    meeting.invitations_sent_on = invite_by - dt.timedelta(days=rng.randint(0, 4))
                    if day - dt.timedelta(days=14) < today:
                        meeting.advice_circulated_on = day - dt.timedelta(days=14)
            self.s.flush()
            for carer in family.needing[:1]:
                status = BookingStatus.CONFIRMED if rng.random() < 0.5 else BookingStatus.REQUESTED
                self.booking(
                    family,
                    carer,
                    meeting,
                    day,
                    meeting.start_time,
                    status,
                    MeetingType.ANNUAL_REVIEW.label,
                )

    def _teacher(self, student: Student) -> StaffMember | None:
        if student.tutor_id is None:
            return None
        return next((m for m in self.staff if m.id == student.tutor_id), None)

    def other_meetings(self) -> None:
        rng, today = self.rng, self.today
        year_start = dt.date(academic_year_start(today), 9, 1)
        consultation = _school_day(self.calendar, year_start + dt.timedelta(days=50), True)
        for family in self.families:
            teacher = self._teacher(family.student)
            staff = [teacher] if teacher else [self.senco]
            if consultation < today and rng.random() < 0.55:
                self.meeting(
                    family, MeetingType.CONSULTATION, consultation, MeetingStatus.HELD, staff=staff
                )
            roll = rng.random()
            if roll < 0.06:
                day = _school_day(self.calendar, today - dt.timedelta(days=rng.randint(7, 80)))
                self.meeting(
                    family,
                    MeetingType.INFORMAL,
                    day,
                    MeetingStatus.HELD,
                    staff=staff,
                    purpose="Settling into the new class",
                )
            elif roll < 0.10:
                day = _school_day(
                    self.calendar, today + dt.timedelta(days=rng.randint(2, 25)), True
                )
                meeting = self.meeting(
                    family,
                    rng.choice((MeetingType.INFORMAL, MeetingType.IEP_REVIEW)),
                    day,
                    MeetingStatus.PLANNED,
                    staff=[*staff, self.fsw] if family.needing else staff,
                    purpose="Learning targets for this term",
                )
                self.s.flush()
                for carer in family.needing[:1]:
                    if rng.random() < 0.5:
                        self.booking(
                            family,
                            carer,
                            meeting,
                            day,
                            meeting.start_time,
                            BookingStatus.REQUESTED,
                            meeting.kind.label,
                        )
            elif roll < 0.11 and year_of(family.student) in (9, 10, 11):
                day = _school_day(self.calendar, today - dt.timedelta(days=rng.randint(10, 40)))
                self.meeting(
                    family,
                    MeetingType.READMISSION,
                    day,
                    MeetingStatus.HELD,
                    staff=[self.senco, *staff],
                    purpose="Return after a fixed-term exclusion",
                )

    def caseload(self) -> None:
        rng, today, fsw = self.rng, self.today, self.fsw
        candidates = [f for f in self.families if f.carers]
        rng.shuffle(candidates)
        chosen = sorted(candidates[:16], key=lambda f: (not f.needing, f.student.id))
        for number, family in enumerate(chosen):
            closed = number >= 12
            opened = today - dt.timedelta(days=rng.randint(40, 400))
            case = SupportCase(
                student_id=family.student.id,
                worker_id=fsw.id,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                opened_on=opened,
                closed_on=min(today, opened + dt.timedelta(days=rng.randint(30, 120)))
                if closed
                else None,
                reason=rng.choice(_CASE_REASONS),
                closing_note="Family managing well; will ask for help again if needed."
                if closed
                else "",
            )
            self.s.add(case)
            for _ in range(rng.randint(1, 4)):
                day = _school_day(self.calendar, today - dt.timedelta(days=rng.randint(3, 300)))
                if day < opened:
                    continue
                leaves = _local(day, rng.choice((dt.time(9, 15), dt.time(10, 0), dt.time(13, 0))))
                second = self.staff[6 + rng.randrange(len(self.staff) - 6)]
                lone = rng.random() < 0.5
                self.s.add(
                    HomeVisit(
                        student_id=family.student.id,
                        household_id=family.carers[0].household_id,
                        purpose=rng.choice(_VISIT_PURPOSES),
                        leaves_at=leaves,
                        expected_return=leaves + dt.timedelta(minutes=90),
                        status=VisitStatus.DONE,
                        lead_staff_id=fsw.id,
                        second_staff_id=None if lone else second.id,
                        lone_working="Office rings at the expected return time; "
                        "code word 'blue folder' if help is needed."
                        if lone
                        else "",
                        checked_out_at=leaves,
                        checked_in_at=leaves + dt.timedelta(minutes=rng.randint(60, 100)),
                        outcome_notes=rng.choice(_VISIT_NOTES),
                    )
                )
            if not closed:
                for _ in range(rng.randint(0, 2)):
                    self.s.add(
                        CaseworkAction(
                            student_id=family.student.id,
                            description=rng.choice(_ACTIONS),
                            owner_id=rng.choice((fsw.id, fsw.id, self.office.id)),
                            due_on=today + dt.timedelta(days=rng.randint(-10, 20)),
                        )
                    )
                if number < 3:
                    day = _school_day(
                        self.calendar, today + dt.timedelta(days=2 + number * 3), True
                    )
                    leaves = _local(day, dt.time(10, 0))
                    visit = HomeVisit(
                        student_id=family.student.id,
                        household_id=family.carers[0].household_id,
                        purpose=rng.choice(_VISIT_PURPOSES),
                        leaves_at=leaves,
                        expected_return=leaves + dt.timedelta(minutes=90),
                        status=VisitStatus.PLANNED,
                        lead_staff_id=fsw.id,
                        second_staff_id=self.senco.id if number == 0 else None,
                        lone_working=""
                        if number == 0
                        else "Office rings at the expected return time; code word 'blue folder'.",
                    )
                    self.s.add(visit)
                    self.s.flush()
                    for carer in family.needing[:1]:
                        self.s.add(
                            InterpreterBooking(
                                student_id=family.student.id,
                                carer_id=carer.id,
                                visit_id=visit.id,
                                purpose=f"Home visit: {visit.purpose}"[:200],
                                day=day,
                                start_time=dt.time(10, 0),
                                duration_minutes=90,
                                language=carer.spoken_language,
                                dialect=carer.spoken_dialect,
                                provider_kind=ProviderKind.AGENCY,
                                provider_name=_AGENCIES[0],
                                status=BookingStatus.REQUESTED,
                                requested_on=today,
                            )
                        )

    def events(self) -> None:
        rng, today = self.rng, self.today
        year = academic_year_start(today)
        plan = [
            (EventKind.COFFEE_MORNING, "Coffee morning", dt.date(year, 9, 24)),
            (EventKind.MAKATON, "Makaton for families: the first 20 signs", dt.date(year, 10, 8)),
            (EventKind.COFFEE_MORNING, "Coffee morning", dt.date(year, 11, 19)),
            (EventKind.PECS, "PECS at home", dt.date(year, 11, 26)),
            (EventKind.PERFORMANCE, "Christmas performance", dt.date(year, 12, 15)),
            (EventKind.COFFEE_MORNING, "Coffee morning", dt.date(year + 1, 1, 21)),
            (EventKind.EATING_DRINKING, "Eating and drinking workshop", dt.date(year + 1, 2, 4)),
            (EventKind.MOBILITY, "MOVE mobility workshop", dt.date(year + 1, 3, 4)),
            (EventKind.OPEN_EVENING, "Open evening", dt.date(year + 1, 3, 18)),
            (EventKind.COFFEE_MORNING, "Coffee morning", dt.date(year + 1, 5, 13)),
            (EventKind.AWARD_CEREMONY, "Annual award ceremony", dt.date(year + 1, 7, 8)),
        ]
        keen = {f.student.id: rng.random() for f in self.families}
        for kind, title, wanted in plan:
            day = _school_day(self.calendar, wanted, True)
            evening = kind in (EventKind.OPEN_EVENING, EventKind.PERFORMANCE)
            event = SchoolEvent(
                kind=kind,
                title=title,
                day=day,
                start_time=dt.time(18, 0) if evening else dt.time(9, 15),
                place="School hall" if evening else "Family room",
            )
            self.s.add(event)
            self.s.flush()
            for family in self.families:
                sid = family.student.id
                attended = None
                if day < today:
                    attended = rng.random() < keen[sid] * (0.9 if evening else 0.6)
                self.s.add(EventInvitation(event_id=event.id, student_id=sid, attended=attended))


def year_of(student: Student) -> int | None:
    text = (student.year_group or "").strip()
    return int(text) if text.isdigit() else None


def demo_casework(s: Session, rng: random.Random, today: dt.date) -> None:
    """Meetings, reviews, bookings, visits, caseload and events for the demo school."""
    demo = _Demo(s, random.Random(rng.getrandbits(64)), today)
    if len(demo.staff) < 7 or not demo.families:
        return
    demo.reviews()
    demo.other_meetings()
    s.flush()
    demo.caseload()
    demo.events()
    s.flush()


# -- years of history, for benchmarks ----------------------------------------------------------


def generate_years(
    db: Database,
    years: int = 10,
    *,
    seed: int = 7,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Add ``years`` of reviews, other meetings, visits, bookings, cases and actions to a
    school that already has its students, in bulk inserts. Returns the rows added per table."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    counts = dict.fromkeys(
        ("meeting", "meeting_attendee", "home_visit", "interpreter_booking", "support_case"), 0
    )
    counts["casework_action"] = 0
    with db.transaction() as s:
        families = _families(s)
        staff_ids = list(s.scalars(select(StaffMember.id).order_by(StaffMember.id)))
        fsw = staff_ids[3] if len(staff_ids) > 3 else staff_ids[0]
        senco = staff_ids[4] if len(staff_ids) > 4 else staff_ids[0]
        next_meeting = (s.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1)) or 0) + 1
        next_visit = (
            s.scalar(select(HomeVisit.id).order_by(HomeVisit.id.desc()).limit(1)) or 0
        ) + 1
        meetings: list[dict[str, object]] = []
        attendees: list[dict[str, object]] = []
        visits: list[dict[str, object]] = []
        bookings: list[dict[str, object]] = []
        cases: list[dict[str, object]] = []
        actions: list[dict[str, object]] = []
        first_year = academic_year_start(today) - years
        for done, family in enumerate(families, start=1):
            sid = family.student.id
            needing = family.needing
            for year in range(first_year, first_year + years):
                for kind, month in (
                    (MeetingType.ANNUAL_REVIEW, rng.randint(1, 12)),
                    (MeetingType.CONSULTATION, 11),
                    (MeetingType.IEP_REVIEW, 3),
                    (MeetingType.INFORMAL, rng.randint(1, 12)),
                ):
                    if kind is MeetingType.INFORMAL and rng.random() < 0.6:
                        continue
                    if kind is not MeetingType.ANNUAL_REVIEW and rng.random() < 0.3:
                        continue
                    cal_year = year + (1 if month < 9 else 0)
                    day = dt.date(cal_year, month, rng.randint(1, 28))
                    if day >= today:
                        continue
                    review = kind is MeetingType.ANNUAL_REVIEW
                    meetings.append(
                        {
                            "id": next_meeting,
                            "student_id": sid,
                            "kind": kind,
                            "status": MeetingStatus.HELD,
                            "day": day,
                            "start_time": rng.choice(MEETING_TIMES),
                            "duration_minutes": 60,
                            "place": Place.SCHOOL,
                            "place_detail": "Meeting room",
                            "purpose": "",
                            "outcome_notes": rng.choice(_OUTCOMES),
                            "invitations_sent_on": day - dt.timedelta(days=16) if review else None,
                            "advice_circulated_on": day - dt.timedelta(days=14) if review else None,
                            "report_sent_on": day + dt.timedelta(days=10) if review else None,
                            "pfa_discussed": False,
                            "created_at": _local(day, dt.time(9)),
                            "version": 1,
                            "updated_at": _local(day, dt.time(9)),
                        }
                    )
                    for staff_id in (senco, staff_ids[rng.randrange(len(staff_ids))]):
                        attendees.append(
                            {
                                "meeting_id": next_meeting,
                                "kind": AttendeeKind.STAFF,
                                "staff_member_id": staff_id,
                                "name": "Staff",
                                "role": "",
                                "invited": True,
                                "attended": True,
                            }
                        )
                    for carer in family.carers[:1]:
                        attendees.append(
                            {
                                "meeting_id": next_meeting,
                                "kind": AttendeeKind.CARER,
                                "carer_id": carer.id,
                                "name": carer.full_name,
                                "role": "",
                                "invited": True,
                                "attended": rng.random() < 0.85,
                            }
                        )
                    if needing:
                        bookings.append(
                            _bulk_booking(rng, sid, needing[0], day, next_meeting, None)
                        )
                    next_meeting += 1
                if rng.random() < 0.25:
                    day = dt.date(year + 1, rng.randint(1, 7), rng.randint(1, 28))
                    if day < today:
                        cases.append(
                            {
                                "student_id": sid,
                                "worker_id": fsw,
                                "status": CaseStatus.CLOSED,
                                "opened_on": day,
                                "closed_on": day + dt.timedelta(days=90),
                                "reason": rng.choice(_CASE_REASONS),
                                "closing_note": "",
                                "version": 1,
                                "updated_at": _local(day, dt.time(9)),
                            }
                        )
                        for _ in range(rng.randint(1, 4)):
                            leaves = _local(
                                day + dt.timedelta(days=rng.randint(0, 80)), dt.time(10)
                            )
                            visits.append(
                                {
                                    "id": next_visit,
                                    "student_id": sid,
                                    "household_id": family.carers[0].household_id
                                    if family.carers
                                    else None,
                                    "purpose": rng.choice(_VISIT_PURPOSES),
                                    "leaves_at": leaves,
                                    "expected_return": leaves + dt.timedelta(minutes=90),
                                    "status": VisitStatus.DONE,
                                    "lead_staff_id": fsw,
                                    "second_staff_id": None,
                                    "lone_working": "Office rings at the return time.",
                                    "checked_out_at": leaves,
                                    "checked_in_at": leaves + dt.timedelta(minutes=80),
                                    "alert_closed_by": "",
                                    "alert_note": "",
                                    "outcome_notes": rng.choice(_VISIT_NOTES),
                                    "created_at": leaves,
                                    "version": 1,
                                    "updated_at": leaves,
                                }
                            )
                            actions.append(
                                {
                                    "student_id": sid,
                                    "visit_id": next_visit,
                                    "description": rng.choice(_ACTIONS),
                                    "owner_id": fsw,
                                    "due_on": leaves.date() + dt.timedelta(days=14),
                                    "done_on": leaves.date() + dt.timedelta(days=10),
                                    "created_at": leaves,
                                    "version": 1,
                                    "updated_at": leaves,
                                }
                            )
                            next_visit += 1
            if progress:
                progress(done, len(families))
        for table, rows in (
            (Meeting, meetings),
            (MeetingAttendee, attendees),
            (HomeVisit, visits),
            (InterpreterBooking, bookings),
            (SupportCase, cases),
            (CaseworkAction, actions),
        ):
            for start in range(0, len(rows), 2000):
                s.execute(insert(table), rows[start : start + 2000])
            counts[table.__tablename__] = len(rows)
    return counts


def _bulk_booking(
    rng: random.Random,
    student_id: int,
    carer: Carer,
    day: dt.date,
    meeting_id: int | None,
    visit_id: int | None,
) -> dict[str, object]:
    return {
        "student_id": student_id,
        "carer_id": carer.id,
        "meeting_id": meeting_id,
        "visit_id": visit_id,
        "purpose": "Meeting",
        "day": day,
        "start_time": dt.time(10),
        "duration_minutes": 60,
        "language": carer.spoken_language,
        "dialect": carer.spoken_dialect,
        "provider_kind": ProviderKind.AGENCY,
        "provider_name": _AGENCIES[0],
        "interpreter_name": "Interpreter",
        "status": BookingStatus.CONFIRMED,
        "requested_on": day - dt.timedelta(days=20),
        "confirmed_on": day - dt.timedelta(days=15),
        "cost_pence": rng.choice((4500, 6000)),
        "notes": "",
        "version": 1,
        "updated_at": _local(day, dt.time(9)),
    }
