"""From a template, merge data and a language to the flowables of one letter.

Bilingual letters print the home language with English beside it (``side_by_side``) or after
it (``sequential``, always used for large print where two columns would be too narrow). Only
running text is repeated in English; questions, tables and signature lines appear once, with
their labels in both languages, so nobody ticks two sets of boxes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Spacer, TableStyle
from reportlab.platypus import PageBreak as BreakPage
from reportlab.platypus import Table as GridTable
from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents.blocks import (
    Block,
    BulletList,
    Choice,
    FillLines,
    Heading,
    PageBreak,
    Paragraph,
    Signature,
    Slip,
    Table,
)
from hsp_desktop.documents.context import MergeContext
from hsp_desktop.documents.errors import DocumentError
from hsp_desktop.documents.page import Letterhead, Opening, frame_width
from hsp_desktop.documents.styles import GREY, RULE, SHADE, Sizes, sizes_for
from hsp_desktop.documents.templates import LetterTemplate
from hsp_desktop.documents.textflow import TextFlow, TextStyle, Writing
from hsp_desktop.documents.trace import Trace
from hsp_desktop.documents.voice import Voice
from hsp_desktop.documents.widgets import (
    CutLine,
    Label,
    ReturnCode,
    SideBySide,
    Stack,
    TickBox,
    WriteLines,
)
from hsp_desktop.i18n.languages import UnknownLanguageError

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_RUNNING_TEXT = (Heading, Paragraph, BulletList)


@dataclass(frozen=True, slots=True)
class Variant:
    bilingual: bool = False  # home language with English (drafts always print this way)
    large_print: bool = False
    easy_read: bool = False  # used when the template has an easy-read version


class _Builder:
    def __init__(
        self,
        template: LetterTemplate,
        context: MergeContext,
        voice: Voice,
        english: Voice | None,
        sizes: Sizes,
        trace: Trace | None,
    ) -> None:
        self.template = template
        self.context = context
        self.voice = voice
        self.english = english  # the echo voice in bilingual letters
        self.sizes = sizes
        self.trace = trace

    # -- text helpers --------------------------------------------------------------------------
    def flow(self, markup: str, voice: Voice, **style: Any) -> TextFlow:
        base = {"size": self.sizes.body, "leading": self.sizes.leading}
        return TextFlow(markup, voice.writing, TextStyle(**{**base, **style}), self.trace)

    def label(
        self, source: str, *, bold: bool = False, common: bool = False, **style: Any
    ) -> Label:
        """A short label in the home language, with the English under it in bilingual letters."""
        text = self.voice.common(source) if common else self.voice.text(source)
        if self.english is None:
            return self.flow(text, self.voice, bold=bold, **style)
        other = self.english.common(source) if common else self.english.text(source)
        if other == text:
            return self.flow(text, self.voice, bold=bold, **style)
        home = self.flow(text, self.voice, bold=bold, **{**style, "space_after": 0.0})
        echo_style = {
            **style,
            "size": min(style.get("size", self.sizes.body), self.sizes.small),
            "color": GREY,
            "space_before": 0.0,
        }
        if self.voice.writing.rtl:
            echo_style["align"] = "end"  # English under right-aligned text sits on the right
        return Stack([home, self.flow(other, self.english, **echo_style)])

    def echo(self, source: str) -> list[Flowable]:
        if self.english is None:
            return []
        return [
            self.flow(
                self.english.text(source),
                self.english,
                size=self.sizes.small,
                color=GREY,
                space_after=self.sizes.gap * 0.5,
                align="end" if self.voice.writing.rtl else "start",
            )
        ]

    # -- blocks --------------------------------------------------------------------------------
    def running(self, block: Block, voice: Voice) -> list[Flowable]:
        gap = self.sizes.gap
        if isinstance(block, Heading):
            size = self.sizes.heading if block.level <= 1 else self.sizes.subheading
            return [
                self.flow(
                    voice.text(block.text),
                    voice,
                    size=size,
                    bold=True,
                    space_before=gap * 0.8,
                    space_after=gap * 0.6,
                )
            ]
        if isinstance(block, Paragraph):
            parts = _BLANK_LINE.split(voice.text(block.text))
            return [self.flow(p, voice, space_after=gap) for p in parts if p.strip()]
        if isinstance(block, BulletList):
            items = [voice.text(item) for item in block.items]
            return [
                self.flow(
                    item, voice, bullet="•", space_after=gap if i == len(items) - 1 else gap * 0.35
                )
                for i, item in enumerate(items)
            ]
        return []

    def interactive(self, block: Block) -> list[Flowable]:
        gap = self.sizes.gap
        rtl = self.voice.writing.rtl
        if isinstance(block, Choice):
            out: list[Flowable] = [
                self.flow(
                    self.voice.text(block.question),
                    self.voice,
                    bold=True,
                    space_before=gap * 0.5,
                    space_after=gap * 0.3 if self.english else gap * 0.5,
                )
            ]
            out += self.echo(block.question)
            out += [TickBox(self.label(o.text, space_after=gap * 0.5), rtl) for o in block.options]
            return out
        if isinstance(block, FillLines):
            line_gap = self.sizes.body * 2.3
            return [
                WriteLines(
                    self.label(block.label, space_before=gap, space_after=gap * 0.5),
                    block.lines,
                    rtl,
                    line_gap,
                )
            ]
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Signature):
            return [self.signature(block)]
        if isinstance(block, PageBreak):
            return [BreakPage()]
        return []

    def table(self, block: Table) -> Flowable:
        voice = self.voice
        size = self.sizes.body if self.sizes.body >= 16 else self.sizes.body - 1
        header = [self.label(c, bold=True, size=size) for c in block.columns]
        rows: list[list[Any]] = [header]
        fixed: list[float | None] = [None]
        for row in block.rows:
            rows.append([self.label(c, size=size) if c else "" for c in row])
            fixed.append(block.row_height * mm or None)
        if block.rows_from:
            items = voice.merger.value(block.rows_from, default=[]) or []
            for item in items:
                rows.append(
                    [self.flow(voice.text(c, row=item), voice, size=size) for c in block.cells]
                )
                fixed.append(None)
        for _ in range(block.blank_rows):
            rows.append([""] * len(block.columns))
            fixed.append(block.row_height * mm or size * 2.4)
        widths = list(block.widths)
        if voice.writing.rtl:
            rows = [list(reversed(r)) for r in rows]
            widths.reverse()
        total = sum(widths)
        frame_width = self._frame_width()
        grid = GridTable(
            rows,
            colWidths=[frame_width * w / total for w in widths],
            rowHeights=fixed,
            repeatRows=1,
            hAlign="CENTER",
        )
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, RULE),
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        grid.spaceBefore = self.sizes.gap * 0.5
        grid.spaceAfter = self.sizes.gap
        return grid

    def _frame_width(self) -> float:
        return frame_width(self.template.paper)

    def signature(self, block: Signature) -> Flowable:
        voice = self.voice
        items: list[Flowable] = [
            self.flow(voice.text(block.closing), voice, space_before=self.sizes.gap)
        ]
        items += self.echo(block.closing)
        image = self.context.school.signature_path
        if image is not None and image.is_file():
            picture = Image(str(image), height=14 * mm, width=40 * mm, kind="proportional")
            picture.hAlign = "RIGHT" if voice.writing.rtl else "LEFT"
            items.append(picture)
        else:
            items.append(Spacer(1, 14 * mm))
        items.append(self.flow(voice.text(block.name), voice, bold=True))
        items.append(self.label(block.role, space_after=self.sizes.gap))
        return KeepTogether(items)

    # -- whole letter --------------------------------------------------------------------------
    def body(self, blocks: Sequence[Block], layout: str) -> list[Flowable]:
        visible = [b for b in blocks if not b.when or self.voice.merger.truth(b.when)]
        out: list[Flowable] = []
        if self.english is None:
            for block in visible:
                out += self.running(block, self.voice) or self.interactive(block)
            return out
        english = self.english
        if layout == "side_by_side":
            for block in visible:
                if isinstance(block, _RUNNING_TEXT):
                    home = self.running(block, self.voice)
                    other = self.running(block, english)
                    left, right = (other, home) if self.voice.writing.rtl else (home, other)
                    out.append(SideBySide(left, right, space_after=0))
                else:
                    out += self.interactive(block)
            return out
        for block in visible:
            out += self.running(block, self.voice) or self.interactive(block)
        out.append(
            self.flow(
                english.common("English"),
                english,
                size=self.sizes.subheading,
                bold=True,
                space_before=self.sizes.gap * 2,
                space_after=self.sizes.gap,
            )
        )
        for block in visible:
            if isinstance(block, _RUNNING_TEXT):
                out += self.running(block, english)
        return out

    def slip(self, slip: Slip, return_code: str | None) -> list[Flowable]:
        voice = self.voice
        note = self.label(
            "Please cut along the dashed line and return this part to school.",
            common=True,
            size=self.sizes.small,
            color=GREY,
        )
        parts: list[Flowable] = [
            self.label(
                slip.title, bold=True, size=self.sizes.subheading, space_after=self.sizes.gap * 0.5
            ),
        ]
        if slip.text:
            parts.append(self.flow(voice.text(slip.text), voice, space_after=self.sizes.gap * 0.5))
            parts += self.echo(slip.text)
        parts.append(self.student_line())
        for answer in slip.answers:
            if not answer.when or voice.merger.truth(answer.when):
                parts += self.interactive(answer)
        if return_code:
            parts.append(self.return_code(return_code))
        return [KeepTogether([CutLine(note), *parts])]

    def student_line(self) -> Flowable:
        student = self.context.student
        text = f"{self.voice.common('Student')}: <b>{_escape(student.full_name)}</b>"
        if student.class_name:
            text += f" · {self.voice.common('Class')}: {_escape(student.class_name)}"
        return self.flow(text, self.voice, space_after=self.sizes.gap * 0.5)

    def return_code(self, code: str) -> Flowable:
        label = self.label("Return code", common=True, size=self.sizes.small, color=GREY)
        # The code is typed back exactly as printed, so it is always set left to right: in a
        # right-to-left letter "7928-KE6" would otherwise print as "KE6-7928".
        rtl = self.voice.writing.rtl
        value = TextFlow(
            code,
            Writing.of("ENG"),
            TextStyle(
                size=max(self.sizes.body + 3, 14), bold=True, align="end" if rtl else "start"
            ),
            self.trace,
            plain=True,
        )
        return ReturnCode(code, label, value, self.voice.writing.rtl)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def letter_story(
    template: LetterTemplate,
    context: MergeContext,
    language: str,
    variant: Variant,
    return_code: str | None,
    trace: Trace | None,
) -> list[Flowable]:
    """The flowables of one letter, first page first."""
    mapping = context.as_mapping()
    try:
        voice = Voice(template.id, language, mapping)
    except UnknownLanguageError as exc:
        raise DocumentError(
            f"Letters cannot be written in '{language}': unknown language."
        ) from exc
    english: Voice | None = None
    if variant.bilingual and voice.writing.code != "ENG" and voice.has_translation():
        english = Voice(template.id, "ENG", mapping)
    if voice.catalog is None or not voice.has_translation():
        voice = Voice(template.id, "ENG", mapping)  # nothing translated yet: English alone
    easy = variant.easy_read and template.has_easy_read
    sizes = sizes_for(variant.large_print, easy)
    builder = _Builder(template, context, voice, english, sizes, trace)
    layout = "sequential" if variant.large_print else template.bilingual_layout

    story: list[Flowable] = []
    if template.kind == "letter":
        story.append(Opening(context, voice, english, sizes, trace))
    else:
        story.append(Letterhead(context, sizes, trace, compact=True))
        story.append(Spacer(1, sizes.gap))
        if template.returned_whole:
            if return_code:
                story.append(builder.return_code(return_code))
            story.append(builder.student_line())
    story += builder.body(template.easy_read if easy else template.body, layout)
    if template.slip is not None:
        story += builder.slip(template.slip, return_code)
    elif template.returned_whole:
        story.append(
            builder.label(
                "Please return this form to school.",
                common=True,
                bold=True,
                space_before=sizes.gap * 2,
            )
        )
    return story
