"""The Returns area driven from the keyboard: typos refused, answers that differ between two
homes decided by a senior leader, agreements and their signatures, reminders."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.letters.common import CloseAnyway
from hsp_desktop.gui.letters.run_page import RunPage
from hsp_desktop.gui.returns.area import ReturnsArea
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.letter_runs import Selection
from hsp_desktop.services.return_codes import normalise
from tests.services.letters_world import add_family_apart, class_and_students
from tests.services.test_letter_runs import NO_EMAIL, TRIP


def send_trip(services: Services) -> tuple[int, int, str, str]:
    """(student, run id, mother's code, father's code) of a printed trip letter."""
    class_id, _, students = class_and_students(services)
    student = students[0]
    mother, _ = add_family_apart(services, student)
    plan = services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.school_class(class_id), TRIP, email_note=NO_EMAIL
    )
    record = services.letter_runs.record_printed(SYSTEM, services.letter_runs.produce(SYSTEM, plan))
    mine = [c for c in plan.copies if student in c.student_ids]
    mum = next(c.return_code for c in mine if c.carers[0].id == mother)
    dad = next(c.return_code for c in mine if c.carers[0].id != mother)
    assert mum and dad
    return student, record.run_id, mum, dad


def scan(qtbot: QtBot, area: ReturnsArea, code: str, answer: int | None) -> None:
    tick = area.tick_off
    qtbot.keyClicks(tick.code, code)
    qtbot.keyClick(tick.code, Qt.Key.Key_Return)
    if answer is not None and tick.slip is not None:
        qtbot.keyClick(tick, Qt.Key(Qt.Key.Key_0 + answer))
        with qtbot.waitSignal(tick.recorded, timeout=10_000):
            qtbot.keyClick(tick, Qt.Key.Key_Return)


def area_for(qtbot: QtBot, make_context, username: str) -> ReturnsArea:  # type: ignore[no-untyped-def]
    area = ReturnsArea(make_context(username))
    qtbot.addWidget(area)
    area.resize(1100, 700)
    area.show()
    return area


def test_a_typo_is_refused_and_nothing_is_recorded(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    gui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mum = send_trip(gui_services)[2]
    area = area_for(qtbot, make_context, "office")
    raw = normalise(mum)
    typo = raw[:3] + ("Q" if raw[3] != "Q" else "R") + raw[4:]
    with qtbot.waitSignal(area.tick_off.refused):
        scan(qtbot, area, typo, None)
    assert "mistyped" in area.tick_off.status.text()
    assert area.tick_off.slip is None and not area.tick_off.slip_box.isVisible()
    assert gui_services.returns.lookup(SYSTEM, mum).returned is None
    # The code is selected so the next scan replaces it.
    assert area.tick_off.code.selectedText() == area.tick_off.code.text()
    assert area.may_close()
    # A slip on screen but not recorded is not lost by closing without a word.
    area.tick_off.code.clear()
    scan(qtbot, area, mum, None)
    assert area.tick_off.slip is not None
    asked: list[str] = []
    monkeypatch.setattr(CloseAnyway, "ask", staticmethod(lambda _p, m: asked.append(m) or False))
    assert not area.may_close() and "not recorded" in asked[0]


def test_answers_that_differ_between_homes_wait_for_a_senior_leader(
    qtbot: QtBot,
    make_context,
    gui_services: Services,  # type: ignore[no-untyped-def]
) -> None:
    student, run_id, mum, dad = send_trip(gui_services)
    office = area_for(qtbot, make_context, "office")
    scan(qtbot, office, mum, 1)  # yes
    scan(qtbot, office, dad, 2)  # no
    assert "a senior leader will decide" in office.tick_off.status.text()
    assert office.tick_off.log.count() == 2
    conflicts = office.conflicts
    QAbstractItemModelTester(conflicts.model)
    assert conflicts.model.rowCount() == 1
    assert not conflicts.decision.isVisible()  # the office may not decide

    senco = area_for(qtbot, make_context, "senco")
    page = senco.conflicts
    senco.tabs.setCurrentWidget(page)
    assert page.decision.isVisible()
    page.view.selectRow(0)
    page.answer.setCurrentIndex(page.answer.findData("no"))
    qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    assert "Reason: must not be empty" in page.errors.text()
    qtbot.keyClicks(page.reason, "Spoke to both parents: the father's answer stands")
    qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 0 and "No conflicting answers" in page.count.text()
    assert gui_services.returns.answer_for(SYSTEM, run_id, student, "consent") == "no"


def test_outstanding_list_and_a_reminder(
    qtbot: QtBot,
    make_context,
    gui_services: Services,  # type: ignore[no-untyped-def]
) -> None:
    student, run_id, mum, _ = send_trip(gui_services)
    area = area_for(qtbot, make_context, "office")
    page = area.outstanding
    QAbstractItemModelTester(page.model)
    page.select_run(run_id)
    before = page.model.rowCount()
    scan(qtbot, area, mum, 1)
    assert page.model.rowCount() == before - 1
    assert f"{before - 1} slip(s) not back yet" in page.count.text()
    qtbot.mouseClick(page.reminder, Qt.MouseButton.LeftButton)
    dialog = area.reminder_dialog
    assert dialog is not None
    run_page = dialog.findChild(RunPage)
    assert run_page is not None
    qtbot.waitUntil(lambda: run_page.plan_page.plan is not None, timeout=60_000)
    plan = run_page.plan_page.plan
    assert plan is not None and plan.reminder_of == run_id
    # The father's household of the student whose mother answered is not reminded.
    assert all(student not in c.student_ids for c in plan.copies)
    assert len(plan.copies) == before - 2
    dialog.close()


def test_agreements_and_the_head_teachers_signature(
    qtbot: QtBot,
    make_context,
    gui_services: Services,  # type: ignore[no-untyped-def]
) -> None:
    _, _, students = class_and_students(gui_services)
    plan = gui_services.letter_runs.plan(
        SYSTEM, "home_school_agreement", Selection.students(students[:3]), {}, email_note=NO_EMAIL
    )
    gui_services.letter_runs.record_printed(SYSTEM, gui_services.letter_runs.produce(SYSTEM, plan))
    code = plan.copies[0].return_code
    assert code is not None
    gui_services.returns.record(
        SYSTEM, code, {"family_signature": "signed", "family_date": "02/03/2025"}
    )
    area = area_for(qtbot, make_context, "office")
    page = area.agreements
    QAbstractItemModelTester(page.model)
    total = page.model.rowCount()
    assert total == len({c.student_ids[0] for c in plan.copies})
    page.unsigned.setChecked(True)
    assert page.model.rowCount() == total - 1
    page.unsigned.setChecked(False)
    signed = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).family_signed)
    page.view.selectRow(page.proxy.mapFromSource(page.model.index(signed, 0)).row())
    page.head_date.setText("04/03/2025")
    qtbot.mouseClick(page.head_button, Qt.MouseButton.LeftButton)
    row = next(
        r for r in (page.model.row_at(i) for i in range(page.model.rowCount())) if r.family_signed
    )
    assert row.status == "Signed" and f"{row.head_signed_on:%d/%m/%Y}" == "04/03/2025"
