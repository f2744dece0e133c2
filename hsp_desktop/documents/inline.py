"""The little markup letter text may carry: ``<b>bold</b>`` and ``<br/>`` for a line break.

Merge values arrive HTML-escaped (the Jinja environment autoescapes), so a name that contains
``<b>`` or ``&`` prints as typed; only the template's own tags take effect.
"""

from __future__ import annotations

import html
import re

_TOKEN = re.compile(r"<(/?)b>|<br\s*/?>", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def parse_inline(markup: str) -> tuple[str, list[bool]]:
    """Plain text of ``markup`` and, for every character, whether it is bold.

    Runs of white space (including the line breaks of a TOML multi-line string) become one
    space; ``<br/>`` becomes a hard line break (``\\n``).
    """
    text: list[str] = []
    bold: list[bool] = []
    is_bold = False
    pos = 0

    def emit(raw: str) -> None:
        plain = html.unescape(_SPACE.sub(" ", raw))
        text.append(plain)
        bold.extend([is_bold] * len(plain))

    for match in _TOKEN.finditer(markup):
        emit(markup[pos : match.start()])
        token = match.group(0).lower()
        if token.startswith("<br"):
            text.append("\n")
            bold.append(is_bold)
        else:
            is_bold = match.group(1) != "/"
        pos = match.end()
    emit(markup[pos:])
    out: list[str] = []
    flags: list[bool] = []
    for ch, flag in zip("".join(text), bold, strict=True):
        if ch == " " and (not out or out[-1] in " \n"):
            continue  # collapse spaces, including across tags, and drop them after a break
        if ch == "\n" and out and out[-1] == " ":
            out.pop()
            flags.pop()
        out.append(ch)
        flags.append(flag)
    while out and out[-1] == " ":
        out.pop()
        flags.pop()
    return "".join(out), flags


def escape(text: str) -> str:
    """Make plain text safe to put inside markup."""
    return html.escape(text, quote=False)
