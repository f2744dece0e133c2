"""Letter templates: TOML files with metadata, structure and English source text.

The format is described in ``resources/letters/README.md``. Built-in templates are read from
``resources/letters``; a school's own template can be loaded from a string or a file with
:func:`load_template_text` / :func:`load_template_file`. Every placeholder is compiled when the
template is loaded, so a broken template is refused then, not half-way through a batch.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from hsp_desktop import paths
from hsp_desktop.documents import merge
from hsp_desktop.documents.blocks import (
    Answer,
    Block,
    BulletList,
    Choice,
    FillLines,
    Heading,
    Option,
    PageBreak,
    Paragraph,
    Signature,
    Slip,
    Table,
    block_texts,
)
from hsp_desktop.documents.errors import TemplateError

Kind = Literal["letter", "form"]
Paper = Literal["A4", "Letter"]
BilingualLayout = Literal["side_by_side", "sequential"]
FieldType = Literal["text", "date", "time", "datetime", "bool", "number", "money", "rows"]

_FIELD_TYPES = {"text", "date", "time", "datetime", "bool", "number", "money", "rows"}


@dataclass(frozen=True, slots=True)
class ExtraField:
    """A value one template needs beyond school, student and recipient."""

    name: str
    label: str
    type: FieldType = "text"
    sample: Any = None
    required: bool = True
    columns: tuple[str, ...] = ()  # for "rows": the keys of each row


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    id: str
    title: str
    kind: Kind
    fields: tuple[str, ...]  # merge fields used, e.g. "student.name", "extra.trip_date"
    paper: Paper
    one_per_household: bool
    has_return_slip: bool  # a slip or a whole form comes back with a return code
    bilingual_layout: BilingualLayout
    has_easy_read: bool
    description: str
    extra_fields: tuple[ExtraField, ...]
    body: tuple[Block, ...]
    easy_read: tuple[Block, ...]
    slip: Slip | None
    returned_whole: bool  # a form that comes back as it is (questionnaire)
    source: str  # file path, or "<text>"

    @property
    def slip_answers(self) -> tuple[Answer, ...]:
        """What a returned slip or form records: tick-box choices and written answers."""
        answers: list[Answer] = list(self.slip.answers) if self.slip else []
        if self.returned_whole:
            answers.extend(b for b in self.body if isinstance(b, Choice | FillLines))
        return tuple(answers)

    def texts(self) -> list[str]:
        """Every translatable English string, in reading order, without repeats."""
        seen: dict[str, None] = {}
        for block in self._all_blocks():
            for text in block_texts(block):
                seen.setdefault(text, None)
        return list(seen)

    def sample_extra(self) -> dict[str, Any]:
        return {f.name: f.sample for f in self.extra_fields if f.sample is not None}

    def _all_blocks(self) -> Iterator[Block | Slip]:
        yield from self.body
        yield from self.easy_read
        if self.slip is not None:
            yield self.slip


# -- parsing -----------------------------------------------------------------------------------


class _Reader:
    """Reads one TOML table, refusing keys it does not know so typos are caught."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        if not isinstance(data, Mapping):
            raise TemplateError(f"{where} should be a table of keys and values.")
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self.used.add(key)
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, kind):
            raise TemplateError(f"{self.where}: '{key}' has the wrong kind of value.")
        return value

    def need(self, key: str, kind: type | tuple[type, ...]) -> Any:
        value = self.get(key, kind)
        if value is None:
            raise TemplateError(f"{self.where}: '{key}' is missing.")
        return value

    def done(self) -> None:
        unknown = set(self.data) - self.used
        if unknown:
            raise TemplateError(f"{self.where}: unknown key(s) {', '.join(sorted(unknown))}.")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateError(f"{where} should be a list of texts.")
    return tuple(value)


def _answer(data: Mapping[str, Any], where: str) -> Answer:
    block = _block(data, where)
    if not isinstance(block, Choice | FillLines):
        raise TemplateError(f"{where}: a slip answer is a 'choice' or 'lines' block.")
    return block


def _block(data: Mapping[str, Any], where: str) -> Block:
    r = _Reader(data, where)
    kind = r.need("type", str)
    when = r.get("when", str)
    block: Block
    if kind == "heading":
        block = Heading(r.need("text", str), r.get("level", int, 1), when)
    elif kind == "paragraph":
        block = Paragraph(r.need("text", str), when)
    elif kind == "list":
        block = BulletList(_strings(r.need("items", list), f"{where} items"), when)
    elif kind == "table":
        columns = _strings(r.need("columns", list), f"{where} columns")
        widths = tuple(float(w) for w in r.get("widths", list, [1] * len(columns)))
        rows = tuple(_strings(row, f"{where} rows") for row in r.get("rows", list, []))
        cells = _strings(r.get("cells", list, []), f"{where} cells")
        if len(widths) != len(columns) or any(len(row) != len(columns) for row in rows):
            raise TemplateError(f"{where}: every row needs one entry per column.")
        rows_from = r.get("rows_from", str)
        if rows_from and len(cells) != len(columns):
            raise TemplateError(f"{where}: 'cells' needs one entry per column.")
        block = Table(
            columns,
            widths,
            rows,
            rows_from,
            cells,
            r.get("blank_rows", int, 0),
            float(r.get("row_height", (int, float), 0)),
            when,
        )
    elif kind == "signature":
        default = Signature()
        block = Signature(
            r.get("closing", str, default.closing),
            r.get("name", str, default.name),
            r.get("role", str, default.role),
            when,
        )
    elif kind == "choice":
        options = []
        for i, item in enumerate(r.need("options", list)):
            o = _Reader(item, f"{where} option {i + 1}")
            options.append(Option(o.need("value", str), o.need("text", str)))
            o.done()
        block = Choice(r.need("name", str), r.need("question", str), tuple(options), when)
    elif kind == "lines":
        block = FillLines(r.need("name", str), r.need("label", str), r.get("lines", int, 1), when)
    elif kind == "page_break":
        block = PageBreak(when)
    else:
        raise TemplateError(f"{where}: unknown block type '{kind}'.")
    r.done()
    return block


def _extra_field(name: str, data: Mapping[str, Any], where: str) -> ExtraField:
    r = _Reader(data, where)
    kind = r.get("type", str, "text")
    if kind not in _FIELD_TYPES:
        raise TemplateError(f"{where}: unknown type '{kind}'.")
    sample = r.get("sample", object)
    columns = _strings(r.get("columns", list, []), f"{where} columns")
    field = ExtraField(
        name, r.need("label", str), kind, sample, r.get("required", bool, kind != "bool"), columns
    )
    r.done()
    return field


def _check_placeholders(template: LetterTemplate) -> None:
    for text in template.texts():
        merge.compile_text(text)
    for block in template._all_blocks():
        for expr in (getattr(block, "when", None), getattr(block, "rows_from", None)):
            if expr:
                merge.compile_expression(expr)


def _fields(template: LetterTemplate) -> tuple[str, ...]:
    found: set[str] = set()
    for block in template._all_blocks():
        texts = block_texts(block)
        if isinstance(block, Table):
            texts = [*texts, *block.cells]
        if isinstance(block, Signature):
            texts = [*texts, block.name]
        for text in texts:
            found |= merge.fields_used(text)
        for expr in (getattr(block, "when", None), getattr(block, "rows_from", None)):
            if expr:
                found |= merge.fields_used(expr, expression=True)
    return tuple(sorted(found))


def parse_template(data: Mapping[str, Any], template_id: str, source: str) -> LetterTemplate:
    where = f"Template '{template_id}'"
    top = _Reader(data, where)
    meta = _Reader(top.need("template", dict), f"{where} [template]")
    title = meta.need("title", str)
    kind = meta.get("kind", str, "letter")
    paper = meta.get("paper", str, "A4")
    layout = meta.get("bilingual_layout", str, "side_by_side")
    if kind not in {"letter", "form"} or paper not in {"A4", "Letter"}:
        raise TemplateError(f"{where}: kind must be letter or form, paper A4 or Letter.")
    if layout not in {"side_by_side", "sequential"}:
        raise TemplateError(f"{where}: bilingual_layout must be side_by_side or sequential.")
    one_per_household = meta.get("one_per_household", bool, False)
    returned_whole = meta.get("returned", bool, False)
    description = meta.get("description", str, "")
    meta.done()

    extras = tuple(
        _extra_field(name, value, f"{where} [extra.{name}]")
        for name, value in top.get("extra", dict, {}).items()
    )
    body = tuple(
        _block(b, f"{where} body block {i + 1}") for i, b in enumerate(top.need("body", list))
    )
    easy = tuple(
        _block(b, f"{where} easy_read block {i + 1}")
        for i, b in enumerate(top.get("easy_read", list, []))
    )
    slip = None
    slip_data = top.get("slip", dict)
    if slip_data is not None:
        s = _Reader(slip_data, f"{where} [slip]")
        answers = tuple(
            _answer(a, f"{where} slip answer {i + 1}")
            for i, a in enumerate(s.get("answers", list, []))
        )
        slip = Slip(s.need("title", str), s.get("text", str, ""), answers)
        s.done()
    top.done()

    template = LetterTemplate(
        id=template_id,
        title=title,
        kind=kind,
        fields=(),
        paper=paper,
        one_per_household=one_per_household,
        has_return_slip=slip is not None or returned_whole,
        bilingual_layout=layout,
        has_easy_read=bool(easy),
        description=description,
        extra_fields=extras,
        body=body,
        easy_read=easy,
        slip=slip,
        returned_whole=returned_whole,
        source=source,
    )
    _check_placeholders(template)
    object.__setattr__(template, "fields", _fields(template))
    return template


def load_template_text(text: str, template_id: str) -> LetterTemplate:
    """A template from TOML text (a school's own template, or one edited in the program)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"Template '{template_id}' is not valid TOML: {exc}") from exc
    return parse_template(data, template_id, "<text>")


def load_template_file(path: Path) -> LetterTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"Cannot read template {path}: {exc.strerror}") from exc
    template = load_template_text(text, path.stem)
    object.__setattr__(template, "source", str(path))
    return template


@cache
def _builtin(folder: Path) -> dict[str, LetterTemplate]:
    return {p.stem: load_template_file(p) for p in sorted(folder.glob("*.toml"))}


def load_templates(folder: Path | None = None) -> dict[str, LetterTemplate]:
    """The built-in templates by id (the file name without ``.toml``)."""
    return dict(_builtin(folder or paths.letters_dir()))


def sample_values(template: LetterTemplate) -> dict[str, Any]:
    """The sample ``extra`` values a template declares, for previews."""
    values = template.sample_extra()
    for field in template.extra_fields:
        if field.type == "date" and isinstance(values.get(field.name), str):
            values[field.name] = dt.date.fromisoformat(values[field.name])
    return values
