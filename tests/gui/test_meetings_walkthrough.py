"""The SENCO's walkthrough in the demo school: the dashboard shows overdue reviews; she plans
one for a family who needs an Urdu interpreter; the program proposes the booking; the
dashboard shows the interpreter unconfirmed until the office confirms it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.common.conflict import ConflictChoice, ConflictDialog
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.unsaved import UnsavedChangesPrompt, UnsavedChoice
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.meetings.area import MeetingsArea
from hsp_desktop.gui.meetings.booking import BookingDialog
from hsp_desktop.gui.meetings.common import BookingDecision, Confirm, Notice, SavePath
from hsp_desktop.gui.meetings.dialog import MeetingDialog
from hsp_desktop.gui.meetings.student_tab import StudentMeetingsTab, meetings_tab
from hsp_desktop.services.container import Services
from hsp_desktop.services.interpreters import BookingStatus, ProviderKind
from hsp_desktop.services.meetings import MeetingStatus, MeetingType
from hsp_desktop.services.reviews import ReviewRow
from tests.gui.conftest import sign_in


@pytest.fixture(autouse=True)
def no_blocking_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box that would wait for a click fails the test with its text instead."""
    shown: list[str] = []

    def warning(_parent: object, title: str, text: str, *_args: object) -> None:
        raise AssertionError(f"{title}: {text}")

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(Notice, "show", classmethod(lambda _c, _p, _t, text: shown.append(text)))
    return shown


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every yes/no question is answered yes; the questions are kept for the test to read."""
    asked: list[str] = []

    def confirm(_cls: object, _parent: object, title: str, text: str, yes: str = "") -> bool:
        asked.append(f"{title}: {text}")
        return True

    monkeypatch.setattr(Confirm, "ask", classmethod(confirm))
    return asked


def test_senco_plans_an_overdue_review_with_an_urdu_interpreter(
    qtbot: QtBot,
    gui_services: Services,
    main_window: Callable[[str], MainWindow],
    answers: list[str],
) -> None:
    window = main_window("senco")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    board = area.reviews
    for table in (board.overdue, board.due, board.papers, board.gaps, board.tracker):
        QAbstractItemModelTester(table.model)
        QAbstractItemModelTester(table.proxy)
    overdue: list[ReviewRow] = board.overdue.rows()
    assert overdue, "the demo school has overdue reviews"
    assert "overdue" in board.summary.text()
    senco = sign_in(gui_services, "senco")

    def needs_urdu(row: ReviewRow) -> bool:
        return any(
            n.language == "URD" for n in gui_services.interpreters.needs(senco, row.student_id)
        )

    family = next(r for r in overdue if needs_urdu(r))
    gaps_before = len(board.gaps.rows())

    # She picks that family in the overdue list and plans the review.
    board.overdue.select_key(family.student_id)
    board.findChild(QPushButton, "overdueReviewsAction").click()
    dialog = board.launcher.dialog
    assert isinstance(dialog, MeetingDialog)
    qtbot.waitExposed(dialog)
    assert MeetingType(dialog.kind.currentData()) is MeetingType.ANNUAL_REVIEW
    assert "needs an interpreter: <b>Urdu</b>" in "".join(
        label.text() for label in dialog.interpreter_box.findChildren(QLabel)
    )
    assert "next due by" in dialog.review_note.text()
    with qtbot.waitSignal(dialog.saved, timeout=1000, raising=False) as saved:
        dialog.save_button.click()
    assert saved.signal_triggered, dialog.message.text()
    # Overdue already: the date is after the review was due, so she was asked first.
    assert any("more than 12 months after" in q for q in answers)

    # The program proposes the booking, in Urdu, with Mrs Shah from the office who speaks it.
    qtbot.waitUntil(lambda: board.launcher.proposer.current is not None)
    proposal = board.launcher.proposer.current
    assert isinstance(proposal, BookingDialog)
    assert "Urdu" in proposal.findChild(QLabel, "bookingIntro").text()
    assert ProviderKind(proposal.kind.currentData()) is ProviderKind.STAFF
    assert proposal.interpreter.text() == "Mrs Priya Shah"
    assert proposal.request_button is not None
    with qtbot.waitSignal(proposal.saved):
        proposal.request_button.click()

    # The dashboard shows it, unconfirmed.
    qtbot.waitUntil(lambda: len(board.gaps.rows()) == gaps_before + 1)
    gap = next(g for g in board.gaps.rows() if g.student_id == family.student_id)
    assert gap.status_label == "Requested, not confirmed"
    assert gap.language == "URD"

    # Mrs Shah agrees: the SENCO opens the meeting from the dashboard and confirms.
    board.gaps.select_key((gap.meeting_id, gap.carer_name, gap.language))
    board.findChild(QPushButton, "interpreterGapsAction").click()
    meeting = board.launcher.dialog
    assert isinstance(meeting, MeetingDialog) and meeting is not dialog
    qtbot.waitExposed(meeting)
    assert meeting.view is not None and meeting.view.status is MeetingStatus.PLANNED
    open_booking = meeting.findChild(QPushButton, f"book-{gap_carer_id(meeting)}")
    assert open_booking.text().startswith("Open")
    open_booking.click()
    booking = meeting.booking_dialog
    assert isinstance(booking, BookingDialog) and booking.confirm_button is not None
    with qtbot.waitSignal(booking.saved):
        booking.confirm_button.click()
    assert booking.result_view is not None
    assert booking.result_view.status is BookingStatus.CONFIRMED
    qtbot.waitUntil(lambda: len(board.gaps.rows()) == gaps_before)
    assert all(g.student_id != family.student_id for g in board.gaps.rows())
    meeting.reject()


def gap_carer_id(dialog: MeetingDialog) -> int:
    (need,) = [n for n in dialog.form.needs if n.language == "URD"]
    return need.carer_id


def test_deleting_a_meeting_with_a_confirmed_interpreter_asks_about_the_booking(
    qtbot: QtBot,
    gui_services: Services,
    main_window: Callable[[str], MainWindow],
    answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = main_window("senco")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    senco = sign_in(gui_services, "senco")
    row = next(
        r
        for r in area.reviews.tracker.rows()
        if gui_services.interpreters.needs(senco, r.student_id)
        and (r.planned is None or r.planned.status is not MeetingStatus.PLANNED)
    )
    dialog = area.reviews.launcher.plan(row.student_id, MeetingType.INFORMAL)
    assert dialog is not None
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    proposal = area.reviews.launcher.proposer.current
    assert proposal is not None and proposal.request_button is not None
    proposal.interpreter.setText(proposal.interpreter.text() or "Mrs Shazia Anwar")
    with qtbot.waitSignal(proposal.saved):
        proposal.request_button.click()
    booking = proposal.result_view
    assert booking is not None
    gui_services.interpreters.confirm(
        senco,
        booking.id,
        booking.version,
        interpreter_name=booking.interpreter_name or "Mrs Shazia Anwar",
    )
    asked: list[str] = []

    def decide(_cls: object, _parent: object, text: str) -> bool | None:
        asked.append(text)
        return True

    monkeypatch.setattr(BookingDecision, "ask", classmethod(decide))
    assert booking.meeting_id is not None
    opened = area.reviews.launcher.open(booking.meeting_id)
    assert opened is not None and opened.delete_button is not None
    with qtbot.waitSignal(opened.finished):
        opened.delete_button.click()
    assert asked and "interpreter is booked" in asked[0] and "(confirmed)" in asked[0]
    cancelled = gui_services.interpreters.get(senco, booking.id)
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.meeting_id is None


def test_closing_a_changed_meeting_asks_about_unsaved_changes(
    qtbot: QtBot,
    main_window: Callable[[str], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = main_window("teacher")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    row = area.reviews.tracker.rows()[0]
    dialog = area.reviews.launcher.plan(row.student_id)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.purpose.setText("Talk about the new class")
    asked: list[str] = []

    def choose(_cls: object, _parent: object, what: str) -> UnsavedChoice:
        asked.append(what)
        return UnsavedChoice.CANCEL

    monkeypatch.setattr(UnsavedChangesPrompt, "ask", classmethod(choose))
    dialog.reject()
    assert asked == ["This meeting"] and dialog.isVisible()
    monkeypatch.setattr(
        UnsavedChangesPrompt, "ask", classmethod(lambda _c, _p, _w: UnsavedChoice.DISCARD)
    )
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()


def test_the_calendar_lists_upcoming_meetings_and_marks_interpreters(
    qtbot: QtBot, main_window: Callable[[str], MainWindow]
) -> None:
    window = main_window("office")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    calendar = area.calendar
    QAbstractItemModelTester(calendar.table.model)
    calendar.range.setCurrentIndex(2)  # twelve weeks
    rows = calendar.table.rows()
    assert rows and all(r.status is MeetingStatus.PLANNED for r in rows)
    assert [r.day for r in rows] == sorted(r.day for r in rows)
    calendar.only_interpreters.setChecked(True)
    assert all(r.interpreter in ("Needed", "Requested") for r in calendar.table.rows())
    bold = calendar.calendar.dateTextFormat(
        calendar.calendar.selectedDate().addDays((rows[0].day - calendar.first_day()).days)
    )
    assert bold.fontWeight() == 700
    totals = area.interpreters.totals.text()
    assert "bookings" in totals and "£" in totals
    QAbstractItemModelTester(area.interpreters.lines.model)
    assert area.interpreters.bookings.view.model().rowCount() > 0


def test_invitations_are_printed_off_the_ui_thread_and_logged(
    qtbot: QtBot,
    gui_services: Services,
    main_window: Callable[[str], MainWindow],
    answers: list[str],
    no_blocking_messages: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = main_window("senco")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    row = next(r for r in area.reviews.papers.rows() if r.what == "Invitations sent")
    area.reviews.papers.select_key((row.meeting_id, row.what))
    area.reviews.findChild(QPushButton, "papersLateAction").click()
    dialog = area.reviews.launcher.dialog
    assert isinstance(dialog, MeetingDialog) and dialog.invite_button is not None
    target = tmp_path / "invitations.pdf"
    monkeypatch.setattr(SavePath, "ask", classmethod(lambda _c, _p, _t, _s: str(target)))
    with qtbot.waitSignal(dialog.invitations_sent, timeout=20_000):
        dialog.invite_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert "Logged on the contact log" in no_blocking_messages[-1]
    senco = sign_in(gui_services, "senco")
    meeting = gui_services.meetings.get(senco, row.meeting_id)
    assert meeting.invitations_sent_on == gui_services.meetings.today()
    assert dialog.papers["invitations_sent_on"][0].value() == meeting.invitations_sent_on
    qtbot.waitUntil(
        lambda: all(
            not (p.meeting_id == row.meeting_id and p.what == "Invitations sent")
            for p in area.reviews.papers.rows()
        )
    )


def test_an_edit_made_on_another_computer_raises_the_conflict_dialog(
    qtbot: QtBot,
    gui_services: Services,
    main_window: Callable[[str], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = main_window("office")
    area = window.show_area("meetings")
    assert isinstance(area, MeetingsArea)
    area.calendar.range.setCurrentIndex(2)
    row = area.calendar.table.rows()[0]
    area.calendar.table.select_key(row.id)
    area.calendar.open_selected()
    dialog = area.calendar.launcher.dialog
    assert isinstance(dialog, MeetingDialog)
    # Someone else moves the meeting online while this form is open.
    other = sign_in(gui_services, "senco")
    theirs = gui_services.meetings.get(other, row.id)
    gui_services.meetings.update(
        other, theirs.id, theirs.version, replace(theirs.as_draft(), place_detail="Video call")
    )
    dialog.purpose.setText("Transport arrangements")
    seen: list[list[str]] = []

    def choose(_cls: object, _parent: object, conflict: object, mine: dict, **kw: object) -> object:
        table = ConflictDialog(conflict, mine, base=kw.get("base"), labels=kw.get("labels"))  # type: ignore[arg-type]
        seen.append(table.rows)
        return ConflictChoice.REAPPLY

    monkeypatch.setattr(ConflictDialog, "ask", classmethod(choose))
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert seen and "purpose" in seen[0] and "place_detail" in seen[0]
    saved = gui_services.meetings.get(other, row.id)
    assert saved.purpose == "Transport arrangements"  # mine, re-applied
    assert saved.place_detail == "Video call"  # theirs, kept


def test_the_student_files_meetings_section(
    qtbot: QtBot, gui_services: Services, make_context: Callable[[str], AppContext]
) -> None:
    ctx = make_context("senco")
    board = gui_services.reviews.dashboard(ctx.actor)
    row = board.overdue[0]
    tab = meetings_tab(ctx, row.student_id)
    assert isinstance(tab, StudentMeetingsTab)
    qtbot.addWidget(tab)
    QAbstractItemModelTester(tab.table.model)
    QAbstractItemModelTester(tab.table.proxy)
    assert "Overdue" in tab.review.text()
    days = [r.day for r in tab.table.rows()]
    assert days == sorted(days, reverse=True)  # newest first
    tab.plan_review()
    dialog = tab.launcher.dialog
    assert isinstance(dialog, MeetingDialog)
    assert MeetingType(dialog.kind.currentData()) is MeetingType.ANNUAL_REVIEW
    dialog.done(0)
