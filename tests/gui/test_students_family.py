"""The family editor: adding carers and addresses, links and restrictions, moving, linking a
sibling's carer, unlinking, and conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QRadioButton
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.common import conflict as conflict_module
from hsp_desktop.gui.common.conflict import ConflictChoice
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.students import family as family_module
from hsp_desktop.gui.students.area import StudentsArea
from hsp_desktop.gui.students.file_page import StudentFilePage
from hsp_desktop.model.enums import Relationship, Restriction
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.families import CarerInput, HouseholdInput, LinkInput
from hsp_desktop.services.students import StudentInput

MakeContext = Callable[..., AppContext]


def new_student(services: Services, serial: int, first: str = "Ali") -> int:
    data = StudentInput(make_upn(886, 7300, 16, serial), first, "Khan", dt.date(2014, 1, 9))
    return services.students.create_student(SYSTEM, data).id


def open_family(qtbot: QtBot, ctx: AppContext, student_id: int) -> StudentFilePage:
    area = StudentsArea(ctx)
    qtbot.addWidget(area)
    area.resize(1300, 850)
    area.show()
    qtbot.waitExposed(area)
    page = area.open_student(student_id)
    assert page is not None
    page.tabs.setCurrentWidget(page.family)
    return page


def press_ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()


def fill_carer(dialog: Any, first: str, last: str, **extra: str) -> None:
    form = dialog.carer if hasattr(dialog, "carer") else dialog.form
    form.first_name.setText(first)
    form.last_name.setText(last)
    for name, value in extra.items():
        widget = getattr(form, name)
        if hasattr(widget, "setEditText"):
            widget.setEditText(value)
        else:
            widget.setText(value)


def test_family_model_passes_the_tester(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services, qtmodeltester: Any
) -> None:
    row = next(r for r in gui_services.students.list_rows(SYSTEM) if r.carers >= 2)
    page = open_family(qtbot, make_context("office"), row.id)
    qtmodeltester.check(page.family.model)
    page.refresh()


def test_add_a_carer_with_a_new_address(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    student = new_student(gui_services, 1)
    page = open_family(qtbot, make_context("fsw"), student)
    assert page.family.model.rowCount() == 0
    dialog = page.family.add_carer()
    fill_carer(
        dialog,
        "Ayesha",
        "Khan",
        title="Mrs",
        mobile="07700 900321",
        email="ayesha@example.org",
        spoken_language="urdu",
        written_language="اردو",
    )
    dialog.carer.needs_interpreter.setChecked(True)  # type: ignore[attr-defined]
    dialog.carer.needs_translation.setChecked(True)  # type: ignore[attr-defined]
    dialog.link.relationship_to_student.setCurrentIndex(  # type: ignore[attr-defined]
        dialog.link.relationship_to_student.findData(Relationship.MOTHER)  # type: ignore[attr-defined]
    )
    address = dialog.address  # type: ignore[attr-defined]
    assert address.new_button.isChecked()  # nobody else in the family yet
    address.form.address_line1.setText("12 Meadow Way")
    address.form.town.setText("Sevenoaks")
    address.form.postcode.setText("tn13 2xy")
    with qtbot.waitSignal(page.ctx.hub.changed) as changed:
        press_ok(dialog)
    assert changed.args == ["families"]
    assert not dialog.isVisible()
    (member,) = gui_services.families.family(SYSTEM, student)
    assert member.carer.mobile == "+447700900321"
    assert member.carer.spoken_language == member.carer.written_language == "URD"
    assert member.carer.household is not None
    assert member.carer.household.postcode == "TN13 2XY"
    assert page.family.model.rowCount() == 1
    assert page.summary.text().endswith(
        "<b>Mother:</b> Urdu speaker, interpreter needed; letters in Urdu"
    )
    assert "12 Meadow Way" in page.family.details.text()


def test_a_bad_phone_keeps_the_dialog_open_and_saves_nothing(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    student = new_student(gui_services, 2)
    page = open_family(qtbot, make_context("office"), student)
    dialog = page.family.add_carer()
    fill_carer(dialog, "Imran", "Khan", mobile="0770", email="not an email")
    dialog.address.none_button.setChecked(True)  # type: ignore[attr-defined]
    press_ok(dialog)
    assert dialog.isVisible()
    errors = dialog.errors  # type: ignore[attr-defined]
    assert "Mobile" in errors.text() and "Email" in errors.text()
    assert set(errors.marked()) == {dialog.carer.mobile, dialog.carer.email}  # type: ignore[attr-defined]
    assert gui_services.families.family(SYSTEM, student) == ()
    dialog.carer.mobile.setText("07700 900654")  # type: ignore[attr-defined]
    dialog.carer.email.clear()  # type: ignore[attr-defined]
    press_ok(dialog)
    assert not dialog.isVisible()
    assert len(gui_services.families.family(SYSTEM, student)) == 1


def test_a_second_carer_can_share_the_address(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    student = new_student(gui_services, 3)
    mum = gui_services.families.add_carer(
        SYSTEM,
        student,
        CarerInput("Ayesha", "Khan"),
        LinkInput(Relationship.MOTHER),
        new_household=HouseholdInput("12 Meadow Way", postcode="TN13 2XY"),
    )
    page = open_family(qtbot, make_context("office"), student)
    dialog = page.family.add_carer()
    fill_carer(dialog, "Imran", "Khan")
    shared = dialog.findChild(QRadioButton, f"household{mum.carer.household_id}")
    assert shared is not None and shared.isChecked()
    assert "with Ayesha Khan" in shared.text()
    assert dialog.link.contact_order.value() == 2  # type: ignore[attr-defined]
    press_ok(dialog)
    members = gui_services.families.family(SYSTEM, student)
    assert {m.carer.household_id for m in members} == {mum.carer.household_id}
    page.family.select_carer(members[1].carer.id)
    assert "also lives here: Ayesha Khan" in page.family.details.text()


def test_a_restriction_turns_red_everywhere(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    student = new_student(gui_services, 4)
    dad = gui_services.families.add_carer(
        SYSTEM, student, CarerInput("Imran", "Khan", title="Mr"), LinkInput(Relationship.FATHER)
    )
    page = open_family(qtbot, make_context("office"), student)
    assert not page.banner.isVisible()
    page.family.select_carer(dad.carer.id)
    dialog = page.family.edit_link()
    assert dialog is not None
    form = dialog.form  # type: ignore[attr-defined]
    form.restriction.setCurrentIndex(form.restriction.findData(Restriction.NO_CONTACT))
    press_ok(dialog)
    assert "Restriction note" in dialog.errors.text()  # type: ignore[attr-defined]
    assert "Receives correspondence" in dialog.errors.text()  # type: ignore[attr-defined]
    form.restriction_note.setPlainText("Do not contact: see safeguarding file.")
    form.receives_correspondence.setChecked(False)
    form.lives_with_student.setChecked(False)
    press_ok(dialog)
    assert not dialog.isVisible()
    assert page.banner.isVisible()
    assert "Mr Imran Khan: No contact: Do not contact" in page.banner.text()
    assert "no contact" in page.summary.text()
    model = page.family.model
    font = model.data(model.index(0, 0), Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()
    assert model.data(model.index(0, 2), Qt.ItemDataRole.DisplayRole) == "⚠ No contact"
    link = gui_services.families.family(SYSTEM, student)[0].link
    assert link.restriction is Restriction.NO_CONTACT and not link.receives_correspondence


def test_moving_a_carer_to_a_new_address(
    qtbot: QtBot, make_context: MakeContext, gui_services: Services
) -> None:
    student = new_student(gui_services, 5)
    home = HouseholdInput("12 Meadow Way", postcode="TN13 2XY")
    mum = gui_services.families.add_carer(
        SYSTEM, student, CarerInput("Ayesha", "Khan"), LinkInput(), new_household=home
    )
    dad = gui_services.families.add_carer(
        SYSTEM,
        student,
        CarerInput("Imran", "Khan"),
        LinkInput(),
        household_id=mum.carer.household_id,
    )
    page = open_family(qtbot, make_context("office"), student)
    page.family.select_carer(dad.carer.id)
    dialog = page.family.move_carer()
    assert dialog is not None
    address = dialog.address  # type: ignore[attr-defined]
    address.new_button.setChecked(True)
    address.form.address_line1.setText("3 Station Road")
    address.form.postcode.setText("TN9 1AA")
    press_ok(dialog)
    moved = gui_services.families.carer(SYSTEM, dad.carer.id)
    assert moved.household is not None and moved.household.one_line == "3 Station Road, TN9 1AA"
    assert gui_services.families.carer(SYSTEM, mum.carer.id).household_id == mum.carer.household_id
    # Editing the mother's address changes it only for her household.
    page.family.select_carer(mum.carer.id)
    edit = page.family.edit_address()
    assert edit is not None
    edit.form.address_line1.setText("14 Meadow Way")  # type: ignore[attr-defined]
    press_ok(edit)
    assert gui_services.families.carer(SYSTEM, mum.carer.id).household.address_line1 == (  # type: ignore[union-attr]
        "14 Meadow Way"
    )
    assert moved.household.address_line1 == "3 Station Road"


def test_link_a_siblings_carer_and_unlink(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older = new_student(gui_services, 6, "Ali")
    younger = new_student(gui_services, 7, "Sara")
    mum = gui_services.families.add_carer(
        SYSTEM, older, CarerInput("Małgorzata", "Zielińska"), LinkInput(Relationship.MOTHER)
    )
    page = open_family(qtbot, make_context("office"), younger)
    dialog = page.family.link_existing()
    press_ok(dialog)
    assert "choose the carer" in dialog.errors.text()  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.search, "malgorzata ziel")  # type: ignore[attr-defined]
    assert dialog.proxy.rowCount() == 1  # type: ignore[attr-defined]
    assert dialog.chosen() == mum.carer.id  # type: ignore[attr-defined]
    press_ok(dialog)
    (member,) = gui_services.families.family(SYSTEM, younger)
    assert member.carer.id == mum.carer.id
    assert {s.name for s in member.carer.students} == {"Ali Khan", "Sara Khan"}
    assert "Also carer of" in page.family.details.text()

    asked: list[Any] = []
    monkeypatch.setattr(
        family_module.ConfirmUnlink,
        "ask",
        classmethod(lambda cls, parent, m, name: asked.append(name) or True),
    )
    with qtbot.waitSignal(page.ctx.hub.changed):
        page.family.buttons["unlink"].click()
    assert asked == ["Sara Khan"]
    assert gui_services.families.family(SYSTEM, younger) == ()
    assert len(gui_services.families.family(SYSTEM, older)) == 1
    assert page.family.model.rowCount() == 0


def test_editing_a_carer_changed_elsewhere_reapplies_on_their_version(
    qtbot: QtBot,
    make_context: MakeContext,
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    student = new_student(gui_services, 8)
    mum = gui_services.families.add_carer(
        SYSTEM, student, CarerInput("Ayesha", "Khan", mobile="07700 900111"), LinkInput()
    )
    page = open_family(qtbot, make_context("office"), student)
    dialog = page.family.edit_carer()
    assert dialog is not None
    # Meanwhile, on another computer:
    gui_services.families.update_carer(
        SYSTEM,
        mum.carer.id,
        mum.carer.version,
        CarerInput("Ayesha", "Khan", mobile="07700 900111", interpreter_notes="Female only"),
    )
    asked: list[Any] = []

    def ask(_cls: Any, parent: Any, conflict: Any, mine: Any, **kwargs: Any) -> ConflictChoice:
        asked.append((conflict, mine, kwargs["base"]))
        return ConflictChoice.REAPPLY

    monkeypatch.setattr(conflict_module.ConflictDialog, "ask", classmethod(ask))
    dialog.form.email.setText("ayesha@example.org")  # type: ignore[attr-defined]
    press_ok(dialog)
    assert not dialog.isVisible()
    ((conflict, mine, base),) = asked
    assert conflict.theirs["interpreter_notes"] == "Female only"
    assert mine["mobile"] == base["mobile"] == "+447700900111"  # unchanged, not a difference
    now = gui_services.families.carer(SYSTEM, mum.carer.id)
    assert (now.email, now.interpreter_notes) == ("ayesha@example.org", "Female only")
