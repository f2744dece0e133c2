"""Checking and cleaning what a reader found: one pupil at a time, every problem named.

A pupil with any bad value is refused as a whole, with one reason per bad value, each naming
the row (or pupil) and the field as the file calls it: ``row 14, DOB: '31/02/2015' is not a
real date``. A blank value means "not given": it never erases what the database holds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from hsp_desktop.errors import ValidationError
from hsp_desktop.i18n import languages
from hsp_desktop.model import rules
from hsp_desktop.model.enums import Relationship, SenStatus, Sex
from hsp_desktop.services.imports.fields import CONTACT_FIELDS, PUPIL_FIELDS, Field
from hsp_desktop.services.imports.source import RawContact, RawPupil

T = TypeVar("T")

_PUPIL_LIMITS = {f.key: f for f in PUPIL_FIELDS}
_CONTACT_LIMITS = {f.key: f for f in CONTACT_FIELDS}


@dataclass(frozen=True, slots=True)
class AddressIn:
    line1: str
    line2: str
    town: str
    postcode: str

    @property
    def key(self) -> tuple[str, str]:
        """Two addresses are one household when postcode and first line agree."""
        return (self.postcode.replace(" ", ""), fold(self.line1))

    @property
    def text(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


@dataclass(frozen=True, slots=True)
class ContactIn:
    label: str  # "Contact 1"
    order: int
    title: str | None  # None: not given
    first_name: str
    last_name: str
    relationship: Relationship | None
    responsibility: bool | None
    mobile: str | None
    home_phone: str | None
    work_phone: str | None
    email: str | None
    address: AddressIn | None
    lives_with: bool | None

    @property
    def name_key(self) -> tuple[str, str]:
        return (fold(self.first_name), fold(self.last_name))

    @property
    def points(self) -> frozenset[str]:
        """The ways to reach this person; two people sharing a name and one of these are one."""
        return contact_points(self.mobile, self.home_phone, self.work_phone, self.email)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


@dataclass(frozen=True, slots=True)
class PupilIn:
    where: str
    upn: str
    name: str  # "Khan, Zara" for the report
    values: Mapping[str, Any]  # Student attribute -> clean value; only what the file gives
    class_name: str | None
    contacts: tuple[ContactIn, ...]


@dataclass(frozen=True, slots=True)
class RefusedPupil:
    where: str
    upn: str
    name: str
    reasons: tuple[str, ...]


Normalised = PupilIn | RefusedPupil


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def contact_points(*values: str | None) -> frozenset[str]:
    return frozenset(v.casefold() for v in values if v)


def clean(text: str | None) -> str:
    """Control characters out (a database would refuse some), ends trimmed."""
    if not text:
        return ""
    if text.isprintable():  # the usual case: nothing to take out
        return text.strip()
    return "".join(
        ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs")
    ).strip()


def normalise_all(raws: Sequence[RawPupil]) -> list[Normalised]:
    """Each pupil checked; two pupils with one UPN are both refused."""
    seen: dict[str, list[int]] = defaultdict(list)
    for index, raw in enumerate(raws):
        key = clean(raw.values.get("upn")).upper().replace(" ", "")
        if key:
            seen[key].append(index)
    duplicates: dict[int, str] = {}
    for key, indexes in seen.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = ", ".join(raws[i].where for i in indexes if i != index)
            raw = raws[index]
            duplicates[index] = (
                f"{raw.where}, {raw.label('upn')}: {_short(key)} is also in {others}; "
                "neither is imported until one is corrected"
            )
    result: list[Normalised] = []
    for index, raw in enumerate(raws):
        item = normalise(raw)
        if index in duplicates:
            reasons = (duplicates[index],) + (
                item.reasons if isinstance(item, RefusedPupil) else ()
            )
            item = RefusedPupil(raw.where, item.upn, item.name, reasons)
        result.append(item)
    return result


class _Checker:
    """Collects one reason per bad value instead of stopping at the first."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.reasons: list[str] = []

    def run(self, check: Callable[..., T], *args: Any) -> T | None:
        try:
            return check(*args)
        except ValidationError as exc:
            self.reasons.append(f"{self.where}, {exc.message}")
            return None

    def refuse(self, label: str, reason: str) -> None:
        self.reasons.append(f"{self.where}, {label}: {reason}")


def _read_texts(
    values: Mapping[str, str],
    label: Callable[[str], str],
    limits: Mapping[str, Field],
    check: _Checker,
) -> tuple[dict[str, str], set[str]]:
    """The cleaned texts of known fields, and the keys refused as too long (checked no further)."""
    texts: dict[str, str] = {}
    too_long: set[str] = set()
    for key, value in values.items():
        spec = limits.get(key)
        if spec is None:
            continue
        text = clean(value)
        if len(text) > spec.limit:
            check.refuse(label(key), f"is too long ({len(text)} characters, at most {spec.limit})")
            too_long.add(key)
        else:
            texts[key] = text
    return texts, too_long


def normalise(raw: RawPupil) -> Normalised:
    check = _Checker(raw.where)
    check.reasons.extend(raw.problems)
    label = raw.label
    texts, too_long = _read_texts(raw.values, label, _PUPIL_LIMITS, check)
    name = _short(", ".join(p for p in (texts.get("last_name"), texts.get("first_name")) if p))
    upn_text = _short(texts.get("upn", "").upper().replace(" ", ""), 20)

    def required(parse: Callable[[str, str | None], T], key: str) -> T | None:
        return None if key in too_long else check.run(parse, label(key), texts.get(key))

    values: dict[str, Any] = {}
    upn = required(rules.upn, "upn")
    last = required(rules.required_text, "last_name")
    first = required(rules.required_text, "first_name")
    values.update(upn=upn, last_name=last, first_name=first)
    for key, attr, legal in (
        ("preferred_last_name", "preferred_last_name", last),
        ("preferred_first_name", "preferred_first_name", first),
    ):
        if texts.get(key):
            preferred = check.run(rules.optional_text, label(key), texts[key])
            # The same as the legal name is no preference at all.
            values[attr] = "" if preferred == legal else preferred
    values["date_of_birth"] = required(_birth_date, "dob")
    for key, attr, parse in (
        ("sex", "sex", parse_sex),
        ("year", "year_group", parse_year),
        ("language", "first_language", parse_language),
        ("sen", "sen_status", parse_sen),
    ):
        if texts.get(key):
            values[attr] = check.run(parse, label(key), texts[key])
    if texts.get("admission"):
        admitted = check.run(rules.parse_date, label("admission"), texts["admission"])
        born = values.get("date_of_birth")
        if admitted and born and admitted < born:
            check.refuse(label("admission"), "cannot be before the date of birth")
        values["admission_date"] = admitted
    class_name = None
    if texts.get("class"):
        class_name = check.run(rules.optional_text, label("class"), texts["class"], 50)
    home = check.run(_address, texts, label, _ADDRESS_KEYS, "Pupil address")
    contacts: list[ContactIn] = []
    for raw_contact in raw.contacts:
        contact = _contact(raw_contact, check, home)
        if contact is not None:
            contacts.append(contact)
    if check.reasons:
        return RefusedPupil(raw.where, upn_text, name, tuple(check.reasons))
    assert upn is not None and last is not None and first is not None
    return PupilIn(
        raw.where,
        upn,
        _short(f"{last}, {first}"),
        values,
        class_name,
        tuple(sorted(contacts, key=lambda c: c.order)),
    )


def _contact(raw: RawContact, check: _Checker, home: AddressIn | None) -> ContactIn | None:
    def label(key: str) -> str:
        spec = _CONTACT_LIMITS.get(key)
        return raw.labels.get(key, f"{raw.label} {spec.label if spec else key}")

    texts, too_long = _read_texts(raw.values, label, _CONTACT_LIMITS, check)
    as_pupil = clean(raw.values.get("as_pupil"))
    if not any(texts.values()) and not as_pupil and not too_long:
        return None  # an empty group of columns: no such contact
    title = texts.get("title") or None
    first, last = texts.get("first_name", ""), texts.get("last_name", "")
    name_label = label("last_name" if not last else "first_name")
    if not (first or last) and texts.get("name"):
        split_title, first, last = split_name(texts["name"])
        title = title or split_title or None
        name_label = label("name")
    if (not first or not last) and not too_long & {"first_name", "last_name", "name"}:
        check.refuse(name_label, "a contact needs a forename and a surname")
    first = check.run(rules.optional_text, label("first_name"), first) or ""
    last = check.run(rules.optional_text, label("last_name"), last) or ""
    if title is not None:
        title = check.run(rules.optional_text, label("title"), title, 20)
    relationship = None
    if texts.get("relationship"):
        relationship = parse_relationship(texts["relationship"], title)
    responsibility = None
    if texts.get("responsibility"):
        responsibility = check.run(parse_bool, label("responsibility"), texts["responsibility"])
    phones: dict[str, str | None] = {}
    for key in ("mobile", "home_phone", "work_phone"):
        phones[key] = check.run(rules.phone, label(key), texts[key]) if texts.get(key) else None
    email = check.run(rules.email, label("email"), texts["email"]) if texts.get("email") else None
    lives_with: bool | None = None
    address: AddressIn | None = None
    same_as_pupil = check.run(parse_bool, label("as_pupil"), as_pupil) if as_pupil else None
    if same_as_pupil:
        address, lives_with = home, True
    else:
        address = check.run(_address, texts, label, _ADDRESS_KEYS, label("address1"))
        if address is None and texts.get("address"):
            address = check.run(_one_cell_address, label("address"), texts["address"])
        if address is not None and home is not None:
            lives_with = address.key == home.key
    return ContactIn(
        raw.label,
        raw.number,
        title,
        first,
        last,
        relationship,
        responsibility,
        phones["mobile"],
        phones["home_phone"],
        phones["work_phone"],
        email or None,
        address,
        lives_with,
    )


# -- addresses --------------------------------------------------------------------------------

_ADDRESS_KEYS = ("address1", "address2", "town", "postcode")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def clean_postcode(label: str, text: str) -> str:
    code = " ".join(text.upper().split())
    match = _POSTCODE.match(code)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if len(code) > 10:
        raise ValidationError(label, f"{_short(text)!r} is not a postcode")
    return code  # not a UK postcode; kept as given


def _address(
    texts: Mapping[str, str], label: Callable[[str], str], keys: tuple[str, ...], name: str
) -> AddressIn | None:
    line1, line2, town, postcode = (texts.get(k, "") for k in keys)
    if not (line1 or line2 or town or postcode):
        return None
    if not line1:
        raise ValidationError(name, "an address needs its first line (house and street)")
    return AddressIn(
        rules.optional_text(label(keys[0]), line1, 200),
        rules.optional_text(label(keys[1]), line2, 200),
        rules.optional_text(label(keys[2]), town, 100),
        clean_postcode(label(keys[3]), postcode) if postcode else "",
    )


def _one_cell_address(label: str, text: str) -> AddressIn:
    """'14 Elm Road, Hill Top, Leeds, LS6 2AB' (commas or line breaks between parts)."""
    parts = [p.strip() for p in re.split(r"[,\n\r]+", text) if p.strip()]
    postcode = ""
    if parts and _POSTCODE.match(" ".join(parts[-1].upper().split())):
        postcode = clean_postcode(label, parts.pop())
    if not parts:
        raise ValidationError(label, "an address needs its first line (house and street)")
    line1 = parts[0]
    town = parts[-1] if len(parts) > 1 else ""
    line2 = ", ".join(parts[1:-1])
    return AddressIn(
        rules.optional_text(label, line1, 200),
        rules.optional_text(label, line2, 200),
        rules.optional_text(label, town, 100),
        postcode,
    )


# -- coded values ------------------------------------------------------------------------------

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "lady", "lord"}


def split_name(text: str) -> tuple[str, str, str]:
    """'Mrs Amina Khan' or 'KHAN, Amina' -> (title, forename, surname)."""
    if "," in text:
        last, _, rest = text.partition(",")
        words = rest.split()
    else:
        words = text.split()
        last = words.pop() if words else ""
    title = ""
    if words and words[0].rstrip(".").casefold() in _TITLES:
        title = words.pop(0).rstrip(".")
    return title, " ".join(words), " ".join(last.split())


def _birth_date(label: str, text: str | None) -> dt.date:
    born = rules.parse_date(label, text, required=True)
    assert born is not None
    if born > dt.date.today():
        raise ValidationError(label, f"{born:%d/%m/%Y} is in the future")
    if born.year < 1900:
        raise ValidationError(label, f"{born:%d/%m/%Y} is not a believable date of birth")
    return born


_SEX = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "boy": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "not known": Sex.UNKNOWN,
    "not stated": Sex.UNKNOWN,
    "not specified": Sex.UNKNOWN,
}


def parse_sex(label: str, text: str) -> Sex:
    found = _SEX.get(fold(text))
    if found is None:
        raise ValidationError(label, f"{_short(text)!r} is not a sex (M, F or U)")
    return found


def parse_year(label: str, text: str) -> str:
    """National Curriculum year: N1, N2, R, 1 to 14, or X (outside the NC)."""
    code = fold(text).replace(" ", "").upper()
    code = re.sub(r"^(YEAR|YR|Y|NCYEAR|NC)(?=\d)", "", code)
    if code in {"RECEPTION", "REC"}:
        code = "R"
    if code in {"N1", "N2", "R", "X"}:
        return code
    if code.isdigit() and 1 <= int(code) <= 14:
        return str(int(code))
    raise ValidationError(
        label, f"{_short(text)!r} is not a National Curriculum year (N1, N2, R, 1 to 14 or X)"
    )


# DfE codes the registry does not list, meaning one it does.
_LANGUAGE_ALIASES = {"ENB": "ENG", "OTB": "OTH"}


@cache
def _language_names() -> dict[str, str]:
    """Folded names (English, in the language itself, dialect) -> DfE code."""
    names: dict[str, str] = {}
    for lang in languages.all_languages():
        candidates = [lang.english_name, lang.native_name]
        inner = re.search(r"\(([^)]+)\)", lang.english_name)
        if inner:
            candidates.append(inner.group(1))
        else:
            candidates.append(re.sub(r"\s*\(.*\)", "", lang.english_name))
        for name in candidates:
            names.setdefault(fold(name), lang.code)
    names.setdefault("punjabi", "PNJ")
    names.setdefault("farsi", "PRS")
    names.setdefault("bangla", "BNG")
    return names


def parse_language(label: str, text: str) -> str:
    """A DfE code (URD), a sub-code of one (ARAA), a BCP 47 tag (ur) or a name (Urdu)."""
    code = text.strip()
    upper = code.upper()
    if upper in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[upper]
    try:
        return languages.get(code).code
    except languages.UnknownLanguageError:
        pass
    if len(upper) == 4 and upper.isalpha() and languages.is_known(upper[:3]):
        return upper[:3]
    found = _language_names().get(fold(code))
    if found:
        return found
    raise ValidationError(
        label,
        f"{_short(text)!r} is not a language this program knows "
        "(use a DfE code such as URD or a name such as Urdu)",
    )


_SEN = {
    "e": SenStatus.EHCP,
    "ehcp": SenStatus.EHCP,
    "ehc plan": SenStatus.EHCP,
    "education health and care plan": SenStatus.EHCP,
    "s": SenStatus.EHCP,
    "statement": SenStatus.EHCP,
    "k": SenStatus.SEN_SUPPORT,
    "sen support": SenStatus.SEN_SUPPORT,
    "school support": SenStatus.SEN_SUPPORT,
    "a": SenStatus.SEN_SUPPORT,
    "p": SenStatus.SEN_SUPPORT,
    "n": SenStatus.NONE,
    "none": SenStatus.NONE,
    "no sen": SenStatus.NONE,
    "no special educational need": SenStatus.NONE,
}


def parse_sen(label: str, text: str) -> SenStatus:
    found = _SEN.get(" ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()))
    if found is None:
        raise ValidationError(
            label, f"{_short(text)!r} is not an SEN status (E for EHCP, K for SEN support, N)"
        )
    return found


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def parse_bool(label: str, text: str) -> bool:
    folded = fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValidationError(label, f"{_short(text)!r} is not yes or no")


# Relationship codes of the DfE contact relationship list (check against the current code set)
# and the words MIS exports use.
_R = Relationship
_RELATIONSHIPS: dict[str, Relationship] = {
    **dict.fromkeys(("mother", "mum", "mom", "pam", "birth mother", "parent mother"), _R.MOTHER),
    **dict.fromkeys(("father", "dad", "paf", "birth father", "parent father"), _R.FATHER),
    **dict.fromkeys(("step mother", "stepmother", "step mum", "stm"), _R.STEP_MOTHER),
    **dict.fromkeys(("step father", "stepfather", "step dad", "stf"), _R.STEP_FATHER),
    **dict.fromkeys(
        (
            "grandmother",
            "grandfather",
            "grandparent",
            "gran",
            "grandma",
            "grandad",
            "granddad",
            "grandpa",
            "nan",
            "nana",
            "grm",
            "grf",
            "grp",
        ),
        _R.GRANDPARENT,
    ),
    **dict.fromkeys(("aunt", "uncle", "auntie", "aunty", "aun", "unc"), _R.AUNT_UNCLE),
    **dict.fromkeys(("brother", "sister", "sibling", "bro", "sis", "sib"), _R.SIBLING),
    **dict.fromkeys(
        ("foster carer", "foster mother", "foster father", "foster parent", "fom", "fof"),
        _R.FOSTER_CARER,
    ),
    **dict.fromkeys(("social worker", "swr"), _R.SOCIAL_WORKER),
    **dict.fromkeys(("guardian", "legal guardian", "special guardian"), _R.GUARDIAN),
}
_PARENT_BY_TITLE = {"mr": _R.FATHER, "mrs": _R.MOTHER, "ms": _R.MOTHER, "miss": _R.MOTHER}


def parse_relationship(text: str, title: str | None) -> Relationship:
    """Never refused: a relationship the program has no word for is 'Other'."""
    words = " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())
    found = _RELATIONSHIPS.get(words)
    if found is not None:
        return found
    if words in {"parent", "par"}:
        # Only the title tells a parent's role; without one the relationship stays open.
        return _PARENT_BY_TITLE.get(fold(title or "").rstrip("."), Relationship.OTHER)
    return Relationship.OTHER


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
