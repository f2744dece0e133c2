"""Letters and forms as PDF, in every family's language.

The services layer calls only what is exported here, with plain data:

* :func:`load_templates` / :func:`load_template_text` / :func:`load_template_file` give
  :class:`LetterTemplate` objects;
* :func:`render_letter` makes one PDF, :func:`render_batch` many letters in one PDF;
* :class:`MergeContext` (or a mapping with the same keys) is what letters are filled from,
  :func:`sample_context` a made-up family for previews;
* :func:`template_status` says whether a template is translated into a language.
"""

from __future__ import annotations

from hsp_desktop.documents.blocks import Answer, Choice, FillLines, Option
from hsp_desktop.documents.context import (
    MergeContext,
    Recipient,
    School,
    Student,
    sample_context,
)
from hsp_desktop.documents.errors import Cancelled, DocumentError, TemplateError
from hsp_desktop.documents.layout import Variant
from hsp_desktop.documents.render import LetterJob, render_batch, render_letter
from hsp_desktop.documents.templates import (
    ExtraField,
    LetterTemplate,
    load_template_file,
    load_template_text,
    load_templates,
    sample_values,
)
from hsp_desktop.documents.trace import PlacedLine, PlacedRun, Trace
from hsp_desktop.i18n.catalogs import Status, translation_status


def template_status(template: LetterTemplate, language: str) -> Status:
    """``"missing"``, ``"draft"`` or ``"complete"`` for this template in ``language``."""
    return translation_status(template.id, language, template.texts())


def preview_context(template: LetterTemplate) -> MergeContext:
    """The sample family with the template's own sample values, for a preview."""
    return sample_context(sample_values(template))


__all__ = [
    "Answer",
    "Cancelled",
    "Choice",
    "DocumentError",
    "ExtraField",
    "FillLines",
    "LetterJob",
    "LetterTemplate",
    "MergeContext",
    "Option",
    "PlacedLine",
    "PlacedRun",
    "Recipient",
    "School",
    "Student",
    "TemplateError",
    "Trace",
    "Variant",
    "load_template_file",
    "load_template_text",
    "load_templates",
    "preview_context",
    "render_batch",
    "render_letter",
    "sample_context",
    "template_status",
    "translation_status",
]
