"""The structure of a letter or form: the blocks a template is made of.

Text fields hold English source text with Jinja2 placeholders and may use ``<b>``/``<br/>``.
``when`` is an optional Jinja2 expression; the block is left out when it is false or names a
field the letter data does not have (``when = "extra.interpreter_booked"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", re.DOTALL)


def has_words(text: str) -> bool:
    """True when a string has something to translate besides placeholders and tags."""
    return any(ch.isalpha() for ch in _MARKUP.sub("", text))


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # blank lines separate paragraphs
    when: str | None = None


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative
    rows: tuple[tuple[str, ...], ...] = ()  # fixed rows, e.g. the days of the week
    rows_from: str | None = None  # expression giving a list; each item is `row` in `cells`
    cells: tuple[str, ...] = ()
    blank_rows: int = 0  # empty rows to write in by hand
    row_height: float = 0.0  # minimum row height in mm (room to write)
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    closing: str = "Yours sincerely,"
    name: str = "{{ school.head_teacher }}"
    role: str = "Head teacher"
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    value: str  # recorded when the slip comes back, e.g. "yes"
    text: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A question answered by ticking boxes."""

    name: str
    question: str
    options: tuple[Option, ...]
    when: str | None = None


@dataclass(frozen=True, slots=True)
class FillLines:
    """A label with ruled lines to write on (a signature, a date, a comment)."""

    name: str
    label: str
    lines: int = 1
    when: str | None = None


@dataclass(frozen=True, slots=True)
class PageBreak:
    when: str | None = None


Block = Heading | Paragraph | BulletList | Table | Signature | Choice | FillLines | PageBreak
Answer = Choice | FillLines


@dataclass(frozen=True, slots=True)
class Slip:
    """The tear-off part that comes back to school, with the letter's return code."""

    title: str
    text: str = ""
    answers: tuple[Answer, ...] = ()


def block_texts(block: Block | Slip) -> list[str]:
    """The translatable strings of a block, in reading order."""
    match block:
        case Heading(text=text) | Paragraph(text=text):
            found = [text]
        case BulletList(items=items):
            found = list(items)
        case Table():
            found = [*block.columns, *(c for row in block.rows for c in row), *block.cells]
        case Signature():
            found = [block.closing, block.name, block.role]
        case Choice():
            found = [block.question, *(o.text for o in block.options)]
        case FillLines(label=label):
            found = [label]
        case Slip():
            found = [block.title, block.text]
            for answer in block.answers:
                found.extend(block_texts(answer))
        case _:
            found = []
    return [text for text in found if text and has_words(text)]
