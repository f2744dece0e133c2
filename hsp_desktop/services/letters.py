"""Letters for one student: templates, translation status, checks by fluent speakers, previews.

When is a translation good enough to print alone? The rule:

* English needs no translation.
* A template with nothing translated into a language prints in English ("missing").
* Otherwise the translation is a *draft*, printed bilingually (home language with English so
  meaning is never lost), until a user allowed to review translations records that a fluent
  speaker checked it. The record is the source of truth: fuzzy flags in the ``.po`` file are
  the translator's own notes and do not count.
* A check holds for the wording it was made on. It stores a fingerprint of the translated
  strings (the template's and the few the renderer prints itself); when a translator changes
  any of them the translation is a draft again until someone checks it again.
* A check cannot be recorded while some of the letter's sentences are not translated at all,
  since those would print in English in a letter meant to be in the home language alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.documents import (
    LetterTemplate,
    MergeContext,
    Recipient,
    Variant,
    load_templates,
    preview_context,
    render_letter,
)
from hsp_desktop.errors import NotFoundError, ValidationError
from hsp_desktop.i18n import catalogs, languages
from hsp_desktop.i18n.formatting import format_date
from hsp_desktop.model import School, SchoolClass, Student, TranslationReview, rules
from hsp_desktop.model.enums import StudentStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.letter_data import (
    clean_extras,
    school_block,
    student_block,
    student_name,
)
from hsp_desktop.services.letter_recipients import (
    LanguageDecision,
    Resolution,
    language_name,
    resolve,
)
from hsp_desktop.services.search import search_key
from hsp_desktop.services.visibility import student_scope, visible_student
from hsp_desktop.store import Database

Clock = Callable[[], dt.datetime]
StatusName = Literal["english", "missing", "draft", "checked"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- translation status -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TranslationState:
    template_id: str
    language: str  # DfE code of the written language
    language_name: str
    status: StatusName
    strings: int  # sentences of the letter (with the renderer's own words)
    untranslated: int
    marked_reviewed: int  # entries the translator marked as no longer needing work
    fingerprint: str
    checked_by: str = ""
    checked_at: dt.datetime | None = None
    note: str = ""
    changed_since_check: bool = False

    @property
    def bilingual(self) -> bool:
        """Printed with English beside it (the default for a draft)."""
        return self.status == "draft"

    @property
    def printed_in(self) -> str:
        """The DfE code a letter for readers of this language is printed in."""
        return languages.ENGLISH.code if self.status == "missing" else self.language

    @property
    def can_be_checked(self) -> bool:
        return self.status == "draft" and self.untranslated == 0

    @property
    def summary(self) -> str:
        name = self.language_name
        if self.status == "english":
            return "English: no translation needed."
        if self.status == "missing":
            return f"Not translated into {name} yet — printed in English."
        if self.status == "checked":
            when = format_date(self.checked_at.date(), "ENG", "long") if self.checked_at else ""
            return f"Checked by {self.checked_by} on {when} — printed in {name} only."
        text = "Draft translation — printed with English."
        if self.untranslated:
            text += f" {self.untranslated} of {self.strings} sentences are not translated yet."
        if self.changed_since_check and self.checked_at is not None:
            when = format_date(self.checked_at.date(), "ENG", "long")
            text += f" The wording changed after {self.checked_by} checked it on {when}."
        return text


def _wanted(template: LetterTemplate) -> list[tuple[str, str]]:
    own = [(template.id, text) for text in template.texts()]
    common = [(catalogs.COMMON, text) for text in catalogs.source_strings(catalogs.COMMON)]
    return own + common


def translation_fingerprint(template: LetterTemplate, language: str) -> str:
    """A hash of the translated strings of ``template`` (fuzzy flags ignored)."""
    catalog = catalogs.catalog_for(language)
    pairs = []
    for context, msgid in _wanted(template):
        translated = catalog.translate(context, msgid) if catalog is not None else None
        pairs.append([context, msgid, translated or ""])
    data = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def written_code(language: str) -> str:
    """The DfE code of the written language for ``language`` (a DfE code or BCP 47 tag)."""
    try:
        lang = languages.get(language)
    except languages.UnknownLanguageError:
        raise ValidationError("Language", f"{language!r} is not a language code we know") from None
    if lang.category == "status":
        return languages.ENGLISH.code
    return lang.written


def translation_state(
    template: LetterTemplate, language: str, review: TranslationReview | None
) -> TranslationState:
    code = written_code(language)
    name = language_name(code)
    if code == languages.ENGLISH.code:
        return TranslationState(template.id, code, name, "english", 0, 0, 0, "")
    catalog = catalogs.catalog_for(code)
    wanted = _wanted(template)
    states = [
        catalog.status_of(ctx, msgid) if catalog is not None else "missing" for ctx, msgid in wanted
    ]
    untranslated = states.count("missing")
    reviewed = states.count("complete")
    fingerprint = translation_fingerprint(template, code)
    catalog_status = catalogs.translation_status(template.id, code, template.texts())
    if catalog_status == "missing":
        return TranslationState(
            template.id, code, name, "missing", len(wanted), untranslated, reviewed, fingerprint
        )
    checked = review is not None and review.fingerprint == fingerprint and untranslated == 0
    return TranslationState(
        template.id,
        code,
        name,
        "checked" if checked else "draft",
        len(wanted),
        untranslated,
        reviewed,
        fingerprint,
        checked_by=review.checked_by_name if review else "",
        checked_at=review.checked_at if review else None,
        note=review.note if review else "",
        changed_since_check=review is not None and not checked,
    )


def latest_reviews(session: Session, template_id: str | None = None) -> dict[tuple[str, str], Any]:
    """The newest check of each (template, language)."""
    query = select(TranslationReview).order_by(TranslationReview.id)
    if template_id is not None:
        query = query.where(TranslationReview.template_id == template_id)
    return {(r.template_id, r.language): r for r in session.scalars(query)}


def language_decision(state: TranslationState) -> LanguageDecision:
    if state.status == "missing":
        return LanguageDecision(
            languages.ENGLISH.code,
            False,
            f"No {state.language_name} translation of this letter yet: printed in English",
        )
    if state.status == "draft":
        return LanguageDecision(
            state.language, True, f"{state.language_name} translation not yet checked"
        )
    return LanguageDecision(state.language, False, "")


class TranslationBook:
    """Translation states for one template within one transaction, worked out once each."""

    def __init__(self, session: Session, template: LetterTemplate) -> None:
        self.template = template
        self.reviews = latest_reviews(session, template.id)
        self._states: dict[str, TranslationState] = {}

    def state(self, language: str) -> TranslationState:
        code = written_code(language)
        if code not in self._states:
            review = self.reviews.get((self.template.id, code))
            self._states[code] = translation_state(self.template, code, review)
        return self._states[code]

    def decide(self, language: str) -> LanguageDecision:
        return language_decision(self.state(language))


# -- plain views --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtraFieldInfo:
    name: str
    label: str
    type: str
    required: bool
    sample: Any
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: str
    title: str
    kind: str
    description: str
    one_per_household: bool
    has_return_slip: bool
    has_easy_read: bool
    extra_fields: tuple[ExtraFieldInfo, ...]


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    code: str
    name: str
    has_catalog: bool


@dataclass(frozen=True, slots=True)
class StudentPick:
    id: int
    name: str
    upn: str
    class_name: str
    search_key: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PreviewRequest:
    template_id: str
    language: str
    student_id: int | None = None  # None: the sample family
    bilingual: bool | None = None  # None: as the translation's status says
    large_print: bool | None = None  # None: as the family needs
    easy_read: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Preview:
    request: PreviewRequest
    pdf: bytes
    translation: TranslationState
    variant: Variant
    language: str  # DfE code the letter is printed in
    addressed_to: str
    notes: tuple[str, ...]


def template_info(template: LetterTemplate) -> TemplateInfo:
    return TemplateInfo(
        id=template.id,
        title=template.title,
        kind=template.kind,
        description=template.description,
        one_per_household=template.one_per_household,
        has_return_slip=template.has_return_slip,
        has_easy_read=template.has_easy_read,
        extra_fields=tuple(
            ExtraFieldInfo(f.name, f.label, f.type, f.required, f.sample, f.columns)
            for f in template.extra_fields
        ),
    )


def find_template(template_id: str) -> LetterTemplate:
    found = load_templates().get(template_id)
    if found is None:
        known = ", ".join(sorted(load_templates()))
        raise NotFoundError(f"There is no letter template '{template_id}'. Templates: {known}.")
    return found


# -- the service --------------------------------------------------------------------------------


class LetterService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return self.clock().astimezone().date()

    # -- templates and languages -------------------------------------------------------------
    def templates(self, actor: Actor) -> list[TemplateInfo]:
        actor.require(Permission.VIEW_STUDENTS)
        return sorted((template_info(t) for t in load_templates().values()), key=lambda t: t.title)

    def template(self, actor: Actor, template_id: str) -> TemplateInfo:
        actor.require(Permission.VIEW_STUDENTS)
        return template_info(find_template(template_id))

    def languages(self) -> list[LanguageChoice]:
        """English and every language letters are translated into, by English name."""
        found = catalogs.catalogs()
        choices = [
            LanguageChoice(code, language_name(code), True)
            for code in found
            if code != languages.ENGLISH.code
        ]
        choices.sort(key=lambda c: c.name)
        return [LanguageChoice(languages.ENGLISH.code, "English", True), *choices]

    def reload_translations(self) -> None:
        """Read the ``.po`` files again (after a translator saved a new version)."""
        catalogs.reload()

    # -- translation checks ------------------------------------------------------------------
    def translation(self, actor: Actor, template_id: str, language: str) -> TranslationState:
        actor.require(Permission.VIEW_STUDENTS)
        template = find_template(template_id)
        with self.db.read() as s:
            return TranslationBook(s, template).state(language)

    def translations(self, actor: Actor, template_id: str) -> list[TranslationState]:
        """The template's state in every language with a catalog, by language name."""
        actor.require(Permission.VIEW_STUDENTS)
        template = find_template(template_id)
        with self.db.read() as s:
            book = TranslationBook(s, template)
            states = [book.state(c.code) for c in self.languages()[1:]]
        return sorted(states, key=lambda st: st.language_name)

    def mark_checked(
        self, actor: Actor, template_id: str, language: str, note: str = ""
    ) -> TranslationState:
        """Record that a fluent speaker checked this translation, as it is worded now."""
        actor.require(Permission.REVIEW_TRANSLATIONS)
        template = find_template(template_id)
        clean_note = rules.free_text("Note", note, 2000)
        with self.db.transaction() as s:
            state = TranslationBook(s, template).state(language)
            if state.status == "english":
                raise ValidationError("Language", "English letters need no translation check")
            if state.status == "missing":
                raise ValidationError(
                    "Language", f"{template.title} is not translated into {state.language_name}"
                )
            if state.status == "checked":
                raise ValidationError(
                    "Language",
                    f"{state.language_name} was already checked by {state.checked_by}",
                )
            if state.untranslated:
                raise ValidationError(
                    "Translation",
                    f"{state.untranslated} of {state.strings} sentences are not translated "
                    f"into {state.language_name} yet; they would print in English",
                )
            review = TranslationReview(
                template_id=template.id,
                language=state.language,
                fingerprint=state.fingerprint,
                checked_by_id=actor.user_id,
                checked_by_name=actor.display_name,
                checked_at=self.clock(),
                note=clean_note,
            )
            s.add(review)
            s.flush()
            audit.record(
                s,
                actor,
                "check",
                "translation_review",
                review.id,
                f"{template.title}: {state.language_name} translation checked by a fluent speaker",
                after={"template": template.id, "language": state.language, "note": clean_note},
            )
            return translation_state(template, state.language, review)

    # -- students ----------------------------------------------------------------------------
    def student_choices(self, actor: Actor) -> list[StudentPick]:
        """Students on roll the actor may see, for a picker searched by name or UPN."""
        actor.require(Permission.VIEW_STUDENTS)
        query = (
            select(Student, SchoolClass.name)
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.status == StudentStatus.ON_ROLL)
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
        scope = student_scope(actor)
        if scope is not None:
            query = query.where(scope)
        with self.db.read() as s:
            return [
                StudentPick(
                    st.id,
                    student_name(st),
                    st.upn,
                    class_name or "",
                    search_key(st.first_name, st.preferred_first_name, st.last_name, st.upn),
                )
                for st, class_name in s.execute(query)
            ]

    def family_language(self, actor: Actor, student_id: int) -> str:
        """The language the student's first household reads (DfE code), English if none."""
        with self.db.read() as s:
            visible_student(s, actor, student_id)
            copies = resolve(s, [student_id], lambda code: LanguageDecision(code, False, "")).copies
        return copies[0].language if copies else languages.ENGLISH.code

    # -- previews ----------------------------------------------------------------------------
    def preview(self, actor: Actor, request: PreviewRequest) -> Preview:
        """The real PDF of one letter, as it would print for the student (or a sample family)."""
        actor.require(Permission.VIEW_STUDENTS)
        template = find_template(request.template_id)
        extra = clean_extras(template, request.extra, use_samples=True)
        notes: list[str] = []
        with self.db.read() as s:
            book = TranslationBook(s, template)
            state = book.state(request.language)
            if request.student_id is None:
                school = school_block(s.scalar(select(School)))
                context = replace(
                    preview_context(template), school=school, extra=extra, letter_date=self.today()
                )
                addressed = context.recipient.salutation + " (sample family)"
                needs_large = False
            else:
                visible_student(s, actor, request.student_id)
                resolution = resolve(
                    s,
                    [request.student_id],
                    book.decide,
                    one_per_household=template.one_per_household,
                )
                context, addressed, needs_large = self._student_context(
                    s, template, resolution, extra
                )
                notes += [a.reason.label + ": " + a.detail for a in resolution.attention]
                if len(resolution.copies) > 1:
                    notes.append(
                        f"{len(resolution.copies)} households get a copy; this preview is "
                        "addressed to the first."
                    )
        bilingual = state.bilingual if request.bilingual is None else request.bilingual
        large = needs_large if request.large_print is None else request.large_print
        variant = Variant(
            bilingual=bilingual and state.status != "english",
            large_print=large,
            easy_read=request.easy_read and template.has_easy_read,
        )
        if request.easy_read and not template.has_easy_read:
            notes.append("This letter has no easy-read version.")
        pdf = render_letter(template, context, state.printed_in, variant)
        return Preview(request, pdf, state, variant, state.printed_in, addressed, tuple(notes))

    def _student_context(
        self,
        s: Session,
        template: LetterTemplate,
        resolution: Resolution,
        extra: dict[str, Any],
    ) -> tuple[MergeContext, str, bool]:
        school = school_block(s.scalar(select(School)))
        if resolution.copies:
            copy = resolution.copies[0]
            context = MergeContext(
                school=school,
                student=copy.students[0],
                recipient=copy.recipient,
                letter_date=self.today(),
                students=copy.students,
                extra=extra,
            )
            return context, copy.recipient.salutation, copy.large_print
        # No household to send it to: show the letter addressed to nobody in particular.
        student_id = resolution.attention[0].student_id if resolution.attention else None
        row = s.get(Student, student_id) if student_id is not None else None
        if row is None:
            raise NotFoundError("The student no longer exists.")
        student = student_block(row, row.school_class.name if row.school_class else "")
        context = MergeContext(
            school=school,
            student=student,
            recipient=Recipient("Parent or carer"),
            letter_date=self.today(),
            students=(student,),
            extra=extra,
        )
        return context, "Parent or carer (no household to send it to)", False

    def render_for_upn(
        self,
        actor: Actor,
        template_id: str,
        language: str,
        upn: str,
        extra: Mapping[str, Any] | None = None,
    ) -> Preview:
        """One letter for the student with this UPN (the ``render`` command)."""
        clean_upn = upn.strip().upper()
        with self.db.read() as s:
            student_id = s.scalar(select(Student.id).where(Student.upn == clean_upn))
        if student_id is None:
            raise NotFoundError(f"No student has the UPN {clean_upn!r}.")
        return self.preview(
            actor, PreviewRequest(template_id, language, student_id, extra=dict(extra or {}))
        )
