"""A class teacher's day: My class, three calls, the dashboard updating, the contact sheet."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QSettings, Qt, QTime
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from hsp_desktop.gui.common.context import AppContext, ChangeHub
from hsp_desktop.gui.contacts.conflict import ConflictDialog
from hsp_desktop.gui.contacts.form import ContactDialog
from hsp_desktop.gui.contacts.myclass import MyClassPage
from hsp_desktop.gui.contacts.printing import PdfSaver
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.settings import Settings
from hsp_desktop.model import ContactRecord, UserAccount
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.contacts import Channel, InterpreterKind, Outcome
from hsp_desktop.services.container import Services
from hsp_desktop.services.obligation import FamilyState
from hsp_desktop.store import Database
from tests.gui.prompts import fail_on_message_boxes


def actor_for(db: Database, username: str) -> Actor:
    with db.read() as s:
        user = s.scalar(select(UserAccount).where(UserAccount.username == username))
        assert user is not None
        return Actor(user.id, user.username, user.display_name, user.role, user.staff_member_id)


@pytest.fixture
def ctx(sqlite_demo_db: Database, tmp_path: Path) -> AppContext:
    with sqlite_demo_db.transaction() as s:
        s.execute(delete(ContactRecord))  # a fresh start: nobody contacted yet this term
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    return AppContext(
        Services.build(sqlite_demo_db),
        actor_for(sqlite_demo_db, "teacher"),
        settings,
        ChangeHub(),
    )


@pytest.fixture(autouse=True)
def _message_boxes_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_on_message_boxes(monkeypatch)


def in_term(ctx: AppContext) -> QDateTime:
    """A moment of the term the dashboards show, whatever the date the tests run on: now in
    term time; in a holiday, the last afternoon of the term just ended (a contact dated in
    no term would ask for confirmation first)."""
    position = ctx.services.terms.position()
    if position.in_term:
        return QDateTime.currentDateTime().addSecs(-60)
    last = position.term.end_date
    return QDateTime(QDate(last.year, last.month, last.day), QTime(15, 0))


@pytest.fixture
def saved_pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    opened: list[Path] = []
    counter = iter(range(100))
    monkeypatch.setattr(
        PdfSaver, "ask_path", staticmethod(lambda _p, name: tmp_path / f"{next(counter)}-{name}")
    )
    monkeypatch.setattr(PdfSaver, "open_file", staticmethod(opened.append))
    yield opened


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def log_call(
    qtbot: QtBot,
    page: MyClassPage,
    row: int,
    outcome: Outcome,
    summary: str,
    interpreter: InterpreterKind = InterpreterKind.NONE,
) -> ContactDialog:
    page.table.selectRow(row)
    dialog = page.log_contact()
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(in_term(page.ctx))
    dialog.outcome_buttons[outcome].setChecked(True)
    dialog.interpreter.setCurrentIndex(dialog.interpreter.findData(interpreter))
    dialog.summary.setPlainText(summary)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not dialog.isVisible()
    return dialog


def test_my_class_three_calls_and_the_dashboard_updates(
    qtbot: QtBot, ctx: AppContext, saved_pdfs: list[Path]
) -> None:
    page = MyClassPage(ctx)
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.show()
    choice = page.classes.current_choice()
    assert choice is not None and choice.teacher_name == "Mr Tom Hughes"  # the teacher's class
    board = page.dashboard
    assert board is not None and board.tally.contacted == 0
    owed = board.tally.owed
    assert f"0 of {owed}" in page.tally.text()
    assert page.model.rowCount() >= 3

    first = log_call(
        qtbot,
        page,
        0,
        Outcome.SPOKE,
        "Lovely call: a great week at school.",
        InterpreterKind.TELEPHONE,
    )
    log_call(qtbot, page, 1, Outcome.NO_ANSWER, "")
    log_call(qtbot, page, 2, Outcome.SPOKE, "Talked about the trip on Friday.")

    board = page.dashboard
    assert board is not None
    assert board.tally.contacted == 2 and board.tally.attempted == 1
    assert f"2 of {owed}" in page.tally.text()
    states = [page.model.row_at(r)[1] for r in range(3)]
    assert [f.state if f else None for f in states] == [
        FamilyState.CONTACTED,
        FamilyState.ATTEMPTED,
        FamilyState.CONTACTED,
    ]
    assert page.model.index(0, 3).data().endswith("Mr Tom Hughes")
    # The form remembers the channel: the next one opens on the last used.
    page.table.selectRow(3)
    again = page.log_contact()
    assert again is not None
    qtbot.addWidget(again)
    assert again.channel.currentData() == Channel.PHONE
    again.channel.setCurrentIndex(again.channel.findData(Channel.MEETING))
    again.when.setDateTime(in_term(ctx))
    again.outcome_buttons[Outcome.SPOKE].setChecked(True)
    with qtbot.waitSignal(again.saved):
        again.save()
    nxt = ContactDialog(ctx, first.form_data.student.id if first.form_data else None)
    qtbot.addWidget(nxt)
    assert nxt.channel.currentData() == Channel.MEETING

    # Only the families still owed a conversation.
    page.only_owed.setChecked(True)
    shown = {page.proxy.index(r, 2).data() for r in range(page.proxy.rowCount())}
    assert all(s.startswith(("Not yet", "Attempted")) for s in shown)
    page.only_owed.setChecked(False)

    # The School-Home Contact Sheet for the class, read back from the PDF.
    page.table.selectRow(0)
    sheet = page.contact_sheet()
    assert sheet is not None
    qtbot.addWidget(sheet)
    sheet.for_class.setChecked(True)
    with qtbot.waitSignal(sheet.saver.done, timeout=20000):
        sheet.save()
    text = pdf_text(saved_pdfs[-1])
    assert "School – Home Contact Sheet" in text and f"Class {choice.name}" in text
    assert "Lovely call: a great week at school." in text
    assert "Reported by: Mr Tom Hughes" in text
    assert "Telephone interpreting service" in text
    assert "No answer" in text


def test_an_interpreter_need_shows_before_the_call_and_restricted_carers_are_marked(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from hsp_desktop.model import Carer, StudentCarer

    with ctx.services.contacts.db.read() as s:
        link = s.execute(
            select(StudentCarer.student_id, Carer.spoken_language)
            .join(Carer, Carer.id == StudentCarer.carer_id)
            .where(Carer.needs_interpreter, StudentCarer.restriction == "none")
        ).first()
        restricted = s.scalar(
            select(StudentCarer.student_id).where(StudentCarer.restriction != "none")
        )
    assert link is not None and restricted is not None
    dialog = ContactDialog(ctx, link[0])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.interpreter_banner.isVisible()
    assert "Interpreter needed" in dialog.interpreter_banner.text()
    assert dialog.interpreter.currentData() == InterpreterKind.TELEPHONE
    kinds = {dialog.interpreter.itemData(i) for i in range(dialog.interpreter.count())}
    assert kinds == set(InterpreterKind)  # staff, agency, telephone: never a child
    other = ContactDialog(ctx, restricted)
    qtbot.addWidget(other)
    marked = [
        c
        for c in other.carer_checks.values()
        if "NO CONTACT" in c.text() or "COURT ORDER" in c.text()
    ]
    assert marked and not any(c.isChecked() for c in marked)


def test_editing_a_contact_changed_elsewhere_shows_the_conflict(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        ConflictDialog,
        "show_conflict",
        staticmethod(lambda _p, exc: shown.append(ConflictDialog.describe(exc))),
    )
    student = ctx.services.contacts.students(ctx.actor)[0]
    form = ctx.services.contacts.form(ctx.actor, student.id)
    dialog = ContactDialog(ctx, student.id)
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(in_term(ctx))
    dialog.outcome_buttons[Outcome.NO_ANSWER].setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    view = ctx.services.contacts.get(ctx.actor, ctx.services.contacts.ids(ctx.actor)[0])
    editing = ContactDialog(ctx, student.id, existing=view)
    qtbot.addWidget(editing)
    ctx.services.contacts.update(
        ctx.actor,
        view.id,
        view.version,
        replace(editing.draft(), summary="Changed on the other PC"),
    )
    editing.summary.setPlainText("Mine")
    editing.save()
    assert shown and "Changed on the other PC" in shown[0]
    assert editing.summary.toPlainText() == "Changed on the other PC"  # reloaded
    assert form.carers  # the demo student has carers


def test_ctrl_l_opens_the_contact_form_from_anywhere(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.show_area("my_class")
    page.widget(0).table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = getattr(window, "contact_dialog", None)
    assert isinstance(dialog, ContactDialog) and dialog.isVisible()
    assert dialog.form_data is not None  # opened on the student selected in My class
    dialog.reject()
    window.show_area("home")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = getattr(window, "contact_dialog", None)
    assert isinstance(dialog, ContactDialog) and dialog.picker is not None  # choose a student
    dialog.reject()
    QApplication.processEvents()


def test_each_row_of_the_contact_form_has_its_own_mnemonic(qtbot: QtBot, ctx: AppContext) -> None:
    for student_id in (ctx.services.contacts.students(ctx.actor)[0].id, None):
        dialog = ContactDialog(ctx, student_id)
        qtbot.addWidget(dialog)
        texts = [w.text() for w in dialog.findChildren(QLabel)]
        texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
        texts += [w.title() for w in dialog.findChildren(QGroupBox)]
        keys = [QKeySequence.mnemonic(t).toString() for t in texts]
        keys = [k for k in keys if k]
        assert len(keys) == len(set(keys)), sorted(keys)
        # Rows with two fields take the mnemonic to the first of them.
        labels = {label.text(): label for label in dialog.findChildren(QLabel)}
        assert labels["&How:"].buddy() is dialog.channel
        assert labels["&Interpreter:"].buddy() is dialog.interpreter
