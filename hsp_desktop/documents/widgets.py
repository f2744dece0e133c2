"""Small drawn pieces of a form: tick boxes, lines to write on, the cut line, the return code
with its QR code, and two columns side by side for bilingual letters."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus.flowables import Flowable

from hsp_desktop.documents.styles import RULE
from hsp_desktop.documents.textflow import TextFlow


class Stack(Flowable):
    """A label in the home language with its English under it, each set in its own direction."""

    def __init__(self, items: Sequence[TextFlow]) -> None:
        super().__init__()
        self.items = list(items)
        self.style = items[0].style
        self.spaceBefore = items[0].style.space_before
        self.spaceAfter = items[-1].style.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = sum(item.wrap(availWidth, availHeight)[1] for item in self.items)
        return self.width, self.height

    def first_above(self) -> float:
        return self.items[0].first_above()

    def natural_width(self, avail: float) -> float:
        return max(item.natural_width(avail) for item in self.items)

    def draw(self) -> None:
        y = self.height
        for item in self.items:
            y -= item.height
            item.drawOn(self.canv, 0, y)


Label = TextFlow | Stack


class TickBox(Flowable):
    """An empty square to tick, then the option's text (boxes sit on the reading side)."""

    def __init__(self, label: Label, rtl: bool) -> None:
        super().__init__()
        self.label = label
        self.rtl = rtl
        self.box = max(label.style.size * 1.05, 10.0)
        self.gap = self.box * 0.7
        self.spaceBefore = label.style.space_before
        self.spaceAfter = label.style.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, h = self.label.wrap(availWidth - self.box - self.gap, availHeight)
        self.width = availWidth
        self.height = max(h, self.box + 2)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        baseline = self.height - self.label.first_above()
        x = self.width - self.box if self.rtl else 0.0
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setLineWidth(0.9)
        canvas.rect(x, baseline - self.box * 0.15, self.box, self.box, stroke=1, fill=0)
        text_x = 0.0 if self.rtl else self.box + self.gap
        self.label.drawOn(canvas, text_x, self.height - self.label.height)


class WriteLines(Flowable):
    """A label followed by ruled lines to write on; one line sits beside the label."""

    def __init__(self, label: Label, lines: int, rtl: bool, line_gap: float) -> None:
        super().__init__()
        self.label = label
        self.lines = max(lines, 1)
        self.rtl = rtl
        self.line_gap = line_gap
        self.spaceBefore = label.style.space_before
        self.spaceAfter = label.style.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        natural = self.label.natural_width(availWidth) + self.label.style.size * 0.6
        self._label_w = min(availWidth * 0.45, natural)
        _, self._label_h = self.label.wrap(self._label_w, availHeight)
        extra = (self.lines - 1) * self.line_gap
        self.height = max(self._label_h, self.line_gap) + extra
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        label_x = self.width - self._label_w if self.rtl else 0.0
        self.label.drawOn(canvas, label_x, self.height - self._label_h)
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.6)
        first = self.height - max(self._label_h, self.line_gap) + 2
        if self.rtl:
            canvas.line(0, first, self.width - self._label_w, first)
        else:
            canvas.line(self._label_w, first, self.width, first)
        for i in range(1, self.lines):
            y = first - i * self.line_gap
            canvas.line(0, y, self.width, y)


class CutLine(Flowable):
    """A dashed line across the page with the instruction to cut along it underneath."""

    def __init__(self, note: Label) -> None:
        super().__init__()
        self.note = note
        self.spaceBefore = 14
        self.spaceAfter = 6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, h = self.note.wrap(availWidth, availHeight)
        self.width = availWidth
        self.height = h + 8
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColorRGB(0.2, 0.2, 0.2)
        canvas.setLineWidth(0.8)
        canvas.setDash(5, 3)
        y = self.height - 1
        canvas.line(-8 * mm, y, self.width + 8 * mm, y)
        canvas.restoreState()
        self._scissors(0.0, y)
        self.note.drawOn(canvas, 0, 0)

    def _scissors(self, x: float, y: float) -> None:
        """Two rings and crossed blades: a pictogram, so no font needs a scissors glyph."""
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setLineWidth(0.8)
        canvas.rect(x - 1, y - 6, 22, 12, stroke=0, fill=1)
        canvas.circle(x + 3, y + 3, 2.4)
        canvas.circle(x + 3, y - 3, 2.4)
        canvas.line(x + 5, y + 2, x + 18, y - 3)
        canvas.line(x + 5, y - 2, x + 18, y + 3)
        canvas.restoreState()


class ReturnCode(Flowable):
    """The letter's return code, printed large and as a QR code, for ticking off the slip."""

    def __init__(
        self, code: str, label: TextFlow, value: TextFlow, rtl: bool, qr_size: float = 22 * mm
    ) -> None:
        super().__init__()
        self.code = code
        self.label = label
        self.value = value
        self.rtl = rtl
        self.qr_size = qr_size
        self.spaceBefore = 8

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        text_w = availWidth - self.qr_size - 6 * mm
        _, lh = self.label.wrap(text_w, availHeight)
        _, vh = self.value.wrap(text_w, availHeight)
        self._text_w = text_w
        self.height = max(self.qr_size, lh + vh)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        widget = QrCodeWidget(self.code, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        scale = self.qr_size / max(x1 - x0, y1 - y0)
        drawing = Drawing(self.qr_size, self.qr_size, transform=[scale, 0, 0, scale, 0, 0])
        drawing.add(widget)
        qr_x = 0.0 if self.rtl else self.width - self.qr_size
        renderPDF.draw(drawing, canvas, qr_x, self.height - self.qr_size)
        text_x = self.qr_size + 6 * mm if self.rtl else 0.0
        top = self.height
        self.label.drawOn(canvas, text_x, top - self.label.height)
        self.value.drawOn(canvas, text_x, top - self.label.height - self.value.height)


class SideBySide(Flowable):
    """Two columns of flowables (home language and English) that split across pages together."""

    def __init__(
        self,
        left: Sequence[Flowable],
        right: Sequence[Flowable],
        gap: float = 8 * mm,
        space_after: float = 0.0,
    ) -> None:
        super().__init__()
        self.left = list(left)
        self.right = list(right)
        self.gap = gap
        self.spaceAfter = space_after

    def _column(self, avail: float) -> float:
        return (avail - self.gap) / 2

    @staticmethod
    def _stack_height(items: Sequence[Flowable], width: float, avail: float) -> float:
        total = 0.0
        for i, item in enumerate(items):
            _, h = item.wrap(width, avail)
            total += h + (item.getSpaceAfter() if i < len(items) - 1 else 0)
        return total

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        col = self._column(availWidth)
        self.height = max(
            self._stack_height(self.left, col, availHeight),
            self._stack_height(self.right, col, availHeight),
        )
        return self.width, self.height

    @staticmethod
    def _split_stack(
        items: Sequence[Flowable], width: float, avail: float
    ) -> tuple[list[Flowable], list[Flowable]]:
        used = 0.0
        for i, item in enumerate(items):
            _, h = item.wrap(width, avail - used)
            if used + h <= avail + 1e-6:
                used += h + item.getSpaceAfter()
                continue
            parts = item.split(width, avail - used)
            if len(parts) == 2:
                return [*items[:i], parts[0]], [parts[1], *items[i + 1 :]]
            return list(items[:i]), list(items[i:])
        return list(items), []

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        col = self._column(availWidth)
        left_now, left_later = self._split_stack(self.left, col, availHeight)
        right_now, right_later = self._split_stack(self.right, col, availHeight)
        if not left_now and not right_now:
            return []
        if not left_later and not right_later:
            return [self]
        return [
            SideBySide(left_now, right_now, self.gap),
            SideBySide(left_later, right_later, self.gap, self.spaceAfter),
        ]

    def draw(self) -> None:
        col = self._column(self.width)
        for items, x in ((self.left, 0.0), (self.right, col + self.gap)):
            y = self.height
            for item in items:
                _, h = item.wrap(col, self.height)
                y -= h
                item.drawOn(self.canv, x, y)
                y -= item.getSpaceAfter()
