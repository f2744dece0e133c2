"""The student file: header and summary, editing details, unsaved changes, conflicts,
leavers, roles and a new student."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.common import conflict as conflict_module
from hsp_desktop.gui.common.conflict import ConflictChoice
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.unsaved import UnsavedChangesPrompt, UnsavedChoice
from hsp_desktop.gui.students import details as details_module
from hsp_desktop.gui.students.area import StudentsArea
from hsp_desktop.gui.students.file_page import StudentFilePage
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.students import StudentRow

MakeContext = Callable[..., AppContext]


def make_area(qtbot: QtBot, ctx: AppContext) -> StudentsArea:
    area = StudentsArea(ctx)
    qtbot.addWidget(area)
    area.resize(1300, 800)
    area.show()
    qtbot.waitExposed(area)
    return area


def restricted_row(services: Services) -> StudentRow:
    return next(r for r in services.students.list_rows(SYSTEM) if r.has_restriction)


def answer(monkeypatch: pytest.MonkeyPatch, cls: Any, value: Any) -> list[Any]:
    """Replace a dialog's ``ask`` with a fixed answer; the list records each question."""
    asked: list[Any] = []

    def ask(_cls: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append((args, kwargs))
        return value

    monkeypatch.setattr(cls, "ask", classmethod(ask))
    return asked


def test_the_file_shows_the_summary_and_restrictions_at_the_top(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    area = make_area(qtbot, make_context("teacher"))
    teacher_rows = area.ctx.services.students.list_rows(area.ctx.actor)
    row = next((r for r in teacher_rows if r.has_restriction), teacher_rows[0])
    page = area.open_student(row.id)
    assert page is not None and area.tabs.currentWidget() is page
    view = gui_services.students.get_file(SYSTEM, row.id)
    assert page.name_label.text() == view.display_name
    assert view.upn in page.facts.text()
    summary = page.summary.text()
    for member in view.family:
        assert member.label in summary
        if member.link.restriction is not Restriction.NO_CONTACT:
            assert member.carer.access_summary.split(";")[0] in summary
    assert page.banner.isVisible() == bool(view.restrictions)
    # The summary and banner stay in view on every section.
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        assert page.summary.isVisible()
    assert [page.tabs.tabText(i) for i in range(2)] == ["Details", "Family"]


def test_restricted_carers_are_red_in_the_banner_and_the_family(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = restricted_row(gui_services)
    page = area.open_student(row.id)
    assert page is not None
    assert page.banner.isVisible()
    restricted = page.view.restrictions[0]
    assert restricted.carer.full_name in page.banner.text()
    assert restricted.link.restriction_text in page.banner.text()
    page.tabs.setCurrentWidget(page.family)
    model = page.family.model
    row_index = next(i for i, m in enumerate(model.members) if m.carer.id == restricted.carer.id)
    colour = model.data(model.index(row_index, 0), Qt.ItemDataRole.ForegroundRole)
    assert colour is not None and colour.color().name() == "#b71c1c"
    page.family.select_carer(restricted.carer.id)
    assert restricted.link.restriction_text in page.family.details.text()


def test_edit_and_save_with_ctrl_s(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(0)
    page = area.open_student(row.id)
    assert page is not None
    form = page.details
    form.preferred_first_name.clear()
    qtbot.keyClicks(form.preferred_first_name, "Sunny")
    form.notes.setPlainText("Loves the trampoline.\nUses PECS at home.")
    form.notes.setFocus()
    qtbot.waitUntil(form.notes.hasFocus)
    assert form.is_dirty()
    assert area.tabs.tabText(area.tabs.currentIndex()).endswith(" *")
    with qtbot.waitSignal(area.ctx.hub.changed) as changed:
        qtbot.keyClick(form.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert changed.args == ["students"]
    saved = gui_services.students.get_file(SYSTEM, row.id)
    assert saved.preferred_first_name == "Sunny"
    assert saved.notes == "Loves the trampoline.\nUses PECS at home."
    assert not form.is_dirty()
    assert area.tabs.tabText(area.tabs.currentIndex()) == f"Sunny {row.last_name}"
    assert page.name_label.text() == f"Sunny {row.last_name}"
    # The list refreshed from the change hub.
    position = area.list.proxy.proxy_row_of(row.id)
    assert position is not None
    assert area.list.proxy.row_at(position).preferred_name == "Sunny"


def test_bad_input_is_shown_in_the_form_and_nothing_is_saved(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(0)
    page = area.open_student(row.id)
    assert page is not None
    form = page.details
    before = gui_services.students.get_file(SYSTEM, row.id)
    form.first_name.clear()
    form.date_of_birth.setText("31/02/2015")
    form.first_language.setEditText("Klingon")
    form.save_button.click()
    assert form.errors.isVisible()
    message = form.errors.text()
    for field in ("First name", "Date of birth", "First language"):
        assert field in message
    assert set(form.errors.marked()) == {
        form.first_name,
        form.date_of_birth,
        form.first_language,
    }
    assert gui_services.students.get_file(SYSTEM, row.id) == before
    assert form.is_dirty()
    form.revert_button.click()
    assert not form.is_dirty() and not form.errors.isVisible()
    assert form.first_name.text() == before.first_name


@pytest.mark.parametrize(
    ("choice", "closed", "saved"),
    [
        (UnsavedChoice.CANCEL, False, False),
        (UnsavedChoice.DISCARD, True, False),
        (UnsavedChoice.SAVE, True, True),
    ],
)
def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    choice: UnsavedChoice,
    closed: bool,
    saved: bool,
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(1)
    page = area.open_student(row.id)
    assert page is not None
    asked = answer(monkeypatch, UnsavedChangesPrompt, choice)
    # Nothing changed: closing does not ask.
    assert area.close_tab(area.tabs.indexOf(page))
    assert asked == []
    page = area.open_student(row.id)
    assert page is not None
    page.details.notes.setPlainText("Half-typed note")
    page.details.notes.setFocus()
    qtbot.waitUntil(page.details.notes.hasFocus)
    qtbot.keyClick(page.details.notes, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1
    assert (area.tabs.indexOf(page) < 0) is closed
    assert (gui_services.students.get_file(SYSTEM, row.id).notes == "Half-typed note") is saved
    # The main window asks the area before closing.
    assert area.may_close() is (choice is not UnsavedChoice.CANCEL or closed)


def test_a_conflict_can_be_reapplied_on_their_version(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(2)
    page = area.open_student(row.id)
    assert page is not None
    # Someone else saves a change on another computer.
    theirs = gui_services.students.get_file(SYSTEM, row.id)
    gui_services.students.update_student(
        SYSTEM,
        row.id,
        theirs.version,
        dataclasses.replace(theirs.as_input(), preferred_first_name="Theirs"),
    )
    asked = answer(monkeypatch, conflict_module.ConflictDialog, ConflictChoice.REAPPLY)
    page.details.notes.setPlainText("Mine")
    assert page.details.save()
    ((args, kwargs),) = asked
    conflict, mine = args[1], args[2]
    assert conflict.theirs["preferred_first_name"] == "Theirs"
    assert mine["notes"] == "Mine" and kwargs["base"]["notes"] == ""
    now = gui_services.students.get_file(SYSTEM, row.id)
    assert (now.preferred_first_name, now.notes) == ("Theirs", "Mine")
    assert page.details.preferred_first_name.text() == "Theirs"
    assert not page.details.is_dirty()


def test_a_conflict_can_be_reloaded(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(3)
    page = area.open_student(row.id)
    assert page is not None
    theirs = gui_services.students.get_file(SYSTEM, row.id)
    gui_services.students.update_student(
        SYSTEM, row.id, theirs.version, dataclasses.replace(theirs.as_input(), notes="Theirs")
    )
    answer(monkeypatch, conflict_module.ConflictDialog, ConflictChoice.RELOAD)
    page.details.notes.setPlainText("Mine")
    page.details.save()
    assert page.details.notes.toPlainText() == "Theirs"
    assert not page.details.is_dirty()
    assert gui_services.students.get_file(SYSTEM, row.id).notes == "Theirs"
    answer(monkeypatch, conflict_module.ConflictDialog, ConflictChoice.KEEP_EDITING)
    theirs = gui_services.students.get_file(SYSTEM, row.id)
    gui_services.students.update_student(
        SYSTEM, row.id, theirs.version, dataclasses.replace(theirs.as_input(), notes="Again")
    )
    page.details.notes.setPlainText("Still mine")
    assert not page.details.save()
    assert page.details.notes.toPlainText() == "Still mine" and page.details.is_dirty()


def test_mark_as_left_and_back_on_roll(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    area = make_area(qtbot, make_context("office"))
    row = area.list.proxy.row_at(4)
    page = area.open_student(row.id)
    assert page is not None
    answer(monkeypatch, details_module.LeavingDateDialog, "30/02/2026")
    page.details.leave_button.click()
    assert "not a real date" in page.details.errors.text()
    day = dt.date.today()
    answer(monkeypatch, details_module.LeavingDateDialog, day)
    with qtbot.waitSignal(area.ctx.hub.changed):
        page.details.leave_button.click()
    view = gui_services.students.get_file(SYSTEM, row.id)
    assert view.status is StudentStatus.LEFT and view.leaving_date == day
    assert "LEFT" in page.facts.text()
    assert page.details.readmit_button.isVisible() and not page.details.leave_button.isVisible()
    assert row.id not in [area.list.proxy.id_at(i) for i in range(area.list.proxy.rowCount())]
    page.details.readmit_button.click()
    assert gui_services.students.get_file(SYSTEM, row.id).status is StudentStatus.ON_ROLL


def test_read_only_roles_see_everything_without_edit_buttons(
    qtbot: QtBot, make_context: MakeContext
) -> None:
    area = make_area(qtbot, make_context("readonly"))
    row = area.list.proxy.row_at(0)
    page = area.open_student(row.id)
    assert page is not None
    form = page.details
    assert form.first_name.isReadOnly() and not form.class_id.isEnabled()
    assert not form.save_button.isVisible() and not form.leave_button.isVisible()
    assert not form.save()
    page.tabs.setCurrentWidget(page.family)
    assert page.family.buttons == {}
    assert page.family.details.text()


def test_a_new_student_opens_in_a_tab(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    area = make_area(qtbot, make_context("office"))
    dialog = area.new_student()
    form = dialog.form  # type: ignore[attr-defined]
    form.upn.setText(make_upn(886, 7200, 17, 1))
    form.first_name.setText("Maja")
    form.last_name.setText("Kowalska")
    form.date_of_birth.setText("03/04/2016")
    form.first_language.setEditText("polski")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.finished):
        ok.click()
    page = area.tabs.currentWidget()
    assert isinstance(page, StudentFilePage)
    assert page.view.legal_name == "Maja Kowalska" and page.view.first_language == "POL"
    assert area.list.select_student(page.student_id)
