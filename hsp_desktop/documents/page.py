"""The top of a letter's first page: letterhead, the address in the envelope window, the date.

Positions are fixed on the page so a letter folded in three fits a DL window envelope: the
address block starts 50 mm from the top and 20 mm from the left edge (a 90 x 40 mm area), on
the left whatever the letter's direction, because the window is there. The letterhead and
address stay in English as the post and the school write them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents.context import MergeContext
from hsp_desktop.documents.styles import GREY, RULE, Sizes
from hsp_desktop.documents.textflow import TextFlow, TextStyle, Writing
from hsp_desktop.documents.trace import Trace
from hsp_desktop.documents.voice import Voice
from hsp_desktop.i18n.formatting import format_date

log = logging.getLogger("hsp_desktop.documents")

TOP_MARGIN = 15 * mm
SIDE_MARGIN = 20 * mm
BOTTOM_MARGIN = 16 * mm
WINDOW_TOP = 50 * mm  # from the top of the page
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 40 * mm
OPENING_HEIGHT = 82 * mm  # letterhead + window, measured from the top margin
LOGO_HEIGHT = 20 * mm

ENGLISH = Writing.of("ENG")
PAPER: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}


def frame_width(paper: str) -> float:
    return PAPER[paper][0] - 2 * SIDE_MARGIN


def _plain(
    text: str,
    size: float,
    trace: Trace | None,
    *,
    bold: bool = False,
    color: tuple[float, float, float] = (0, 0, 0),
    writing: Writing = ENGLISH,
    align: str = "start",
) -> TextFlow:
    style = TextStyle(size=size, bold=bold, color=color, align=align)  # type: ignore[arg-type]
    return TextFlow(text, writing, style, trace, plain=True)


def _image(path: Path | None) -> ImageReader | None:
    if path is None:
        return None
    try:
        return ImageReader(str(path))
    except (OSError, ValueError) as exc:  # a moved or broken logo must not stop a batch
        log.warning("cannot use image %s: %s", path, exc)
        return None


class Letterhead(Flowable):
    """School name, address and contact details, with the logo on the right if there is one."""

    def __init__(
        self, context: MergeContext, sizes: Sizes, trace: Trace | None, compact: bool = False
    ) -> None:
        super().__init__()
        school = context.school
        self.logo = _image(school.logo_path)
        big = sizes.heading + (0 if compact else 2)
        small = max(sizes.small, 9.0) if sizes.body < 16 else 12.0
        self.lines: list[TextFlow] = [_plain(school.name, big, trace, bold=True)]
        if not compact and school.address_lines:
            self.lines.append(_plain(", ".join(school.address_lines), small, trace, color=GREY))
        contact = "   ".join(x for x in (school.phone, school.email) if x)
        if contact:
            self.lines.append(_plain(contact, small, trace, color=GREY))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        text_w = availWidth - (LOGO_HEIGHT * 2 if self.logo else 0)
        self.height = sum(line.wrap(text_w, availHeight)[1] for line in self.lines) + 3 * mm
        if self.logo:
            self.height = max(self.height, LOGO_HEIGHT + 3 * mm)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for line in self.lines:
            y -= line.height
            line.drawOn(self.canv, 0, y)
        if self.logo is not None:
            w, h = self.logo.getSize()
            width = LOGO_HEIGHT * w / h if h else LOGO_HEIGHT
            self.canv.drawImage(
                self.logo,
                self.width - width,
                self.height - LOGO_HEIGHT,
                width,
                LOGO_HEIGHT,
                mask="auto",
            )
        self.canv.setStrokeColorRGB(*RULE)
        self.canv.setLineWidth(0.7)
        self.canv.line(0, 1.5 * mm, self.width, 1.5 * mm)


class Opening(Flowable):
    """First-page block of a letter: letterhead, window address, date and who it is about."""

    def __init__(
        self,
        context: MergeContext,
        voice: Voice,
        english: Voice | None,
        sizes: Sizes,
        trace: Trace | None,
    ) -> None:
        super().__init__()
        self.letterhead = Letterhead(context, sizes, trace)
        address_size = 12.0 if sizes.body >= 16 else 10.5
        recipient = context.recipient
        lines = [*(recipient.names or (recipient.salutation,)), *recipient.address_lines]
        self.address = [_plain(line, address_size, trace) for line in lines if line]
        writing = voice.writing
        panel_size = sizes.body if sizes.body < 16 else 14.0
        self.panel: list[TextFlow] = [
            _plain(
                format_date(context.letter_date, writing.code), panel_size, trace, writing=writing
            ),
        ]
        if english is not None:
            self.panel.append(
                _plain(format_date(context.letter_date, "ENG"), sizes.small, trace, color=GREY)
            )
        student = context.student
        for label, value in (("Student", student.full_name), ("Class", student.class_name)):
            if value:
                text = f"{voice.common(label)}: {value}"
                self.panel.append(TextFlow(text, writing, TextStyle(size=panel_size), trace))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.letterhead.wrap(availWidth, availHeight)
        for line in self.address:
            line.wrap(WINDOW_WIDTH, availHeight)
        self._panel_w = availWidth - WINDOW_WIDTH - 10 * mm
        for item in self.panel:
            item.wrap(self._panel_w, availHeight)
        bottom = (
            WINDOW_TOP - TOP_MARGIN + max(WINDOW_HEIGHT, sum(i.height for i in self.panel) + 2 * mm)
        )
        self.height = max(OPENING_HEIGHT, bottom)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        self.letterhead.drawOn(canvas, 0, self.height - self.letterhead.height)
        top = self.height - (WINDOW_TOP - TOP_MARGIN)
        y = top
        for line in self.address:
            y -= line.height
            line.drawOn(canvas, 0, y)
        y = top
        panel_x = self.width - self._panel_w
        for item in self.panel:
            y -= item.height
            item.drawOn(canvas, panel_x, y)


def page_number(number: int, sizes: Sizes, trace: Trace | None) -> TextFlow:
    style = TextStyle(size=max(sizes.small, 9.0), align="centre", color=GREY)
    return TextFlow(f"– {number} –", ENGLISH, replace(style), trace, plain=True)
