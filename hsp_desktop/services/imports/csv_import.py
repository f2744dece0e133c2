"""CSV exports from the MIS: encoding, delimiter, headings and the column mapping.

The mapping (CSV heading -> field key, "" for a column left out) is chosen in the GUI and saved
to ``import-mapping.json`` in the config folder, where the command line finds it too. Without
a saved choice for a heading, the usual MIS export headings are recognised (``fields``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hsp_desktop import paths
from hsp_desktop.services.imports.fields import (
    REQUIRED_PUPIL_KEYS,
    all_fields,
    field_label,
    recognise,
    split_contact_key,
)
from hsp_desktop.services.imports.source import ImportSource, RawContact, RawPupil, SourceKind

log = logging.getLogger("hsp.services.imports")

MAPPING_FILE = "import-mapping.json"
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass(frozen=True, slots=True)
class CsvTable:
    """The cells of a CSV file, before any mapping."""

    name: str
    encoding: str  # as told to the user: "UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16"
    delimiter: str
    headings: tuple[str, ...] = ()
    rows: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (spreadsheet row number, cells)
    problems: tuple[str, ...] = ()

    def samples(self, column: int, count: int = 3) -> list[str]:
        """The first few non-blank values of a column, for the mapping dialog."""
        found: list[str] = []
        for _number, cells in self.rows:
            if column < len(cells) and cells[column].strip():
                found.append(cells[column].strip()[:40])
                if len(found) == count:
                    break
        return found


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), else Windows-1252.

    Raises ``UnicodeDecodeError`` when the bytes are neither.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252"), "Windows-1252"
    return text, "UTF-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the heading row holds most of, outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "\r\n":
            break
        elif ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    return next(d for d, n in counts.items() if n == best) if best else ","


def read_table(path: Path) -> CsvTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return CsvTable(path.name, "", ",", problems=(f"Cannot read {path}: {exc.strerror}.",))
    return parse_table(data, path.name)


def parse_table(data: bytes, name: str) -> CsvTable:
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        return CsvTable(
            name,
            "",
            ",",
            problems=(
                f"The file is neither UTF-8 nor Windows-1252 text (byte 0x{bad} at position "
                f"{exc.start}). Save it from the MIS or the spreadsheet as 'CSV UTF-8'.",
            ),
        )
    if "\x00" in text[:1024]:  # NULs among the headings: a binary file (cells are cleaned)
        return CsvTable(
            name,
            encoding,
            ",",
            problems=(
                "The file holds binary data, not CSV text (is it a spreadsheet workbook?). "
                "Save it as CSV and import that.",
            ),
        )
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
    except csv.Error as exc:
        return CsvTable(
            name,
            encoding,
            delimiter,
            problems=(f"Row {len(records) + 1} cannot be read as CSV: {exc}.",),
        )
    while records and not any(c.strip() for c in records[0][1]):
        records.pop(0)
    if not records:
        return CsvTable(name, encoding, delimiter, problems=("The file is empty.",))
    headings = _unique_headings(records[0][1])
    rows = tuple(
        (number, tuple(cells)) for number, cells in records[1:] if any(c.strip() for c in cells)
    )
    return CsvTable(name, encoding, delimiter, headings, rows)


def _unique_headings(cells: Sequence[str]) -> tuple[str, ...]:
    """Blank headings get a name and repeated ones a number, so a mapping can tell them apart."""
    seen: dict[str, int] = {}
    result: list[str] = []
    for column, cell in enumerate(cells, start=1):
        heading = " ".join(cell.split()) or f"(column {column})"
        seen[heading] = seen.get(heading, 0) + 1
        result.append(heading if seen[heading] == 1 else f"{heading} ({seen[heading]})")
    return tuple(result)


# -- the column mapping ---------------------------------------------------------------------------


def mapping_path() -> Path:
    return paths.config_dir() / MAPPING_FILE


def load_saved_mapping() -> dict[str, str]:
    """The choices saved from the mapping dialog (heading -> key, "" = left out); {} if none."""
    path = mapping_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring the saved column mapping %s: %s", path, exc)
        return {}
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        return {}
    known = all_fields()
    return {
        str(h): str(k) for h, k in columns.items() if isinstance(k, str) and (k == "" or k in known)
    }


def save_mapping(mapping: Mapping[str, str]) -> Path:
    """Remember these choices (added to those saved before) for the GUI and the command line."""
    path = mapping_path()
    columns = load_saved_mapping()
    columns.update(mapping)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"version": 1, "columns": columns}, indent=2, ensure_ascii=False),
        encoding="utf-8",
    )
    tmp.replace(path)
    return path


def effective_mapping(
    headings: Sequence[str], saved: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every heading -> field key ("" = not imported): saved choices first, then recognition.

    Each field is given to one column only.
    """
    saved = saved or {}
    known = all_fields()
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for heading in headings:
        key = saved.get(heading)
        if key is None or (key and key not in known):
            continue
        chosen[heading] = "" if key in used else key
        used.add(key)
    for heading, key in recognise(headings).items():
        if heading not in chosen and key not in used:
            chosen[heading] = key
            used.add(key)
    return {heading: chosen.get(heading, "") for heading in headings}


def read_csv(path: Path, mapping: Mapping[str, str] | None = None) -> ImportSource:
    """A CSV file as raw pupils; without a mapping, the saved one and recognised headings."""
    table = read_table(path)
    if mapping is None:
        mapping = effective_mapping(table.headings, load_saved_mapping())
    return table_source(table, mapping)


def table_source(table: CsvTable, mapping: Mapping[str, str]) -> ImportSource:
    if table.problems:
        return ImportSource(table.name, SourceKind.CSV, problems=table.problems)
    columns: list[tuple[int, str, str]] = []  # (column, heading, key)
    used: set[str] = set()
    known = all_fields()
    for column, heading in enumerate(table.headings):
        key = mapping.get(heading, "")
        if key and key in known and key not in used:
            columns.append((column, heading, key))
            used.add(key)
    missing = [k for k in REQUIRED_PUPIL_KEYS if k not in used]
    notes = [
        f"Read as {table.encoding}, columns separated by {DELIMITERS[table.delimiter]}; "
        f"{len(table.rows)} rows after the heading row."
    ]
    left_out = [h for h in table.headings if h not in {c[1] for c in columns}]
    if left_out:
        shown = ", ".join(left_out[:12]) + (" …" if len(left_out) > 12 else "")
        notes.append(f"Columns not imported: {shown}")
    if missing:
        names = ", ".join(field_label(k) for k in missing)
        return ImportSource(
            table.name,
            SourceKind.CSV,
            notes=tuple(notes),
            problems=(
                f"The file has no column for {names}. Choose the column for each in the "
                "column mapping.",
            ),
        )
    width = len(table.headings)
    pupils: list[RawPupil] = []
    for number, cells in table.rows:
        where = f"row {number}"
        problems: tuple[str, ...] = ()
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems = (
                f"{where}: has {len(cells)} cells but the heading row has {width} "
                "(a value with an unquoted separator in it?); the row is not read",
            )
        pupil_values: dict[str, str] = {}
        pupil_labels: dict[str, str] = {}
        contact_values: dict[int, dict[str, str]] = {}
        contact_labels: dict[int, dict[str, str]] = {}
        for column, heading, key in columns:
            value = cells[column] if column < len(cells) else ""
            split = split_contact_key(key)
            if split is None:
                pupil_values[key], pupil_labels[key] = value, heading
            else:
                contact_values.setdefault(split[0], {})[split[1]] = value
                contact_labels.setdefault(split[0], {})[split[1]] = heading
        contacts = tuple(
            RawContact(f"Contact {n}", n, contact_values[n], contact_labels[n])
            for n in sorted(contact_values)
        )
        pupils.append(RawPupil(where, pupil_values, pupil_labels, contacts, problems))
    return ImportSource(table.name, SourceKind.CSV, tuple(pupils), tuple(notes))
