"""Letter translations: gettext catalogs in ``translations/letters``, read with babel.

One ``<tag>.po`` per written language, named by BCP 47 tag (``pl.po``, ``ur.po``, ``bn.po``,
``pa-Guru.po``); the registry in :mod:`hsp_desktop.i18n.languages` maps the tag to the DfE code
letters are requested in. ``msgctxt`` is the template id, or ``common`` for the few words the
renderer prints itself ("Return code", "Class"). ``letters.pot`` lists every English source
string and is what translators start from.

An entry marked fuzzy is a draft. A template is *complete* in a language when every one of its
strings has a translation that is not fuzzy, *draft* when some are fuzzy or missing, and
*missing* when none is translated. Missing entries fall back to English when printing. A
translation whose placeholders or tags differ from its source is ignored (treated as missing)
so a slip of the translator's keyboard can never break a letter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.pofile import read_po

from hsp_desktop import paths
from hsp_desktop.i18n import languages

COMMON = "common"
POT_NAME = "letters.pot"
Status = Literal["missing", "draft", "complete"]

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<\s*/?\s*b\s*>|<\s*br\s*/?\s*>", re.DOTALL)


def placeholders(text: str) -> Counter[str]:
    """The placeholders and tags in a string, spacing ignored: ``{{ a.b }}`` == ``{{a.b}}``."""
    return Counter("".join(m.group(0).split()).lower() for m in _PLACEHOLDER.finditer(text))


def placeholders_match(source: str, translation: str) -> bool:
    return placeholders(source) == placeholders(translation)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    context: str
    msgid: str
    msgstr: str
    fuzzy: bool

    @property
    def usable(self) -> bool:
        return bool(self.msgstr.strip()) and placeholders_match(self.msgid, self.msgstr)


class LetterCatalog:
    """The translations of letter text into one written language."""

    def __init__(self, language: str, path: Path, entries: Iterable[CatalogEntry]) -> None:
        self.language = language  # DfE code
        self.path = path
        self.entries = {(e.context, e.msgid): e for e in entries}

    def translate(self, context: str, msgid: str) -> str | None:
        entry = self.entries.get((context, msgid))
        return entry.msgstr if entry is not None and entry.usable else None

    def status_of(self, context: str, msgid: str) -> Status:
        entry = self.entries.get((context, msgid))
        if entry is None or not entry.usable:
            return "missing"
        return "draft" if entry.fuzzy else "complete"


def read_catalog(path: Path) -> LetterCatalog:
    language = languages.get(path.stem).code
    with path.open("rb") as handle:
        catalog = read_po(handle, ignore_obsolete=True)
    entries = [
        CatalogEntry(str(m.context or ""), str(m.id), str(m.string or ""), m.fuzzy)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str | None)
    ]
    return LetterCatalog(language, path, entries)


@cache
def _catalogs(folder: Path) -> dict[str, LetterCatalog]:
    found: dict[str, LetterCatalog] = {}
    for path in sorted(folder.glob("*.po")):
        catalog = read_catalog(path)
        found[catalog.language] = catalog
    return found


def catalogs(folder: Path | None = None) -> dict[str, LetterCatalog]:
    """Every letter catalog by DfE code of its language."""
    return dict(_catalogs(folder or paths.letter_catalogs_dir()))


def catalog_for(language: str, folder: Path | None = None) -> LetterCatalog | None:
    """The catalog letters for a reader of ``language`` are translated with (dialects map to
    their written language), or ``None`` for English and languages without one."""
    written = languages.written_language(language)
    if written.code == languages.ENGLISH.code:
        return None
    return catalogs(folder).get(written.code)


@cache
def _pot_ids(folder: Path) -> dict[str, tuple[str, ...]]:
    path = folder / POT_NAME
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        template = read_po(handle)
    ids: dict[str, list[str]] = {}
    for message in template:
        if message.id and isinstance(message.id, str):
            ids.setdefault(str(message.context or ""), []).append(message.id)
    return {k: tuple(v) for k, v in ids.items()}


def source_strings(template_id: str, folder: Path | None = None) -> tuple[str, ...]:
    """The English strings of a template as listed in ``letters.pot``."""
    return _pot_ids(folder or paths.letter_catalogs_dir()).get(template_id, ())


def translation_status(
    template_id: str,
    language: str,
    msgids: Iterable[str] | None = None,
    folder: Path | None = None,
) -> Status:
    """How far a template is translated into the written language of ``language``.

    ``msgids`` are the template's English strings; by default they come from ``letters.pot``
    (a school's own template passes its strings). The ``common`` strings count too.
    """
    if languages.written_language(language).code == languages.ENGLISH.code:
        return "complete"
    catalog = catalog_for(language, folder)
    if catalog is None:
        return "missing"
    wanted = [
        (template_id, m)
        for m in (msgids if msgids is not None else source_strings(template_id, folder))
    ]
    wanted += [(COMMON, m) for m in source_strings(COMMON, folder)]
    if not wanted:
        return "complete"
    states = {catalog.status_of(ctx, msgid) for ctx, msgid in wanted}
    if states == {"complete"}:
        return "complete"
    own = [catalog.status_of(template_id, m) for ctx, m in wanted if ctx == template_id]
    if own and all(state == "missing" for state in own):
        return "missing"
    return "draft"


def reload() -> None:
    """Forget loaded catalogs (after a translator saves a new ``.po`` file)."""
    _catalogs.cache_clear()
    _pot_ids.cache_clear()
