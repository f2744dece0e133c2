"""Believable contact and home-school book history: for the demo school and for benchmarks.

``demo_history`` is a demo extension (see ``services.demo.demo_extensions``): this term's and
earlier terms' contacts, a few weeks of home-school books, some follow-ups and today's absence
calls. ``generate_years`` fills a database with years of history quickly (bulk inserts), for
measuring the dashboards on a school that has used the program for a decade.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from hsp_desktop.model import (
    AcademicYear,
    Carer,
    ContactCarer,
    ContactRecord,
    FollowUpAction,
    HomeBookEntry,
    HomeBookFields,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    Term,
)
from hsp_desktop.model.contacts import (
    Channel,
    Direction,
    InterpreterKind,
    Outcome,
    Purpose,
    Tone,
)
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.model.homebook import Author, FamilyEntryKind, StructuredField
from hsp_desktop.services.terms import english_term_pattern, year_name
from hsp_desktop.store import Database

_POSITIVE = (
    "Rang to share that {name} had a brilliant week: joined in at circle time every day.",
    "Lovely call. {name} used the Makaton sign for 'more' at snack time; mum delighted.",
    "Told the family about {name}'s certificate in assembly. They will celebrate at home.",
    "{name} managed the whole swimming session; family pleased and will try the pool at half-term.",
    "Shared photos from the farm visit; {name} fed the goats. Family asked for copies.",
    "Good news call: {name} has settled well after the class change.",
)
_NEUTRAL = (
    "Termly catch-up. Family happy with how things are going; no concerns raised.",
    "Checked the new transport arrangements; the family confirmed the pick-up time.",
    "Talked through the annual review date and what to bring. Family will come in person.",
    "Discussed the visual timetable for home; will send a copy in the book bag.",
)
_CONCERN = (
    "{name} has been very tired this week; family say sleep has been poor. Will keep in touch.",
    "Discussed some hitting at lunchtime; family seeing the same at home. Plan to meet.",
    "{name} refused food most of the week. Family will speak to the dietitian.",
)
_ACTIVITIES = (
    "Sensory story, music and movement, cooking (fruit kebabs).",
    "Swimming in the morning, PECS work, outdoor play.",
    "Forest school, number songs, messy play with shaving foam.",
    "Trip to the shop to buy snack, attention autism, painting.",
    "Rebound therapy, phonics, computer time.",
)
_ACHIEVEMENTS = (
    "Used two-word requests with PECS!",
    "Walked to the hall with a friend.",
    "Star of the day in assembly.",
    "Tried a new food (pasta).",
    "Waited for a turn in the game.",
) + ("",) * 20
_FAMILY_NOTES = (
    "Good weekend, went to see grandma. Slept well.",
    "Bit unsettled this morning, new medication started on Saturday.",
    "Please can you send the swimming bag home on Friday?",
    "Loved the cooking yesterday and wants to make it again!",
    "Dentist on Thursday afternoon, will collect at 1.30.",
)


@dataclass(frozen=True)
class _Family:
    student_id: int
    carer_ids: tuple[int, ...]
    interpreter_language: str  # spoken language of a carer who needs an interpreter


def _families(s: Session) -> tuple[dict[int, list[_Family]], dict[int, tuple]]:
    students = {
        sid: (first, cid, adm, key_worker)
        for sid, first, cid, adm, key_worker in s.execute(
            select(
                Student.id,
                Student.first_name,
                Student.class_id,
                Student.admission_date,
                Student.key_worker_id,
            ).where(Student.status == StudentStatus.ON_ROLL)
        )
    }
    grouped: dict[tuple[int, int], list[tuple[int, bool, str]]] = {}
    for sid, cid, hh, needs, lang, restriction, pr in s.execute(
        select(
            StudentCarer.student_id,
            Carer.id,
            Carer.household_id,
            Carer.needs_interpreter,
            Carer.spoken_language,
            StudentCarer.restriction,
            StudentCarer.parental_responsibility,
        ).join(Carer, Carer.id == StudentCarer.carer_id)
    ):
        if restriction != Restriction.NONE or not pr:
            continue
        grouped.setdefault((sid, hh if hh is not None else -cid), []).append((cid, needs, lang))
    families: dict[int, list[_Family]] = {}
    for (sid, _), carers in grouped.items():
        language = next((lang for _, needs, lang in carers if needs), "")
        families.setdefault(sid, []).append(_Family(sid, tuple(c[0] for c in carers), language))
    return families, students


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 10, 20, 35, 45))))
    return local.astimezone().astimezone(dt.UTC)


def _school_days(first: dt.date, last: dt.date, term: Term | None = None) -> list[dt.date]:
    days = []
    current = first
    while current <= last:
        in_half_term = bool(
            term
            and term.half_term_start
            and term.half_term_end
            and term.half_term_start <= current <= term.half_term_end
        )
        if current.weekday() < 5 and not in_half_term:
            days.append(current)
        current += dt.timedelta(days=1)
    return days


def demo_history(s: Session, rng: random.Random, today: dt.date) -> None:
    """The demo extension: contacts this term and before, home-school books, follow-ups."""
    families, students = _families(s)
    if not students:
        return
    staff = {m.id: m for m in s.scalars(select(StaffMember))}
    teacher_of = dict(s.execute(select(SchoolClass.id, SchoolClass.teacher_id)).all())
    interpreters = {code: m.id for m in staff.values() for code in m.languages.split(",") if code}
    now = dt.datetime.now(dt.UTC)
    terms = list(s.scalars(select(Term).where(Term.start_date <= today).order_by(Term.start_date)))
    for term in terms:
        last = min(term.end_date, today - dt.timedelta(days=1))
        days = _school_days(term.start_date, last, term)
        if not days:
            continue
        share = 0.9 if term.end_date < today else 0.55
        for sid, fams in families.items():
            first_name, class_id, admitted, key_worker = students[sid]
            usable = [d for d in days if not admitted or d >= admitted]
            if not usable:
                continue
            teacher = teacher_of.get(class_id) or key_worker
            for family in fams:
                if rng.random() > share:
                    if rng.random() < 0.4:  # tried, nobody answered
                        _add_contact(
                            s,
                            rng,
                            sid,
                            family,
                            teacher,
                            rng.choice(usable),
                            first_name,
                            Outcome.NO_ANSWER,
                            interpreters,
                            now,
                        )
                    continue
                if rng.random() < 0.25:
                    _add_contact(
                        s,
                        rng,
                        sid,
                        family,
                        teacher,
                        rng.choice(usable),
                        first_name,
                        rng.choice((Outcome.NO_ANSWER, Outcome.VOICEMAIL)),
                        interpreters,
                        now,
                    )
                _add_contact(
                    s,
                    rng,
                    sid,
                    family,
                    teacher,
                    rng.choice(usable),
                    first_name,
                    Outcome.SPOKE,
                    interpreters,
                    now,
                )
    s.flush()
    _demo_homebook(s, rng, today, students, families)
    _demo_followups(s, rng, today, students, teacher_of, staff)
    s.flush()


def _add_contact(
    s: Session,
    rng: random.Random,
    student_id: int,
    family: _Family,
    staff_id: int | None,
    day: dt.date,
    first_name: str,
    outcome: Outcome,
    interpreters: dict[str, int],
    now: dt.datetime,
) -> ContactRecord:
    at = min(_moment(day, rng), now - dt.timedelta(minutes=5))
    roll = rng.random()
    tone = Tone.POSITIVE if roll < 0.6 else Tone.NEUTRAL if roll < 0.88 else Tone.CONCERN
    pool = {Tone.POSITIVE: _POSITIVE, Tone.NEUTRAL: _NEUTRAL, Tone.CONCERN: _CONCERN}[tone]
    channel = rng.choice((Channel.PHONE,) * 6 + (Channel.IN_PERSON, Channel.MEETING))
    interpreter, interpreter_staff, interpreter_name = InterpreterKind.NONE, None, ""
    language = ""
    if outcome is Outcome.SPOKE and family.interpreter_language:
        language = family.interpreter_language
        if language in interpreters:
            interpreter, interpreter_staff = InterpreterKind.STAFF, interpreters[language]
        else:
            interpreter, interpreter_name = InterpreterKind.TELEPHONE, "LanguageLine"
    summary = (
        rng.choice(pool).format(name=first_name)
        if outcome is Outcome.SPOKE
        else "Rang; no answer."
        if outcome is Outcome.NO_ANSWER
        else "Left a message to call back."
    )
    contact = ContactRecord(
        student_id=student_id,
        staff_id=staff_id,
        at=at,
        channel=channel if outcome is Outcome.SPOKE else Channel.PHONE,
        direction=Direction.TO_HOME if rng.random() < 0.85 else Direction.TO_SCHOOL,
        purpose=Purpose.TERMLY
        if tone is Tone.NEUTRAL
        else Purpose.ACHIEVEMENT
        if tone is Tone.POSITIVE
        else Purpose.CONCERN,
        tone=tone if outcome is Outcome.SPOKE else Tone.NEUTRAL,
        outcome=outcome,
        interpreter=interpreter,
        interpreter_staff_id=interpreter_staff,
        interpreter_name=interpreter_name,
        interpreter_language=language,
        summary=summary,
        created_at=at,
    )
    contact.carers = [ContactCarer(carer_id=family.carer_ids[0])]
    s.add(contact)
    return contact


def _demo_homebook(
    s: Session,
    rng: random.Random,
    today: dt.date,
    students: dict[int, tuple],
    families: dict[int, list[_Family]],
) -> None:
    days = _school_days(today - dt.timedelta(days=21), today - dt.timedelta(days=1))
    fields_all = list(StructuredField)
    for sid, (_, _, admitted, key_worker) in sorted(students.items()):
        switched: list[StructuredField] = []
        if rng.random() < 0.3:
            switched = [f for f in fields_all if rng.random() < 0.6] or [StructuredField.EATING]
            s.add(HomeBookFields(student_id=sid, fields=",".join(f.value for f in switched)))
        for day in days:
            if admitted and day < admitted:
                continue
            entry = HomeBookEntry(
                student_id=sid,
                day=day,
                author=Author.SCHOOL,
                staff_id=key_worker,
                activities=rng.choice(_ACTIVITIES),
                mood=rng.choice((2, 3, 3, 4, 4, 4, 5, 5)),
                achievements=rng.choice(_ACHIEVEMENTS),
            )
            for f in switched:
                setattr(entry, f.value, _structured_value(f, rng))
            s.add(entry)
            if rng.random() < 0.2 and families.get(sid):
                s.add(
                    HomeBookEntry(
                        student_id=sid,
                        day=day,
                        author=Author.FAMILY,
                        family_kind=FamilyEntryKind.TRANSCRIBED
                        if rng.random() < 0.7
                        else FamilyEntryKind.RECEIVED,
                        message=rng.choice(_FAMILY_NOTES),
                        needs_reply=day == days[-1] and rng.random() < 0.5,
                    )
                )


def _structured_value(f: StructuredField, rng: random.Random) -> str:
    return rng.choice(
        {
            StructuredField.EATING: ("All of lunch", "Half of lunch", "Snack only"),
            StructuredField.DRINKING: ("2 cups water", "1 cup milk, 1 water", "Little"),
            StructuredField.SLEEP: ("No sleep", "20 min after lunch", "Dozed on the bus"),
            StructuredField.TOILETING: ("Dry all day", "Changed x2", "Used the toilet once"),
            StructuredField.MEDICATION: ("Given 12:00 (signed)", "Not due", "Given 12:15"),
        }[f]
    )


def _demo_followups(
    s: Session,
    rng: random.Random,
    today: dt.date,
    students: dict[int, tuple],
    teacher_of: dict[int, int | None],
    staff: dict[int, StaffMember],
) -> None:
    concern = list(
        s.scalars(
            select(ContactRecord)
            .where(ContactRecord.tone == Tone.CONCERN)
            .order_by(ContactRecord.at.desc(), ContactRecord.id)
            .limit(8)
        )
    )
    first_class = min((c for c in teacher_of if teacher_of[c]), default=None)
    if first_class is not None:
        owner = teacher_of[first_class]
        pupils = sorted(sid for sid, row in students.items() if row[1] == first_class)
        for i, sid in enumerate(pupils[:3]):
            s.add(
                FollowUpAction(
                    student_id=sid,
                    owner_id=owner,
                    description=(
                        "Send home the new PECS book and ring to explain it.",
                        "Check the family got the trip letter (no reply yet).",
                        "Ring back about the change of transport.",
                    )[i],
                    due_date=today + dt.timedelta(days=(-2, 1, 6)[i]),
                )
            )
    for i, contact in enumerate(concern):
        _, class_id, _, _ = students[contact.student_id]
        owner = teacher_of.get(class_id) or next(iter(staff))
        s.add(
            FollowUpAction(
                contact_id=contact.id,
                student_id=contact.student_id,
                owner_id=owner,
                description=(
                    "Ring back after the weekend to see how things are at home.",
                    "Arrange a meeting with the family and the school nurse.",
                    "Send the visual timetable home in the book bag.",
                    "Ask the family support worker to offer a home visit.",
                )[i % 4],
                due_date=today + dt.timedelta(days=rng.randint(-4, 10)),
            )
        )


# -- years of history, for benchmarks -----------------------------------------------------------


@dataclass(frozen=True)
class HistoryResult:
    terms: int
    contacts: int
    homebook_entries: int


def ensure_years(db: Database, first_year: int, last_year: int) -> int:
    """Academic years first_year/.. to last_year/.. with the usual English pattern."""
    made = 0
    with db.transaction() as s:
        names = set(s.scalars(select(AcademicYear.name)))
        for start in range(first_year, last_year + 1):
            if year_name(start) in names:
                continue
            year = AcademicYear(
                name=year_name(start),
                start_date=dt.date(start, 9, 1),
                end_date=dt.date(start + 1, 8, 31),
            )
            for name, first, last, ht_start, ht_end in english_term_pattern(start):
                year.terms.append(
                    Term(
                        name=name,
                        start_date=first,
                        end_date=last,
                        half_term_start=ht_start,
                        half_term_end=ht_end,
                    )
                )
            s.add(year)
            made += 1
    return made


def generate_years(
    db: Database,
    *,
    years: int = 10,
    contacts: int = 150_000,
    homebook_entries: int = 300_000,
    today: dt.date | None = None,
    seed: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryResult:
    """Bulk-insert ``years`` of contacts and home-book pages for the students on roll."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    first_year = (today.year if today.month >= 9 else today.year - 1) - years + 1
    ensure_years(db, first_year, first_year + years - 1)
    with db.read() as s:
        families, students = _families(s)
        terms = [
            (t.start_date, min(t.end_date, today - dt.timedelta(days=1)))
            for t in s.scalars(
                select(Term)
                .where(Term.start_date >= dt.date(first_year, 9, 1), Term.start_date <= today)
                .order_by(Term.start_date)
            )
        ]
        staff_ids = list(s.scalars(select(StaffMember.id)))
        next_contact = (s.scalar(select(func.max(ContactRecord.id))) or 0) + 1
        existing_pages: set[tuple[int, dt.date, Author]] = {
            (sid, day, author)
            for sid, day, author in s.execute(
                select(HomeBookEntry.student_id, HomeBookEntry.day, HomeBookEntry.author)
            )
        }
    term_days = [_school_days(a, b) for a, b in terms if a <= b]
    all_days = [d for days in term_days for d in days]
    family_list = [f for fams in families.values() for f in fams]
    if not family_list or not term_days:
        return HistoryResult(0, 0, 0)
    total = contacts + homebook_entries
    done = 0
    now = dt.datetime.now(dt.UTC)
    batch: list[dict[str, object]] = []
    links: list[dict[str, object]] = []
    made_contacts = 0
    with db.transaction() as s:
        for i in range(contacts):
            family = family_list[i % len(family_list)]
            days = term_days[rng.randrange(len(term_days))]
            day = days[rng.randrange(len(days))]
            roll = rng.random()
            outcome = (
                Outcome.SPOKE
                if roll < 0.7
                else Outcome.NO_ANSWER
                if roll < 0.9
                else Outcome.VOICEMAIL
            )
            tone_roll = rng.random()
            tone = (
                Tone.POSITIVE
                if tone_roll < 0.55
                else Tone.NEUTRAL
                if tone_roll < 0.85
                else Tone.CONCERN
            )
            at = min(_moment(day, rng), now)
            batch.append(
                {
                    "id": next_contact,
                    "student_id": family.student_id,
                    "staff_id": staff_ids[i % len(staff_ids)],
                    "at": at,
                    "channel": Channel.PHONE,
                    "direction": Direction.TO_HOME,
                    "purpose": Purpose.TERMLY,
                    "tone": tone,
                    "outcome": outcome,
                    "interpreter": InterpreterKind.NONE,
                    "interpreter_name": "",
                    "interpreter_language": "",
                    "summary": "Termly call.",
                    "restricted": False,
                    "created_at": at,
                    "version": 1,
                    "updated_at": at,
                }
            )
            links.append({"contact_id": next_contact, "carer_id": family.carer_ids[0]})
            next_contact += 1
            made_contacts += 1
            if len(batch) >= 5000:
                s.execute(insert(ContactRecord), batch)
                s.execute(insert(ContactCarer), links)
                done += len(batch)
                batch, links = [], []
                if progress:
                    progress(done, total)
        if batch:
            s.execute(insert(ContactRecord), batch)
            s.execute(insert(ContactCarer), links)
            done += len(batch)
        if s.bind is not None and s.bind.dialect.name == "postgresql":
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('contact_record', 'id'), "
                    "(SELECT max(id) FROM contact_record))"
                )
            )
    made_pages = 0
    student_ids = sorted(students)
    pages: list[dict[str, object]] = []
    seen = set(existing_pages)
    with db.transaction() as s:
        attempts = 0
        while made_pages < homebook_entries and attempts < homebook_entries * 3:
            attempts += 1
            sid = student_ids[rng.randrange(len(student_ids))]
            day = all_days[rng.randrange(len(all_days))]
            author = Author.SCHOOL if rng.random() < 0.8 else Author.FAMILY
            key = (sid, day, author)
            if key in seen:
                continue
            seen.add(key)
            stamp = dt.datetime.combine(day, dt.time(15)).astimezone(dt.UTC)
            pages.append(
                {
                    "student_id": sid,
                    "day": day,
                    "author": author,
                    "activities": "Sensory story, outdoor play." if author is Author.SCHOOL else "",
                    "mood": rng.randint(1, 5) if author is Author.SCHOOL else None,
                    "achievements": "Star of the day" if rng.random() < 0.2 else "",
                    "events": "",
                    "eating": "",
                    "drinking": "",
                    "sleep": "",
                    "toileting": "",
                    "medication": "",
                    "family_kind": FamilyEntryKind.RECEIVED if author is Author.FAMILY else None,
                    "message": "",
                    "needs_reply": False,
                    "created_at": stamp,
                    "version": 1,
                    "updated_at": stamp,
                }
            )
            made_pages += 1
            if len(pages) >= 10000:
                s.execute(insert(HomeBookEntry), pages)
                done += len(pages)
                pages = []
                if progress:
                    progress(done, total)
        if pages:
            s.execute(insert(HomeBookEntry), pages)
            done += len(pages)
    if progress:
        progress(total, total)
    return HistoryResult(len(term_days), made_contacts, made_pages)


__all__ = ["HistoryResult", "demo_history", "ensure_years", "generate_years"]
