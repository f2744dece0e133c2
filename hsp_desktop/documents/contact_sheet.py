"""The School-Home Contact Sheet (policy 000, appendix A) and the termly contact summary.

The sheet keeps the paper form's shape: for each contact a "Date:" and "Reported by:" line,
then what was said. Text in any script (an Urdu summary, a Polish name) is shaped and set in
the bundled fonts by :class:`~hsp_desktop.documents.textflow.TextFlow`. Plain data in, PDF out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable, KeepTogether

from hsp_desktop.documents.styles import GREY, RULE, SHADE
from hsp_desktop.documents.textflow import TextFlow, TextStyle, Writing

ENGLISH = Writing.of("ENG")
MARGIN = 18 * mm


@dataclass(frozen=True, slots=True)
class SheetEntry:
    at: dt.datetime  # local time
    reported_by: str
    student: str
    with_whom: str
    how: str  # "Phone, school to home"
    outcome: str
    tone: str
    purpose: str
    interpreter: str  # "" or "Telephone interpreting service (Urdu)"
    summary: str
    restricted: bool = False


@dataclass(frozen=True, slots=True)
class SheetData:
    school_name: str
    subject: str  # "Ali Khan (Owl)" or "Class Owl"
    first_day: dt.date
    last_day: dt.date
    entries: Sequence[SheetEntry]
    printed_by: str = ""


@dataclass(frozen=True, slots=True)
class SummaryLine:
    class_name: str
    teacher: str
    students: int
    owed: int
    contacted: int
    attempted: int
    not_yet: int
    overdue: int
    percent: float
    ratio: str


@dataclass(frozen=True, slots=True)
class SummaryData:
    school_name: str
    term_label: str
    note: str
    rule: str
    lines: Sequence[SummaryLine]
    total: SummaryLine
    overdue: Sequence[tuple[str, str, str, str]]  # class, student, family, last attempt


def _text(
    text: str,
    size: float = 10,
    *,
    bold: bool = False,
    colour: tuple[float, float, float] = (0, 0, 0),
    after: float = 0,
    align: Literal["start", "centre", "end"] = "start",
) -> TextFlow:
    style = TextStyle(size=size, bold=bold, color=colour, space_after=after, align=align)
    return TextFlow(text, ENGLISH, style, plain=True)


class _Document(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, title: str, footer: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            title=title,
            creator="hsp-desktop",
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
        )
        width, height = A4
        frame = Frame(
            MARGIN,
            MARGIN,
            width - 2 * MARGIN,
            height - 2 * MARGIN,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._foot)])
        self.footer = footer

    def _foot(self, canvas: Any, doc: Any) -> None:
        flow = _text(
            f"{self.footer} · page {canvas.getPageNumber()}",
            8,
            colour=GREY,
            align="centre",
        )
        width = A4[0] - 2 * MARGIN
        _, h = flow.wrap(width, 20 * mm)
        flow.drawOn(canvas, MARGIN, MARGIN / 2 - h / 2)


def contact_sheet_pdf(data: SheetData) -> bytes:
    buffer = io.BytesIO()
    title = f"School – Home Contact Sheet: {data.subject}"
    doc = _Document(buffer, title, f"{data.school_name} · {data.subject}")
    span = f"{data.first_day:%d/%m/%Y} to {data.last_day:%d/%m/%Y}"
    story: list[Flowable] = [
        _text(data.school_name, 10, colour=GREY),
        _text("School – Home Contact Sheet", 17, bold=True, after=2),
        _text(f"{data.subject} · {span}", 11, after=8),
    ]
    if not data.entries:
        story.append(_text("No contacts were recorded in these dates.", 11))
    width = A4[0] - 2 * MARGIN
    for entry in data.entries:
        head = Table(
            [
                [
                    _text(f"Date: {entry.at:%d/%m/%Y %H:%M}", 10, bold=True),
                    _text(f"Reported by: {entry.reported_by or '–'}", 10, bold=True),
                ]
            ],
            colWidths=[width * 0.45, width * 0.55],
        )
        head.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        facts = [
            f"Student: {entry.student}",
            f"With: {entry.with_whom or '–'}",
            f"{entry.how} · {entry.purpose} · {entry.tone} · {entry.outcome}",
        ]
        if entry.interpreter:
            facts.append(f"Interpreter: {entry.interpreter}")
        block: list[Flowable] = [head, Spacer(0, 3)]
        block += [_text(line, 9.5, colour=GREY) for line in facts]
        story.append(KeepTogether(block))
        summary = (
            "Restricted entry: details are kept by designated staff."
            if entry.restricted
            else entry.summary or "(no notes)"
        )
        for paragraph in summary.split("\n"):
            story.append(_text(paragraph or " ", 10.5, after=2))
        story += [Spacer(0, 3), HRFlowable(width="100%", thickness=0.5, color=RULE), Spacer(0, 6)]
    doc.build(story)
    return buffer.getvalue()


def contact_summary_pdf(data: SummaryData) -> bytes:
    """The senior leaders' termly summary: each class's progress and who is overdue."""
    buffer = io.BytesIO()
    doc = _Document(
        buffer, f"Termly contact: {data.term_label}", f"{data.school_name} · termly contact"
    )
    width = A4[0] - 2 * MARGIN
    story: list[Flowable] = [
        _text(data.school_name, 10, colour=GREY),
        _text(f"Termly contact – {data.term_label}", 17, bold=True, after=2),
        _text(data.note, 10.5),
        _text(f"Rule: {data.rule}", 9.5, colour=GREY, after=8),
    ]
    header = [
        "Class",
        "Teacher",
        "Students",
        "Families owed",
        "Contacted",
        "Attempted",
        "Not yet",
        "Overdue",
        "Done",
        "+ : –",
    ]
    rows: list[list[Flowable]] = [[_text(h, 8.5, bold=True) for h in header]]
    for line in [*data.lines, data.total]:
        bold = line is data.total
        rows.append(
            [
                _text(v, 9, bold=bold)
                for v in (
                    line.class_name,
                    line.teacher,
                    str(line.students),
                    str(line.owed),
                    str(line.contacted),
                    str(line.attempted),
                    str(line.not_yet),
                    str(line.overdue),
                    f"{line.percent:.0f}%",
                    line.ratio,
                )
            ]
        )
    widths = [0.12, 0.2, 0.08, 0.09, 0.09, 0.09, 0.08, 0.08, 0.08, 0.09]
    table = Table(rows, colWidths=[w * width for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [None, SHADE]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(0, 10)]
    if data.overdue:
        story.append(_text("Families overdue a conversation", 12.5, bold=True, after=4))
        over = [[_text(h, 8.5, bold=True) for h in ("Class", "Student", "Family", "Last attempt")]]
        over += [[_text(v, 9) for v in row] for row in data.overdue]
        table = Table(over, colWidths=[w * width for w in (0.14, 0.24, 0.44, 0.18)], repeatRows=1)
        table.setStyle(
            TableStyle(
                [("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            )
        )
        story.append(table)
    doc.build(story)
    return buffer.getvalue()
