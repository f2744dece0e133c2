"""Letter runs: one letter to a student, a class, a list of students or the whole school.

1. :meth:`LetterRunService.plan` works out every copy (see ``letter_recipients``) and writes
   nothing: the run screen shows it and the user confirms.
2. :meth:`LetterRunService.produce` (off the UI thread) emails the households that prefer
   email, recording each copy as it goes, and puts every copy that could not be emailed on
   the print pile; then makes one PDF of the print pile, sorted for envelopes.
3. :meth:`LetterRunService.record_printed` records the printed copies once they went to the
   printer (or were saved to print elsewhere); a print cancelled at the dialog records
   nothing. Copies to households needing letters read aloud add a follow-up call to the class
   teacher's list.

Every copy is kept as an ``IssuedLetter`` with what is needed to print it again as it was: the
run keeps the template text, the school's details, the date and the values typed; the copy
keeps the student(s), the addressee, the language, the variant and the return code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsp_desktop.documents import (
    LetterJob,
    LetterTemplate,
    MergeContext,
    Variant,
    load_template_text,
    render_batch,
    render_letter,
)
from hsp_desktop.errors import Cancelled, KnownError, NotFoundError, ValidationError
from hsp_desktop.model import (
    IssuedLetter,
    IssuedLetterStudent,
    LetterRun,
    School,
    SchoolClass,
    SlipReturn,
    Student,
)
from hsp_desktop.model.enums import StudentStatus
from hsp_desktop.model.letters import DeliveryChannel
from hsp_desktop.services import audit, return_codes
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.followups import FollowUpService
from hsp_desktop.services.letter_data import (
    block_data,
    clean_extras,
    decode,
    encode,
    recipient_from,
    school_block,
    school_from,
    student_from,
    student_name,
)
from hsp_desktop.services.letter_recipients import (
    Attention,
    Copy,
    Exclusion,
    language_name,
    resolve,
)
from hsp_desktop.services.letters import (
    TranslationBook,
    find_template,
    translation_fingerprint,
    utc_now,
)
from hsp_desktop.services.mail import Mailer, MailError
from hsp_desktop.services.visibility import student_scope
from hsp_desktop.store import Database

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
Clock = Callable[[], dt.datetime]
SelectionKind = Literal["student", "class", "students", "school"]

# Households needing letters read aloud: the teacher is asked to ring within this many days.
READ_ALOUD_DAYS = 3
# After this many emails fail because the server cannot be reached, the rest are printed.
SERVER_DOWN_LIMIT = 2


@dataclass(frozen=True, slots=True)
class Selection:
    kind: SelectionKind
    ids: tuple[int, ...] = ()  # student ids, or the class id

    @staticmethod
    def student(student_id: int) -> Selection:
        return Selection("student", (student_id,))

    @staticmethod
    def school_class(class_id: int) -> Selection:
        return Selection("class", (class_id,))

    @staticmethod
    def students(ids: Collection[int]) -> Selection:
        return Selection("students", tuple(ids))

    @staticmethod
    def whole_school() -> Selection:
        return Selection("school")


@dataclass(frozen=True, slots=True)
class RunOptions:
    easy_read: bool = False
    use_email: bool = True
    address_labels: bool = False


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Everything the run screen shows before the user confirms; nothing is written yet."""

    public_id: str
    template_id: str
    template_title: str
    template_source: str
    template_fingerprint: str
    has_return_slip: bool
    scope: str
    letter_date: dt.date
    extra: Mapping[str, Any]
    options: RunOptions
    copies: tuple[Copy, ...]
    excluded: tuple[Exclusion, ...]
    attention: tuple[Attention, ...]
    students: int
    email_note: str  # why nobody is emailed, when email cannot be used
    reminder_of: int | None = None

    @property
    def print_copies(self) -> tuple[Copy, ...]:
        return tuple(c for c in self.copies if c.channel is DeliveryChannel.PRINT)

    @property
    def email_copies(self) -> tuple[Copy, ...]:
        return tuple(c for c in self.copies if c.channel is DeliveryChannel.EMAIL)

    @property
    def languages(self) -> list[tuple[str, int]]:
        """(language as printed, copies), most copies first."""
        return Counter(c.language_name for c in self.copies).most_common()

    @property
    def bilingual_copies(self) -> tuple[Copy, ...]:
        return tuple(c for c in self.copies if c.bilingual)

    @property
    def read_aloud(self) -> tuple[Copy, ...]:
        return tuple(c for c in self.copies if c.read_aloud)

    @property
    def empty_reason(self) -> str:
        """Why there is nothing to send (empty when there is)."""
        if self.copies:
            return ""
        if not self.students:
            return "No students were chosen (or none of them is on roll)."
        reasons = Counter(e.reason.label.lower() for e in self.excluded)
        detail = "; ".join(f"{n} carer(s): {why}" for why, n in reasons.most_common())
        return f"None of the {self.students} student(s) has a household to send this letter to" + (
            f" ({detail})." if detail else ": no carers are on file."
        )


@dataclass(frozen=True, slots=True)
class EmailOutcome:
    position: int
    addressee: str
    email_to: tuple[str, ...]
    sent: bool
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ProducedRun:
    plan: RunPlan
    print_copies: tuple[Copy, ...]  # in the order of the PDF
    pdf: bytes  # empty when nothing is to be printed
    labels_pdf: bytes
    emails: tuple[EmailOutcome, ...]

    @property
    def emailed(self) -> tuple[EmailOutcome, ...]:
        return tuple(e for e in self.emails if e.sent)

    @property
    def email_failures(self) -> tuple[EmailOutcome, ...]:
        return tuple(e for e in self.emails if not e.sent)


@dataclass(frozen=True, slots=True)
class RecordResult:
    run_id: int
    recorded: int  # copies newly recorded (0 when they were recorded before)
    follow_ups: int
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IssuedView:
    id: int
    run_id: int
    template_id: str
    title: str
    student_ids: tuple[int, ...]
    student_names: str
    class_name: str
    household_id: int | None
    addressee: str
    language: str
    language_name: str
    bilingual: bool
    large_print: bool
    easy_read: bool
    channel: DeliveryChannel
    email_to: str
    issued_at: dt.datetime
    issued_by: str
    return_code: str | None
    returned: bool
    why: str

    @property
    def variant_text(self) -> str:
        parts = ["with English"] if self.bilingual else []
        if self.large_print:
            parts.append("large print")
        if self.easy_read:
            parts.append("easy read")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    template_id: str
    title: str
    scope: str
    created_at: dt.datetime
    created_by: str
    copies: int
    printed: int
    emailed: int
    slips: int  # copies that carry a return slip
    returned: int
    reminder_of: int | None

    @property
    def outstanding(self) -> int:
        return self.slips - self.returned


@dataclass(frozen=True, slots=True)
class Reprint:
    pdf: bytes
    notice: str  # empty when the copy prints exactly as it was issued


def template_fingerprint(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def template_source(template: LetterTemplate) -> str:
    if template.source and template.source != "<text>":
        return Path(template.source).read_text(encoding="utf-8")
    raise KnownError(f"The text of the template '{template.id}' cannot be kept with the run.")


def issued_view(
    row: IssuedLetter, run: LetterRun, student_ids: tuple[int, ...], class_name: str, returned: bool
) -> IssuedView:
    merge = decode(row.merge)
    names = ", ".join(
        f"{s.get('preferred_name') or s.get('first_name', '')} {s.get('last_name', '')}".strip()
        for s in merge.get("students", ())
    )
    return IssuedView(
        id=row.id,
        run_id=run.id,
        template_id=run.template_id,
        title=run.template_title,
        student_ids=student_ids,
        student_names=names,
        class_name=class_name,
        household_id=row.household_id,
        addressee=row.addressee,
        language=row.language,
        language_name=language_name(row.language),
        bilingual=row.bilingual,
        large_print=row.large_print,
        easy_read=row.easy_read,
        channel=row.channel,
        email_to=row.email_to,
        issued_at=row.issued_at,
        issued_by=row.issued_by_name,
        return_code=row.return_code,
        returned=returned,
        why=row.why,
    )


class LetterRunService:
    def __init__(
        self, db: Database, followups: FollowUpService | None = None, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.followups = followups or FollowUpService(db)
        self.clock = clock

    def today(self) -> dt.date:
        return self.clock().astimezone().date()

    # -- choosing ----------------------------------------------------------------------------
    def _student_ids(self, s: Session, actor: Actor, selection: Selection) -> tuple[list[int], str]:
        query = select(Student.id).where(Student.status == StudentStatus.ON_ROLL)
        scope = student_scope(actor)
        if scope is not None:
            query = query.where(scope)
        if selection.kind == "school":
            label = "Whole school"
        elif selection.kind == "class":
            if len(selection.ids) != 1:
                raise ValidationError("Class", "choose one class")
            klass = s.get(SchoolClass, selection.ids[0])
            if klass is None:
                raise NotFoundError("That class no longer exists.")
            query = query.where(Student.class_id == klass.id)
            label = klass.name
        else:
            if not selection.ids:
                raise ValidationError("Students", "choose at least one student")
            query = query.where(Student.id.in_(selection.ids))
            label = ""
        ids = list(s.scalars(query.order_by(Student.id)))
        if selection.kind in {"student", "students"}:
            if len(ids) == 1:
                found = s.get(Student, ids[0])
                label = student_name(found) if found else "1 student"
            else:
                label = f"{len(ids)} chosen students"
            missing = set(selection.ids) - set(ids)
            if missing and not ids:
                raise NotFoundError(
                    f"None of the chosen students is on roll or visible to {actor.display_name}."
                )
        return ids, label

    def plan(
        self,
        actor: Actor,
        template_id: str,
        selection: Selection,
        extra: Mapping[str, Any] | None = None,
        options: RunOptions | None = None,
        *,
        email_note: str = "",
        reminder_of: int | None = None,
        only: Collection[tuple[int, int | None]] | None = None,
    ) -> RunPlan:
        """Who gets which copy; writes nothing.

        ``email_note`` says why email cannot be used (then nobody is emailed); ``only``
        keeps just the copies for these (student id, household id) pairs (reminders).
        """
        actor.require(Permission.SEND_LETTERS)
        options = options or RunOptions()
        template = find_template(template_id)
        values = clean_extras(template, extra or {})
        source = template_source(template)
        use_email = options.use_email and not email_note
        with self.db.read() as s:
            ids, scope = self._student_ids(s, actor, selection)
            book = TranslationBook(s, template)
            resolution = resolve(
                s,
                ids,
                book.decide,
                one_per_household=template.one_per_household,
                easy_read=options.easy_read and template.has_easy_read,
                email=use_email,
            )
            copies = list(resolution.copies)
            if only is not None:
                wanted = set(only)
                copies = [c for c in copies if (c.student_ids[0], c.household_id) in wanted]
                copies = [replace(c, position=i) for i, c in enumerate(copies, start=1)]
            if template.has_return_slip:
                codes = self._new_codes(s, len(copies))
                copies = [
                    replace(c, return_code=code) for c, code in zip(copies, codes, strict=True)
                ]
        return RunPlan(
            public_id=uuid.uuid4().hex,
            template_id=template.id,
            template_title=template.title,
            template_source=source,
            template_fingerprint=template_fingerprint(source),
            has_return_slip=template.has_return_slip,
            scope=scope if reminder_of is None else f"Reminder: {scope}",
            letter_date=self.today(),
            extra=values,
            options=options,
            copies=tuple(copies),
            excluded=resolution.excluded,
            attention=resolution.attention,
            students=resolution.students,
            email_note=email_note if options.use_email else "",
            reminder_of=reminder_of,
        )

    @staticmethod
    def _new_codes(s: Session, count: int) -> list[str]:
        codes: list[str] = []
        while len(codes) < count:
            batch = {return_codes.new_code() for _ in range(count - len(codes))} - set(codes)
            taken = set(
                s.scalars(
                    select(IssuedLetter.return_code).where(IssuedLetter.return_code.in_(batch))
                )
            )
            codes += sorted(batch - taken)
        return codes

    # -- producing ---------------------------------------------------------------------------
    def _contexts(self, plan: RunPlan, copies: Sequence[Copy]) -> list[MergeContext]:
        with self.db.read() as s:
            school = school_block(s.scalar(select(School)))
        return [
            MergeContext(
                school=school,
                student=copy.students[0],
                recipient=copy.recipient,
                letter_date=plan.letter_date,
                students=copy.students,
                extra=plan.extra,
            )
            for copy in copies
        ]

    @staticmethod
    def _job(template: LetterTemplate, context: MergeContext, copy: Copy) -> LetterJob:
        variant = Variant(copy.bilingual, copy.large_print, copy.easy_read)
        return LetterJob(template, context, copy.language, variant, copy.return_code)

    def produce(
        self,
        actor: Actor,
        plan: RunPlan,
        mailer: Mailer | None = None,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> ProducedRun:
        """Email who prefers it (recording each copy sent), then make the print pile's PDF.

        Copies that cannot be emailed go on the print pile. Raises ``Cancelled`` if asked to
        stop: emails already sent stay recorded, nothing printed is recorded.
        """
        actor.require(Permission.SEND_LETTERS)
        if not plan.copies:
            raise KnownError(plan.empty_reason)
        template = load_template_text(plan.template_source, plan.template_id)
        total = len(plan.copies) + (len(plan.copies) if plan.options.address_labels else 0)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        outcomes: list[EmailOutcome] = []
        pile: list[Copy] = list(plan.print_copies)
        to_email = plan.email_copies
        if to_email:
            contexts = self._contexts(plan, to_email)
            server_down = 0
            for copy, context in zip(to_email, contexts, strict=True):
                if cancel is not None and cancel():
                    raise Cancelled("Sending was stopped; emails already sent are recorded.")
                outcome = self._email_one(
                    actor, plan, template, context, copy, mailer, server_down >= SERVER_DOWN_LIMIT
                )
                if outcome.problem.startswith("!"):
                    server_down += 1
                    outcome = replace(outcome, problem=outcome.problem[1:])
                outcomes.append(outcome)
                if not outcome.sent:
                    reason = f"Email not sent: {outcome.problem}"
                    pile.append(
                        replace(
                            copy,
                            channel=DeliveryChannel.PRINT,
                            email_to=(),
                            why=(*copy.why, reason),
                        )
                    )
                step()
        pile.sort(key=lambda c: c.position)
        pdf = b""
        labels = b""
        if pile:
            contexts = self._contexts(plan, pile)
            jobs = [self._job(template, ctx, c) for c, ctx in zip(pile, contexts, strict=True)]
            base = done

            def rendered(count: int, _total: int) -> None:
                if progress is not None:
                    progress(base + count, total)

            pdf = render_batch(jobs, rendered, cancel)
            done = base + len(pile)
            if plan.options.address_labels:
                from hsp_desktop.services.letter_labels import address_labels

                labels = address_labels([c.recipient for c in pile], cancel)
        if progress is not None:
            progress(total, total)
        return ProducedRun(plan, tuple(pile), pdf, labels, tuple(outcomes))

    def _email_one(
        self,
        actor: Actor,
        plan: RunPlan,
        template: LetterTemplate,
        context: MergeContext,
        copy: Copy,
        mailer: Mailer | None,
        give_up: bool,
    ) -> EmailOutcome:
        def failed(problem: str) -> EmailOutcome:
            return EmailOutcome(copy.position, copy.addressee, copy.email_to, False, problem)

        if mailer is None:
            return failed("email is not set up on this computer")
        if give_up:
            return failed("the email server could not be reached, so the rest were printed")
        attachment = render_letter(
            template,
            context,
            copy.language,
            Variant(copy.bilingual, copy.large_print, copy.easy_read),
            copy.return_code,
        )
        message = letter_email(plan, copy, context, attachment)
        try:
            mailer.send(message)
        except MailError as exc:
            return failed(("!" if exc.server_down else "") + exc.message)
        # Recorded at once: the email has gone, whatever happens to the rest of the run.
        self._record(actor, plan, [copy], DeliveryChannel.EMAIL)
        return EmailOutcome(copy.position, copy.addressee, copy.email_to, True)

    # -- recording ---------------------------------------------------------------------------
    def record_printed(self, actor: Actor, produced: ProducedRun) -> RecordResult:
        """The print pile went to the printer (or was saved to print): record every copy."""
        actor.require(Permission.SEND_LETTERS)
        if not produced.print_copies:
            raise KnownError("There were no printed copies in this run.")
        return self._record(actor, produced.plan, produced.print_copies, DeliveryChannel.PRINT)

    def _record(
        self, actor: Actor, plan: RunPlan, copies: Sequence[Copy], channel: DeliveryChannel
    ) -> RecordResult:
        now = self.clock()
        new: list[Copy] = []
        with self.db.transaction() as s:
            run = s.scalar(select(LetterRun).where(LetterRun.public_id == plan.public_id))
            if run is None:
                school = school_block(s.scalar(select(School)))
                run = LetterRun(
                    public_id=plan.public_id,
                    template_id=plan.template_id,
                    template_title=plan.template_title,
                    template_source=plan.template_source,
                    template_fingerprint=plan.template_fingerprint,
                    scope=plan.scope[:300],
                    letter_date=plan.letter_date,
                    school=block_data(school),
                    extra=encode(dict(plan.extra)),
                    easy_read=plan.options.easy_read,
                    reminder_of_id=plan.reminder_of,
                    created_at=now,
                    created_by_id=actor.user_id,
                    created_by_name=actor.display_name,
                )
                s.add(run)
                s.flush()
            done = set(
                s.scalars(select(IssuedLetter.position).where(IssuedLetter.run_id == run.id))
            )
            fingerprints: dict[str, str] = {}
            template = find_template(plan.template_id)
            for copy in copies:
                if copy.position in done:
                    continue
                if copy.language not in fingerprints:
                    fingerprints[copy.language] = (
                        ""
                        if copy.language == "ENG"
                        else translation_fingerprint(template, copy.language)
                    )
                row = IssuedLetter(
                    run_id=run.id,
                    position=copy.position,
                    student_id=copy.student_ids[0],
                    household_id=copy.household_id,
                    carer_ids=[c.id for c in copy.carers],
                    addressee=copy.addressee[:300],
                    language=copy.language,
                    bilingual=copy.bilingual,
                    large_print=copy.large_print,
                    easy_read=copy.easy_read,
                    why="\n".join(copy.why),
                    catalog_fingerprint=fingerprints[copy.language],
                    channel=channel,
                    email_to=", ".join(copy.email_to)[:600],
                    read_aloud=copy.read_aloud,
                    return_code=copy.return_code,
                    merge={
                        "students": [block_data(st) for st in copy.students],
                        "recipient": block_data(copy.recipient),
                    },
                    issued_at=now,
                    issued_by_id=actor.user_id,
                    issued_by_name=actor.display_name,
                )
                row.students = [IssuedLetterStudent(student_id=sid) for sid in copy.student_ids]
                s.add(row)
                new.append(copy)
            if new:
                s.flush()
                how = "emailed" if channel is DeliveryChannel.EMAIL else "printed"
                audit.record(
                    s,
                    actor,
                    "issue",
                    "letter_run",
                    run.id,
                    f"{plan.template_title} ({plan.scope}): {len(new)} copies {how}",
                    after={"positions": [c.position for c in new], "channel": channel.value},
                )
            run_id = run.id
        follow_ups, problems = self._read_aloud_follow_ups(actor, plan, new)
        return RecordResult(run_id, len(new), follow_ups, tuple(problems))

    def _read_aloud_follow_ups(
        self, actor: Actor, plan: RunPlan, copies: Sequence[Copy]
    ) -> tuple[int, list[str]]:
        made = 0
        problems: list[str] = []
        due = self.today() + dt.timedelta(days=READ_ALOUD_DAYS)
        for copy in copies:
            if not copy.read_aloud:
                continue
            owner = copy.class_teacher_id or actor.staff_member_id
            if owner is None:
                problems.append(
                    f"{copy.student_names}: no class teacher to ask to read the letter to "
                    f"{copy.addressee}."
                )
                continue
            who = ", ".join(c.name for c in copy.carers if c.literacy_support) or copy.addressee
            how = language_name(copy.language)
            text = (
                f"Phone to read the letter about “{plan.template_title}” to {who}"
                + (f" (letter in {how})" if copy.language != "ENG" else "")
                + "."
            )
            try:
                self.followups.add(actor, copy.student_ids[0], owner, text, due)
            except KnownError as exc:
                problems.append(f"{copy.student_names}: follow-up not added ({exc.message}).")
                continue
            made += 1
        return made, problems

    # -- reading back ------------------------------------------------------------------------
    def _views(
        self, s: Session, rows: Sequence[tuple[IssuedLetter, LetterRun]]
    ) -> list[IssuedView]:
        ids = [row.id for row, _ in rows]
        students: dict[int, list[int]] = {}
        returned: set[int] = set()
        classes: dict[int, str] = {}
        for chunk in [ids[i : i + 500] for i in range(0, len(ids), 500)]:
            for letter_id, student_id in s.execute(
                select(IssuedLetterStudent.issued_letter_id, IssuedLetterStudent.student_id).where(
                    IssuedLetterStudent.issued_letter_id.in_(chunk)
                )
            ):
                students.setdefault(letter_id, []).append(student_id)
            returned |= set(
                s.scalars(
                    select(SlipReturn.issued_letter_id).where(
                        SlipReturn.issued_letter_id.in_(chunk)
                    )
                )
            )
        primary = {row.student_id for row, _ in rows}
        for sid, name in s.execute(
            select(Student.id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(primary))
        ):
            classes[sid] = name
        return [
            issued_view(
                row,
                run,
                tuple(students.get(row.id, [row.student_id])),
                classes.get(row.student_id, ""),
                row.id in returned,
            )
            for row, run in rows
        ]

    def issued_for_student(self, actor: Actor, student_id: int) -> list[IssuedView]:
        """Every copy about this student, newest first."""
        from hsp_desktop.services.visibility import visible_student

        with self.db.read() as s:
            visible_student(s, actor, student_id)
            rows = s.execute(
                select(IssuedLetter, LetterRun)
                .join(LetterRun, LetterRun.id == IssuedLetter.run_id)
                .join(IssuedLetterStudent, IssuedLetterStudent.issued_letter_id == IssuedLetter.id)
                .where(IssuedLetterStudent.student_id == student_id)
                .order_by(IssuedLetter.issued_at.desc(), IssuedLetter.id.desc())
            ).all()
            return self._views(s, [(r[0], r[1]) for r in rows])

    def run_copies(self, actor: Actor, run_id: int) -> list[IssuedView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            rows = s.execute(
                select(IssuedLetter, LetterRun)
                .join(LetterRun, LetterRun.id == IssuedLetter.run_id)
                .where(IssuedLetter.run_id == run_id)
                .order_by(IssuedLetter.position)
            ).all()
            return self._views(s, [(r[0], r[1]) for r in rows])

    def runs(self, actor: Actor, limit: int = 200) -> list[RunSummary]:
        """Recent runs, newest first, with how many slips came back."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            runs = list(
                s.scalars(select(LetterRun).order_by(LetterRun.created_at.desc()).limit(limit))
            )
            ids = [r.id for r in runs]
            counts: dict[int, Counter[str]] = {rid: Counter() for rid in ids}
            for run_id, channel, has_code, n in s.execute(
                select(
                    IssuedLetter.run_id,
                    IssuedLetter.channel,
                    IssuedLetter.return_code.is_not(None),
                    func.count(),
                )
                .where(IssuedLetter.run_id.in_(ids))
                .group_by(
                    IssuedLetter.run_id, IssuedLetter.channel, IssuedLetter.return_code.is_not(None)
                )
            ):
                counts[run_id][channel.value] += n
                if has_code:
                    counts[run_id]["slips"] += n
            for run_id, n in s.execute(
                select(IssuedLetter.run_id, func.count())
                .join(SlipReturn, SlipReturn.issued_letter_id == IssuedLetter.id)
                .where(IssuedLetter.run_id.in_(ids))
                .group_by(IssuedLetter.run_id)
            ):
                counts[run_id]["returned"] += n
            return [
                RunSummary(
                    run.id,
                    run.template_id,
                    run.template_title,
                    run.scope,
                    run.created_at,
                    run.created_by_name,
                    counts[run.id]["print"] + counts[run.id]["email"],
                    counts[run.id]["print"],
                    counts[run.id]["email"],
                    counts[run.id]["slips"],
                    counts[run.id]["returned"],
                    run.reminder_of_id,
                )
                for run in runs
            ]

    def run_values(self, actor: Actor, run_id: int) -> dict[str, Any]:
        """The values typed for a run's own fields (to send a reminder with the same)."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            run = s.get(LetterRun, run_id)
            if run is None:
                raise NotFoundError("That letter run is no longer on record.")
            return dict(decode(run.extra))

    # -- reprinting --------------------------------------------------------------------------
    def reprint(self, actor: Actor, issued_id: int) -> Reprint:
        """The copy as it was issued: same template text, school details, date, values,
        addressee, language, variant and return code."""
        actor.require(Permission.SEND_LETTERS)
        with self.db.read() as s:
            row = s.get(IssuedLetter, issued_id)
            if row is None:
                raise NotFoundError("That letter is no longer on record.")
            run = row.run
            from hsp_desktop.services.visibility import visible_student

            visible_student(s, actor, row.student_id)
            school_now = s.scalar(select(School))
            current_images = school_block(school_now)
            template = load_template_text(run.template_source, run.template_id)
            merge = decode(row.merge)
            students = tuple(student_from(st) for st in merge.get("students", ()))
            if not students:
                raise KnownError("This letter's record is incomplete and cannot be reprinted.")
            context = MergeContext(
                school=school_from(
                    run.school, current_images.logo_path, current_images.signature_path
                ),
                student=students[0],
                recipient=recipient_from(merge.get("recipient", {})),
                letter_date=run.letter_date,
                students=students,
                extra=decode(run.extra),
            )
            language, code = row.language, row.return_code
            variant = Variant(row.bilingual, row.large_print, row.easy_read)
            stored_fingerprint = row.catalog_fingerprint
        notice = ""
        if language != "ENG" and stored_fingerprint:
            current = translation_fingerprint(template, language)
            if current != stored_fingerprint:
                notice = (
                    f"The {language_name(language)} translation has been changed since this "
                    "letter was issued, so this copy uses the new wording. Everything else is "
                    "as it was sent."
                )
        pdf = render_letter(template, context, language, variant, code)
        return Reprint(pdf, notice)


def letter_email(plan: RunPlan, copy: Copy, context: MergeContext, pdf: bytes) -> EmailMessage:
    """A short covering email in English with the letter attached as a PDF."""
    school = context.school
    message = EmailMessage()
    message["To"] = ", ".join(copy.email_to)
    message["Subject"] = f"{plan.template_title}: {copy.student_names} — {school.name}".strip(" —")
    lines = [
        f"Dear {copy.recipient.salutation},",
        "",
        f"Please find attached a letter from {school.name} about {copy.student_names}.",
    ]
    if copy.return_code:
        lines += [
            "",
            "It has a slip to send back. You can print it, or reply to this email with your "
            f"answers and the code {copy.return_code}.",
        ]
    if copy.language != "ENG":
        lines += ["", f"The letter is written in {copy.language_name}."]
    lines += ["", "Thank you,", school.name]
    if school.phone:
        lines.append(school.phone)
    message.set_content("\n".join(lines))
    first = copy.students[0]
    name = f"{plan.template_id}-{first.first_name}-{first.last_name}.pdf".replace(" ", "-")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return message


__all__ = [
    "EmailOutcome",
    "IssuedView",
    "ProducedRun",
    "RecordResult",
    "Reprint",
    "RunOptions",
    "RunPlan",
    "RunSummary",
    "Selection",
]
