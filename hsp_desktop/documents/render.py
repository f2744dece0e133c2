"""Producing PDF: one letter, or a batch of letters in one file for printing in one go.

Each letter in a batch starts on a new page, on its own paper size, with pages after its first
numbered from 2. Progress is reported as each letter starts on paper; a cancel request is
honoured between letters and ends the batch with :class:`~hsp_desktop.errors.Cancelled`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents.context import MergeContext, coerce
from hsp_desktop.documents.errors import Cancelled, DocumentError
from hsp_desktop.documents.layout import Variant, letter_story
from hsp_desktop.documents.page import BOTTOM_MARGIN, PAPER, SIDE_MARGIN, TOP_MARGIN, page_number
from hsp_desktop.documents.styles import STANDARD
from hsp_desktop.documents.templates import LetterTemplate
from hsp_desktop.documents.trace import Trace

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class LetterJob:
    """One letter of a batch: which template, for whom, in which language and variant."""

    template: LetterTemplate
    context: MergeContext | Mapping[str, Any]
    language: str
    variant: Variant = field(default_factory=Variant)
    return_code: str | None = None


class _LetterStart(Flowable):
    """Invisible marker at the top of each letter: page numbering, progress and cancel."""

    def __init__(self, doc: _Document, index: int) -> None:
        super().__init__()
        self.doc = doc
        self.index = index
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.doc.start_letter(self.index, self.canv.getPageNumber())


class _Document(BaseDocTemplate):
    def __init__(
        self,
        buffer: io.BytesIO,
        first_paper: str,
        total: int,
        title: str,
        author: str,
        progress: Progress | None,
        cancel: CancelCheck | None,
        trace: Trace | None,
    ) -> None:
        super().__init__(
            buffer,
            pagesize=PAPER[first_paper],
            title=title,
            author=author,
            creator="hsp-desktop",
            leftMargin=SIDE_MARGIN,
            rightMargin=SIDE_MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
        )
        order = [first_paper] + [p for p in PAPER if p != first_paper]
        self.addPageTemplates([self._page_template(p) for p in order])
        self.total = total
        self.progress = progress
        self.cancel = cancel
        self.trace = trace
        self.first_page = 1

    def _page_template(self, paper: str) -> PageTemplate:
        width, height = PAPER[paper]
        frame = Frame(
            SIDE_MARGIN,
            BOTTOM_MARGIN,
            width - 2 * SIDE_MARGIN,
            height - TOP_MARGIN - BOTTOM_MARGIN,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"body-{paper}",
        )
        return PageTemplate(
            id=paper, frames=[frame], pagesize=(width, height), onPageEnd=self._footer
        )

    def start_letter(self, index: int, page: int) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("Printing was cancelled.")
        if self.progress is not None:
            self.progress(index, self.total)
        self.first_page = page

    def _footer(self, canvas: Any, doc: Any) -> None:
        number = canvas.getPageNumber() - self.first_page + 1
        if number < 2:
            return
        width = canvas._pagesize[0] - 2 * SIDE_MARGIN
        flow = page_number(number, STANDARD, self.trace)
        _, h = flow.wrap(width, 20 * mm)
        flow.drawOn(canvas, SIDE_MARGIN, BOTTOM_MARGIN / 2 - h / 2)


def render_batch(
    items: Iterable[LetterJob],
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    *,
    trace: Trace | None = None,
) -> bytes:
    """Many letters in one PDF, each starting on a new page.

    ``progress(done, total)`` is called as each letter is laid out and once at the end;
    ``cancel()`` is polled between letters. Raises ``Cancelled`` if it returns true.
    """
    jobs = list(items)
    if not jobs:
        raise DocumentError("There are no letters to print.")
    contexts = [coerce(job.context) for job in jobs]
    buffer = io.BytesIO()
    title = jobs[0].template.title if len(jobs) == 1 else f"{len(jobs)} letters"
    doc = _Document(
        buffer,
        jobs[0].template.paper,
        len(jobs),
        title,
        contexts[0].school.name,
        progress,
        cancel,
        trace,
    )
    story: list[Flowable] = []
    for index, (job, context) in enumerate(zip(jobs, contexts, strict=True)):
        if cancel is not None and cancel():
            raise Cancelled("Printing was cancelled.")
        if index:
            story += [NextPageTemplate(job.template.paper), PageBreak()]
        story.append(_LetterStart(doc, index))
        story += letter_story(
            job.template, context, job.language, job.variant, job.return_code, trace
        )
    doc.build(story)
    if progress is not None:
        progress(len(jobs), len(jobs))
    return buffer.getvalue()


def render_letter(
    template: LetterTemplate,
    context: MergeContext | Mapping[str, Any],
    language: str,
    variant: Variant | None = None,
    return_code: str | None = None,
    *,
    trace: Trace | None = None,
) -> bytes:
    """One letter as a PDF. ``language`` is a DfE code or BCP 47 tag; English for ``ENG``."""
    job = LetterJob(template, context, language, variant or Variant(), return_code)
    return render_batch([job], trace=trace)
