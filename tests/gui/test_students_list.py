"""The students list: the lazy model and its proxy, search as you type, filters, columns,
opening a file, and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.lazy_table import LazyColumn, LazyRowsModel, RowFilterProxy
from hsp_desktop.gui.settings import Settings
from hsp_desktop.gui.students import list_page
from hsp_desktop.gui.students.list_page import StudentFilter, StudentListPage
from hsp_desktop.model.enums import StudentStatus
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.students import StudentInput

MakeContext = Callable[..., AppContext]


@contextmanager
def no_queries(services: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = services.students.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def make_page(qtbot: QtBot, ctx: AppContext) -> StudentListPage:
    page = StudentListPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def shown_ids(page: StudentListPage) -> list[int]:
    return [page.proxy.id_at(row) for row in range(page.proxy.rowCount())]


def add_student(services: Services, serial: int, **values: Any) -> int:
    data: dict[str, Any] = {
        "upn": make_upn(886, 7100, 16, serial),
        "first_name": "Test",
        "last_name": "Student",
        "date_of_birth": dt.date(2014, 5, 1),
    }
    data.update(values)
    return services.students.create_student(SYSTEM, StudentInput(**data)).id


# -- the generic model and proxy ------------------------------------------------------------
COLUMNS: tuple[LazyColumn[tuple[int, str]], ...] = (
    LazyColumn("id", "Id", lambda r: str(r[0]), sort_key=lambda r: r[0], align_right=True),
    LazyColumn("name", "Name", lambda r: r[1], alert=lambda r: r[1].startswith("!")),
)


def test_lazy_model_and_proxy_pass_the_model_tester(qtmodeltester: Any) -> None:
    model: LazyRowsModel[int, tuple[int, str]] = LazyRowsModel(COLUMNS, key=lambda r: r[0])
    proxy: RowFilterProxy[int, tuple[int, str]] = RowFilterProxy(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    model.set_rows([(i, f"name {i}") for i in range(50)])
    proxy.set_predicate(lambda r: r[0] % 3 == 0)
    assert proxy.rowCount() == 17
    model.sort(1, Qt.SortOrder.DescendingOrder)
    # A refresh: some rows gone, some changed, some new; the tester checks every signal.
    model.set_rows([(i, f"name {i}" if i % 5 else f"!changed {i}") for i in range(10, 70)])
    assert model.rowCount() == 60
    assert proxy.rowCount() == 20
    assert model.cell_text(model.position(15) or 0, 1) == "!changed 15"
    proxy.set_predicate(None)
    assert proxy.rowCount() == 60
    # Still sorted by name, descending, with the changed and the new rows in their places.
    assert model.ids[0] == 69 and model.ids[-1] == 10  # "!changed 10" sorts last


def test_refresh_keeps_the_place_and_sort(qtmodeltester: Any) -> None:
    model: LazyRowsModel[int, tuple[int, str]] = LazyRowsModel(COLUMNS, key=lambda r: r[0])
    qtmodeltester.check(model)
    model.set_rows([(3, "c"), (1, "a"), (2, "b")])
    model.sort(1)
    assert list(model.ids) == [1, 2, 3]
    model.set_rows([(3, "c"), (4, "aa"), (2, "b")])  # 1 gone, 4 new: sorted into place
    assert list(model.ids) == [4, 2, 3]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert list(model.ids) == [4, 3, 2]


def test_rows_are_fetched_in_blocks_when_first_shown(qtmodeltester: Any) -> None:
    fetched: list[list[int]] = []

    def fetch(ids: list[int]) -> list[tuple[int, str]]:
        fetched.append(ids)
        return [(i, f"row {i}") for i in ids if i != 7]  # 7 was deleted meanwhile

    model: LazyRowsModel[int, tuple[int, str]] = LazyRowsModel(
        COLUMNS, key=lambda r: r[0], fetch=fetch, block_size=5
    )
    qtmodeltester.check(model)
    model.set_ids(list(range(12)))
    assert all(block == [0, 1, 2, 3, 4] for block in fetched)  # the tester reads row 0
    fetched.clear()
    assert model.cell_text(6, 1) == "row 6"
    assert fetched == [[5, 6, 7, 8, 9]]
    assert model.cell_text(7, 1) == ""  # gone: blank until removed
    with pytest.raises(LookupError):
        model.row_at(7)
    assert model.cell_text(8, 1) == "row 8" and len(fetched) == 1
    model.invalidate([8])
    assert model.cell_text(8, 1) == "row 8" and fetched[-1] == [8]


def test_gone_rows_leave_the_model_on_the_next_turn(qtbot: QtBot) -> None:
    model: LazyRowsModel[int, tuple[int, str]] = LazyRowsModel(
        COLUMNS, key=lambda r: r[0], fetch=lambda ids: [(i, "x") for i in ids if i != 2]
    )
    model.set_ids([1, 2, 3])
    model.cell_text(0, 0)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert list(model.ids) == [1, 3]


# -- the students list ----------------------------------------------------------------------
def test_the_page_model_passes_the_tester(
    qtbot: QtBot, make_context: MakeContext, qtmodeltester: Any
) -> None:
    page = make_page(qtbot, make_context("office"))
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    page.search.setText("a")
    page.flag_boxes["needs_interpreter"].setChecked(True)
    page.ctx.hub.changed.emit("students")


def test_search_as_you_type_filters_in_memory(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    polish = add_student(gui_services, 1, first_name="Łucja", last_name="Wójcik")
    urdu = add_student(gui_services, 2, first_name="عائشہ", last_name="خان")
    page = make_page(qtbot, make_context("office"))
    rows = gui_services.students.list_rows(SYSTEM)
    assert page.model.rowCount() == len(rows)
    someone = next(r for r in rows if r.id not in (polish, urdu))
    with no_queries(gui_services) as statements:
        qtbot.keyClicks(page.search, "lucja woj")
        assert shown_ids(page) == [polish]
        page.search.clear()
        for letter in "خان":  # keyClicks types Latin letters only
            page.search.insert(letter)
        assert shown_ids(page) == [urdu]
        page.search.setText(someone.upn.lower())
        assert shown_ids(page) == [someone.id]
        page.search.setText(someone.last_name[:3].upper())
        expected = {
            r.id
            for r in rows
            if someone.last_name[:3].lower() in r.search_key and r.status is StudentStatus.ON_ROLL
        }
        assert set(shown_ids(page)) == expected
        page.search.setText("no such student anywhere")
        assert shown_ids(page) == []
        assert page.count_label.text() == f"0 of {len(rows):,} students"
    assert statements == []


def test_filters_combine(qtbot: QtBot, make_context: MakeContext, gui_services: Services) -> None:
    page = make_page(qtbot, make_context("office"))
    rows = {r.id: r for r in gui_services.students.list_rows(SYSTEM)}
    page.flag_boxes["needs_interpreter"].setChecked(True)
    interpreter = shown_ids(page)
    assert interpreter and all(rows[i].needs_interpreter for i in interpreter)
    assert len(interpreter) == sum(r.needs_interpreter for r in rows.values())
    page.flag_boxes["has_restriction"].setChecked(True)
    both = shown_ids(page)
    assert all(rows[i].needs_interpreter and rows[i].has_restriction for i in both)
    page.clear_filters()
    assert page.proxy.rowCount() == len(rows)
    first_class = next(r.class_id for r in rows.values() if r.class_id)
    page.class_filter.setCurrentIndex(page.class_filter.findData(first_class))
    assert {rows[i].class_id for i in shown_ids(page)} == {first_class}
    page.clear_filters()
    urdu = page.language_filter.findData("URD")
    assert urdu > 0
    page.language_filter.setCurrentIndex(urdu)
    assert all("URD" in rows[i].home_languages for i in shown_ids(page))
    page.clear_filters()
    page.sen_filter.setCurrentIndex(page.sen_filter.findText("SEN support"))
    assert all(rows[i].sen_status.value == "sen_support" for i in shown_ids(page))


def test_leavers_show_under_left_after_a_change(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    page = make_page(qtbot, make_context("office"))
    leaver = page.proxy.row_at(0)
    before = page.proxy.rowCount()
    file = gui_services.students.get_file(SYSTEM, leaver.id)
    gui_services.students.mark_left(SYSTEM, leaver.id, file.version, dt.date.today())
    page.ctx.hub.changed.emit("students")
    assert leaver.id not in shown_ids(page)
    assert page.proxy.rowCount() == before - 1
    page.status_filter.setCurrentIndex(page.status_filter.findText("Left"))
    assert shown_ids(page) == [leaver.id]


def test_a_refresh_keeps_the_selection(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    page = make_page(qtbot, make_context("office"))
    chosen = page.proxy.id_at(5)
    assert page.select_student(chosen)
    add_student(gui_services, 3, first_name="Aaron", last_name="Aardvark")
    page.ctx.hub.changed.emit("students")
    assert page.selected_id() == chosen
    assert shown_ids(page)[0] != chosen  # the newcomer sorts first by surname
    assert page.proxy.row_at(0).last_name == "Aardvark"


def test_enter_and_double_click_open_the_file(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    target = add_student(gui_services, 4, first_name="Zofia", last_name="Zielińska")
    page = make_page(qtbot, make_context("office"))
    qtbot.keyClicks(page.search, "zielinska")
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert opened.args == [target]
    page.search.clear()
    page.select_student(target)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # into the table
    qtbot.waitUntil(page.table.hasFocus)
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [target]
    row = page.proxy.proxy_row_of(target)
    assert row is not None
    rect = page.table.visualRect(page.proxy.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [target]


def test_ctrl_f_focuses_the_search(qtbot: QtBot, make_context: MakeContext) -> None:
    page = make_page(qtbot, make_context("office"))
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.search.hasFocus)


def test_chosen_columns_are_remembered(qtbot: QtBot, make_context: MakeContext) -> None:
    ctx = make_context("office")
    page = make_page(qtbot, ctx)
    assert "date_of_birth" not in page.visible_columns()
    page.toggle_column("date_of_birth", True)
    page.toggle_column("preferred_name", False)
    chosen = page.visible_columns()
    assert chosen[-1] == "date_of_birth" and "preferred_name" not in chosen
    again = make_page(qtbot, AppContext(ctx.services, ctx.actor, Settings(), ctx.hub))
    assert again.visible_columns() == chosen
    assert not again.table.horizontalHeader().isSectionHidden(
        again.model.column_index("date_of_birth")
    )


def test_export_writes_the_filtered_view(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_student(gui_services, 5, first_name="Eve", last_name="Formula", preferred_first_name="=1+2")
    page = make_page(qtbot, make_context("office"))
    target = tmp_path / "out" / "students.csv"
    target.parent.mkdir()
    monkeypatch.setattr(list_page.ExportPathDialog, "ask", classmethod(lambda cls, p, s: target))
    page.search.setText("formula")
    with qtbot.waitSignal(page.exported, timeout=10_000):
        page.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert target.read_bytes()[:3] == b"\xef\xbb\xbf"
    headers = rows[0]
    assert headers[:4] == ["Surname", "First name", "Preferred name", "UPN"]
    assert len(rows) == 2
    assert rows[1][:3] == ["Formula", "Eve", "'=1+2"]
    assert "Exported 1 students" in page.message.text()


def test_roles_see_what_they_may_do(qtbot: QtBot, make_context: MakeContext) -> None:
    readonly = make_page(qtbot, make_context("readonly"))
    assert not hasattr(readonly, "new_button")
    assert not readonly.export_button.isVisible()
    assert readonly.findChild(QWidget, "scopeNote") is None
    teacher_ctx = make_context("teacher")
    teacher = make_page(qtbot, teacher_ctx)
    assert teacher.findChild(QWidget, "scopeNote") is not None
    mine = teacher_ctx.services.students.list_rows(teacher_ctx.actor)
    assert 0 < teacher.model.rowCount() == len(mine) < readonly.model.rowCount()
    assert teacher.class_filter.findText("My classes") == 1


def test_the_filter_asks_nothing_when_nothing_is_chosen(gui_services: Services) -> None:
    assert StudentFilter(status=None).predicate() is None
    rows = gui_services.students.list_rows(SYSTEM)
    family_only = next(r for r in rows if r.family_languages - {r.first_language})
    code = next(iter(family_only.family_languages - {family_only.first_language}))
    accept = StudentFilter(language=code, status=None).predicate()
    assert accept is not None and accept(family_only)
    restricted = StudentFilter(has_restriction=True, status=None).predicate()
    assert restricted is not None
    assert [r.id for r in rows if restricted(r)] == [r.id for r in rows if r.has_restriction]


def test_send_a_letter_to_the_filtered_students(qtbot, main_window) -> None:  # type: ignore[no-untyped-def]
    window = main_window("office")
    area = window.show_area("students")
    page = area.list
    qtbot.keyClicks(page.search, "Khan")
    qtbot.waitUntil(lambda: 0 < len(page.visible_ids()) < 90)
    ids = page.visible_ids()
    page.letter_button.click()
    assert window.current_area() == "letters"
    letters = window.show_area("letters")
    assert letters.tabs.currentWidget() is letters.run
    assert sorted(letters.run.choose.chosen_students.chosen()) == sorted(ids)
