"""A voice: one letter's text in one language, translated from English and filled in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hsp_desktop.documents.merge import Merger
from hsp_desktop.documents.textflow import Writing
from hsp_desktop.i18n.catalogs import COMMON, LetterCatalog, catalog_for

# Words the renderer prints itself (msgctxt "common" in the catalogs).
COMMON_TEXTS: tuple[str, ...] = (
    "Student",
    "Class",
    "Date",
    "Return code",
    "Please cut along the dashed line and return this part to school.",
    "English",
    "Please return this form to school.",
)


class Voice:
    def __init__(self, template_id: str, language: str, context: Mapping[str, Any]) -> None:
        self.writing = Writing.of(language)
        self.template_id = template_id
        self.catalog: LetterCatalog | None = catalog_for(self.writing.code)
        self.merger = Merger(context, self.writing.code)

    def translate(self, source: str) -> str:
        if self.catalog is None:
            return source
        return self.catalog.translate(self.template_id, source) or source

    def text(self, source: str, **local: Any) -> str:
        """Markup of ``source`` in this voice's language, placeholders filled."""
        return self.merger.text(self.translate(source), **local)

    def common(self, source: str) -> str:
        translated = self.catalog.translate(COMMON, source) if self.catalog else None
        return self.merger.text(translated or source)

    def has_translation(self) -> bool:
        """True if anything of this template is translated (else print English alone)."""
        if self.catalog is None:
            return False
        return any(ctx == self.template_id for ctx, _ in self.catalog.entries)
