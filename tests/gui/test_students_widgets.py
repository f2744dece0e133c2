"""The general pieces the student screens brought to gui/common: the conflict dialog, the
language picker, the blank-able date field and the in-form error banner."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from hsp_desktop.errors import ConflictError, KnownError, ValidationError, ValidationErrors
from hsp_desktop.gui.common.conflict import (
    ConflictChoice,
    ConflictDialog,
    changed_fields,
    default_describe,
)
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.language_picker import LanguagePicker, written_only
from hsp_desktop.model.enums import SenStatus


def conflict() -> ConflictError:
    return ConflictError(
        "student",
        7,
        3,
        4,
        theirs={
            "first_name": "Ali",
            "notes": "Their note",
            "sen_status": "ehcp",
            "ehcp_issued": "2021-03-31",
        },
    )


def make_dialog(qtbot: QtBot) -> ConflictDialog:
    base = {
        "first_name": "Ali",
        "notes": "",
        "sen_status": SenStatus.SEN_SUPPORT,
        "ehcp_issued": None,
    }
    mine = {**base, "first_name": "Aly", "sen_status": SenStatus.EHCP}
    dialog = ConflictDialog(
        conflict(),
        mine,
        base=base,
        labels={
            "first_name": "First name",
            "notes": "Notes",
            "sen_status": "SEN status",
            "ehcp_issued": "EHCP issued",
        },
    )
    qtbot.addWidget(dialog)
    return dialog


def cells(dialog: ConflictDialog, row: int) -> list[str]:
    return [dialog.table.item(row, col).text() for col in range(3)]  # type: ignore[union-attr]


def test_the_conflict_dialog_shows_only_what_differs(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    # sen_status: mine EHCP equals theirs, so it is not a difference.
    assert dialog.rows == ["first_name", "notes", "ehcp_issued"]
    assert cells(dialog, 0) == ["First name", "Aly", "Ali"]
    assert cells(dialog, 1) == ["Notes", "(empty)", "Their note"]
    assert cells(dialog, 2) == ["EHCP issued", "(empty)", "31/03/2021"]
    # What re-applying keeps is bold: mine where I changed it, theirs elsewhere.
    assert dialog.table.item(0, 1).font().bold()  # type: ignore[union-attr]
    assert dialog.table.item(1, 2).font().bold()  # type: ignore[union-attr]


def test_the_conflict_dialog_buttons_set_the_choice(qtbot: QtBot) -> None:
    for button, choice in (
        ("reapply_button", ConflictChoice.REAPPLY),
        ("reload_button", ConflictChoice.RELOAD),
        ("keep_button", ConflictChoice.KEEP_EDITING),
    ):
        dialog = make_dialog(qtbot)
        dialog.open()
        with qtbot.waitSignal(dialog.finished):
            getattr(dialog, button).click()
        assert dialog.choice is choice
    dialog = make_dialog(qtbot)
    dialog.open()
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()  # Escape
    assert dialog.choice is ConflictChoice.KEEP_EDITING


def test_changed_fields_and_descriptions() -> None:
    base = {"a": "x", "b": dt.date(2020, 1, 2), "c": SenStatus.NONE, "d": " same "}
    mine = {"a": "y", "b": "2020-01-02", "c": "none", "d": "same"}
    assert changed_fields(base, mine) == {"a": "y"}
    assert default_describe("x", True) == "Yes"
    assert default_describe("x", "") == "(empty)"
    assert default_describe("x", SenStatus.SEN_SUPPORT) == "SEN support"
    assert default_describe("x", "2021-13-01") == "2021-13-01"
    assert default_describe("x", "y" * 300).endswith("…")


def test_the_language_picker_finds_names_in_english_and_in_the_language(
    qtbot: QtBot,
) -> None:
    picker = LanguagePicker()
    qtbot.addWidget(picker)
    assert any("(URD)" in label for label in picker.matching_labels("اردو"))
    assert any("(POL)" in label for label in picker.matching_labels("polski"))
    assert any("(TUR)" in label for label in picker.matching_labels("turkce"))  # Türkçe
    assert any("(BNGS)" in label for label in picker.matching_labels("syl"))
    for typed, code in (("urdu", "URD"), ("URD", "URD"), ("ur", "URD"), ("Polski", "POL")):
        picker.setEditText(typed)
        assert picker.code() == code, typed
    picker.setEditText("Klingon")
    assert picker.code() == "Klingon"  # left for the service to refuse, naming the field
    picker.set_code("SOM")
    assert picker.code() == "SOM" and "Somali" in picker.currentText()
    with qtbot.waitSignal(picker.code_changed) as changed:
        picker.set_code("ARA")
    assert changed.args == ["ARA"]
    picker.set_code("ZZZ")
    assert picker.code() == "ZZZ"


# The completer's popup asks the offscreen test platform for things it cannot do.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_typing_in_the_picker_offers_matches(qtbot: QtBot) -> None:
    picker = LanguagePicker()
    qtbot.addWidget(picker)
    picker.show()
    line = picker.lineEdit()
    assert isinstance(line, QLineEdit)
    line.clear()
    qtbot.keyClicks(line, "beng")
    offered = picker._matches.stringList()
    assert offered and all("Bengali" in label for label in offered)
    qtbot.keyClicks(line, "ali (syl")
    assert [label for label in picker._matches.stringList()] == [
        label for label in offered if "Sylheti" in label
    ]


def test_the_written_picker_offers_only_written_languages(qtbot: QtBot) -> None:
    picker = LanguagePicker(include=written_only)
    qtbot.addWidget(picker)
    codes = {picker.itemData(i) for i in range(picker.count())}
    assert {"URD", "BNG", "POL", "ENG"} <= codes
    assert not codes & {"BNGS", "PNJM", "BSL", "OTH", "NOT"}
    assert picker.matching_labels("sylheti") == []


def test_the_date_field_may_be_blank_or_wrong(qtbot: QtBot) -> None:
    field = DateEdit()
    qtbot.addWidget(field)
    assert field.value() is None
    field.setText("3/4/2016")
    assert field.value() == dt.date(2016, 4, 3)
    field.setText("2016-04-03")
    field.editingFinished.emit()
    assert field.text() == "03/04/2016"
    field.setText("31/02/2016")
    assert field.value() == "31/02/2016"
    field.set_value(None)
    assert field.text() == ""


def test_the_error_banner_marks_fields_and_clears(qtbot: QtBot) -> None:
    first, last = QLineEdit(), QLineEdit()
    banner = ErrorBanner()
    for widget in (first, last, banner):
        qtbot.addWidget(widget)
    errors = ValidationErrors(
        [ValidationError("First name", "must not be empty"), ValidationError("Age", "bad")]
    )
    banner.show_error(errors, {"First name": first, "Last name": last})
    assert not banner.isHidden()
    assert "First name: must not be empty" in banner.text()
    assert banner.marked() == [first]
    assert "border" in first.styleSheet() and first.toolTip() == "First name: must not be empty"
    banner.show_error(KnownError("Database locked"))
    assert banner.marked() == [] and first.styleSheet() == ""
    banner.clear()
    assert banner.isHidden()
