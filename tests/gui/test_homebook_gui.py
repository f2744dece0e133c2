"""Today's home-school book for a whole class in one screen, and the printed week."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from hsp_desktop.gui.common.context import AppContext, ChangeHub
from hsp_desktop.gui.contacts.printing import PdfSaver
from hsp_desktop.gui.homebook.class_day import FIELDS, ClassDayPage
from hsp_desktop.gui.settings import Settings
from hsp_desktop.model import HomeBookEntry, UserAccount
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.homebook import Mood, StructuredField
from hsp_desktop.store import Database
from tests.gui.prompts import fail_on_message_boxes

COLUMN = {key: i for i, (key, _) in enumerate(FIELDS)}


@pytest.fixture(autouse=True)
def _message_boxes_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_on_message_boxes(monkeypatch)


@pytest.fixture
def ctx(sqlite_demo_db: Database, tmp_path: Path) -> AppContext:
    with sqlite_demo_db.transaction() as s:
        s.execute(delete(HomeBookEntry).where(HomeBookEntry.day == dt.date.today()))
        user = s.scalar(select(UserAccount).where(UserAccount.username == "teacher"))
        assert user is not None
        actor = Actor(user.id, user.username, user.display_name, user.role, user.staff_member_id)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    return AppContext(Services.build(sqlite_demo_db), actor, settings, ChangeHub())


def test_a_whole_class_is_written_in_one_screen_and_printed(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = ClassDayPage(ctx)
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.show()
    model = page.model
    rows = model.rowCount()
    assert rows >= 2 and "0 of" in page.status.text()
    first, second = model.row(0), model.row(1)
    model.setData(model.index(0, COLUMN["activities"]), "Swimming and a story")
    model.setData(model.index(0, COLUMN["mood"]), Mood.VERY_HAPPY.value)
    model.setData(model.index(0, COLUMN["achievements"]), "Swam a width – brawo!")
    model.setData(model.index(1, COLUMN["activities"]), "Cooking: fruit kebabs")
    model.setData(model.index(1, COLUMN["mood"]), Mood.UNSETTLED.value)
    assert model.index(0, COLUMN["mood"]).data(Qt.ItemDataRole.DecorationRole) is not None
    # A structured field is only editable for students it is switched on for.
    for r in range(rows):
        editable = bool(model.flags(model.index(r, COLUMN["eating"])) & Qt.ItemFlag.ItemIsEditable)
        assert editable == (StructuredField.EATING in model.row(r).fields)
    assert "2 unsaved" in page.status.text()

    # Leaving with unsaved pages asks first; Cancel keeps them.
    monkeypatch.setattr(
        ClassDayPage, "ask_unsaved", staticmethod(lambda _p: QMessageBox.StandardButton.Cancel)
    )
    assert not page.may_close() and len(model.dirty) == 2
    with qtbot.waitSignal(page.saved):
        page.save_button.click()
    assert not model.dirty and "2 of" in page.status.text()
    day = ctx.services.homebook.class_day(ctx.actor, page.classes.current_choice().id)  # type: ignore[union-attr]
    saved = {r.student_id: r.entry for r in day.rows if r.entry}
    assert saved[first.student_id].mood is Mood.VERY_HAPPY
    assert saved[first.student_id].achievements == "Swam a width – brawo!"
    assert saved[second.student_id].activities == "Cooking: fruit kebabs"
    assert page.may_close()

    # The week's pages, one per student, read back from the PDF.
    paths: list[Path] = []
    monkeypatch.setattr(PdfSaver, "ask_path", staticmethod(lambda _p, name: tmp_path / name))
    monkeypatch.setattr(PdfSaver, "open_file", staticmethod(paths.append))
    page.day.setDate(QDate.currentDate())
    with qtbot.waitSignal(page.saver.done, timeout=30000):
        page.print_button.click()
    text = subprocess.run(
        ["pdftotext", str(paths[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("Home-school book – ") == rows  # a page (or two) per student
    assert f"Home-school book – {first.name}" in text
    assert "Swimming and a story" in text and "Swam a width – brawo!" in text
    assert "Very happy" in text  # the face is labelled as well as drawn
