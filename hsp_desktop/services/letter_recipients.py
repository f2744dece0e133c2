"""Who gets a copy of a letter, in which language, and who does not and why.

The school's rule (policy 004, "duplicate copies"): one copy per household with parental
responsibility that receives correspondence and has no restriction, addressed to the carers
who live there, in the language they read. In detail:

* a carer counts when the link to the student gives parental responsibility, says the carer
  receives correspondence and carries no restriction (no contact, court order); every other
  carer is listed with the reason, never dropped silently;
* eligible carers at one address share a copy; a carer with no usable address can still be
  reached by email if that is how they prefer to hear from school;
* the copy is in the written language of its carers: bilingual (home language with English)
  while that translation is a draft, or when carers at the address read different languages;
  in English when there is no translation yet; large print when a carer there needs it;
* students with no household to write to, and students in care, are listed for attention;
* siblings get one letter each, unless the template is one per household: then siblings at
  one address share a copy that names them all;
* copies are sorted for stuffing envelopes: by class, then household.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.documents import Recipient
from hsp_desktop.documents import Student as LetterStudent
from hsp_desktop.i18n import languages
from hsp_desktop.model import Carer, Household, SchoolClass, Student, StudentCarer
from hsp_desktop.model.enums import ContactMethod, Relationship, Restriction
from hsp_desktop.model.letters import DeliveryChannel
from hsp_desktop.services.letter_data import recipient_block, student_block, student_name


class ExclusionReason(StrEnum):
    RESTRICTION = "restriction"
    NO_CORRESPONDENCE = "no_correspondence"
    NO_PARENTAL_RESPONSIBILITY = "no_parental_responsibility"
    NO_ADDRESS = "no_address"

    @property
    def label(self) -> str:
        return {
            "restriction": "Restriction on contact",
            "no_correspondence": "Does not receive letters",
            "no_parental_responsibility": "No parental responsibility",
            "no_address": "No address",
        }[self.value]


class AttentionReason(StrEnum):
    NO_HOUSEHOLD = "no_household"
    IN_CARE = "in_care"

    @property
    def label(self) -> str:
        return {
            "no_household": "No household to send it to",
            "in_care": "In care: check who should have it",
        }[self.value]


@dataclass(frozen=True, slots=True)
class CopyCarer:
    id: int
    name: str
    written_language: str  # DfE code of the language letters should be in
    email: str
    prefers_email: bool
    literacy_support: bool
    large_print: bool


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of the letter: an envelope (or an email)."""

    position: int
    student_ids: tuple[int, ...]  # the first is the student the letter is about
    students: tuple[LetterStudent, ...]
    student_names: str
    class_name: str
    household_id: int | None
    carers: tuple[CopyCarer, ...]
    recipient: Recipient
    language: str  # DfE code the letter is written in
    bilingual: bool
    large_print: bool
    easy_read: bool
    why: tuple[str, ...]  # why bilingual, English or large print
    channel: DeliveryChannel
    email_to: tuple[str, ...]
    read_aloud: bool  # a carer here needs letters read aloud
    class_teacher_id: int | None
    return_code: str | None = None

    @property
    def language_name(self) -> str:
        name = language_name(self.language)
        return f"{name} and English" if self.bilingual else name

    @property
    def addressee(self) -> str:
        return self.recipient.salutation


@dataclass(frozen=True, slots=True)
class Exclusion:
    student_id: int
    student_name: str
    class_name: str
    carer_id: int
    carer_name: str
    reason: ExclusionReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Attention:
    student_id: int
    student_name: str
    class_name: str
    reason: AttentionReason
    detail: str


@dataclass(frozen=True, slots=True)
class Resolution:
    copies: tuple[Copy, ...]
    excluded: tuple[Exclusion, ...]
    attention: tuple[Attention, ...]
    students: int


@dataclass(frozen=True, slots=True)
class LanguageDecision:
    """How a template prints for readers of one language."""

    language: str  # DfE code printed in
    bilingual: bool
    reason: str  # empty when the letter prints in the language alone


def language_name(code: str) -> str:
    try:
        return languages.get(code).english_name
    except languages.UnknownLanguageError:
        return code


_IN_CARE = (Relationship.FOSTER_CARER, Relationship.SOCIAL_WORKER)


def _eligibility(link: StudentCarer) -> ExclusionReason | None:
    if link.restriction is not Restriction.NONE:
        return ExclusionReason.RESTRICTION
    if not link.receives_correspondence:
        return ExclusionReason.NO_CORRESPONDENCE
    if not link.parental_responsibility:
        return ExclusionReason.NO_PARENTAL_RESPONSIBILITY
    return None


def _copy_carer(carer: Carer) -> CopyCarer:
    return CopyCarer(
        id=carer.id,
        name=carer.full_name,
        written_language=languages.written_language(carer.written_language).code,
        email=carer.email,
        prefers_email=carer.preferred_contact is ContactMethod.EMAIL and bool(carer.email),
        literacy_support=carer.literacy_support,
        large_print=carer.large_print,
    )


@dataclass
class _Group:
    key: str
    household: Household | None
    carers: list[Carer]
    students: list[Student]


def resolve(
    session: Session,
    student_ids: Collection[int],
    decide: Callable[[str], LanguageDecision],
    *,
    one_per_household: bool = False,
    easy_read: bool = False,
    email: bool = True,
) -> Resolution:
    """Copies for ``student_ids`` (unknown ids are ignored).

    ``decide(language)`` says how the letter prints for readers of a language;
    ``one_per_household`` is the template's; ``easy_read`` asks for the easy-read version (of a
    template that has one); ``email`` is whether email can be used.
    """
    ids = list(dict.fromkeys(student_ids))
    if not ids:
        return Resolution((), (), (), 0)
    students: dict[int, tuple[Student, SchoolClass | None]] = {}
    for chunk in _chunks(ids):
        for found, found_class in session.execute(
            select(Student, SchoolClass)
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(chunk))
        ):
            students[found.id] = (found, found_class)
    links: dict[int, list[tuple[StudentCarer, Carer, Household | None]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in session.execute(
            select(StudentCarer, Carer, Household)
            .join(Carer, Carer.id == StudentCarer.carer_id)
            .outerjoin(Household, Household.id == Carer.household_id)
            .where(StudentCarer.student_id.in_(chunk))
            .order_by(StudentCarer.contact_order, StudentCarer.id)
        ):
            links[row[0].student_id].append((row[0], row[1], row[2]))

    excluded: list[Exclusion] = []
    attention: list[Attention] = []
    per_student: dict[int, list[_Group]] = {}
    for sid in ids:
        if sid not in students:
            continue
        student, school_class = students[sid]
        class_name = school_class.name if school_class else ""
        name = student_name(student)
        groups: dict[str, _Group] = {}
        for link, carer, household in links.get(sid, ()):
            reason = _eligibility(link)
            detail = link.restriction.label if reason is ExclusionReason.RESTRICTION else ""
            reachable_by_email = carer.preferred_contact is ContactMethod.EMAIL and carer.email
            has_address = household is not None and household.has_address
            if reason is None and not has_address and not (email and reachable_by_email):
                reason = ExclusionReason.NO_ADDRESS
                if reachable_by_email:
                    detail = "prefers email, but email is not set up"
            if reason is not None:
                excluded.append(
                    Exclusion(sid, name, class_name, carer.id, carer.full_name, reason, detail)
                )
                continue
            key = f"h{household.id}" if has_address and household else f"c{carer.id}"
            group = groups.setdefault(key, _Group(key, household if has_address else None, [], []))
            group.carers.append(carer)
        if not groups:
            reasons = sorted({e.reason.label.lower() for e in excluded if e.student_id == sid})
            detail = "Carers on file: " + "; ".join(reasons) if reasons else "No carers on file."
            attention.append(Attention(sid, name, class_name, AttentionReason.NO_HOUSEHOLD, detail))
        in_care = [
            carer.full_name
            for link, carer, _ in links.get(sid, ())
            if link.relationship_to_student in _IN_CARE
        ]
        if in_care:
            attention.append(
                Attention(
                    sid,
                    name,
                    class_name,
                    AttentionReason.IN_CARE,
                    f"Looked after; carers on file include {', '.join(in_care)}.",
                )
            )
        per_student[sid] = list(groups.values())

    # Siblings share a copy of a one-per-household letter; otherwise one copy per student.
    envelopes: list[_Group] = []
    if one_per_household:
        shared: dict[str, _Group] = {}
        for sid, student_groups in per_student.items():
            for group in student_groups:
                env = shared.setdefault(group.key, _Group(group.key, group.household, [], []))
                known = {c.id for c in env.carers}
                env.carers.extend(c for c in group.carers if c.id not in known)
                env.students.append(students[sid][0])
        envelopes = list(shared.values())
    else:
        for sid, student_groups in per_student.items():
            for group in student_groups:
                group.students.append(students[sid][0])
                envelopes.append(group)

    ordered: list[tuple[tuple[str, str, str, int, int], Copy]] = []
    for env in envelopes:
        env.students.sort(key=lambda s: (s.date_of_birth, s.last_name, s.first_name))
        first, first_class = students[env.students[0].id]
        copy = _copy(env, first_class, students, decide, easy_read=easy_read, email=email)
        # For stuffing envelopes: one pile per class, then family by family (a student's
        # households in the order their carers are listed), students without a class last.
        rank = [g.key for g in per_student[first.id]].index(env.key)
        order = (
            copy.class_name or "\uffff",
            first.last_name.casefold(),
            first.first_name.casefold(),
            first.id,
            rank,
        )
        ordered.append((order, copy))
    ordered.sort(key=lambda pair: pair[0])
    copies = [replace(copy, position=i) for i, (_, copy) in enumerate(ordered, start=1)]
    return Resolution(tuple(copies), tuple(excluded), tuple(attention), len(per_student))


def _chunks(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _copy(
    env: _Group,
    school_class: SchoolClass | None,
    students: dict[int, tuple[Student, SchoolClass | None]],
    decide: Callable[[str], LanguageDecision],
    *,
    easy_read: bool,
    email: bool,
) -> Copy:
    carers = [_copy_carer(c) for c in env.carers]
    read = list(dict.fromkeys(c.written_language for c in carers))
    home = [code for code in read if code != languages.ENGLISH.code]
    why: list[str] = []
    if not home:
        decision = LanguageDecision(languages.ENGLISH.code, False, "")
    else:
        decision = decide(home[0])
        if decision.reason:
            why.append(decision.reason)
        if len(read) > 1 and decision.language != languages.ENGLISH.code:
            names = " and ".join(language_name(code) for code in read)
            why.append(f"Carers here read {names}")
            if len(home) > 1:
                why.append(f"Only {language_name(home[0])} and English fit on one letter")
            decision = LanguageDecision(decision.language, True, decision.reason)
    large = [c.name for c in carers if c.large_print]
    if large:
        why.append(f"Large print for {', '.join(large)}")
    emails = tuple(c.email for c in carers if c.prefers_email)
    channel = DeliveryChannel.EMAIL if email and emails else DeliveryChannel.PRINT
    people = [students[s.id] for s in env.students]
    letter_students = tuple(student_block(s, k.name if k else "") for s, k in people)
    return Copy(
        position=0,
        student_ids=tuple(s.id for s in env.students),
        students=letter_students,
        student_names=", ".join(student_name(s) for s in env.students),
        class_name=school_class.name if school_class else "",
        household_id=env.household.id if env.household is not None else None,
        carers=tuple(carers),
        recipient=recipient_block(env.carers, env.household),
        language=decision.language,
        bilingual=decision.bilingual,
        large_print=bool(large),
        easy_read=easy_read,
        why=tuple(why),
        channel=channel,
        email_to=emails if channel is DeliveryChannel.EMAIL else (),
        read_aloud=any(c.literacy_support for c in carers),
        class_teacher_id=school_class.teacher_id if school_class else None,
    )
