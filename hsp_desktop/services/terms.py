"""Academic years, terms and half-terms, as the school sets them; what "this term" means.

Term dates are set by the local authority or the school itself, so they are data, never
constants. ``english_term_pattern`` only offers a starting point for a new year.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.model import AcademicYear, Term
from hsp_desktop.model.enums import TermName
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.store import Database

TermPattern = list[tuple[TermName, dt.date, dt.date, dt.date, dt.date]]


class NoTermDates(KnownError):
    title = "No term dates"

    def __init__(self) -> None:
        super().__init__(
            "No term dates have been set. An administrator can add them under "
            "Administration → Term dates."
        )


def academic_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def english_term_pattern(start_year: int) -> TermPattern:
    """A usual English pattern: three terms with a week's half-term in each (editable later)."""

    def monday_on_or_after(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=(7 - day.weekday()) % 7)

    def friday_before(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=(day.weekday() - 4) % 7 or 7)

    y, n = start_year, start_year + 1
    autumn_start = monday_on_or_after(dt.date(y, 9, 1)) + dt.timedelta(days=2)  # Wednesday
    autumn_ht = monday_on_or_after(dt.date(y, 10, 23))
    autumn_end = friday_before(dt.date(y, 12, 22))
    spring_start = monday_on_or_after(dt.date(n, 1, 4))
    spring_ht = monday_on_or_after(dt.date(n, 2, 12))
    spring_end = friday_before(dt.date(n, 4, 1))
    summer_start = monday_on_or_after(dt.date(n, 4, 15))
    summer_ht = monday_on_or_after(dt.date(n, 5, 25))
    summer_end = friday_before(dt.date(n, 7, 23))
    week = dt.timedelta(days=4)
    return [
        (TermName.AUTUMN, autumn_start, autumn_end, autumn_ht, autumn_ht + week),
        (TermName.SPRING, spring_start, spring_end, spring_ht, spring_ht + week),
        (TermName.SUMMER, summer_start, summer_end, summer_ht, summer_ht + week),
    ]


def year_name(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def local_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight starting ``first`` to local midnight after ``last``, aware."""
    start = dt.datetime.combine(first, dt.time()).astimezone()
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time()).astimezone()
    return start, end


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date()


@dataclass(frozen=True, slots=True)
class TermView:
    id: int
    academic_year_id: int
    year_name: str
    name: TermName
    start_date: dt.date
    end_date: dt.date
    half_term_start: dt.date | None
    half_term_end: dt.date | None
    version: int

    @property
    def label(self) -> str:
        return f"{self.name.value.capitalize()} term {self.year_name}"

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    def in_half_term(self, day: dt.date) -> bool:
        return bool(
            self.half_term_start
            and self.half_term_end
            and self.half_term_start <= day <= self.half_term_end
        )

    def school_days_left(self, day: dt.date) -> int:
        """Weekdays from ``day`` (counted) to the end of term, half-term excluded."""
        current = max(day, self.start_date)
        count = 0
        while current <= self.end_date:
            if current.weekday() < 5 and not self.in_half_term(current):
                count += 1
            current += dt.timedelta(days=1)
        return count


@dataclass(frozen=True, slots=True)
class YearView:
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    version: int
    terms: tuple[TermView, ...]


@dataclass(frozen=True, slots=True)
class TermPosition:
    """Where a day stands: the term it belongs to (or the one just ended), and what is left."""

    day: dt.date
    term: TermView
    in_term: bool
    days_left: int  # school days from the day to the end of the term, 0 once it ended
    next_term: TermView | None

    @property
    def note(self) -> str:
        if self.in_term:
            if self.term.in_half_term(self.day):
                return f"Half-term. {self.term.label} ends {self.term.end_date:%d/%m/%Y}."
            return f"{self.term.label}: {self.days_left} school days left."
        if self.day < self.term.start_date:
            return f"Before term: the {self.term.label} starts {self.term.start_date:%d/%m/%Y}."
        after = (
            f" The {self.next_term.label} starts {self.next_term.start_date:%d/%m/%Y}."
            if self.next_term
            else " No later term has dates yet."
        )
        return f"Holiday: the {self.term.label} ended {self.term.end_date:%d/%m/%Y}.{after}"


def _term_view(term: Term, year_name_: str) -> TermView:
    return TermView(
        term.id,
        term.academic_year_id,
        year_name_,
        term.name,
        term.start_date,
        term.end_date,
        term.half_term_start,
        term.half_term_end,
        term.version,
    )


def all_terms(session: Session) -> list[TermView]:
    rows = session.execute(
        select(Term, AcademicYear.name)
        .join(AcademicYear, Term.academic_year_id == AcademicYear.id)
        .order_by(Term.start_date)
    ).all()
    return [_term_view(term, name) for term, name in rows]


def position_in(terms: list[TermView], day: dt.date) -> TermPosition:
    """The term containing ``day``; in a holiday the term just ended; before any, the first."""
    if not terms:
        raise NoTermDates()
    current: TermView | None = None
    following: TermView | None = None
    for term in terms:
        if term.start_date <= day:
            current = term
        elif following is None:
            following = term
    if current is None:
        first = terms[0]
        return TermPosition(day, first, False, first.school_days_left(first.start_date), None)
    in_term = current.contains(day)
    return TermPosition(
        day, current, in_term, current.school_days_left(day) if in_term else 0, following
    )


def term_position(session: Session, day: dt.date) -> TermPosition:
    return position_in(all_terms(session), day)


def term_containing(session: Session, day: dt.date) -> TermView | None:
    found = session.execute(
        select(Term, AcademicYear.name)
        .join(AcademicYear, Term.academic_year_id == AcademicYear.id)
        .where(Term.start_date <= day, Term.end_date >= day)
    ).first()
    return _term_view(found[0], found[1]) if found else None


_ORDER = {TermName.AUTUMN: 0, TermName.SPRING: 1, TermName.SUMMER: 2}


class TermService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ----------------------------------------------------------------------------
    def years(self) -> list[YearView]:
        with self.db.read() as s:
            years = s.scalars(select(AcademicYear).order_by(AcademicYear.start_date)).all()
            return [
                YearView(
                    y.id,
                    y.name,
                    y.start_date,
                    y.end_date,
                    y.version,
                    tuple(_term_view(t, y.name) for t in y.terms),
                )
                for y in years
            ]

    def terms(self) -> list[TermView]:
        with self.db.read() as s:
            return all_terms(s)

    def position(self, day: dt.date | None = None) -> TermPosition:
        with self.db.read() as s:
            return term_position(s, day or dt.date.today())

    def term_on(self, day: dt.date) -> TermView | None:
        with self.db.read() as s:
            return term_containing(s, day)

    def suggested_next_year(self, today: dt.date | None = None) -> int:
        """The first academic year (by its starting calendar year) not yet set up."""
        with self.db.read() as s:
            starts = {d.year for d in s.scalars(select(AcademicYear.start_date))}
        year = academic_year_start(today or dt.date.today())
        while year in starts:
            year += 1
        return year

    # -- writing ----------------------------------------------------------------------------
    def create_year(self, actor: Actor, start_year: int) -> YearView:
        """A new academic year with the usual English pattern of terms, to be adjusted."""
        actor.require(Permission.MANAGE_TERMS)
        if not 2000 <= start_year <= 2100:
            raise ValidationError("Academic year", f"{start_year} is not a plausible year")
        name = year_name(start_year)
        with self.db.transaction() as s:
            if s.scalar(select(AcademicYear.id).where(AcademicYear.name == name)):
                raise ValidationError("Academic year", f"{name} already exists")
            year = AcademicYear(
                name=name,
                start_date=dt.date(start_year, 9, 1),
                end_date=dt.date(start_year + 1, 8, 31),
            )
            for term_name, first, last, ht_start, ht_end in english_term_pattern(start_year):
                year.terms.append(
                    Term(
                        name=term_name,
                        start_date=first,
                        end_date=last,
                        half_term_start=ht_start,
                        half_term_end=ht_end,
                    )
                )
            s.add(year)
            s.flush()
            self._check_no_overlap(s)
            audit.record(s, actor, "create", "academic_year", year.id, f"Academic year {name}")
            return YearView(
                year.id,
                year.name,
                year.start_date,
                year.end_date,
                year.version,
                tuple(_term_view(t, year.name) for t in year.terms),
            )

    def update_term(
        self,
        actor: Actor,
        term_id: int,
        read_version: int,
        *,
        start_date: dt.date,
        end_date: dt.date,
        half_term_start: dt.date | None,
        half_term_end: dt.date | None,
    ) -> TermView:
        actor.require(Permission.MANAGE_TERMS)
        if end_date < start_date:
            raise ValidationError("Last day", "cannot be before the first day")
        if (half_term_start is None) != (half_term_end is None):
            raise ValidationError("Half-term", "needs both a first and a last day, or neither")
        if half_term_start and half_term_end:
            if half_term_end < half_term_start:
                raise ValidationError("Half-term", "ends before it starts")
            if half_term_start <= start_date or half_term_end >= end_date:
                raise ValidationError("Half-term", "must fall inside the term")
        with self.db.transaction() as s:
            term = get_or_fail(s, Term, term_id, "term")
            check_version(term, read_version, "term")
            year = term.academic_year
            label = f"{term.name.value.capitalize()} term {year.name}"
            if start_date < year.start_date or end_date > year.end_date:
                raise ValidationError(
                    label,
                    f"must fall inside the academic year "
                    f"({year.start_date:%d/%m/%Y} to {year.end_date:%d/%m/%Y})",
                )
            before = audit.snapshot(term)
            term.start_date = start_date
            term.end_date = end_date
            term.half_term_start = half_term_start
            term.half_term_end = half_term_end
            s.flush()
            self._check_no_overlap(s)
            audit.record(s, actor, "update", "term", term.id, label, before, audit.snapshot(term))
            return _term_view(term, year.name)

    def delete_year(self, actor: Actor, year_id: int, read_version: int) -> None:
        actor.require(Permission.MANAGE_TERMS)
        with self.db.transaction() as s:
            year = get_or_fail(s, AcademicYear, year_id, "academic year")
            check_version(year, read_version, "academic year")
            name = year.name
            s.delete(year)
            audit.record(s, actor, "delete", "academic_year", year_id, f"Academic year {name}")

    @staticmethod
    def _check_no_overlap(s: Session) -> None:
        terms = all_terms(s)
        for earlier, later in itertools.pairwise(terms):
            if later.start_date <= earlier.end_date:
                raise ValidationError(
                    later.label,
                    f"overlaps the {earlier.label} (which ends {earlier.end_date:%d/%m/%Y})",
                )
            if (
                earlier.academic_year_id == later.academic_year_id
                and _ORDER[later.name] < _ORDER[earlier.name]
            ):
                raise ValidationError(later.label, f"cannot come before the {earlier.label}")
