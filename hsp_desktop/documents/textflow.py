"""Paragraphs of shaped, mixed-script, bidirectional text as reportlab flowables.

A paragraph is itemized into runs (:mod:`runs`), its words shaped by HarfBuzz
(:mod:`shaping`), broken into lines greedily at spaces and between CJK characters, and each line
is set in visual order (:mod:`bidiorder`): right-aligned for right-to-left languages. Every run
placed is written to a :class:`~hsp_desktop.documents.trace.Trace` when one is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any, Literal

from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents import bidiorder, fonts
from hsp_desktop.documents.inline import parse_inline
from hsp_desktop.documents.runs import itemize
from hsp_desktop.documents.shaping import shape
from hsp_desktop.documents.trace import PlacedLine, PlacedRun, Trace
from hsp_desktop.i18n import languages

Align = Literal["start", "centre", "end"]

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(rf"\n| +|[{_CJK}]|[^ \n{_CJK}]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Characters a CJK line may not start with, and may not end with.
_NO_LINE_START = set("、。，．：；？！）」』】〕〉》’”・ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ")
_NO_LINE_START.update("),.:;?!]}")
_NO_LINE_END = set("（「『【〔〈《‘“([{")


@dataclass(frozen=True, slots=True)
class Writing:
    """The language a piece of text is written in, as layout needs it."""

    code: str  # DfE code
    tag: str  # BCP 47, for HarfBuzz language-specific forms
    script: str  # ISO 15924
    rtl: bool

    @staticmethod
    @cache
    def of(language: str) -> Writing:
        lang = languages.get(language)
        return Writing(lang.code, lang.bcp47, lang.script, lang.direction == "rtl")

    @property
    def face(self) -> str:
        return fonts.face_for_script(self.script, self.script)


@dataclass(frozen=True, slots=True)
class TextStyle:
    size: float = 11.0
    leading: float = 1.0  # times the face's own line height
    bold: bool = False
    align: Align = "start"
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    space_before: float = 0.0
    space_after: float = 0.0
    indent: float = 0.0  # on the side the text starts from
    bullet: str | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int
    face: str
    level: int
    bold: bool
    glyphs: str
    width: float
    kind: Literal["word", "space", "break"]


@dataclass(frozen=True, slots=True)
class Line:
    pieces: tuple[Piece, ...]  # logical order, no trailing spaces
    width: float
    above: float  # baseline below the top of the line box
    below: float

    @property
    def height(self) -> float:
        return self.above + self.below


@dataclass(frozen=True, slots=True)
class Laid:
    text: str
    lines: tuple[Line, ...]
    missing: tuple[str, ...]


@dataclass(slots=True)
class _Atom:
    body: list[Piece] = field(default_factory=list)
    trailing: list[Piece] = field(default_factory=list)
    width: float = 0.0
    trailing_width: float = 0.0
    hard_break: bool = False


def _pieces(
    text: str, bold: tuple[bool, ...], writing: Writing, size: float
) -> tuple[str, list[Piece], tuple[str, ...]]:
    levels = bidiorder.levels(text, writing.rtl)
    items = itemize(text, levels, list(bold), writing.script)
    text = items.text
    out: list[Piece] = []
    for run in items.runs:
        segment = text[run.start : run.end]
        for match in _TOKEN.finditer(segment):
            token = match.group(0)
            start = run.start + match.start()
            end = run.start + match.end()
            if token == "\n":
                out.append(Piece(start, end, run.face, run.level, run.bold, "", 0.0, "break"))
                continue
            shaped = shape(run.face, token, run.rtl, run.script, writing.tag)
            kind: Literal["word", "space"] = "space" if token[0] == " " else "word"
            out.append(
                Piece(
                    start,
                    end,
                    run.face,
                    run.level,
                    run.bold,
                    shaped.glyphs,
                    shaped.width(size),
                    kind,
                )
            )
    return text, out, items.missing


def _breakable(before: Piece, after: Piece, text: str) -> bool:
    last = text[before.end - 1]
    first = text[after.start]
    if not (_CJK_CHAR.match(last) or _CJK_CHAR.match(first)):
        return False
    return first not in _NO_LINE_START and last not in _NO_LINE_END


def _atoms(text: str, pieces: list[Piece]) -> list[_Atom]:
    atoms: list[_Atom] = []
    current = _Atom()
    for piece in pieces:
        if piece.kind == "break":
            if current.body or current.trailing:
                atoms.append(current)
            atoms.append(_Atom(hard_break=True))
            current = _Atom()
        elif piece.kind == "space":
            current.trailing.append(piece)
            current.trailing_width += piece.width
        else:
            if current.trailing or (current.body and _breakable(current.body[-1], piece, text)):
                atoms.append(current)
                current = _Atom()
            current.body.append(piece)
            current.width += piece.width
    if current.body or current.trailing:
        atoms.append(current)
    return atoms


def _split_atom(atom: _Atom, text: str, writing: Writing, size: float) -> list[_Atom]:
    """A word wider than the line (a long e-mail address) is broken between characters."""
    parts: list[_Atom] = []
    for piece in atom.body:
        start = piece.start
        for i in range(piece.start + 1, piece.end + 1):
            if i < piece.end and unicodedata.category(text[i])[0] == "M":
                continue
            chunk = text[start:i]
            shaped = shape(piece.face, chunk, piece.level % 2 == 1, "", writing.tag)
            width = shaped.width(size)
            parts.append(
                _Atom(
                    [replace(piece, start=start, end=i, glyphs=shaped.glyphs, width=width)],
                    width=width,
                )
            )
            start = i
    if parts:
        parts[-1].trailing = atom.trailing
        parts[-1].trailing_width = atom.trailing_width
    return parts


def _metrics(faces: set[str], size: float, leading: float) -> tuple[float, float]:
    above = below = 0.0
    for key in faces:
        loaded = fonts.font(key)
        box = loaded.face.line_height * size * leading
        half_gap = (box - (loaded.ascent + loaded.descent) * size) / 2
        top = half_gap + loaded.ascent * size
        above = max(above, top)
        below = max(below, box - top)
    return above, below


@lru_cache(maxsize=8192)
def lay_out(
    text: str,
    bold: tuple[bool, ...],
    writing: Writing,
    size: float,
    leading: float,
    width: float,
) -> Laid:
    text, pieces, missing = _pieces(text, bold, writing, size)
    queue = deque(_atoms(text, pieces))
    lines: list[Line] = []
    body: list[Piece] = []
    line_width = 0.0
    pending: list[Piece] = []
    pending_width = 0.0

    def flush() -> None:
        faces = {p.face for p in body} or {writing.face}
        above, below = _metrics(faces, size, leading)
        lines.append(Line(tuple(body), line_width, above, below))

    while queue:
        atom = queue.popleft()
        if atom.hard_break:
            flush()
            body, line_width, pending, pending_width = [], 0.0, [], 0.0
            continue
        if body and line_width + pending_width + atom.width > width:
            flush()
            body, line_width, pending, pending_width = [], 0.0, [], 0.0
        if not body and atom.width > width and sum(len(p.glyphs) for p in atom.body) > 1:
            queue.extendleft(reversed(_split_atom(atom, text, writing, size)))
            continue
        if body:
            body.extend(pending)
            line_width += pending_width
        body.extend(atom.body)
        line_width += atom.width
        pending, pending_width = atom.trailing, atom.trailing_width
    if body or not lines:
        flush()
    return Laid(text, tuple(lines), missing)


class TextFlow(Flowable):
    """One paragraph (or list item) that wraps, splits across pages and records what it drew."""

    def __init__(
        self,
        markup: str,
        writing: Writing,
        style: TextStyle,
        trace: Trace | None = None,
        *,
        plain: bool = False,
    ) -> None:
        super().__init__()
        if plain:
            text, bold = markup, [False] * len(markup)
        else:
            text, bold = parse_inline(markup)
        text = bidiorder.strip_explicit(text) if len(text) == len(bold) else text
        if style.bold:
            bold = [True] * len(text)
        self.text = text[: len(bold)]
        self.bold = tuple(bold[: len(self.text)])
        self.writing = writing
        self.style = style
        self.trace = trace
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self._lines: tuple[Line, ...] | None = None
        self._laid_text = self.text
        self._width = 0.0
        self._show_bullet = style.bullet is not None
        self._missing_reported = False

    # -- layout --------------------------------------------------------------------------------
    def _text_indent(self) -> float:
        extra = self.style.size * 1.4 if self.style.bullet is not None else 0.0
        return self.style.indent + extra

    def _lay_out(self, width: float) -> tuple[Line, ...]:
        if self._lines is None or abs(width - self._width) > 0.01:
            laid = lay_out(
                self.text,
                self.bold,
                self.writing,
                self.style.size,
                self.style.leading,
                max(width - self._text_indent(), self.style.size * 2),
            )
            self._laid_text = laid.text
            self._lines = laid.lines
            self._width = width
            if laid.missing and self.trace is not None and not self._missing_reported:
                self.trace.missing.extend(laid.missing)
                self._missing_reported = True
        return self._lines

    def first_above(self) -> float:
        lines = self._lay_out(self.width)
        return lines[0].above if lines else self.style.size

    def natural_width(self, avail: float) -> float:
        """Width of the longest line when set in ``avail``: labels take no more room."""
        lines = self._lay_out(avail)
        return max((line.width for line in lines), default=0.0) + self._text_indent()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self._lay_out(availWidth)
        self.width = availWidth
        self.height = sum(line.height for line in lines)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._lay_out(availWidth)
        used = 0.0
        count = 0
        for line in lines:
            if used + line.height > availHeight + 1e-6:
                break
            used += line.height
            count += 1
        if count == 0 or count == len(lines):
            return [] if count == 0 else [self]
        return [self._part(lines[:count], first=True), self._part(lines[count:], first=False)]

    def _part(self, lines: tuple[Line, ...], *, first: bool) -> TextFlow:
        part = TextFlow.__new__(TextFlow)
        Flowable.__init__(part)
        part.text, part.bold, part.writing = self.text, self.bold, self.writing
        part.style, part.trace = self.style, self.trace
        part.spaceBefore = self.spaceBefore if first else 0.0
        part.spaceAfter = 0.0 if first else self.spaceAfter
        part._lines, part._laid_text, part._width = lines, self._laid_text, self._width
        part._show_bullet = self._show_bullet and first
        part._missing_reported = True
        return part

    # -- drawing -------------------------------------------------------------------------------
    def draw(self) -> None:
        lines = self._lay_out(self.width)
        canvas = self.canv
        r, g, b = self.style.color
        canvas.setFillColorRGB(r, g, b)
        canvas.setStrokeColorRGB(r, g, b)
        canvas.setLineWidth(self.style.size * 0.035)  # the stroke that emboldens faces lacking bold
        y = self.height
        for index, line in enumerate(lines):
            y -= line.above
            if index == 0 and self._show_bullet and self.style.bullet:
                self._draw_bullet(y)
            self._draw_line(line, y)
            y -= line.below

    def _x_start(self, line_width: float) -> float:
        indent = self._text_indent()
        room = self.width - indent
        align = self.style.align
        rtl = self.writing.rtl
        if align == "centre":
            offset = (room - line_width) / 2
        elif (align == "start") != rtl:
            offset = 0.0
        else:
            offset = room - line_width
        return offset + (0.0 if rtl else indent)

    def _draw_bullet(self, y: float) -> None:
        assert self.style.bullet is not None
        bullet = TextFlow(
            self.style.bullet,
            self.writing,
            replace(self.style, bullet=None, indent=0.0),
            self.trace,
            plain=True,
        )
        width = bullet._lay_out(self.style.size * 3)[0].width
        x = self.width - self.style.indent - width if self.writing.rtl else self.style.indent
        bullet.canv = self.canv
        bullet.width = self.width
        bullet._draw_pieces(bullet._lay_out(self.style.size * 3)[0], x, y)

    def _draw_line(self, line: Line, y: float) -> None:
        self._draw_pieces(line, self._x_start(line.width), y)

    def _draw_pieces(self, line: Line, x: float, y: float) -> None:
        pieces = line.pieces
        if not pieces:
            return
        canvas = self.canv
        size = self.style.size
        order = bidiorder.visual_order([p.level for p in pieces])
        text_object: Any = canvas.beginText()
        current_face = ""
        mode = 0
        groups: list[list[Piece]] = []
        positions: list[float] = []
        cursor = x
        for index in order:
            piece = pieces[index]
            if piece.kind == "word":
                loaded = fonts.font(piece.face)
                if piece.face != current_face:
                    text_object.setFont(loaded.rl_name, size)
                    current_face = piece.face
                wanted = 2 if piece.bold and not loaded.real_bold else 0
                if wanted != mode:
                    text_object.setTextRenderMode(wanted)
                    mode = wanted
                text_object.setTextOrigin(cursor, y)
                # reportlab's shaped-text writer fails on a raised first glyph (Nastaliq) unless
                # it has just selected the font, so make it select the font for every word.
                text_object._curSubset = -1
                text_object.textOut(piece.glyphs)
            if groups and _joins(groups[-1][-1], piece):
                groups[-1].append(piece)
            else:
                groups.append([piece])
                positions.append(cursor)
            cursor += piece.width
        if mode:
            text_object.setTextRenderMode(0)
        canvas.drawText(text_object)
        if self.trace is not None:
            self._record(line, groups, positions, y)

    def _record(
        self, line: Line, groups: list[list[Piece]], positions: list[float], y: float
    ) -> None:
        assert self.trace is not None
        text = self._laid_text
        runs = []
        for group, x in zip(groups, positions, strict=True):
            start = min(p.start for p in group)
            end = max(p.end for p in group)
            face = group[0].face
            runs.append(
                PlacedRun(
                    text[start:end],
                    face,
                    fonts.FACES[face].file_name,
                    x,
                    sum(p.width for p in group),
                    group[0].level,
                )
            )
        start = min(p.start for p in line.pieces)
        end = max(p.end for p in line.pieces)
        self.trace.lines.append(
            PlacedLine(
                self.canv.getPageNumber(),
                y,
                self.writing.rtl,
                text[start:end],
                tuple(runs),
                self.style.size,
            )
        )


def _joins(previous: Piece, piece: Piece) -> bool:
    if (previous.face, previous.level, previous.bold) != (piece.face, piece.level, piece.bold):
        return False
    if piece.level % 2:
        return piece.end == previous.start
    return piece.start == previous.end
