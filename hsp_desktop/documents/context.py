"""The merge context: the plain data a letter is filled from.

Services build a :class:`MergeContext` (or a mapping with the same keys and nested mappings)
from the database and hand it to :func:`hsp_desktop.documents.render_letter`. Templates read it
with Jinja2 placeholders:

``school``
    ``name``, ``address_lines`` (list), ``phone``, ``email``, ``head_teacher``, ``logo_path``
    and ``signature_path`` (image files or ``None``).
``student``
    ``first_name``, ``last_name``, ``preferred_name`` (empty when none), ``full_name``,
    ``class_name``, ``upn``, ``date_of_birth``; ``name`` is the preferred name if there is one,
    else the first name (use it in letters).
``recipient``
    ``salutation`` (``"Mr and Mrs Khan"``, ``"Ms Nowak"``; used after "Dear"), ``names`` (the
    carers living at the address, for the envelope window) and ``address_lines``.
``students``
    Every student at the household the letter is about (one-per-household letters such as the
    newsletter name them all: ``{{ students|names }}``).
``letter_date``
    The date printed on the letter.
``extra``
    Values one template needs (meeting date and place, trip details, rows of a contact sheet);
    each template lists its own in its ``[extra.*]`` tables, with a sample value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hsp_desktop.documents.errors import TemplateError


@dataclass(frozen=True, slots=True)
class School:
    name: str
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    head_teacher: str = ""
    logo_path: Path | None = None
    signature_path: Path | None = None


@dataclass(frozen=True, slots=True)
class Student:
    first_name: str
    last_name: str
    preferred_name: str = ""
    class_name: str = ""
    upn: str = ""
    date_of_birth: dt.date | None = None

    @property
    def name(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        return f"{self.name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class Recipient:
    salutation: str
    names: tuple[str, ...] = ()
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeContext:
    school: School
    student: Student
    recipient: Recipient
    letter_date: dt.date
    students: tuple[Student, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def as_mapping(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "student": self.student,
            "recipient": self.recipient,
            "students": list(self.students or (self.student,)),
            "letter_date": self.letter_date,
            "extra": _freeze(self.extra),
        }


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _build(cls: type[Any], value: Any, where: str) -> Any:
    if isinstance(value, cls):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if not isinstance(value, Mapping):
        raise TemplateError(f"The letter data for '{where}' is not a record.")
    known = {f.name for f in fields(cls)}
    data = {k: v for k, v in value.items() if k in known}
    for key, item in list(data.items()):
        if isinstance(item, list):
            data[key] = tuple(item)
        if key.endswith("_path") and isinstance(item, str):
            data[key] = Path(item) if item else None
    try:
        return cls(**data)
    except TypeError as exc:
        raise TemplateError(f"The letter data for '{where}' is incomplete: {exc}") from exc


def coerce(context: MergeContext | Mapping[str, Any]) -> MergeContext:
    """Accept a :class:`MergeContext` or a plain mapping with the same keys."""
    if isinstance(context, MergeContext):
        return context
    try:
        student = _build(Student, context["student"], "student")
        students: Sequence[Any] = context.get("students") or (student,)
        return MergeContext(
            school=_build(School, context["school"], "school"),
            student=student,
            recipient=_build(Recipient, context["recipient"], "recipient"),
            letter_date=context.get("letter_date") or dt.date.today(),
            students=tuple(_build(Student, s, "students") for s in students),
            extra=MappingProxyType(dict(context.get("extra") or {})),
        )
    except KeyError as exc:
        raise TemplateError(f"The letter data has no '{exc.args[0]}'.") from exc


def sample_context(extra: Mapping[str, Any] | None = None) -> MergeContext:
    """A made-up family for previews and tests; ``extra`` adds template-specific values."""
    amira = Student("Amira", "Khan", "", "Oak Class", "A123456789012", dt.date(2014, 5, 17))
    yusuf = Student("Yusuf", "Khan", "Yusi", "Willow Class", "A123456789013", dt.date(2017, 1, 9))
    return MergeContext(
        school=School(
            name="Meadowbank School",
            address_lines=("Meadow Lane", "Leeds", "LS6 2AB"),
            phone="0113 496 0000",
            email="office@meadowbank.example.org",
            head_teacher="Mrs Helen Carter",
        ),
        student=amira,
        recipient=Recipient(
            salutation="Mr and Mrs Khan",
            names=("Mr Imran Khan", "Mrs Sana Khan"),
            address_lines=("14 Elm Grove", "Leeds", "LS6 4QT"),
        ),
        letter_date=dt.date(2025, 3, 3),
        students=(amira, yusuf),
        extra=MappingProxyType(dict(extra or {})),
    )
