"""The errors the document layer raises, as part of the program's one hierarchy."""

from __future__ import annotations

from hsp_desktop.errors import Cancelled, KnownError

__all__ = ["Cancelled", "DocumentError", "TemplateError"]


class DocumentError(KnownError):
    """A letter or form cannot be produced; the message says why in plain words."""

    title = "Cannot produce the letter"


class TemplateError(DocumentError):
    """A template is malformed, uses a field the letter lacks, or tries something unsafe."""

    title = "Letter template problem"
