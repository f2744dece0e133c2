"""The PDF itself: readable text, return codes, batches, paper sizes, progress and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from hsp_desktop.documents import (
    Cancelled,
    DocumentError,
    LetterJob,
    Trace,
    Variant,
    load_templates,
    preview_context,
    render_batch,
    render_letter,
)
from tests.documents.conftest import pdf_pages, pdf_text

TEMPLATES = load_templates()


@pytest.mark.parametrize("language", ["ENG", "URD", "BNG", "POL"])
def test_pdf_text_has_student_name_and_return_code(language: str, tmp_path: Path) -> None:
    template = TEMPLATES["trip_permission"]
    pdf = render_letter(
        template, preview_context(template), language, Variant(), return_code="QX7K-42MD"
    )
    text = pdf_text(pdf, tmp_path)
    assert "Amira" in text
    assert "Khan" in text
    assert "QX7K-42MD" in text


def test_form_returned_whole_carries_its_code(tmp_path: Path) -> None:
    template = TEMPLATES["parent_questionnaire"]
    assert template.has_return_slip and template.one_per_household
    pdf = render_letter(template, preview_context(template), "ENG", return_code="ZZ99-0001")
    assert "ZZ99-0001" in pdf_text(pdf, tmp_path)


def test_batch_starts_each_letter_on_a_new_page(tmp_path: Path) -> None:
    single = TEMPLATES["achievement"]
    context = preview_context(single)
    one = pdf_pages(render_letter(single, context, "ENG"), tmp_path)
    jobs = [LetterJob(single, context, lang) for lang in ("ENG", "POL", "URD")]
    seen: list[tuple[int, int]] = []
    pdf = render_batch(jobs, progress=lambda done, total: seen.append((done, total)))
    assert pdf_pages(pdf, tmp_path) == 3 * one
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_batch_can_be_cancelled() -> None:
    template = TEMPLATES["achievement"]
    jobs = [LetterJob(template, preview_context(template), "ENG") for _ in range(5)]
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(Cancelled):
        render_batch(jobs, cancel=cancel)


def test_letter_paper_and_contact_rows(tmp_path: Path) -> None:
    template = TEMPLATES["contact_sheet"]
    trace = Trace()
    pdf = render_letter(template, preview_context(template), "ENG", trace=trace)
    assert "Good week. Amira read a whole book at home." in " ".join(trace.text().split())
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf


def test_large_print_is_at_least_16_points() -> None:
    template = TEMPLATES["absence_unexplained"]
    trace = Trace()
    render_letter(
        template, preview_context(template), "ENG", Variant(large_print=True), trace=trace
    )
    body = [line for line in trace.lines if "We want to help." in line.text]
    assert body and all(line.size >= 16 for line in body)


def test_unknown_language_is_a_document_error() -> None:
    template = TEMPLATES["achievement"]
    with pytest.raises(DocumentError, match="unknown language"):
        render_letter(template, preview_context(template), "XX-nowhere")
