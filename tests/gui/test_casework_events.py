"""The events screen: a workshop is planned, families invited by class, attendance ticked;
families who never come are found on the engagement tab."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.events.area import EventDialog, EventsPage, InviteDialog
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.meetings.common import to_qdate
from hsp_desktop.services.events import EventKind


@pytest.fixture(autouse=True)
def no_blocking_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    def warning(_parent: object, title: str, text: str, *_args: object) -> None:
        raise AssertionError(f"{title}: {text}")

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))


def test_a_workshop_for_two_classes_with_attendance(
    qtbot: QtBot, main_window: Callable[[str], MainWindow]
) -> None:
    window = main_window("fsw")
    page = window.show_area("events")
    assert isinstance(page, EventsPage)
    for table in (page.events, page.engagement):
        QAbstractItemModelTester(table.model)
        QAbstractItemModelTester(table.proxy)
    before = len(page.events.rows())
    page.new_event()
    dialog = page.dialog
    assert isinstance(dialog, EventDialog)
    dialog.kind.setCurrentIndex(list(EventKind).index(EventKind.MAKATON))
    today = page.ctx.services.events.today()
    dialog.day.setDate(to_qdate(today))
    qtbot.keyClicks(dialog.place, "Family room")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    qtbot.waitUntil(lambda: len(page.events.rows()) == before + 1)
    event = next(e for e in page.events.rows() if e.kind is EventKind.MAKATON and e.day == today)
    assert event.title == "Workshop: Makaton"
    page.events.select_key(event.id)
    page.invite()
    invite = page.dialog
    assert isinstance(invite, InviteDialog)
    for row in range(2):
        item = invite.classes.item(row)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(invite.accepted):
        invite.accept()
    qtbot.waitUntil(lambda: page.guests.rowCount() > 0)
    invited = page.guests.rowCount()
    came = page.guests.item(0, 0)
    assert came is not None and came.flags() & Qt.ItemFlag.ItemIsUserCheckable
    came.setCheckState(Qt.CheckState.Checked)
    page.record_attendance()
    qtbot.waitUntil(lambda: next(e for e in page.events.rows() if e.id == event.id).attended == 1)
    updated = next(e for e in page.events.rows() if e.id == event.id)
    assert updated.invited == invited and updated.recorded == invited
    page.never_only.setChecked(True)
    assert all(r.never for r in page.engagement.rows())
