"""What a reader makes of a file: raw pupils with text values under the field keys.

Nothing here is checked yet; ``normalise`` does that, the same way for every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class SourceKind(StrEnum):
    CSV = "csv"
    CTF = "ctf"

    @property
    def label(self) -> str:
        return "CSV" if self is SourceKind.CSV else "Common Transfer File"


@dataclass(frozen=True, slots=True)
class RawContact:
    label: str  # "Contact 2"
    number: int  # position in the file, from 1
    values: Mapping[str, str]  # contact field key (no prefix) -> text
    labels: Mapping[str, str]  # key -> how the file names it, for messages


@dataclass(frozen=True, slots=True)
class RawPupil:
    where: str  # "row 14" or "pupil 3 (line 120)"
    values: Mapping[str, str]  # pupil field key -> text
    labels: Mapping[str, str]
    contacts: tuple[RawContact, ...] = ()
    problems: tuple[str, ...] = ()  # what the reader already found wrong with this pupil

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


@dataclass(frozen=True, slots=True)
class ImportSource:
    """A file read for import. ``problems`` stop the whole file; ``notes`` are for information."""

    name: str
    kind: SourceKind
    pupils: tuple[RawPupil, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    # For CTF: the LA and establishment numbers the file is addressed to.
    destination: tuple[str, str] | None = None


def detect_kind(path: Path) -> SourceKind:
    """XML (a CTF) or anything else (CSV), from the first bytes of the file."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return SourceKind.CTF if path.suffix.lower() == ".xml" else SourceKind.CSV
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    text = head.replace(b"\x00", b"").lstrip()
    return SourceKind.CTF if text.startswith(b"<") else SourceKind.CSV
