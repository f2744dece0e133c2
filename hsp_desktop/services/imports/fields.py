"""What an import can fill in, and the CSV headings the usual MIS exports give those fields.

Field keys are the same for every format: a CSV column mapping and the CTF reader both produce
values under these keys. Contact fields are keyed ``contact<N>.<field>`` (N from 1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

MAX_CONTACTS = 4


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str  # shown in the mapping dialog
    limit: int  # longest text accepted from a file before it is refused as too long
    aliases: tuple[str, ...] = ()  # normalised headings that mean this field, best first


PUPIL_FIELDS: tuple[Field, ...] = (
    Field("upn", "UPN", 40, ("upn", "unique pupil number", "pupil upn")),
    Field(
        "last_name",
        "Legal surname",
        100,
        ("legal surname", "surname", "legal last name", "last name", "family name"),
    ),
    Field(
        "first_name",
        "Legal forename",
        100,
        ("legal forename", "forename", "legal first name", "first name", "forenames", "given name"),
    ),
    Field(
        "preferred_last_name",
        "Preferred surname",
        100,
        ("preferred surname", "preferred last name", "known as surname"),
    ),
    Field(
        "preferred_first_name",
        "Preferred forename",
        100,
        ("preferred forename", "preferred first name", "preferred name", "known as"),
    ),
    Field("dob", "Date of birth", 40, ("dob", "date of birth", "birth date", "d o b")),
    Field("sex", "Sex / gender", 40, ("sex", "gender")),
    Field(
        "class",
        "Class / reg group",
        50,
        ("reg group", "registration group", "reg", "class", "form", "tutor group"),
    ),
    Field(
        "year",
        "NC year",
        40,
        ("nc year", "nc year actual", "year group", "year", "curriculum year"),
    ),
    Field(
        "language",
        "First language",
        60,
        ("first language", "home language", "main language", "language"),
    ),
    Field("sen", "SEN status", 60, ("sen status", "sen provision", "sen")),
    Field(
        "admission",
        "Admission date",
        40,
        ("admission date", "date of admission", "entry date", "start date"),
    ),
    Field("address1", "Pupil address line 1", 200, ("address line 1", "address 1")),
    Field("address2", "Pupil address line 2", 200, ("address line 2", "address 2")),
    Field("town", "Pupil town", 100, ("town", "address line 3", "post town", "city")),
    Field("postcode", "Pupil postcode", 20, ("postcode", "post code")),
)

CONTACT_FIELDS: tuple[Field, ...] = (
    Field("title", "title", 20, ("title",)),
    Field("first_name", "forename", 100, ("forename", "first name", "given name")),
    Field("last_name", "surname", 100, ("surname", "last name", "family name")),
    Field("name", "full name", 200, ("name", "full name")),
    Field(
        "relationship", "relationship", 60, ("relationship", "relationship to pupil", "relation")
    ),
    Field(
        "responsibility",
        "parental responsibility",
        20,
        ("parental responsibility", "has parental responsibility", "responsibility", "pr"),
    ),
    Field("mobile", "mobile", 40, ("mobile", "mobile phone", "mobile number", "mobile tel")),
    Field(
        "home_phone",
        "home phone",
        40,
        ("home phone", "home telephone", "home tel", "telephone", "phone", "tel"),
    ),
    Field("work_phone", "work phone", 40, ("work phone", "work telephone", "work tel")),
    Field("email", "email", 254, ("email", "email address", "e mail", "e mail address")),
    Field("address", "address (one cell)", 400, ("address", "full address")),
    Field("address1", "address line 1", 200, ("address line 1", "address 1")),
    Field("address2", "address line 2", 200, ("address line 2", "address 2")),
    Field("town", "town", 100, ("town", "address line 3", "post town", "city")),
    Field("postcode", "postcode", 20, ("postcode", "post code")),
)

_CONTACT_PREFIXES = ("contact", "parent", "carer", "parent carer")

# Without a column for each of these a CSV file cannot be imported.
REQUIRED_PUPIL_KEYS = ("upn", "last_name", "first_name", "dob")


def contact_key(number: int, field_key: str) -> str:
    return f"contact{number}.{field_key}"


def split_contact_key(key: str) -> tuple[int, str] | None:
    """``contact2.mobile`` -> (2, "mobile"); None for a pupil field."""
    match = re.fullmatch(r"contact(\d+)\.(\w+)", key)
    return (int(match.group(1)), match.group(2)) if match else None


@cache
def all_fields() -> dict[str, Field]:
    """Every mappable field by key, pupil fields first, then each contact's."""
    fields = {f.key: f for f in PUPIL_FIELDS}
    for number in range(1, MAX_CONTACTS + 1):
        for f in CONTACT_FIELDS:
            key = contact_key(number, f.key)
            fields[key] = Field(key, f"Contact {number} {f.label}", f.limit)
    return fields


def field_label(key: str) -> str:
    found = all_fields().get(key)
    return found.label if found else key


def normalise_heading(heading: str) -> str:
    """'Contact1 E-mail ' -> 'contact 1 e mail': lower case, words and numbers apart."""
    text = re.sub(r"[^0-9a-z]+", " ", heading.casefold())
    text = re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", text)
    return " ".join(text.split())


@cache
def _alias_table() -> dict[str, tuple[str, int]]:
    """Normalised heading -> (field key, rank); a lower rank is a better match."""
    table: dict[str, tuple[str, int]] = {}
    for f in PUPIL_FIELDS:
        for rank, alias in enumerate(f.aliases):
            table.setdefault(alias, (f.key, rank))
    for number in range(1, MAX_CONTACTS + 1):
        for f in CONTACT_FIELDS:
            for rank, alias in enumerate(f.aliases):
                for prefix in _CONTACT_PREFIXES:
                    table.setdefault(
                        f"{prefix} {number} {alias}", (contact_key(number, f.key), rank)
                    )
                    if number == 1:  # "Primary contact mobile"
                        table.setdefault(f"primary contact {alias}", (contact_key(1, f.key), rank))
    return table


def recognise(headings: Sequence[str]) -> dict[str, str]:
    """The usual MIS export headings mapped to fields (heading -> key), each field once."""
    table = _alias_table()
    best: dict[str, tuple[int, int, str]] = {}  # key -> (rank, column, heading)
    for column, heading in enumerate(headings):
        found = table.get(normalise_heading(heading))
        if found is None:
            continue
        key, rank = found
        if key not in best or (rank, column) < best[key][:2]:
            best[key] = (rank, column, heading)
    return {heading: key for key, (_rank, _column, heading) in best.items()}
