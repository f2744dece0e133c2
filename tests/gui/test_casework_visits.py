"""The family support worker plans a home visit and checks out; the office sees a red banner
once the visit is past its expected return, until the worker checks in. The clock is the
test's: it moves the afternoon on."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, QTime
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.application import make_main_window
from hsp_desktop.gui.casework.area import FamilySupportArea
from hsp_desktop.gui.casework.banner import OverdueVisitBanner
from hsp_desktop.gui.casework.visits import VisitDialog
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.meetings.common import AskText, Notice
from hsp_desktop.gui.settings import Settings
from hsp_desktop.services.container import Services
from hsp_desktop.services.reviews import SettableClock
from hsp_desktop.services.visits import VisitDraft, VisitStatus
from tests.gui.conftest import sign_in
from tests.services.casework_world import with_clock


@pytest.fixture(autouse=True)
def no_blocking_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    def warning(_parent: object, title: str, text: str, *_args: object) -> None:
        raise AssertionError(f"{title}: {text}")

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(Notice, "show", classmethod(lambda _c, _p, _t, _text: None))


@pytest.fixture
def clock() -> SettableClock:
    today = dt.date.today()  # the demo school was made for today
    return SettableClock(dt.datetime.combine(today, dt.time(9, 0)).astimezone())


@pytest.fixture
def services(gui_services: Services, clock: SettableClock) -> Services:
    return with_clock(gui_services, clock)


def window_for(qtbot: QtBot, services: Services, username: str) -> MainWindow:
    window = make_main_window(services, sign_in(services, username), Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def banner_of(window: MainWindow) -> OverdueVisitBanner:
    banner = window.findChild(OverdueVisitBanner, "overdueVisitBanner")
    assert banner is not None
    return banner


def test_an_overdue_visit_is_shown_to_the_office_until_check_in(
    qtbot: QtBot, services: Services, clock: SettableClock
) -> None:
    fsw_window = window_for(qtbot, services, "fsw")
    office_window = window_for(qtbot, services, "office")
    assert "family_support" not in [a.key for a in office_window.areas]
    office_banner = banner_of(office_window)
    office_banner.timer.setInterval(20)  # the minute-by-minute check, faster
    assert not office_banner.isVisible()

    area = fsw_window.show_area("family_support")
    assert isinstance(area, FamilySupportArea)
    caseload = area.caseload
    QAbstractItemModelTester(caseload.table.model)
    QAbstractItemModelTester(caseload.table.proxy)
    family = next(r for r in caseload.table.rows() if not r.language)  # no interpreter needed
    caseload.table.select_key(family.case_id)
    caseload.plan_visit()
    dialog = area.visits.dialog
    assert isinstance(dialog, VisitDialog)
    qtbot.waitExposed(dialog)
    assert family.student_name in dialog.windowTitle()
    qtbot.keyClicks(dialog.purpose, "Help with the short-breaks form")
    leaves = dt.datetime.combine(clock().date(), dt.time(13, 0)).astimezone()
    dialog.leaves.setDateTime(QDateTime.fromSecsSinceEpoch(int(leaves.timestamp())))
    dialog.back.setTime(QTime(14, 30))
    dialog.second.setCurrentIndex(0)  # nobody: lone working
    dialog.lone.clear()
    with qtbot.waitSignal(dialog.saved, timeout=1000, raising=False) as refused:
        dialog.save_button.click()
    assert not refused.signal_triggered
    assert "lone-working arrangement" in dialog.message.text()
    qtbot.keyClicks(dialog.lone, "Office rings at 14:30; code word 'blue folder'")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    visit = dialog.view
    assert visit is not None and visit.status is VisitStatus.PLANNED

    visits = area.visits
    QAbstractItemModelTester(visits.table.model)
    clock.set(leaves + dt.timedelta(minutes=2))
    visits.table.select_key(visit.id)
    visits.findChild(QPushButton, "checkOut").click()
    assert services.visits.get(sign_in(services, "fsw"), visit.id).checked_out_at is not None

    # 14:29: not yet due back; 14:46: overdue, and the office sees it.
    clock.set(leaves + dt.timedelta(minutes=89))
    qtbot.wait(60)  # a few periodic checks happen; nothing must show
    assert not office_banner.isVisible()
    clock.set(leaves + dt.timedelta(minutes=106))
    qtbot.waitUntil(lambda: office_banner.isVisible())
    (overdue,) = office_banner.overdue
    assert overdue.id == visit.id and overdue.minutes_late == 16
    text = office_banner.findChild(QLabel, f"overdue-{visit.id}").text()
    assert "HOME VISIT OVERDUE" in text and family.student_name in text
    assert "blue folder" in text  # the lone-working arrangement, for whoever acts on it

    # The worker is back and checks in; the banner goes at the next check.
    clock.set(leaves + dt.timedelta(minutes=110))
    visits.refresh()
    visits.table.select_key(visit.id)
    visits.findChild(QPushButton, "checkIn").click()
    qtbot.waitUntil(lambda: not office_banner.isVisible())
    done = services.visits.get(sign_in(services, "office"), visit.id)
    assert done.status is VisitStatus.DONE and done.notes_hidden


def test_the_office_closes_an_alert_after_ringing_the_worker(
    qtbot: QtBot, services: Services, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsw = sign_in(services, "fsw")
    student_id = services.caseload.caseload(fsw)[0].student_id
    form = services.visits.form(fsw, student_id)
    leaves = clock() + dt.timedelta(minutes=30)
    planned = services.visits.plan(
        fsw,
        VisitDraft(
            student_id,
            "Sleep routine follow-up",
            leaves,
            leaves + dt.timedelta(hours=1),
            form.default_lead,
            lone_working="Office rings at the return time",
        ),
    )
    services.visits.check_out(fsw, planned.id, planned.version, at=clock())
    clock.set(leaves + dt.timedelta(hours=2))
    office_window = window_for(qtbot, services, "office")
    banner = banner_of(office_window)
    assert banner.isVisible()
    monkeypatch.setattr(
        AskText, "ask", classmethod(lambda _c, _p, _t, _l, text="": "Rang Amina: running late")
    )
    banner.findChild(QPushButton, f"closeAlert-{planned.id}").click()
    assert not banner.isVisible(), [v.message for v in banner.overdue]
    closed = services.visits.get(fsw, planned.id)
    assert closed.alert_note == "Rang Amina: running late"
    assert closed.alert_closed_by == "Mrs Priya Shah"
