"""The office's list of interpreter bookings: by language and term with cost totals, and every
booking, to confirm or cancel."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.booking import BookingDialog
from hsp_desktop.gui.meetings.common import RowsTable, day_text, time_text
from hsp_desktop.services.interpreters import (
    BookingReport,
    BookingStatus,
    BookingView,
    ReportLine,
    format_money,
)
from hsp_desktop.services.reviews import academic_year_start

LINE_COLUMNS: list[LazyColumn[ReportLine]] = [
    LazyColumn("language", "Language", lambda r: r.language_label),
    LazyColumn("term", "Term", lambda r: r.term, sort_key=lambda r: r.term_start or dt.date.max),
    LazyColumn(
        "bookings",
        "Bookings",
        lambda r: str(r.bookings),
        sort_key=lambda r: r.bookings,
        align_right=True,
    ),
    LazyColumn(
        "confirmed",
        "Confirmed",
        lambda r: str(r.confirmed),
        sort_key=lambda r: r.confirmed,
        align_right=True,
    ),
    LazyColumn(
        "cancelled",
        "Cancelled",
        lambda r: str(r.cancelled),
        sort_key=lambda r: r.cancelled,
        align_right=True,
    ),
    LazyColumn(
        "cost",
        "Cost",
        lambda r: format_money(r.cost_pence),
        sort_key=lambda r: r.cost_pence,
        align_right=True,
    ),
]
BOOKING_COLUMNS: list[LazyColumn[BookingView]] = [
    LazyColumn(
        "day",
        "Date",
        lambda b: day_text(b.day),
        sort_key=lambda b: (b.day, b.start_time or dt.time()),
    ),
    LazyColumn("time", "Time", lambda b: time_text(b.start_time)),
    LazyColumn("language", "Language", lambda b: b.language_label),
    LazyColumn("student", "Family of", lambda b: b.student_name),
    LazyColumn("carer", "For", lambda b: b.carer_name),
    LazyColumn("purpose", "For what", lambda b: b.purpose),
    LazyColumn("who", "Interpreter", lambda b: b.who),
    LazyColumn(
        "status",
        "Status",
        lambda b: b.status.label,
        alert=lambda b: b.status is BookingStatus.REQUESTED,
    ),
    LazyColumn(
        "cost",
        "Cost",
        lambda b: format_money(b.cost_pence) if b.cost_pence else "",
        sort_key=lambda b: b.cost_pence,
        align_right=True,
    ),
]


class InterpreterBookingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: BookingReport | None = None
        self.dialog: BookingDialog | None = None
        layout = QVBoxLayout(self)
        line = QHBoxLayout()
        self.year = QComboBox()
        self.year.setObjectName("bookingYear")
        start = academic_year_start(ctx.services.interpreters.today())
        for year in range(start, start - 4, -1):
            self.year.addItem(f"{year}/{(year + 1) % 100:02d}", year)
        self.status = QComboBox()
        self.status.addItem("Every booking", None)
        for status in BookingStatus:
            self.status.addItem(status.label, status)
        self.totals = QLabel()
        self.totals.setObjectName("bookingTotals")
        self.totals.setStyleSheet("font-weight: 600;")
        year_label = QLabel("Academic &year:")
        year_label.setBuddy(self.year)
        line.addWidget(year_label)
        line.addWidget(self.year)
        line.addWidget(self.totals, 1)
        line.addWidget(self.status)
        layout.addLayout(line)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.lines: RowsTable[ReportLine] = RowsTable(
            LINE_COLUMNS,
            key=lambda r: (r.language, r.term),
            name="bookingLines",
            stretch=1,
            parent=self,
        )
        self.bookings: RowsTable[BookingView] = RowsTable(
            BOOKING_COLUMNS, key=lambda b: b.id, name="bookingList", stretch=5, parent=self
        )
        self.bookings.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.bookings.view.doubleClicked.connect(lambda _i: self.open_selected())
        splitter.addWidget(self.lines.view)
        splitter.addWidget(self.bookings.view)
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        open_button = QPushButton("&Open booking…")
        open_button.clicked.connect(self.open_selected)
        buttons.addWidget(open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.year.currentIndexChanged.connect(self.refresh)
        self.status.currentIndexChanged.connect(self._filter)
        ctx.hub.changed.connect(
            lambda topic: self.refresh() if topic in ("interpreters", "meetings") else None
        )
        self.refresh()

    def refresh(self) -> None:
        year = self.year.currentData()
        try:
            report = self.ctx.services.interpreters.report(
                self.ctx.actor, dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
            )
        except errors.KnownError as exc:
            self.totals.setText(exc.message)
            return
        self.report = report
        self.lines.set_rows(list(report.lines))
        self.bookings.set_rows(list(report.bookings))
        by_language = ", ".join(
            f"{label} {format_money(cost)}" for label, _n, cost in report.by_language
        )
        self.totals.setText(
            f"{report.total_bookings} bookings, {format_money(report.total_cost_pence)}"
            + (f" ({by_language})" if by_language else "")
        )

    def _filter(self) -> None:
        chosen = self.status.currentData()
        status = BookingStatus(chosen) if chosen is not None else None
        self.bookings.proxy.set_predicate(
            None if status is None else (lambda b: b.status is status)
        )

    def open_selected(self) -> None:
        booking = self.bookings.selected()
        if booking is None:
            return
        try:
            current = self.ctx.services.interpreters.get(self.ctx.actor, booking.id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.dialog = BookingDialog(self.ctx, current.as_draft(), current, parent=self)
        self.dialog.open()
