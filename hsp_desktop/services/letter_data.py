"""The plain data a letter is filled from, built from the database and kept as JSON.

* :func:`school_block`, :func:`student_block` and :func:`recipient_block` turn rows into the
  document layer's ``School``, ``Student`` and ``Recipient``;
* :func:`salutation` is what follows "Dear" for the carers living at one address;
* :func:`clean_extras` checks the values typed for a template's own fields;
* :func:`encode` / :func:`decode` keep merge data in a JSON column with its dates and times
  intact, so a copy can be printed again exactly as it was issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hsp_desktop import paths
from hsp_desktop.documents import LetterTemplate, Recipient, School, Student, sample_values
from hsp_desktop.errors import ValidationError, ValidationErrors
from hsp_desktop.model import Carer, Household, rules
from hsp_desktop.model import School as SchoolRow
from hsp_desktop.model import Student as StudentRow

# -- building blocks ----------------------------------------------------------------------------


def _image_file(data: bytes | None, kind: str) -> Path | None:
    """The letterhead images are kept in the database; the renderer reads files."""
    if not data:
        return None
    digest = hashlib.sha256(data).hexdigest()[:24]
    folder = paths.data_dir() / "letterhead"
    path = folder / f"{kind}-{digest}.png"
    if path.is_file():
        return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return None  # a letter without its logo is better than no letter
    return path


def school_block(school: SchoolRow | None) -> School:
    if school is None:
        return School(name="")
    lines = [line.strip() for line in school.address.splitlines() if line.strip()]
    if school.postcode:
        lines.append(school.postcode)
    return School(
        name=school.name,
        address_lines=tuple(lines),
        phone=rules.display_phone(school.phone),
        email=school.email,
        head_teacher=school.head_teacher,
        logo_path=_image_file(school.logo_png, "logo"),
        signature_path=_image_file(school.signature_png, "signature"),
    )


def student_block(student: StudentRow, class_name: str) -> Student:
    return Student(
        first_name=student.first_name,
        last_name=student.last_name,
        preferred_name=student.preferred_first_name,
        class_name=class_name,
        upn=student.upn,
        date_of_birth=student.date_of_birth,
    )


def student_name(student: StudentRow) -> str:
    return f"{student.preferred_first_name or student.first_name} {student.last_name}"


def salutation(carers: Sequence[Carer]) -> str:
    """ "Mr and Mrs Khan", "Ms Nowak and Mr Wiśniewski", "Sana Khan": what follows "Dear"."""
    if not carers:
        return "Parent or carer"
    surnames = {c.last_name for c in carers}
    if len(surnames) == 1 and all(c.title for c in carers):
        return f"{' and '.join(c.title for c in carers)} {carers[0].last_name}"
    if len(surnames) == 1 and len(carers) > 1:
        return f"{' and '.join(c.first_name for c in carers)} {carers[0].last_name}"
    return " and ".join(
        f"{c.title} {c.last_name}" if c.title else f"{c.first_name} {c.last_name}" for c in carers
    )


def recipient_block(carers: Sequence[Carer], household: Household | None) -> Recipient:
    return Recipient(
        salutation=salutation(carers),
        names=tuple(c.full_name for c in carers),
        address_lines=tuple(household.address_lines) if household is not None else (),
    )


# -- the template's own fields ------------------------------------------------------------------


def _parse_time(label: str, value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    text = str(value).strip().lower().replace(".", ":")
    for pattern in ("%H:%M", "%H:%M:%S", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"):
        try:
            return dt.datetime.strptime(text.upper(), pattern).time()
        except ValueError:
            continue
    raise ValidationError(label, f"{value!r} is not a time (use 14:30)")


def _parse_value(field: Any, value: Any) -> Any:
    label = field.label
    kind = field.type
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "y", "on"}
        return bool(value)
    if kind == "rows":
        if not isinstance(value, list | tuple):
            raise ValidationError(label, "should be a list of rows")
        return [dict(row) for row in value]
    if kind == "date":
        return rules.parse_date(label, value, required=True)
    if kind == "time":
        return _parse_time(label, value)
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(label, f"{value!r} is not a date and time") from None
    if kind == "number":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(label, f"{value!r} is not a number") from None
        return int(number) if number == number.to_integral_value() else number
    return rules.optional_text(label, str(value), 500)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_extras(
    template: LetterTemplate, values: Mapping[str, Any], *, use_samples: bool = False
) -> dict[str, Any]:
    """The template's own fields, typed and checked; every problem named by its label.

    ``use_samples`` fills what was not given with the template's sample values (previews).
    """
    samples = sample_values(template) if use_samples else {}
    unknown = set(values) - {f.name for f in template.extra_fields}
    problems: list[ValidationError] = [
        ValidationError(name, f"is not a field of {template.title}") for name in sorted(unknown)
    ]
    out: dict[str, Any] = {}
    for field in template.extra_fields:
        value = values.get(field.name)
        if _empty(value) and field.name in samples:
            value = samples[field.name]
        if _empty(value):
            if field.type == "bool":
                out[field.name] = False
            elif field.type == "rows":
                out[field.name] = []
            elif field.required:
                problems.append(ValidationError(field.label, "is required"))
            else:
                out[field.name] = ""
            continue
        try:
            out[field.name] = _parse_value(field, value)
        except ValidationError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationErrors(problems)
    return out


# -- JSON with dates ----------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """Plain JSON for merge data; dates, times and decimals tagged so they come back typed."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


_TAGS = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$decimal": Decimal,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            tag, raw = next(iter(value.items()))
            if tag in _TAGS:
                return _TAGS[tag](raw)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def block_data(block: School | Student | Recipient) -> dict[str, Any]:
    data = asdict(block)
    data.pop("logo_path", None)
    data.pop("signature_path", None)
    return dict(encode(data))


def student_from(data: Mapping[str, Any]) -> Student:
    values = decode(dict(data))
    return Student(
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        preferred_name=values.get("preferred_name", ""),
        class_name=values.get("class_name", ""),
        upn=values.get("upn", ""),
        date_of_birth=values.get("date_of_birth"),
    )


def recipient_from(data: Mapping[str, Any]) -> Recipient:
    return Recipient(
        salutation=data.get("salutation", ""),
        names=tuple(data.get("names", ())),
        address_lines=tuple(data.get("address_lines", ())),
    )


def school_from(data: Mapping[str, Any], logo: Path | None, signature: Path | None) -> School:
    return School(
        name=data.get("name", ""),
        address_lines=tuple(data.get("address_lines", ())),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        head_teacher=data.get("head_teacher", ""),
        logo_path=logo,
        signature_path=signature,
    )
