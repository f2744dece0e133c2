"""Every built-in template renders in every shipped language and variant, with no missing glyph."""

from __future__ import annotations

import unicodedata

import pytest

from hsp_desktop.documents import (
    Trace,
    Variant,
    load_templates,
    preview_context,
    render_letter,
)
from hsp_desktop.i18n.catalogs import catalogs
from tests.documents.conftest import cmap_of

TEMPLATES = load_templates()
LANGUAGES = ["ENG", *sorted(catalogs())]
VARIANTS = [
    Variant(),
    Variant(bilingual=True),
    Variant(large_print=True),
    Variant(bilingual=True, large_print=True, easy_read=True),
]


def _unsupported(trace: Trace) -> list[str]:
    problems = []
    for line in trace.lines:
        for run in line.runs:
            cmap = cmap_of(run.font_file)
            for ch in run.text:
                if ord(ch) in cmap:
                    continue
                # Joiners and bidi marks are handled by shaping and need no glyph of their own.
                if unicodedata.category(ch) == "Cf":
                    continue
                problems.append(f"U+{ord(ch):04X} {ch!r} not in {run.font_file} ({run.text!r})")
    return problems


def test_shipped_languages_include_the_drafts() -> None:
    assert {"POL", "URD", "BNG"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_template_renders_with_every_glyph(template_id: str, language: str) -> None:
    template = TEMPLATES[template_id]
    context = preview_context(template)
    for variant in VARIANTS:
        trace = Trace()
        pdf = render_letter(
            template, context, language, variant, return_code="AB12-CD34", trace=trace
        )
        assert pdf.startswith(b"%PDF")
        assert trace.lines, "nothing was drawn"
        assert trace.missing == []
        assert _unsupported(trace) == []


def test_translated_letter_is_set_in_the_languages_font() -> None:
    template = TEMPLATES["trip_permission"]
    trace = Trace()
    render_letter(template, preview_context(template), "URD", Variant(), trace=trace)
    faces = {run.face for line in trace.lines for run in line.runs}
    assert "nastaliq" in faces
    trace = Trace()
    render_letter(template, preview_context(template), "BNG", Variant(), trace=trace)
    assert "bengali" in {run.face for line in trace.lines for run in line.runs}


def test_bilingual_letter_prints_both_languages() -> None:
    template = TEMPLATES["meeting_invitation"]
    trace = Trace()
    render_letter(template, preview_context(template), "POL", Variant(bilingual=True), trace=trace)
    text = trace.text()
    assert "Czy możemy się spotkać?" in text
    assert "Can we meet?" in text


def test_interpreter_sentence_follows_the_flag() -> None:
    template = TEMPLATES["meeting_invitation"]
    for booked, expected, absent in (
        (True, "An interpreter has been booked for you.", "please tell us and we will book"),
        (False, "please tell us and we will book one", "has been booked for you"),
    ):
        context = preview_context(template)
        extra = {**context.extra, "interpreter_booked": booked}
        from dataclasses import replace

        trace = Trace()
        render_letter(template, replace(context, extra=extra), "ENG", trace=trace)
        text = " ".join(trace.text().split())
        assert expected in text
        assert absent not in text
