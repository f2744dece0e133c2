"""The "Meetings" area: the calendar of meetings, the annual review dashboard, and the list
of interpreter bookings."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.meetings.calendar import MeetingCalendarPage
from hsp_desktop.gui.meetings.dashboard import SencoDashboardPage
from hsp_desktop.gui.meetings.interpreters import InterpreterBookingsPage


class MeetingsArea(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reviews = SencoDashboardPage(ctx)
        self.calendar = MeetingCalendarPage(ctx)
        self.interpreters = InterpreterBookingsPage(ctx)
        self.addTab(self.reviews, "Annual &reviews")
        self.addTab(self.calendar, "&Calendar")
        self.addTab(self.interpreters, "&Interpreter bookings")


def meetings_area(ctx: AppContext) -> QWidget:
    return MeetingsArea(ctx)
