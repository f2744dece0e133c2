"""A printed week of a student's home-school book, for families who do not use email.

One page per student. Headings are in the family's written language where the letter catalog
has a translation (context ``homebook``), with the English beneath; the day names and dates
come from babel. Moods print as faces, not only words.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents.styles import GREY, RULE, SHADE
from hsp_desktop.documents.textflow import TextFlow, TextStyle, Writing
from hsp_desktop.i18n import catalogs, languages
from hsp_desktop.i18n.formatting import format_date, weekday_name

CONTEXT = "homebook"
MARGIN = 15 * mm
ENGLISH = Writing.of("ENG")
HEADINGS = (
    "Home-school book",
    "Week beginning",
    "Mood",
    "What we did",
    "Achievements",
    "Events",
    "Eating",
    "Drinking",
    "Sleep",
    "Toileting",
    "Medication given",
    "From home",
    "Please write to us here",
)
MOOD_WORDS = {1: "Upset", 2: "Unsettled", 3: "Settled", 4: "Happy", 5: "Very happy"}


@dataclass(frozen=True, slots=True)
class DayData:
    day: dt.date
    mood: int | None  # 1..5
    activities: str
    achievements: str
    events: str
    structured: Sequence[tuple[str, str]]  # (English heading, value)
    from_home: str  # what the family wrote that day (or "Received" for a noted page)


@dataclass(frozen=True, slots=True)
class WeekData:
    school_name: str
    student_name: str
    class_name: str
    language: str  # DfE code of the family's written language
    week_start: dt.date
    days: Sequence[DayData]


def heading(msgid: str, language: str, folder: Path | None = None) -> tuple[str, bool]:
    """The heading in ``language`` if translated, else English; and whether it was.

    ``folder`` holds the letter catalogs; None means the program's own.
    """
    if languages.written_language(language).code == "ENG":
        return msgid, False
    catalog = catalogs.catalog_for(language, folder)
    found = catalog.translate(CONTEXT, msgid) if catalog else None
    return (found, True) if found else (msgid, False)


class MoodFace(Flowable):
    """A face for a mood from 1 (upset) to 5 (very happy), drawn with lines only."""

    def __init__(self, level: int, size: float = 11 * mm) -> None:
        super().__init__()
        self.level = level
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        c, r = self.canv, self.size / 2
        c.saveState()
        c.setLineWidth(1.1)
        c.setStrokeColorRGB(0.15, 0.15, 0.15)
        shade = {
            1: (0.96, 0.8, 0.8),
            2: (0.98, 0.88, 0.78),
            3: (0.95, 0.95, 0.85),
            4: (0.85, 0.95, 0.85),
            5: (0.75, 0.93, 0.78),
        }[self.level]
        c.setFillColorRGB(*shade)
        c.circle(r, r, r - 1, stroke=1, fill=1)
        c.setFillColorRGB(0.15, 0.15, 0.15)
        c.circle(r - r * 0.35, r + r * 0.25, r * 0.09, stroke=0, fill=1)
        c.circle(r + r * 0.35, r + r * 0.25, r * 0.09, stroke=0, fill=1)
        curve = (self.level - 3) * 0.22 * r  # smile up, frown down
        y = r - r * 0.35
        c.bezier(r - r * 0.45, y, r - r * 0.2, y - curve, r + r * 0.2, y - curve, r + r * 0.45, y)
        c.restoreState()


def _flow(
    text: str,
    writing: Writing,
    size: float,
    *,
    bold: bool = False,
    colour: tuple[float, float, float] = (0, 0, 0),
    after: float = 0,
) -> TextFlow:
    style = TextStyle(size=size, bold=bold, color=colour, space_after=after)
    return TextFlow(text, writing, style, plain=True)


def _label(msgid: str, writing: Writing, folder: Path | None, size: float = 9.5) -> list[Flowable]:
    text, translated = heading(msgid, writing.code, folder)
    parts: list[Flowable] = [_flow(text, writing if translated else ENGLISH, size, bold=True)]
    if translated:
        parts.append(_flow(msgid, ENGLISH, size - 2, colour=GREY))
    return parts


def week_pages_pdf(weeks: Sequence[WeekData], catalog_folder: Path | None = None) -> bytes:
    """One page per week; headings from the catalogs in ``catalog_folder`` (None: the
    program's own)."""
    buffer = io.BytesIO()
    width, height = A4
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title="Home-school book",
        creator="hsp-desktop",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        width - 2 * MARGIN,
        height - 2 * MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story: list[Flowable] = []
    for index, week in enumerate(weeks):
        if index:
            story.append(PageBreak())
        story += _week(week, width - 2 * MARGIN, catalog_folder)
    if not story:
        story.append(_flow("No pages to print.", ENGLISH, 11))
    doc.build(story)
    return buffer.getvalue()


def _week(week: WeekData, width: float, folder: Path | None) -> list[Flowable]:
    try:
        writing = Writing.of(languages.written_language(week.language).code)
    except languages.UnknownLanguageError:
        writing = ENGLISH
    title, _ = heading("Home-school book", writing.code, folder)
    beginning, _ = heading("Week beginning", writing.code, folder)
    story: list[Flowable] = [
        _flow(week.school_name, ENGLISH, 9.5, colour=GREY),
        _flow(f"{title} – {week.student_name}", writing, 16, bold=True),
        _flow(
            f"{beginning} {format_date(week.week_start, writing.code, 'long')}"
            + (f" · {week.class_name}" if week.class_name else ""),
            writing,
            11,
            after=6,
        ),
    ]
    rows: list[list[object]] = []
    for day in week.days:
        name = weekday_name(day.day, writing.code)
        left: list[Flowable] = [
            _flow(name, writing, 11, bold=True),
            _flow(format_date(day.day, writing.code, "medium"), writing, 8.5, colour=GREY),
        ]
        if day.mood:
            left += [Spacer(0, 3), MoodFace(day.mood)]
            word, _ = heading(MOOD_WORDS[day.mood], writing.code, folder)
            left.append(_flow(word, writing, 8, colour=GREY))
        right: list[Flowable] = []
        for msgid, value in (
            ("What we did", day.activities),
            ("Achievements", day.achievements),
            ("Events", day.events),
            *day.structured,
            ("From home", day.from_home),
        ):
            if value:
                right += _label(msgid, writing, folder, 9)
                right.append(_flow(value, ENGLISH, 10, after=3))
        if not right:
            right.append(_flow("–", ENGLISH, 10, colour=GREY))
        rows.append([left, right])
    table = Table(rows, colWidths=[width * 0.22, width * 0.78])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [table, Spacer(0, 8)]
    story += _label("Please write to us here", writing, folder, 10.5)
    lines = Table([[""] for _ in range(5)], colWidths=[width], rowHeights=[9 * mm] * 5)
    lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE)]))
    story.append(lines)
    return story
