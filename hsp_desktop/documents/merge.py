"""Filling template text from the merge context, in a Jinja2 sandbox.

Schools may write their own templates, so template text is untrusted: it runs in
``SandboxedEnvironment`` (no access to Python internals, bounded ranges and repetition),
undefined fields are errors rather than blanks, and merge values are HTML-escaped so a name
like ``<b>`` or ``{{7*7}}`` prints exactly as typed. Every failure becomes a
:class:`~hsp_desktop.documents.errors.TemplateError`.

Filters format values for the letter's language: ``date`` (``long`` by default, or ``full``,
``medium``, ``short``), ``time``, ``datetime``, ``weekday``, ``number``, ``money`` and ``names``
(a list of students or strings joined as the language joins lists: "Amira and Yusuf").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
from babel.lists import format_list
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from hsp_desktop.documents.errors import TemplateError
from hsp_desktop.i18n import formatting, languages


def languages_rtl(language: str) -> bool:
    try:
        return languages.get(language).direction == "rtl"
    except languages.UnknownLanguageError:
        return False


_MAX_REPEAT = 10_000
_MAX_EXPONENT = 64
LOOP_NAMES = frozenset({"row", "loop", "language"})


class _LetterSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
            raise jinja2.sandbox.SecurityError("exponent too large for a letter")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and len(seq) * count > _MAX_REPEAT
                ):
                    raise jinja2.sandbox.SecurityError("repetition too long for a letter")
        return super().call_binop(context, operator, left, right)


def _language(ctx: jinja2.runtime.Context) -> str:
    return str(ctx.get("language") or "ENG")


_LRM = "\u200e"


def _ltr_island(text: str, ctx: jinja2.runtime.Context) -> str:
    """Keep a Latin-only value ("9:30 AM", "£3.50") in one piece inside right-to-left text.

    Without a strong left-to-right mark around it, the bidi algorithm splits "9:30 AM" at the
    space and prints "AM 9:30". python-bidi's algorithm predates isolates, so marks are used.
    """
    if not languages_rtl(_language(ctx)):
        return text
    kinds = {unicodedata.bidirectional(ch) for ch in text}
    if "L" in kinds and not kinds & {"R", "AL"}:
        return f"{_LRM}{text}{_LRM}"
    return text


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


def _as_time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    raise TypeError(f"not a time: {value!r}")


@jinja2.pass_context
def _date(ctx: jinja2.runtime.Context, value: Any, style: str = "long") -> str:
    return formatting.format_date(_as_date(value), _language(ctx), style)  # type: ignore[arg-type]


@jinja2.pass_context
def _time(ctx: jinja2.runtime.Context, value: Any, style: str = "short") -> str:
    text = formatting.format_time(_as_time(value), _language(ctx), style)  # type: ignore[arg-type]
    return _ltr_island(text, ctx)


@jinja2.pass_context
def _datetime(ctx: jinja2.runtime.Context, value: Any, style: str = "long") -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return formatting.format_datetime(value, _language(ctx), style)  # type: ignore[arg-type]


@jinja2.pass_context
def _weekday(ctx: jinja2.runtime.Context, value: Any) -> str:
    return formatting.weekday_name(_as_date(value), _language(ctx))


@jinja2.pass_context
def _number(ctx: jinja2.runtime.Context, value: int | float | Decimal) -> str:
    return formatting.format_number(value, _language(ctx))


@jinja2.pass_context
def _money(ctx: jinja2.runtime.Context, value: int | float | Decimal | str) -> str:
    return _ltr_island(formatting.format_money(Decimal(str(value)), _language(ctx)), ctx)


@jinja2.pass_context
def _names(ctx: jinja2.runtime.Context, values: Iterable[Any]) -> str:
    names = [str(getattr(v, "name", v)) for v in values]
    if not names:
        return ""
    return _welsh_and(format_list(names, locale=formatting.locale_for(_language(ctx))))


def _welsh_and(text: str) -> str:
    """CLDR joins Welsh lists with "a(c)": "ac" goes before a vowel, "a" before a consonant."""
    text = re.sub(r"\ba\(c\) (?=[AEIOUWYÂÊÎÔÛŴŶaeiouwyâêîôûŵŷ])", "ac ", text)
    return text.replace("a(c) ", "a ")


def _environment() -> SandboxedEnvironment:
    env = _LetterSandbox(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(
        date=_date,
        time=_time,
        datetime=_datetime,
        weekday=_weekday,
        number=_number,
        money=_money,
        names=_names,
    )
    return env


ENV = _environment()


def _explain(source: str, exc: BaseException) -> TemplateError:
    snippet = " ".join(source.split())
    if len(snippet) > 70:
        snippet = snippet[:67] + "..."
    if isinstance(exc, jinja2.sandbox.SecurityError):
        reason = f"it tries something templates may not do ({exc})"
    elif isinstance(exc, jinja2.UndefinedError):
        reason = f"it uses a field the letter does not have ({exc})"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        reason = f"a placeholder is written wrongly ({exc.message})"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    error = TemplateError(f'Cannot fill "{snippet}": {reason}.')
    error.__cause__ = exc
    return error


@lru_cache(maxsize=4096)
def compile_text(source: str) -> jinja2.Template:
    try:
        return ENV.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise _explain(source, exc) from exc


@lru_cache(maxsize=1024)
def compile_expression(source: str) -> Any:
    try:
        return ENV.compile_expression(source, undefined_to_none=False)
    except jinja2.TemplateSyntaxError as exc:
        raise _explain(source, exc) from exc


class Merger:
    """Renders template strings for one letter: one context, one language."""

    def __init__(self, context: Mapping[str, Any], language: str) -> None:
        self.variables = {**context, "language": language}

    def text(self, source: str, **local: Any) -> str:
        """Render markup; merge values come out escaped for :mod:`inline`."""
        template = compile_text(source)
        try:
            return template.render({**self.variables, **local} if local else self.variables)
        except Exception as exc:
            raise _explain(source, exc) from exc

    def value(self, expression: str, default: Any = None) -> Any:
        """Evaluate an expression such as ``extra.contacts``; missing fields give ``default``."""
        compiled = compile_expression(expression)
        try:
            result = compiled(**self.variables)
        except jinja2.UndefinedError:
            return default
        except Exception as exc:
            raise _explain(expression, exc) from exc
        if isinstance(result, jinja2.Undefined):
            return default
        return result

    def truth(self, expression: str) -> bool:
        return bool(self.value(expression, False))


def fields_used(source: str, *, expression: bool = False) -> set[str]:
    """The dotted context paths a string reads, e.g. ``{"student.name", "extra.trip_date"}``."""
    try:
        tree = ENV.parse(f"{{{{ {source} }}}}" if expression else source)
    except jinja2.TemplateSyntaxError as exc:
        raise _explain(source, exc) from exc
    found: set[str] = set()
    inner: set[int] = set()
    for getattr_node in tree.find_all(nodes.Getattr):
        if isinstance(getattr_node.node, nodes.Getattr):
            inner.add(id(getattr_node.node))
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        if id(node) in inner:
            continue
        path: list[str] = []
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr):
            path.append(current.attr)
            current = current.node
        if isinstance(current, nodes.Name) and current.name not in LOOP_NAMES:
            found.add(".".join([current.name, *reversed(path)]))
    # Drop bare roots already covered by a longer path ("extra" when "extra.x" is there).
    return {f for f in found if not any(g.startswith(f + ".") for g in found)}
