"""The letter preview driven as the office drives it: the annual review invitation for real
demo students in Urdu, Bengali and Polish; the Urdu draft prints with English until it is
marked checked, then in Urdu alone. Every PDF is read back with poppler."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.letters.area import LettersArea
from hsp_desktop.gui.letters.pdf_view import Printing, SaveAs
from hsp_desktop.gui.letters.preview_page import CheckNote, PreviewPage
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.letters import Preview
from tests.services.letters_world import (
    DOCS_ENV,
    keep_for_docs,
    page_picture,
    pdf_pages,
    pdf_text,
    script_letters,
    untranslated_language,
)

TEMPLATE = "annual_review_invitation"
ENGLISH_SENTENCE = "Every year we meet"


def family_reading(services: Services, code: str) -> int:
    for pick in services.letters.student_choices(SYSTEM):
        if services.letters.family_language(SYSTEM, pick.id) == code:
            return pick.id
    raise AssertionError(f"the demo school has no family reading {code}")


def shown(qtbot: QtBot, page: PreviewPage, language: str, student_id: int | None) -> Preview:
    def ready() -> bool:
        current = page.current
        return (
            current is not None
            and current.request.template_id == page.template_id()
            and current.request.student_id == student_id
            and current.language == language
            and not page._debounce.isActive()
            and not (page._operation is not None and page._operation.running)
        )

    qtbot.waitUntil(ready, timeout=60_000)
    assert page.current is not None
    return page.current


@pytest.fixture
def area(qtbot: QtBot, make_context) -> LettersArea:  # type: ignore[no-untyped-def]
    area = LettersArea(make_context("office"))
    qtbot.addWidget(area)
    area.resize(1280, 900)
    area.show()
    qtbot.waitExposed(area)
    return area


@pytest.fixture
def page(area: LettersArea) -> PreviewPage:
    area.tabs.setCurrentWidget(area.preview)
    QAbstractItemModelTester(area.preview.translations)
    area.preview.select_template(TEMPLATE)
    return area.preview


def test_urdu_draft_prints_with_english_until_checked(
    qtbot: QtBot, page: PreviewPage, gui_services: Services, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    urdu = family_reading(gui_services, "URD")
    page.student.set_student(urdu)
    assert page.language.code() == "URD"  # the family's written language is chosen for them
    draft = shown(qtbot, page, "URD", urdu)
    assert draft.translation.status == "draft"
    assert draft.variant.bilingual
    assert page.status.text().startswith("Draft translation — printed with English")
    assert page.mark_checked.isVisible() and page.mark_checked.isEnabled()
    text = pdf_text(draft.pdf, tmp_path)
    assert script_letters(text, "ARABIC") > 20  # Urdu is there
    assert ENGLISH_SENTENCE in text  # and so is the English
    page_picture(draft.pdf, tmp_path, "letters/annual-review-urdu-draft")
    keep_page(qtbot, page, tmp_path, "letters-preview-draft.png")

    monkeypatch.setattr(CheckNote, "ask", staticmethod(lambda _p, _q: "Mr Rahman, Urdu speaker"))
    page.mark_checked.click()
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.translation.status == "checked",
        timeout=60_000,
    )
    checked = shown(qtbot, page, "URD", urdu)
    assert not checked.variant.bilingual
    assert page.status.text().startswith("Checked by Mrs Priya Shah on ")
    assert not page.mark_checked.isEnabled()
    text = pdf_text(checked.pdf, tmp_path)
    assert script_letters(text, "ARABIC") > 20
    assert ENGLISH_SENTENCE not in text  # Urdu only now
    urdu_row = next(
        r
        for r in (page.translations.row(i) for i in range(page.translations.rowCount()))
        if r.language == "URD"
    )
    assert urdu_row.status == "checked" and urdu_row.note == "Mr Rahman, Urdu speaker"
    page_picture(checked.pdf, tmp_path, "letters/annual-review-urdu-checked")
    keep_page(qtbot, page, tmp_path, "letters-preview.png")


@pytest.mark.parametrize(
    ("code", "script", "name"), [("BNG", "BENGALI", "bengali"), ("POL", "LATIN", "polish")]
)
def test_bengali_and_polish_drafts(
    qtbot: QtBot,
    page: PreviewPage,
    gui_services: Services,
    tmp_path: Path,
    code: str,
    script: str,
    name: str,
) -> None:
    student = family_reading(gui_services, code)
    page.student.set_student(student)
    preview = shown(qtbot, page, code, student)
    assert preview.translation.status == "draft" and preview.variant.bilingual
    text = pdf_text(preview.pdf, tmp_path)
    assert script_letters(text, script) > 20
    assert ENGLISH_SENTENCE in text
    page_picture(preview.pdf, tmp_path, f"letters/annual-review-{name}")


def test_untranslated_language_prints_english_and_cannot_be_checked(
    qtbot: QtBot, page: PreviewPage, tmp_path: Path
) -> None:
    code, name = untranslated_language()
    page.language.set_code(code)
    preview = shown(qtbot, page, "ENG", None)
    assert preview.translation.status == "missing"
    assert f"Not translated into {name} yet" in page.status.text()
    assert not page.mark_checked.isEnabled()
    assert ENGLISH_SENTENCE in pdf_text(preview.pdf, tmp_path)


def test_teacher_sees_no_check_button(qtbot: QtBot, make_context) -> None:  # type: ignore[no-untyped-def]
    page = PreviewPage(make_context("teacher"))
    qtbot.addWidget(page)
    page.show()
    shown(qtbot, page, "ENG", None)
    assert not page.mark_checked.isVisible()


def test_save_and_print_the_preview(
    qtbot: QtBot, page: PreviewPage, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    page.language.set_code("POL")
    preview = shown(qtbot, page, "POL", None)
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(SaveAs, "ask_path", staticmethod(lambda _p, _s: target))
    page.save_button.click()
    assert target.read_bytes() == preview.pdf

    printed = tmp_path / "printed.pdf"

    def to_file(_parent: object, _pages: int) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    monkeypatch.setattr(Printing, "ask_printer", staticmethod(to_file))
    page.print_pdf()
    job = page._print_job
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000) as done:
        pass
    assert done.args == [True]
    assert pdf_pages(printed.read_bytes(), tmp_path) == pdf_pages(preview.pdf, tmp_path)


def keep_page(qtbot: QtBot, page: PreviewPage, tmp_path: Path, name: str) -> None:
    """A picture of the screen for the docs (only when asked: QtPdf paints pages in the
    background, so the picture waits a moment for them; nothing is asserted on it)."""
    if not os.environ.get(DOCS_ENV):
        return
    qtbot.wait(800)
    window = page.window()
    picture = tmp_path / name
    window.grab().save(str(picture))
    keep_for_docs(picture, name)
