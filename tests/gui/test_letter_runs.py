"""Sending a trip letter to a class, driven as the office drives it: the run screen, the
email to one household (seen on a real SMTP server on loopback), the printed Urdu/English
copy to the other, the slip typed in, the outstanding list shrinking."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.letters.area import LettersArea
from hsp_desktop.gui.letters.common import CloseAnyway
from hsp_desktop.gui.letters.pdf_view import Printing, SaveAs
from hsp_desktop.gui.letters.run_page import RunPage
from hsp_desktop.gui.letters.student_tab import StudentLettersTab
from hsp_desktop.gui.returns.area import ReturnsArea
from hsp_desktop.model.letters import MailSecurity
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.letter_runs import ProducedRun, RunPlan
from tests.services.letters_world import (
    DOCS_ENV,
    MailSink,
    add_family_apart,
    class_and_students,
    keep_for_docs,
    page_picture,
    pdf_pages,
    pdf_text,
    script_letters,
)

FATHER = "tariq.akhtar@example.org"
TRIP_FIELDS = {
    "trip_place": "Dover Castle",
    "trip_date": "14/07/2026",
    "leave_time": "09:30",
    "return_time": "15:00",
    "travel": "coach",
    "bring": "a packed lunch",
    "reply_by": "07/07/2026",
}


@pytest.fixture
def sink(gui_services: Services) -> Iterator[MailSink]:
    with MailSink() as server:
        gui_services.mail.save_settings(
            SYSTEM,
            0,
            host="127.0.0.1",
            port=server.port,
            security=MailSecurity.NONE,
            from_address="office@brookfield.example.org",
            from_name="Brookfield Special School",
            timeout_seconds=5,
        )
        yield server


@pytest.fixture
def family(gui_services: Services) -> tuple[int, int, str]:
    """(class id, student id, student name): the student's parents live apart, the mother
    reads Urdu, the father English and prefers email."""
    class_id, _, students = class_and_students(gui_services)
    student = students[0]
    add_family_apart(gui_services, student, father_email=FATHER)
    name = next(p.name for p in gui_services.letters.student_choices(SYSTEM) if p.id == student)
    return class_id, student, name


def fill_in(qtbot: QtBot, run: RunPage, class_id: int) -> None:
    choose = run.choose
    choose.select_template("trip_permission")
    choose.a_class.setChecked(True)
    choose.classes.setCurrentIndex(choose.classes.findData(class_id))
    for name, value in TRIP_FIELDS.items():
        widget = choose.fields.widgets[name]
        widget.clear()  # type: ignore[attr-defined]
        qtbot.keyClicks(widget, value)


def check_plan(qtbot: QtBot, run: RunPage) -> RunPlan:
    with qtbot.waitSignal(run.planned, timeout=60_000) as planned:
        qtbot.mouseClick(run.choose.check, Qt.MouseButton.LeftButton)
    plan = planned.args[0]
    assert run.stack.currentWidget() is run.plan_page
    return plan


def produce(qtbot: QtBot, run: RunPage) -> ProducedRun:
    with qtbot.waitSignal(run.produced_ready, timeout=120_000) as produced:
        qtbot.mouseClick(run.plan_page.confirm, Qt.MouseButton.LeftButton)
    return produced.args[0]


def print_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    def to_file(_parent: object, _pages: int) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(100)
        return printer

    monkeypatch.setattr(Printing, "ask_printer", staticmethod(to_file))


def page_with(pdf: bytes, words: str, tmp_path: Path) -> int:
    source = tmp_path / "find.pdf"
    source.write_bytes(pdf)
    for page in range(1, pdf_pages(pdf, tmp_path) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(source), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if words in text:
            return page
    raise AssertionError(f"{words!r} is on no page")


def test_trip_letter_to_a_class_with_parents_apart(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    gui_services: Services,
    sink: MailSink,
    family: tuple[int, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class_id, student, name = family
    ctx: AppContext = make_context("office")
    area = LettersArea(ctx)
    qtbot.addWidget(area)
    area.resize(1280, 860)
    area.show()
    run = area.run
    assert run is not None
    fill_in(qtbot, run, class_id)

    # The run screen: two copies for this student, one by email, one printed in Urdu/English.
    plan = check_plan(qtbot, run)
    mine = [c for c in plan.copies if student in c.student_ids]
    assert len(mine) == 2
    by_email = next(c for c in mine if c.channel.value == "email")
    on_paper = next(c for c in mine if c.channel.value == "print")
    assert by_email.email_to == (FATHER,) and by_email.language == "ENG"
    assert on_paper.language == "URD" and on_paper.bilingual
    page = run.plan_page
    QAbstractItemModelTester(page.copies_model)
    QAbstractItemModelTester(page.excluded_model)
    rows = [page.copies_model.row_at(i) for i in range(page.copies_model.rowCount())]
    assert sum(1 for c in rows if student in c.student_ids) == 2
    summary = page.summary.text()
    assert f"{len(plan.copies)} copies" in summary
    assert f"{len(plan.print_copies)} printed, {len(plan.email_copies)} by email" in summary
    assert "Urdu and English" in summary
    assert "Nothing is sent or printed until you confirm" in summary
    tab_titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert f"By email ({len(plan.email_copies)})" in tab_titles
    keep_screen(qtbot, area, tmp_path, "letters-run-screen.png")

    # Confirm: the email goes, the rest is made into one PDF to print.
    produced = produce(qtbot, run)
    assert all(e.sent for e in produced.emails) and len(produced.emails) == len(plan.email_copies)
    [message] = [m for m in sink.messages if m["To"] == FATHER]  # type: ignore[index]
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert "Dover Castle" in pdf_text(attachment.get_content(), tmp_path, "emailed.pdf")
    assert f"Emails: {len(plan.email_copies)} sent" in run.produce_page.emails.text()
    printed_copies = produced.print_copies
    assert len(printed_copies) == len(plan.print_copies)
    text = pdf_text(produced.pdf, tmp_path)
    assert script_letters(text, "ARABIC") > 20 and "A class trip to Dover Castle" in text
    urdu_page = page_with(produced.pdf, "12 Linden Road", tmp_path)
    picture = page_picture(produced.pdf, tmp_path, "letters/run-urdu-english", urdu_page)
    assert picture.stat().st_size > 10_000
    keep_screen(qtbot, area, tmp_path, "letters-run-produced.png")

    # Nothing printed is on record until it is printed.
    issued = ctx.services.letter_runs.issued_for_student(ctx.actor, student)
    assert [i.channel.value for i in issued] == ["email"]
    printed = tmp_path / "printed.pdf"
    print_to(monkeypatch, printed)
    with qtbot.waitSignal(run.recorded, timeout=120_000) as recorded:
        qtbot.mouseClick(run.produce_page.print_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].recorded == len(printed_copies)
    assert pdf_pages(printed.read_bytes(), tmp_path) == pdf_pages(produced.pdf, tmp_path)
    assert "Recorded:" in run.produce_page.status.text()
    issued = ctx.services.letter_runs.issued_for_student(ctx.actor, student)
    assert sorted(i.channel.value for i in issued) == ["email", "print"]

    # The slip comes back: its code typed in, consent recorded, the outstanding list shrinks.
    returns = ReturnsArea(ctx)
    qtbot.addWidget(returns)
    returns.resize(1100, 760)
    returns.show()
    outstanding = returns.outstanding
    QAbstractItemModelTester(outstanding.model)
    before = outstanding.model.rowCount()
    assert before == len(plan.copies)
    tick = returns.tick_off
    code = on_paper.return_code
    assert code is not None
    qtbot.keyClicks(tick.code, code.lower().replace("-", ""))
    qtbot.keyClick(tick.code, Qt.Key.Key_Return)
    assert tick.slip is not None, tick.status.text()
    assert tick.slip.student_name == name
    qtbot.keyClick(tick, Qt.Key.Key_1)
    assert tick.choices[0].value() == "yes"
    keep_screen(qtbot, returns, tmp_path, "letters-returns.png")
    with qtbot.waitSignal(tick.recorded, timeout=10_000):
        qtbot.keyClick(tick, Qt.Key.Key_Return)
    assert "Recorded:" in tick.status.text() and "can go on the trip" in tick.status.text()
    assert tick.focusWidget() is tick.code and tick.code.text() == ""
    assert outstanding.model.rowCount() == before - 1
    assert (
        ctx.services.returns.answer_for(ctx.actor, recorded.args[0].run_id, student, "consent")
        == "yes"
    )

    # Scanned again: reported, not counted twice.
    qtbot.keyClicks(tick.code, code)
    qtbot.keyClick(tick.code, Qt.Key.Key_Return)
    assert "already ticked off" in tick.status.text()
    assert tick.slip is None and outstanding.model.rowCount() == before - 1

    # The student file's Letters section lists both copies; a copy reprints as issued.
    section = StudentLettersTab(ctx, student)
    qtbot.addWidget(section)
    QAbstractItemModelTester(section.model)
    assert section.model.rowCount() == 2
    urdu_row = next(
        i for i in range(section.model.rowCount()) if section.model.row_at(i).language == "URD"
    )
    section.view.selectRow(section.proxy.mapFromSource(section.model.index(urdu_row, 0)).row())
    dialog = section.reprint_selected()
    assert dialog is not None
    with qtbot.waitSignal(dialog.ready, timeout=60_000) as ready:
        pass
    again = pdf_text(ready.args[0].pdf, tmp_path, "reprint.pdf")
    assert code in again and "12 Linden Road" in again
    dialog.close()


def test_printing_cancelled_at_the_dialog_records_nothing(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    family: tuple[int, int, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    class_id, student, _ = family
    ctx: AppContext = make_context("office")
    run = RunPage(ctx)
    qtbot.addWidget(run)
    run.show()
    fill_in(qtbot, run, class_id)
    plan = check_plan(qtbot, run)
    assert run.choose.email_note.text()  # email is not set up: everyone gets paper
    assert not plan.email_copies and plan.email_note
    produce(qtbot, run)
    monkeypatch.setattr(Printing, "ask_printer", staticmethod(lambda _p, _n: None))
    qtbot.mouseClick(run.produce_page.print_button, Qt.MouseButton.LeftButton)
    assert "nothing was recorded" in run.produce_page.status.text()
    assert ctx.services.letter_runs.issued_for_student(ctx.actor, student) == []
    assert ctx.services.letter_runs.runs(ctx.actor) == []
    # Closing now would leave made letters off the record: the user is asked.
    asked: list[str] = []
    monkeypatch.setattr(CloseAnyway, "ask", staticmethod(lambda _p, m: asked.append(m) or False))
    assert not run.may_close() and "not printed or saved" in asked[0]
    qtbot.mouseClick(run.produce_page.finish, Qt.MouseButton.LeftButton)
    assert run.stack.currentWidget() is run.produce_page  # still there
    # Saving the PDF to print elsewhere records the copies.
    target = tmp_path / "run.pdf"
    monkeypatch.setattr(SaveAs, "ask_path", staticmethod(lambda _p, _s: target))
    with qtbot.waitSignal(run.recorded, timeout=10_000):
        qtbot.mouseClick(run.produce_page.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    assert len(ctx.services.letter_runs.issued_for_student(ctx.actor, student)) == 2
    assert run.may_close() and len(asked) == 2  # asked before; not now it is on record


def test_cancelling_while_the_letters_are_made(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    gui_services: Services,
) -> None:
    ctx: AppContext = make_context("office")
    run = RunPage(ctx)
    qtbot.addWidget(run)
    run.show()
    run.choose.select_template("achievement")
    run.choose.school.setChecked(True)
    for name, value in {"achievement": "Reading to the class", "staff": "Mr Hughes"}.items():
        qtbot.keyClicks(run.choose.fields.widgets[name], value)
    plan = check_plan(qtbot, run)
    assert len(plan.copies) > 50
    with qtbot.waitSignal(run.failed, timeout=120_000):
        qtbot.mouseClick(run.plan_page.confirm, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(run.produce_page.cancel, Qt.MouseButton.LeftButton)
    assert "Stopped" in run.produce_page.status.text()
    assert gui_services.letter_runs.runs(SYSTEM) == []


def test_bad_input_is_shown_in_the_form_and_nobody_to_send_to_is_explained(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    gui_services: Services,
) -> None:
    ctx: AppContext = make_context("office")
    run = RunPage(ctx)
    qtbot.addWidget(run)
    run.show()
    run.choose.select_template("trip_permission")
    qtbot.keyClicks(run.choose.fields.widgets["trip_date"], "31/02/2026")
    with qtbot.waitSignal(run.failed, timeout=30_000):
        qtbot.mouseClick(run.choose.check, Qt.MouseButton.LeftButton)
    assert run.stack.currentWidget() is run.choose
    assert "Where the class is going: is required" in run.choose.errors.text()
    assert run.choose.fields.widgets["trip_place"] in run.choose.errors.marked()

    _, _, students = class_and_students(gui_services)
    lonely = students[1]
    for member in gui_services.families.family(SYSTEM, lonely):
        gui_services.families.unlink_carer(SYSTEM, member.link.id, member.link.version)
    run.choose.load()
    run.choose.select_template("achievement")
    run.choose.one.setChecked(True)
    run.choose.student.set_student(lonely)
    run.choose.one.setChecked(True)
    for name, value in {"achievement": "Reading", "staff": "Mr Hughes"}.items():
        qtbot.keyClicks(run.choose.fields.widgets[name], value)
    plan = check_plan(qtbot, run)
    assert not plan.copies
    assert (
        run.plan_page.problem.isVisible()
        and "no carers are on file" in run.plan_page.problem.text()
    )
    assert not run.plan_page.confirm.isEnabled()


def test_letters_sent_page_and_a_reminder_run(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    family: tuple[int, int, str],
) -> None:
    class_id, _, _ = family
    ctx: AppContext = make_context("office")
    area = LettersArea(ctx)
    qtbot.addWidget(area)
    area.show()
    run, runs = area.run, area.runs
    assert run is not None and runs is not None
    fill_in(qtbot, run, class_id)
    plan = check_plan(qtbot, run)
    produce(qtbot, run)
    with qtbot.waitSignal(run.recorded, timeout=10_000):
        run._record()
    QAbstractItemModelTester(runs.runs_model)
    QAbstractItemModelTester(runs.copies_model)
    assert runs.runs_model.rowCount() == 1
    runs.runs_view.selectRow(0)
    assert runs.copies_model.rowCount() == len(plan.copies)
    assert runs.reminder.isEnabled()
    runs.only_missing.setChecked(True)
    assert runs.copies_proxy.rowCount() == len(plan.copies)
    with qtbot.waitSignal(run.planned, timeout=60_000) as reminded:
        qtbot.mouseClick(runs.reminder, Qt.MouseButton.LeftButton)
    reminder = reminded.args[0]
    assert area.tabs.currentWidget() is run
    assert reminder.reminder_of is not None and reminder.scope.startswith("Reminder")
    assert len(reminder.copies) == len(plan.copies)
    assert run.choose.fields.widgets["trip_place"].text() == "Dover Castle"  # type: ignore[attr-defined]


def keep_screen(qtbot: QtBot, widget: object, tmp_path: Path, name: str) -> None:
    """A picture of the screen for the docs, only when asked (QtPdf paints in the
    background, so the picture waits a moment; nothing is asserted on it)."""
    if not os.environ.get(DOCS_ENV):
        return
    qtbot.wait(800)
    picture = tmp_path / name
    widget.grab().save(str(picture))  # type: ignore[attr-defined]
    keep_for_docs(picture, name)


def test_choosing_who_gets_it_and_refreshing_keeps_what_was_typed(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    ctx: AppContext = make_context("office")
    area = LettersArea(ctx)
    qtbot.addWidget(area)
    area.resize(1280, 860)
    area.show()
    run = area.run
    assert run is not None
    choose = run.choose
    assert choose.a_class.isChecked()  # a class is what the office sends to most
    choose.select_template("trip_permission")
    qtbot.keyClicks(choose.fields.widgets["trip_place"], "Dover Castle")
    choose.chosen_students.list.item(0).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    assert choose.chosen.isChecked()
    qtbot.keyClicks(choose.student.lineEdit(), "a")  # type: ignore[arg-type]
    assert choose.one.isChecked()
    choose.a_class.setChecked(True)
    ctx.hub.changed.emit("families")  # another screen changed a family
    assert choose.a_class.isChecked()
    assert choose.fields.widgets["trip_place"].text() == "Dover Castle"  # type: ignore[attr-defined]
    assert len(choose.chosen_students.chosen()) == 1
    first = int(choose.chosen_students.list.item(1).data(Qt.ItemDataRole.UserRole))  # type: ignore[union-attr]
    area.send_to([first])
    assert choose.chosen.isChecked() and choose.chosen_students.chosen() == [first]
    choose.a_class.setChecked(True)
    keep_screen(qtbot, area, tmp_path, "letters-send.png")
