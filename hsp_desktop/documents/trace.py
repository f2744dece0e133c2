"""A record of every run of text placed on a page, for checks that cannot read the PDF back.

Shaped glyphs in a PDF do not map back to characters reliably (Arabic joining forms, Indic
conjuncts), so tests and preflight checks look here instead: which characters went into which
font file, and in which left-to-right order each line was set.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PlacedRun:
    text: str  # logical order, as typed
    face: str
    font_file: str
    x: float
    width: float
    level: int  # bidi embedding level: odd is right to left

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@dataclass(frozen=True, slots=True)
class PlacedLine:
    page: int
    y: float
    rtl: bool  # paragraph direction
    text: str  # the line's characters in logical order
    runs: tuple[PlacedRun, ...]  # left to right as printed
    size: float = 0.0  # type size in points


@dataclass(slots=True)
class Trace:
    lines: list[PlacedLine] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # characters no bundled font has

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
