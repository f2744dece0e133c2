"""Value rules shared by the entities: names, dates, phones, emails, UPNs.

Each rule returns the cleaned value or raises ``ValidationError`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import re

from hsp_desktop.errors import ValidationError

MAX_NAME = 100

# Ofcom keeps these ranges for fiction and training; they are never given to anyone, so the
# demo school uses them. The phone number library rightly calls them unassigned.
_OFCOM_DRAMA = re.compile(r"^\+44(7700900|1632960|1134960|1614960|2079460)\d{3}$")
DEFAULT_REGION = "GB"


def required_text(field: str, value: str | None, max_length: int = MAX_NAME) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValidationError(field, "must not be empty")
    if len(cleaned) > max_length:
        raise ValidationError(
            field, f"is too long ({len(cleaned)} characters, at most {max_length})"
        )
    return cleaned


def optional_text(field: str, value: str | None, max_length: int = MAX_NAME) -> str:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > max_length:
        raise ValidationError(
            field, f"is too long ({len(cleaned)} characters, at most {max_length})"
        )
    return cleaned


def free_text(field: str, value: str | None, max_length: int = 20_000) -> str:
    """Notes and summaries: kept exactly as typed (line breaks too), only trimmed at the ends."""
    cleaned = (value or "").strip()
    if len(cleaned) > max_length:
        raise ValidationError(
            field, f"is too long ({len(cleaned)} characters, at most {max_length})"
        )
    return cleaned


def parse_date(
    field: str, value: str | dt.date | None, *, required: bool = False
) -> dt.date | None:
    """Accept a date, ISO ``yyyy-mm-dd`` or UK ``dd/mm/yyyy``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, "is required")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(field, f"{text!r} is not a real date (use dd/mm/yyyy)")


def date_order(
    first_field: str, first: dt.date | None, second_field: str, second: dt.date | None
) -> None:
    if first and second and second < first:
        raise ValidationError(second_field, f"cannot be before {first_field.lower()}")


def phone(field: str, value: str | None) -> str:
    """A UK or international phone number, stored in E.164 (``+447700900123``); '' if blank."""
    text = (value or "").strip()
    if not text:
        return ""
    import phonenumbers  # large tables: loaded on first use, not at start-up

    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, f"{text!r} is not a phone number") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number) and not _OFCOM_DRAMA.match(e164):
        raise ValidationError(field, f"{text!r} is not a valid phone number")
    return e164


def display_phone(e164: str) -> str:
    """E.164 shown the way people write it: national form for UK numbers."""
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email(field: str, value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, f"{text!r} is not a valid email address ({exc})") from None
    return str(result.normalized)


_UPN_RE = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")  # no I, O or S
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S


def upn_check_letter(body: str) -> str:
    """DfE UPN check letter for the 12 characters after it (weights 2..13)."""
    total = sum(_upn_char_value(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23]


def _upn_char_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else _UPN_LETTERS.index(ch)


def upn(field: str, value: str | None, *, required: bool = True) -> str:
    """A Unique Pupil Number: 13 characters, a check letter first."""
    text = (value or "").strip().upper().replace(" ", "")
    if not text:
        if required:
            raise ValidationError(field, "is required")
        return ""
    if len(text) != 13 or not _UPN_RE.match(text):
        raise ValidationError(field, f"{text!r} is not a UPN (a letter and 12 more characters)")
    if upn_check_letter(text[1:]) != text[0]:
        raise ValidationError(field, f"{text!r} has the wrong check letter")
    return text


def make_upn(la_code: int, estab: int, year: int, serial: int) -> str:
    """Build a valid permanent UPN (for the demo school and tests)."""
    body = f"{la_code:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body
