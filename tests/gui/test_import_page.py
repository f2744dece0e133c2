"""The Import area driven as an office user drives it: file, columns, dry run, import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from hsp_desktop import paths
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.imports.page import MAPPING_SETTING, ImportPage
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import Permission

UPNS = [make_upn(886, 9001, 19, n) for n in range(1, 5)]
HEADINGS = "UPN,Legal Surname,Legal Forename,DOB,Reg Group,Contact 1 Name,Contact 1 Mobile\n"


def export(tmp_path: Path) -> Path:
    path = tmp_path / "mis.csv"
    path.write_text(
        HEADINGS
        + f"{UPNS[0]},Okafor,Chidi,12/05/2014,Kestrel,Mrs Ngozi Okafor,07700 900610\n"
        + f"{UPNS[1]},Okafor,Ada,03/10/2016,Kestrel,Mrs Ngozi Okafor,07700 900610\n"
        + f"{UPNS[2]},Lewis,Tom,31/02/2015,Kestrel,Mr Huw Lewis,07700 900611\n",
        encoding="utf-8",
    )
    return path


def cells(page: ImportPage, column: int) -> list[str]:
    proxy = page.proxy
    return [str(proxy.index(row, column).data()) for row in range(proxy.rowCount())]


def make_page(qtbot: QtBot, ctx: AppContext) -> ImportPage:
    page = ImportPage(ctx)
    qtbot.addWidget(page)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    QAbstractItemModelTester(page.proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.show()
    return page


def test_dry_run_then_import_then_nothing_left_to_do(
    qtbot: QtBot, make_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    ctx = make_context("office")
    page = make_page(qtbot, ctx)
    on_roll = ctx.services.school.summary(ctx.actor).students_on_roll
    with qtbot.waitSignal(page.planned, timeout=20_000):
        page.load_file(export(tmp_path))
    assert cells(page, 0) == ["row 2", "row 3", "row 4"]
    assert cells(page, 3) == ["New", "New", "Refused"]
    assert "carer Mrs Ngozi Okafor (shared with row 2)" in cells(page, 4)[1]
    assert cells(page, 4)[2] == "row 4, DOB: '31/02/2015' is not a real date (use dd/mm/yyyy)"
    assert "3 pupils: 2 new, 0 to update, 0 unchanged, 1 refused. New classes: Kestrel." in (
        page.summary.text()
    )
    assert ctx.services.school.summary(ctx.actor).students_on_roll == on_roll  # dry run only

    page.refused_only.setChecked(True)
    assert cells(page, 2) == ["Lewis, Tom"]
    page.refused_only.setChecked(False)
    qtbot.keyClicks(page.search, "ada")
    assert cells(page, 2) == ["Okafor, Ada"]
    page.search.clear()

    assert page.import_button.isEnabled()
    topics: list[str] = []
    ctx.hub.changed.connect(topics.append)
    with qtbot.waitSignal(page.imported, timeout=20_000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert "Imported: 2 students created, 0 updated; 1 carer created" in page.summary.text()
    assert "1 refused (not imported)" in page.summary.text()
    assert topics == ["students", "families"]
    assert ctx.services.school.summary(ctx.actor).students_on_roll == on_roll + 2
    assert not page.import_button.isEnabled()  # the table now shows what was done

    with qtbot.waitSignal(page.planned, timeout=20_000):
        qtbot.mouseClick(page.dry_run_button, Qt.MouseButton.LeftButton)
    assert cells(page, 3) == ["Unchanged", "Unchanged", "Refused"]
    assert not page.import_button.isEnabled()


def test_columns_are_chosen_once_and_remembered(
    qtbot: QtBot, make_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    ctx = make_context("office")
    path = tmp_path / "custom.csv"
    path.write_text(f"Pupil ID;Family Name;Given;Born;Mum\n{UPNS[3]};Evans;Cerys;2015-06-01;x\n")
    page = make_page(qtbot, ctx)
    page.load_file(path)
    qtbot.waitUntil(lambda: page.mapping_dialog is not None and page.mapping_dialog.isVisible())
    dialog = page.mapping_dialog
    assert dialog is not None
    assert dialog.mapping()["Family Name"] == "last_name"  # recognised
    assert not dialog.ok_button.isEnabled()
    assert "UPN" in dialog.needed.text()
    dialog.set_field("Pupil ID", "upn")
    dialog.set_field("Given", "first_name")
    dialog.set_field("Born", "dob")
    dialog.set_field("Mum", "first_name")  # a field comes from one column only
    assert dialog.mapping()["Given"] == ""
    dialog.set_field("Given", "first_name")
    assert dialog.mapping()["Mum"] == ""
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.planned, timeout=20_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert cells(page, 2) == ["Evans, Cerys"]
    assert json.loads(ctx.settings.get_raw(MAPPING_SETTING))["Pupil ID"] == "upn"
    saved = json.loads((paths.config_dir() / "import-mapping.json").read_text())
    assert saved["columns"]["Born"] == "dob"

    again = make_page(qtbot, ctx)
    with qtbot.waitSignal(again.planned, timeout=20_000):
        again.load_file(path)
    assert again.mapping_dialog is None
    assert cells(again, 3) == ["New"]


def test_a_broken_file_is_explained_and_cannot_be_imported(
    qtbot: QtBot, make_context: Callable[..., AppContext], tmp_path: Path
) -> None:
    page = make_page(qtbot, make_context("office"))
    path = tmp_path / "broken.xml"
    path.write_text('<?xml version="1.0"?>\n<CTfile>\n<Header>\n</CTfile>\n')
    with qtbot.waitSignal(page.planned, timeout=20_000):
        page.load_file(path)
    assert "not well-formed XML: mismatched tag at line 4, column 3" in page.summary.text()
    assert page.proxy.rowCount() == 0
    assert not page.import_button.isEnabled()
    assert not page.mapping_button.isEnabled()


def test_only_roles_that_may_import_see_the_area(
    main_window: Callable[[str], MainWindow],
) -> None:
    office = main_window("office")
    assert office.ctx.actor.can(Permission.IMPORT_DATA)
    page = office.show_area("import")
    assert isinstance(page, ImportPage)
    teacher = main_window("teacher")
    assert "import" not in [area.key for area in teacher.areas]
