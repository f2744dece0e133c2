"""Slips that come back: ticked off by their code, answers recorded, conflicts decided.

* :meth:`ReturnsService.lookup` finds the copy a typed or scanned code belongs to; a code with
  a mistyped character is refused by its check character, and one already ticked off says so.
* :meth:`ReturnsService.record` keeps the slip's answers (one return per copy: a slip scanned
  twice is reported, never counted twice).
* :meth:`ReturnsService.outstanding` lists the copies of a run still to come back, and
  :meth:`ReturnsService.reminder_keys` the households a reminder run goes to.
* When carers in separate households answer a question differently (one gives consent, the
  other refuses), :meth:`ReturnsService.conflicts` shows it to a senior user, who records what
  stands with :meth:`ReturnsService.decide`; the first answer is never simply taken.
* :meth:`ReturnsService.agreements` tracks home-school agreements from their forms: version,
  date issued, each household's signature date and the head teacher's. An unsigned agreement
  blocks nothing (policy 003: no pupil suffers for it).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.documents import Choice, FillLines, LetterTemplate, load_template_text
from hsp_desktop.documents.merge import Merger
from hsp_desktop.errors import KnownError, NotFoundError, ValidationError
from hsp_desktop.model import (
    IssuedLetter,
    IssuedLetterStudent,
    LetterRun,
    SchoolClass,
    SlipDecision,
    SlipReturn,
    Student,
    rules,
)
from hsp_desktop.services import audit, return_codes
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version
from hsp_desktop.services.letter_data import decode, student_name
from hsp_desktop.services.letter_recipients import language_name
from hsp_desktop.services.letters import utc_now
from hsp_desktop.services.visibility import student_scope
from hsp_desktop.store import Database

AGREEMENT = "home_school_agreement"
Clock = Callable[[], dt.datetime]

_TAG = re.compile(r"<[^>]+>")


class AlreadyReturned(KnownError):
    """This slip was ticked off before; nothing was changed."""

    title = "Already returned"

    def __init__(self, message: str, slip: SlipView) -> None:
        super().__init__(message)
        self.slip = slip


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    name: str
    kind: Literal["choice", "lines"]
    question: str  # in English, filled in for this student
    options: tuple[tuple[str, str], ...]  # (value, text) for a choice

    def label(self, value: str) -> str:
        return dict(self.options).get(value, value)


@dataclass(frozen=True, slots=True)
class ReturnView:
    id: int
    answers: Mapping[str, str]
    signed_by: str
    received_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime
    version: int


@dataclass(frozen=True, slots=True)
class SlipView:
    issued_id: int
    code: str
    run_id: int
    template_id: str
    title: str
    student_ids: tuple[int, ...]
    student_name: str
    class_name: str
    addressee: str
    carers: tuple[str, ...]  # who may have signed: the carers the copy went to
    language_name: str
    issued_on: dt.date
    answers: tuple[AnswerSpec, ...]
    returned: ReturnView | None

    def summary(self, answers: Mapping[str, str]) -> str:
        parts = []
        for spec in self.answers:
            value = answers.get(spec.name, "")
            if spec.kind == "choice" and value:
                parts.append(spec.label(value))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ConflictAnswer:
    issued_id: int
    addressee: str
    value: str
    text: str
    received_on: dt.date


@dataclass(frozen=True, slots=True)
class Conflict:
    run_id: int
    title: str
    student_id: int
    student_name: str
    class_name: str
    question: str  # the answer's name
    question_text: str
    answers: tuple[ConflictAnswer, ...]
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Recorded:
    slip: SlipView
    conflicts: tuple[Conflict, ...]  # conflicts this return opened


@dataclass(frozen=True, slots=True)
class OutstandingRow:
    issued_id: int
    code: str
    student_id: int
    student_name: str
    class_name: str
    household_id: int | None
    addressee: str
    channel: str
    other_household_answered: bool  # another household of the student sent theirs back


@dataclass(frozen=True, slots=True)
class AgreementSignature:
    addressee: str
    signed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AgreementRow:
    student_id: int
    student_name: str
    class_name: str
    version: str
    issued_on: dt.date
    households: tuple[AgreementSignature, ...]
    head_signed_on: dt.date | None
    return_id: int | None  # a return the head's signature can be added to
    return_version: int = 0

    @property
    def family_signed(self) -> bool:
        return any(h.signed_on for h in self.households)

    @property
    def status(self) -> str:
        if self.family_signed and self.head_signed_on:
            return "Signed"
        if self.family_signed:
            return "Signed by the family; the head teacher to sign"
        return "Not signed yet"


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup)).strip()


def _template(run: LetterRun) -> LetterTemplate:
    return load_template_text(run.template_source, run.template_id)


def answer_specs(
    template: LetterTemplate, merge: Mapping[str, Any], run: LetterRun
) -> tuple[AnswerSpec, ...]:
    """The slip's questions in English, filled in as they were printed."""
    students = merge.get("students") or [{}]
    first = students[0]
    student = {
        **first,
        "name": first.get("preferred_name") or first.get("first_name", ""),
        "full_name": f"{first.get('preferred_name') or first.get('first_name', '')} "
        f"{first.get('last_name', '')}".strip(),
    }
    context = {
        "school": run.school,
        "student": student,
        "students": students,
        "recipient": merge.get("recipient", {}),
        "letter_date": run.letter_date,
        "extra": decode(run.extra),
    }
    merger = Merger(context, "ENG")

    def fill(text: str) -> str:
        try:
            return _plain(merger.text(text))
        except Exception:  # a question that cannot be filled is still shown as written
            return _plain(text)

    specs: list[AnswerSpec] = []
    for answer in template.slip_answers:
        if isinstance(answer, Choice):
            specs.append(
                AnswerSpec(
                    answer.name,
                    "choice",
                    fill(answer.question),
                    tuple((o.value, fill(o.text)) for o in answer.options),
                )
            )
        elif isinstance(answer, FillLines):
            specs.append(AnswerSpec(answer.name, "lines", fill(answer.label), ()))
    return tuple(specs)


def _return_view(row: SlipReturn) -> ReturnView:
    return ReturnView(
        row.id,
        dict(row.answers),
        row.signed_by,
        row.received_on,
        row.recorded_by_name,
        row.recorded_at,
        row.version,
    )


class ReturnsService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return self.clock().astimezone().date()

    # -- finding a slip ----------------------------------------------------------------------
    def _slip(self, s: Session, row: IssuedLetter) -> SlipView:
        run = row.run
        merge = decode(row.merge)
        specs = answer_specs(_template(run), merge, run)
        students = [
            sid
            for (sid,) in s.execute(
                select(IssuedLetterStudent.student_id).where(
                    IssuedLetterStudent.issued_letter_id == row.id
                )
            )
        ] or [row.student_id]
        student = s.get(Student, row.student_id)
        klass = student.school_class.name if student and student.school_class else ""
        returned = s.scalar(select(SlipReturn).where(SlipReturn.issued_letter_id == row.id))
        names = tuple(merge.get("recipient", {}).get("names", ())) or (row.addressee,)
        return SlipView(
            issued_id=row.id,
            code=row.return_code or "",
            run_id=run.id,
            template_id=run.template_id,
            title=run.template_title,
            student_ids=tuple(students),
            student_name=student_name(student) if student else "",
            class_name=klass,
            addressee=row.addressee,
            carers=names,
            language_name=language_name(row.language),
            issued_on=row.issued_at.date(),
            answers=specs,
            returned=_return_view(returned) if returned else None,
        )

    def _visible(self, s: Session, actor: Actor, student_id: int) -> None:
        scope = student_scope(actor)
        if (
            scope is not None
            and s.scalar(select(Student.id).where(Student.id == student_id, scope)) is None
        ):
            raise NotFoundError("No slip with that code belongs to a student you can see.")

    def lookup(self, actor: Actor, text: str) -> SlipView:
        """The slip a typed or scanned code belongs to; raises if the code is mistyped."""
        actor.require(Permission.VIEW_STUDENTS)
        code = return_codes.parse(text)
        with self.db.read() as s:
            row = s.scalar(select(IssuedLetter).where(IssuedLetter.return_code == code))
            if row is None:
                raise NotFoundError(
                    f"No letter was sent with the code {code}. It may belong to a run that was "
                    "printed but never recorded as sent."
                )
            self._visible(s, actor, row.student_id)
            return self._slip(s, row)

    # -- recording ---------------------------------------------------------------------------
    def _clean_answers(self, slip: SlipView, answers: Mapping[str, str]) -> dict[str, str]:
        known = {spec.name: spec for spec in slip.answers}
        unknown = sorted(set(answers) - set(known))
        if unknown:
            raise ValidationError(unknown[0], f"is not a question on the {slip.title} slip")
        cleaned: dict[str, str] = {}
        for name, spec in known.items():
            value = (answers.get(name) or "").strip()
            if spec.kind == "choice" and value and value not in dict(spec.options):
                allowed = ", ".join(v for v, _ in spec.options)
                raise ValidationError(spec.question, f"{value!r} is not an answer ({allowed})")
            if spec.kind == "lines":
                value = rules.free_text(spec.question, value, 2000)
            if value:
                cleaned[name] = value
        return cleaned

    def record(
        self,
        actor: Actor,
        code_text: str,
        answers: Mapping[str, str],
        *,
        signed_by: str = "",
        received_on: dt.date | None = None,
    ) -> Recorded:
        """Tick a slip off with its answers. A slip already ticked off raises
        ``AlreadyReturned`` and changes nothing."""
        actor.require(Permission.SEND_LETTERS)
        code = return_codes.parse(code_text)
        received = received_on or self.today()
        if received > self.today():
            raise ValidationError("Received on", "cannot be in the future")
        with self.db.transaction() as s:
            row = s.scalar(select(IssuedLetter).where(IssuedLetter.return_code == code))
            if row is None:
                raise NotFoundError(f"No letter was sent with the code {code}.")
            self._visible(s, actor, row.student_id)
            slip = self._slip(s, row)
            if slip.returned is not None:
                raise AlreadyReturned(
                    f"The slip {code} ({slip.student_name}, {slip.addressee}) was already ticked "
                    f"off on {slip.returned.received_on:%d/%m/%Y} by {slip.returned.recorded_by}. "
                    "It was not counted again.",
                    slip,
                )
            cleaned = self._clean_answers(slip, answers)
            ret = SlipReturn(
                issued_letter_id=row.id,
                answers=cleaned,
                signed_by=rules.optional_text("Signed by", signed_by, 200),
                received_on=received,
                recorded_at=self.clock(),
                recorded_by_id=actor.user_id,
                recorded_by_name=actor.display_name,
            )
            s.add(ret)
            s.flush()
            audit.record(
                s,
                actor,
                "return",
                "slip_return",
                ret.id,
                f"{slip.title}: slip {code} back from {slip.addressee} for {slip.student_name}",
                after={"code": code, **cleaned},
            )
            slip = self._slip(s, row)
            conflicts = tuple(
                c
                for c in self._conflicts(s, actor, run_id=row.run_id)
                if row.student_id == c.student_id
            )
            return Recorded(slip, conflicts)

    def correct(
        self,
        actor: Actor,
        return_id: int,
        read_version: int,
        answers: Mapping[str, str],
        *,
        signed_by: str = "",
    ) -> SlipView:
        """Put right the answers recorded for a slip."""
        actor.require(Permission.SEND_LETTERS)
        with self.db.transaction() as s:
            ret = s.get(SlipReturn, return_id)
            if ret is None:
                raise NotFoundError("That return is no longer on record.")
            check_version(ret, read_version, "returned slip")
            row = s.get(IssuedLetter, ret.issued_letter_id)
            assert row is not None
            self._visible(s, actor, row.student_id)
            slip = self._slip(s, row)
            before = {"answers": dict(ret.answers), "signed_by": ret.signed_by}
            ret.answers = self._clean_answers(slip, answers)
            ret.signed_by = rules.optional_text("Signed by", signed_by, 200)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "slip_return",
                ret.id,
                f"{slip.title}: answers corrected for {slip.student_name}",
                before=before,
                after={"answers": dict(ret.answers), "signed_by": ret.signed_by},
            )
            return self._slip(s, row)

    # -- runs: outstanding and reminders -------------------------------------------------------
    def _family(self, s: Session, run_id: int) -> list[int]:
        """The run and its reminder runs: a slip back from either counts."""
        ids = [run_id]
        frontier = [run_id]
        while frontier:
            found = list(
                s.scalars(select(LetterRun.id).where(LetterRun.reminder_of_id.in_(frontier)))
            )
            ids += found
            frontier = found
        return ids

    def outstanding(self, actor: Actor, run_id: int) -> list[OutstandingRow]:
        """Copies of the run with a slip that has not come back (a reminder's copy counts)."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            run = s.get(LetterRun, run_id)
            if run is None:
                raise NotFoundError("That letter run is no longer on record.")
            family = self._family(s, run_id)
            rows = s.execute(
                select(IssuedLetter, SlipReturn.id)
                .outerjoin(SlipReturn, SlipReturn.issued_letter_id == IssuedLetter.id)
                .where(IssuedLetter.run_id.in_(family), IssuedLetter.return_code.is_not(None))
                .order_by(IssuedLetter.run_id, IssuedLetter.position)
            ).all()
            back: set[tuple[int, int | None]] = set()
            students_back: set[int] = set()
            for letter, returned in rows:
                if returned is not None:
                    back.add((letter.student_id, letter.household_id))
                    students_back.add(letter.student_id)
            names = self._student_names(s, {letter.student_id for letter, _ in rows})
            out: list[OutstandingRow] = []
            for letter, returned in rows:
                if letter.run_id != run_id or returned is not None:
                    continue
                if (letter.student_id, letter.household_id) in back:
                    continue  # the reminder's copy came back instead
                name, klass = names.get(letter.student_id, ("", ""))
                out.append(
                    OutstandingRow(
                        letter.id,
                        letter.return_code or "",
                        letter.student_id,
                        name,
                        klass,
                        letter.household_id,
                        letter.addressee,
                        letter.channel.label,
                        letter.student_id in students_back,
                    )
                )
            return out

    @staticmethod
    def _student_names(s: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        id_list = list(ids)
        for i in range(0, len(id_list), 500):
            for student, klass in s.execute(
                select(Student, SchoolClass.name)
                .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.id.in_(id_list[i : i + 500]))
            ):
                found[student.id] = (student_name(student), klass or "")
        return found

    def reminder_keys(
        self, actor: Actor, run_id: int, *, include_answered_students: bool = False
    ) -> tuple[str, list[int], list[tuple[int, int | None]]]:
        """What a reminder run needs: the template id, the students and the (student,
        household) pairs still outstanding. Students another household of theirs answered for
        are left out unless asked for."""
        rows = self.outstanding(actor, run_id)
        with self.db.read() as s:
            run = s.get(LetterRun, run_id)
            assert run is not None
            template_id = run.template_id
        chosen = [r for r in rows if include_answered_students or not r.other_household_answered]
        students = sorted({r.student_id for r in chosen})
        return template_id, students, [(r.student_id, r.household_id) for r in chosen]

    # -- conflicting answers -------------------------------------------------------------------
    def conflicts(self, actor: Actor, run_id: int | None = None) -> list[Conflict]:
        """Questions carers in separate households answered differently, not yet decided."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._conflicts(s, actor, run_id=run_id)

    def _conflicts(self, s: Session, actor: Actor, *, run_id: int | None) -> list[Conflict]:
        query = (
            select(IssuedLetter, SlipReturn, LetterRun)
            .join(SlipReturn, SlipReturn.issued_letter_id == IssuedLetter.id)
            .join(LetterRun, LetterRun.id == IssuedLetter.run_id)
        )
        if run_id is not None:
            query = query.where(IssuedLetter.run_id.in_(self._family(s, run_id)))
        scope = student_scope(actor)
        if scope is not None:
            query = query.join(Student, Student.id == IssuedLetter.student_id).where(scope)
        # Group by the run a reminder belongs to, and the student.
        groups: dict[tuple[int, int], list[tuple[IssuedLetter, SlipReturn, LetterRun]]] = (
            defaultdict(list)
        )
        for letter, ret, run in s.execute(query.order_by(SlipReturn.received_on, SlipReturn.id)):
            base = run.reminder_of_id or run.id
            groups[(base, letter.student_id)].append((letter, ret, run))
        if not groups:
            return []
        decided = {
            (d.run_id, d.student_id, d.question)
            for d in s.scalars(
                select(SlipDecision).where(SlipDecision.run_id.in_({base for base, _ in groups}))
            )
        }
        names = self._student_names(s, {sid for _, sid in groups})
        out: list[Conflict] = []
        templates: dict[int, LetterTemplate] = {}
        for (base, student_id), items in groups.items():
            latest: dict[int | None, tuple[IssuedLetter, SlipReturn, LetterRun]] = {}
            for item in items:
                latest[
                    item[0].household_id if item[0].household_id is not None else -item[0].id
                ] = item
            if len(latest) < 2:
                continue
            first_run = items[0][2]
            template = templates.setdefault(first_run.id, _template(first_run))
            specs = answer_specs(template, decode(items[0][0].merge), first_run)
            for spec in specs:
                if spec.kind != "choice" or (base, student_id, spec.name) in decided:
                    continue
                given = [
                    (letter, ret)
                    for letter, ret, _ in latest.values()
                    if ret.answers.get(spec.name)
                ]
                if len({ret.answers[spec.name] for _, ret in given}) < 2:
                    continue
                name, klass = names.get(student_id, ("", ""))
                out.append(
                    Conflict(
                        base,
                        first_run.template_title,
                        student_id,
                        name,
                        klass,
                        spec.name,
                        spec.question,
                        tuple(
                            ConflictAnswer(
                                letter.id,
                                letter.addressee,
                                ret.answers[spec.name],
                                spec.label(ret.answers[spec.name]),
                                ret.received_on,
                            )
                            for letter, ret in given
                        ),
                        spec.options,
                    )
                )
        return out

    def decide(
        self, actor: Actor, run_id: int, student_id: int, question: str, value: str, note: str
    ) -> None:
        """A senior user records which answer stands, and why."""
        actor.require(Permission.RESOLVE_SLIP_CONFLICTS)
        clean_note = rules.required_text("Reason", note, 2000)
        with self.db.transaction() as s:
            conflict = next(
                (
                    c
                    for c in self._conflicts(s, actor, run_id=run_id)
                    if c.student_id == student_id and c.question == question
                ),
                None,
            )
            if conflict is None:
                raise NotFoundError("There is no open conflict for that question any more.")
            if value not in dict(conflict.options):
                raise ValidationError(conflict.question_text, f"{value!r} is not an answer")
            decision = SlipDecision(
                run_id=conflict.run_id,
                student_id=student_id,
                question=question,
                value=value,
                note=clean_note,
                decided_at=self.clock(),
                decided_by_id=actor.user_id,
                decided_by_name=actor.display_name,
            )
            s.add(decision)
            s.flush()
            audit.record(
                s,
                actor,
                "decide",
                "slip_decision",
                decision.id,
                f"{conflict.title}: {conflict.student_name} — {dict(conflict.options)[value]}",
                after={"question": question, "value": value, "note": clean_note},
            )

    def answer_for(self, actor: Actor, run_id: int, student_id: int, question: str) -> str | None:
        """What stands for a student: the decision if there was a conflict, else the one
        answer given; None while nothing came back or a conflict is open."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            run = s.get(LetterRun, run_id)
            if run is None:
                raise NotFoundError("That letter run is no longer on record.")
            base = run.reminder_of_id or run.id
            decision = s.scalar(
                select(SlipDecision).where(
                    SlipDecision.run_id == base,
                    SlipDecision.student_id == student_id,
                    SlipDecision.question == question,
                )
            )
            if decision is not None:
                return decision.value
            values = {
                ret.answers.get(question)
                for ret in s.scalars(
                    select(SlipReturn)
                    .join(IssuedLetter, IssuedLetter.id == SlipReturn.issued_letter_id)
                    .where(
                        IssuedLetter.run_id.in_(self._family(s, base)),
                        IssuedLetter.student_id == student_id,
                    )
                )
            } - {None, ""}
            return next(iter(values)) if len(values) == 1 else None

    # -- home-school agreements ------------------------------------------------------------------
    def agreements(self, actor: Actor, *, unsigned_only: bool = False) -> list[AgreementRow]:
        """The latest agreement issued to each student, with who has signed it."""
        actor.require(Permission.VIEW_STUDENTS)
        query = (
            select(IssuedLetter, LetterRun, SlipReturn)
            .join(LetterRun, LetterRun.id == IssuedLetter.run_id)
            .outerjoin(SlipReturn, SlipReturn.issued_letter_id == IssuedLetter.id)
            .where(LetterRun.template_id == AGREEMENT)
            .order_by(LetterRun.created_at, IssuedLetter.position)
        )
        scope = student_scope(actor)
        if scope is not None:
            query = query.join(Student, Student.id == IssuedLetter.student_id).where(scope)
        with self.db.read() as s:
            latest: dict[int, tuple[LetterRun, list[tuple[IssuedLetter, SlipReturn | None]]]] = {}
            for letter, run, ret in s.execute(query):
                current = latest.get(letter.student_id)
                if current is None or current[0].id != run.id:
                    if current is None or run.created_at >= current[0].created_at:
                        latest[letter.student_id] = (run, [])
                    else:
                        continue
                latest[letter.student_id][1].append((letter, ret))
            names = self._student_names(s, set(latest))
            rows: list[AgreementRow] = []
            for student_id, (run, copies) in latest.items():
                households = []
                head: dt.date | None = None
                return_id: int | None = None
                return_version = 0
                for copy, back in copies:
                    signed = None
                    if back is not None:
                        if return_id is None:
                            return_id, return_version = back.id, back.version
                        signed = _date_answer(back.answers.get("family_date")) or (
                            back.received_on
                            if back.answers.get("family_signature") or back.signed_by
                            else None
                        )
                        head = head or _date_answer(back.answers.get("school_date"))
                    households.append(AgreementSignature(copy.addressee, signed))
                name, klass = names.get(student_id, ("", ""))
                row = AgreementRow(
                    student_id,
                    name,
                    klass,
                    run.template_fingerprint[:8],
                    run.created_at.date(),
                    tuple(households),
                    head,
                    return_id,
                    return_version,
                )
                if not unsigned_only or not row.family_signed:
                    rows.append(row)
        rows.sort(key=lambda r: (r.class_name, r.student_name))
        return rows

    def record_head_signature(
        self, actor: Actor, return_id: int, read_version: int, signed_on: dt.date
    ) -> None:
        actor.require(Permission.SEND_LETTERS)
        if signed_on > self.today():
            raise ValidationError("Head teacher signed on", "cannot be in the future")
        with self.db.transaction() as s:
            ret = s.get(SlipReturn, return_id)
            if ret is None:
                raise NotFoundError("That returned agreement is no longer on record.")
            check_version(ret, read_version, "returned agreement")
            before = dict(ret.answers)
            ret.answers = {**ret.answers, "school_date": signed_on.strftime("%d/%m/%Y")}
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "slip_return",
                ret.id,
                "Home-school agreement signed by the head teacher",
                before={"school_date": before.get("school_date")},
                after={"school_date": ret.answers["school_date"]},
            )


def _date_answer(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return rules.parse_date("Date", str(value))
    except ValidationError:
        return None
