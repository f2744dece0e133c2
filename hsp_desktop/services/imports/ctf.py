"""DfE Common Transfer Files (XML): pupils, their contacts, first language and SEN provision.

Parsed with defusedxml, so entity declarations (the "billion laughs" expansion) and references
to outside files are refused. Elements this reader does not know are ignored; element names are
matched without regard to case or namespace, as files from different MIS vary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from hsp_desktop.services.imports.source import ImportSource, RawContact, RawPupil, SourceKind


class _LineRecorder(TreeBuilder):
    """Builds the tree and notes the line each pupil starts on, for the report."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if tag.rpartition("}")[2].casefold() == "pupil" and self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def read_ctf(path: Path) -> ImportSource:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportSource(
            path.name, SourceKind.CTF, problems=(f"Cannot read {path}: {exc.strerror}.",)
        )
    return parse_ctf(data, path.name)


def parse_ctf(data: bytes, name: str) -> ImportSource:
    def refused(message: str) -> ImportSource:
        return ImportSource(name, SourceKind.CTF, problems=(message,))

    builder = _LineRecorder()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except EntitiesForbidden as exc:
        return refused(
            f"The file declares an XML entity ({exc.name!r}). Entities can make a small file "
            "expand without end, so files that declare them are refused; nothing was imported."
        )
    except ExternalReferenceForbidden as exc:
        return refused(
            f"The file refers to an outside file or address ({exc.sysid or exc.pubid!r}); such "
            "files are refused for safety and nothing was imported."
        )
    except DTDForbidden:  # not forbidden by default; kept for a stricter parser
        return refused("The file carries a document type declaration; it is refused.")
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        return refused(
            f"The file is not well-formed XML: {reason} at line {line}, column {column + 1}. "
            "Ask for a new export from the MIS."
        )
    except (ValueError, LookupError) as exc:
        return refused(f"The file cannot be read as XML: {exc}.")
    root_name = str(root.tag).rpartition("}")[2]
    if root_name.casefold() != "ctfile":
        return refused(
            f"This is XML but not a Common Transfer File: its root element is <{root_name}>, "
            "not <CTfile>."
        )
    # Names compared once, here: no namespace, no case (MIS exports differ in both).
    for element in root.iter():
        element.tag = str(element.tag).rpartition("}")[2].casefold()
    notes, destination = _header(_find(root, "Header"))
    pupil_data = _find(root, "CTFpupilData")
    if pupil_data is None:
        return ImportSource(
            name,
            SourceKind.CTF,
            notes=tuple(notes),
            problems=("The file holds no pupil data (no <CTFpupilData> element).",),
        )
    pupils = [
        _pupil(element, number, builder.lines.get(id(element)))
        for number, element in enumerate(_children(pupil_data, "Pupil"), start=1)
    ]
    notes.append(f"{len(pupils)} pupils in the file.")
    return ImportSource(name, SourceKind.CTF, tuple(pupils), tuple(notes), (), destination)


# -- element helpers ------------------------------------------------------------------------------


def _children(element: Element | None, tag: str) -> list[Element]:
    if element is None:
        return []
    wanted = tag.casefold()
    return [child for child in element if child.tag == wanted]


def _find(element: Element | None, *path: str) -> Element | None:
    for tag in path:
        found = _children(element, tag)
        if not found:
            return None
        element = found[0]
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _first_text(element: Element, *paths: tuple[str, ...]) -> tuple[str, str]:
    """(value, element name) of the first of several places a value may be."""
    for path in paths:
        value = _text(element, *path)
        if value:
            return value, path[-1]
    return "", paths[0][-1]


# -- the parts of a file --------------------------------------------------------------------------


def _header(header: Element | None) -> tuple[list[str], tuple[str, str] | None]:
    if header is None:
        return ["The file has no header."], None
    version = _text(header, "CTFversion")
    school = _text(header, "SourceSchool", "SchoolName") or "an unnamed school"
    lea, estab = _text(header, "SourceSchool", "LEA"), _text(header, "SourceSchool", "Estab")
    made = _text(header, "DateTime")
    note = f"Common Transfer File{f' version {version}' if version else ''} from {school}"
    if lea or estab:
        note += f" ({lea}/{estab})"
    if made:
        note += f", made {made.replace('T', ' ')}"
    dest_lea, dest_estab = _text(header, "DestSchool", "LEA"), _text(header, "DestSchool", "Estab")
    destination = (dest_lea, dest_estab) if dest_lea or dest_estab else None
    return [note + "."], destination


def _pupil(element: Element, number: int, line: int | None) -> RawPupil:
    where = f"pupil {number}" + (f" (line {line})" if line else "")
    values: dict[str, str] = {}
    labels: dict[str, str] = {}

    def put(key: str, value: str, label: str) -> None:
        values[key], labels[key] = value, label

    put("upn", _text(element, "UPN"), "UPN")
    put("last_name", _text(element, "Surname"), "Surname")
    put("first_name", _text(element, "Forename"), "Forename")
    put("dob", _text(element, "DOB"), "DOB")
    put(*_pair("sex", _first_text(element, ("Sex",), ("Gender",))))
    basic = _find(element, "BasicDetails")
    for key, tag in (
        ("preferred_last_name", "PreferredSurname"),
        ("preferred_first_name", "PreferredForename"),
    ):
        put(key, _text(basic, tag) or _text(element, tag), tag)
    put(
        *_pair(
            "year",
            _first_text(element, ("BasicDetails", "NCyearActual"), ("NCyearActual",)),
        )
    )
    languages = _find(basic, "Languages")
    language = _first_language(languages if languages is not None else _find(element, "Languages"))
    if language:
        put("language", language, "Language")
    provision = _sen_provision(_find(element, "SENhistory"))
    if provision:
        put("sen", provision, "SENprovision")
    address = _find(element, "Address")
    if address is not None:
        for key, (value, label) in _address(address).items():
            put(key, value, f"Address {label}")
    contacts = [
        _contact(child, index)
        for index, child in enumerate(_children(_find(element, "Contacts"), "Contact"), start=1)
    ]
    return RawPupil(where, values, labels, tuple(contacts))


def _pair(key: str, found: tuple[str, str]) -> tuple[str, str, str]:
    return key, found[0], found[1]


def _first_language(languages: Element | None) -> str:
    for entry in _children(languages, "Type"):
        if _text(entry, "LanguageType").upper() == "F":
            return _text(entry, "Language")
    return ""


def _sen_provision(history: Element | None) -> str:
    """The provision of the SEN entry in force: open (no end date) and latest started."""
    entries = [
        (not _text(entry, "EndDate"), _text(entry, "StartDate"), position, entry)
        for position, entry in enumerate(_children(history, "SEN"))
    ]
    if not entries:
        return ""
    current = max(entries, key=lambda e: (e[0], e[1], e[2]))
    return _text(current[3], "SENprovision")


def _address(element: Element) -> dict[str, tuple[str, str]]:
    """address1, address2, town and postcode, each with the element it came from."""
    parts: dict[str, tuple[str, str]] = {}
    bs7666 = _find(element, "BS7666Address")
    if bs7666 is not None:
        saon, paon = _text(bs7666, "SAON"), _text(bs7666, "PAON")
        street = _text(bs7666, "Street")
        # "14", "Elm Road" -> "14 Elm Road"; "Rose Cottage", "Elm Road" -> "Rose Cottage, Elm Road"
        joiner = " " if paon[:1].isdigit() else ", "
        house = joiner.join(p for p in (paon, street) if p)
        parts["address1"] = (", ".join(p for p in (saon, house) if p), "PAON/Street")
        parts["address2"] = (_text(bs7666, "Locality"), "Locality")
        town = _first_text(bs7666, ("Town",), ("PostTown",))
        parts["town"] = town
    else:
        lines = _find(element, "AddressLines")
        parts["address1"] = (_text(lines, "AddressLine1"), "AddressLine1")
        parts["address2"] = (_text(lines, "AddressLine2"), "AddressLine2")
        parts["town"] = _first_text(
            element, ("AddressLines", "AddressLine3"), ("AddressLines", "AddressLine4")
        )
    parts["postcode"] = _first_text(element, ("PostCode",), ("Zip",))
    return parts


_PHONE_KINDS = {"M": "mobile", "H": "home_phone", "A": "home_phone", "E": "home_phone"}
_PHONE_KINDS.update(W="work_phone", D="work_phone")


def _contact(element: Element, index: int) -> RawContact:
    order = _text(element, "Order")
    number = int(order) if order.isdigit() and 0 < int(order) < 100 else index
    label = f"Contact {number}"
    values: dict[str, str] = {}
    labels: dict[str, str] = {}

    def put(key: str, value: str, tag: str) -> None:
        if key not in values or not values[key]:
            values[key], labels[key] = value, f"{label} {tag}"

    for key, tag in (
        ("title", "Title"),
        ("first_name", "Forename"),
        ("last_name", "Surname"),
        ("relationship", "Relationship"),
        ("responsibility", "Responsibility"),
        ("email", "Email"),
    ):
        put(key, _text(element, tag), tag)
    as_pupil = _text(element, "AddressAsPupil") or _text(element, "Address", "AddressAsPupil")
    if as_pupil:
        put("as_pupil", as_pupil, "AddressAsPupil")
    address = _find(element, "Address")
    if address is not None and _find(address, "AddressAsPupil") is None:
        for key, (value, tag) in _address(address).items():
            put(key, value, f"Address {tag}")
    for phone in _children(_find(element, "Phones"), "Phone"):
        kind_code = _text(phone, "TelephoneType").upper()
        number_text = _text(phone, "PhoneNo")
        if not number_text or kind_code == "F":  # fax numbers are no use to a family worker
            continue
        kind = _PHONE_KINDS.get(kind_code)
        if kind is None:
            mobile_like = number_text.replace(" ", "").startswith(("07", "+447"))
            kind = "mobile" if mobile_like else "home_phone"
        put(kind, number_text, f"PhoneNo ({kind_code or '?'})")
    return RawContact(label, number, values, labels)
