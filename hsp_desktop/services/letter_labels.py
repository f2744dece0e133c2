"""Address labels for a run's envelopes, in the same order as the letters.

Sheets of 21 labels (3 across, 7 down, 63.5 x 38.1 mm: the common L7160 / J8160 layout). The
address is set with the letter engine's own text flow, so a name in any script finds a font
that has its letters. Letters already show the address through a DL window envelope; labels
are for plain envelopes and for forms, which have no address block.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from hsp_desktop.documents import Recipient
from hsp_desktop.documents.textflow import TextFlow, TextStyle, Writing
from hsp_desktop.errors import Cancelled

COLUMNS = 3
ROWS = 7
LABEL_WIDTH = 63.5 * mm
LABEL_HEIGHT = 38.1 * mm
LEFT = 7.2 * mm
TOP = 15.1 * mm
GAP = 2.5 * mm
PADDING = 4 * mm


def address_lines(recipient: Recipient) -> list[str]:
    names = list(recipient.names) or [recipient.salutation]
    return [line for line in (*names, *recipient.address_lines) if line]


def address_labels(
    recipients: Sequence[Recipient], cancel: Callable[[], bool] | None = None
) -> bytes:
    """One label per recipient, left to right, top to bottom, as many sheets as needed."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{len(recipients)} address labels")
    canvas.setCreator("hsp-desktop")
    english = Writing.of("ENG")
    per_sheet = COLUMNS * ROWS
    _, page_height = A4
    for index, recipient in enumerate(recipients):
        if cancel is not None and cancel():
            raise Cancelled("Making the labels was cancelled.")
        if index and index % per_sheet == 0:
            canvas.showPage()
        slot = index % per_sheet
        row, column = divmod(slot, COLUMNS)
        x = LEFT + column * (LABEL_WIDTH + GAP) + PADDING
        top = page_height - TOP - row * LABEL_HEIGHT - PADDING
        width = LABEL_WIDTH - 2 * PADDING
        lines = address_lines(recipient)
        size = 10.0 if len(lines) <= 6 else 8.5
        y = top
        for line in lines:
            flow = TextFlow(line, english, TextStyle(size=size), None, plain=True)
            _, height = flow.wrap(width, LABEL_HEIGHT)
            y -= height
            if y < top - (LABEL_HEIGHT - 2 * PADDING):
                break  # never print over the next label
            flow.drawOn(canvas, x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
