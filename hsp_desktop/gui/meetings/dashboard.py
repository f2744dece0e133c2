"""The SENCO's annual review dashboard: overdue, due this half-term, papers late, interpreters
not yet confirmed, phase transfers and preparing-for-adulthood reminders; the full tracker; and
the school's review rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.common import RowsTable, day_text, long_day
from hsp_desktop.gui.meetings.dialog import MeetingLauncher
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.interpreters import language_name
from hsp_desktop.services.meetings import MeetingStatus, MeetingType
from hsp_desktop.services.reviews import (
    ENGLAND,
    WALES,
    InterpreterGap,
    LatePaper,
    ReviewRow,
    ReviewRules,
    ReviewState,
    SencoDashboard,
    format_transfers,
    parse_transfers,
)
from hsp_desktop.services.search import fold


def _planned(row: ReviewRow) -> str:
    if row.planned is None or row.planned.status is not MeetingStatus.PLANNED:
        return ""
    return day_text(row.planned.day)


REVIEW_COLUMNS: list[LazyColumn[ReviewRow]] = [
    LazyColumn("student", "Student", lambda r: r.student_name),
    LazyColumn("class", "Class", lambda r: r.class_name),
    LazyColumn("year", "Year", lambda r: r.year_group, sort_key=lambda r: r.year_group.zfill(2)),
    LazyColumn(
        "last", "Last review", lambda r: day_text(r.last_review), sort_key=lambda r: r.last_review
    ),
    LazyColumn(
        "due",
        "Due by",
        lambda r: day_text(r.review_by),
        sort_key=lambda r: r.review_by,
        alert=lambda r: r.state is ReviewState.OVERDUE,
    ),
    LazyColumn("planned", "Planned", _planned),
    LazyColumn(
        "state", "State", lambda r: r.state.label, alert=lambda r: r.state is ReviewState.OVERDUE
    ),
    LazyColumn("notes", "Notes", lambda r: "; ".join(r.notes)),
]
SECTION_COLUMNS = [c for c in REVIEW_COLUMNS if c.key not in ("last", "state")]
PAPER_COLUMNS: list[LazyColumn[LatePaper]] = [
    LazyColumn("student", "Student", lambda p: p.student_name),
    LazyColumn(
        "meeting", "Review on", lambda p: day_text(p.meeting_day), sort_key=lambda p: p.meeting_day
    ),
    LazyColumn("what", "Paper", lambda p: p.what, alert=lambda p: True),
    LazyColumn(
        "deadline", "Was due", lambda p: day_text(p.deadline), sort_key=lambda p: p.deadline
    ),
    LazyColumn(
        "late",
        "Days late",
        lambda p: str(p.days_late),
        sort_key=lambda p: p.days_late,
        align_right=True,
    ),
]
GAP_COLUMNS: list[LazyColumn[InterpreterGap]] = [
    LazyColumn(
        "day", "Meeting on", lambda g: day_text(g.meeting_day), sort_key=lambda g: g.meeting_day
    ),
    LazyColumn("student", "Student", lambda g: g.student_name),
    LazyColumn("carer", "For", lambda g: g.carer_name),
    LazyColumn("language", "Language", lambda g: language_name(g.language, g.dialect)),
    LazyColumn("status", "Booking", lambda g: g.status_label, alert=lambda g: True),
    LazyColumn("kind", "Meeting", lambda g: g.meeting_kind.label),
]


class SencoDashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.board: SencoDashboard | None = None
        self.launcher = MeetingLauncher(ctx, self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("dashboardTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        top.addWidget(self.title, 1)
        self.rules_button = QPushButton("Review &rules…")
        self.rules_button.clicked.connect(self.edit_rules)
        self.rules_button.setVisible(ctx.actor.can(Permission.MANAGE_TERMS))
        refresh = QPushButton("Re&fresh")
        refresh.clicked.connect(self.refresh)
        top.addWidget(self.rules_button)
        top.addWidget(refresh)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("dashboardSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        grid = QGridLayout()
        self.overdue = self._section(
            grid,
            0,
            0,
            "Overdue",
            SECTION_COLUMNS,
            "overdueReviews",
            ("Plan &review…", self._plan_from),
        )
        self.due = self._section(
            grid,
            0,
            1,
            "Due this half-term",
            SECTION_COLUMNS,
            "dueReviews",
            ("Plan re&view…", self._plan_from),
        )
        self.papers = self._section(
            grid,
            1,
            0,
            "Papers late",
            PAPER_COLUMNS,
            "papersLate",
            ("&Open review…", self._open_paper),
        )
        self.gaps = self._section(
            grid,
            1,
            1,
            "Interpreters not confirmed",
            GAP_COLUMNS,
            "interpreterGaps",
            ("Open &meeting…", self._open_gap),
        )
        self.transfers = self._section(
            grid,
            2,
            0,
            "Phase transfers this year",
            SECTION_COLUMNS,
            "phaseTransfers",
            ("Plan revie&w…", self._plan_from),
        )
        self.adulthood = self._section(
            grid,
            2,
            1,
            "Preparing for adulthood: make sure it is on the agenda",
            SECTION_COLUMNS,
            "adulthoodReviews",
            ("Open revie&w…", self._open_planned),
        )
        tabs = QTabWidget()
        board = QWidget()
        board.setLayout(grid)
        tabs.addTab(board, "&Dashboard")
        tabs.addTab(self._tracker_tab(), "All &plans")
        layout.addWidget(tabs, 1)
        ctx.hub.changed.connect(self._changed)
        self.refresh()

    def _section(
        self,
        grid: QGridLayout,
        row: int,
        column: int,
        title: str,
        columns: list[Any],
        name: str,
        action: tuple[str, Callable[[Any], None]],
    ) -> RowsTable[Any]:
        box = QGroupBox(title)
        box.setObjectName(f"{name}Box")
        inner = QVBoxLayout(box)
        table: RowsTable[Any] = RowsTable(columns, key=_key, name=name, parent=self)
        sort_by = next(i for i, c in enumerate(columns) if c.key in ("due", "late", "day"))
        descending = columns[sort_by].key == "late"
        table.view.sortByColumn(
            sort_by, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        inner.addWidget(table.view)
        text, handler = action
        button = QPushButton(text)
        button.setObjectName(f"{name}Action")
        button.clicked.connect(lambda: self._act(table, handler))
        table.view.doubleClicked.connect(lambda _i: self._act(table, handler))
        button.setEnabled(self.ctx.actor.can(Permission.MANAGE_MEETINGS))
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(button)
        inner.addLayout(line)
        grid.addWidget(box, row, column)
        box.setProperty("baseTitle", title)
        return table

    def _tracker_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        line = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("trackerSearch")
        self.search.setPlaceholderText("Find a student or class")
        self.search.setClearButtonEnabled(True)
        self.state_filter = QComboBox()
        self.state_filter.addItem("Every state", None)
        for state in ReviewState:
            self.state_filter.addItem(state.label, state)
        plan = QPushButton("Plan review…")
        line.addWidget(self.search, 1)
        line.addWidget(self.state_filter)
        line.addWidget(plan)
        layout.addLayout(line)
        self.tracker: RowsTable[ReviewRow] = RowsTable(
            REVIEW_COLUMNS, key=lambda r: r.student_id, name="reviewTracker", parent=self
        )
        self.tracker.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.tracker.view, 1)
        plan.clicked.connect(lambda: self._act(self.tracker, self._plan_from))
        self.tracker.view.doubleClicked.connect(lambda _i: self._act(self.tracker, self._plan_from))
        self.search.textChanged.connect(self._filter)
        self.state_filter.currentIndexChanged.connect(self._filter)
        return page

    def _filter(self) -> None:
        needle = fold(self.search.text())
        chosen = self.state_filter.currentData()
        state = ReviewState(chosen) if chosen is not None else None

        def keep(row: ReviewRow) -> bool:
            if state is not None and row.state is not state:
                return False
            return not needle or needle in fold(f"{row.student_name} {row.class_name}")

        self.tracker.proxy.set_predicate(keep if needle or state is not None else None)

    # -- data -------------------------------------------------------------------------------
    def _changed(self, topic: str) -> None:
        if topic in ("meetings", "interpreters", "students", "reviews"):
            self.refresh()

    def refresh(self) -> None:
        try:
            board = self.ctx.services.reviews.dashboard(self.ctx.actor)
            tracker = self.ctx.services.reviews.tracker(self.ctx.actor)
        except errors.KnownError as exc:
            self.summary.setText(exc.message)
            return
        self.board = board
        rules = board.rules
        half = (
            f"{board.half_term.label} half-term ends {day_text(board.half_term.end)}"
            if board.half_term
            else "no term dates set"
        )
        self.title.setText(f"Annual reviews ({rules.plan_name}) — {long_day(board.today)}")
        self.summary.setText(
            f"{board.ehcp_students} plans. "
            f"<b style='color:#b71c1c'>{len(board.overdue)} overdue</b>, "
            f"{len(board.due_this_half_term)} due this half-term ({half}), "
            f"<b>{len(board.papers_late)}</b> {_plural(len(board.papers_late), 'paper')} late, "
            f"<b>{len(board.interpreters)}</b> "
            f"{_plural(len(board.interpreters), 'interpreter')} not confirmed. "
            f"Rules: review every {rules.interval_months} months, {rules.notice_days} days' notice."
        )
        for table, rows in (
            (self.overdue, board.overdue),
            (self.due, board.due_this_half_term),
            (self.papers, board.papers_late),
            (self.gaps, board.interpreters),
            (self.transfers, board.transfers),
            (self.adulthood, board.adulthood),
        ):
            table.set_rows(list(rows))
            box = table.view.parentWidget()
            if isinstance(box, QGroupBox):
                box.setTitle(f"{box.property('baseTitle')} ({len(rows)})")
        self.tracker.set_rows(tracker)

    # -- actions ----------------------------------------------------------------------------
    def _act(self, table: RowsTable[Any], handler: Callable[[Any], None]) -> None:
        row = table.selected()
        if row is None and table.proxy.rowCount():
            table.view.selectRow(0)
            row = table.selected()
        if row is not None:
            handler(row)

    def _plan_from(self, row: ReviewRow) -> None:
        if row.planned is not None and row.planned.status is MeetingStatus.PLANNED:
            self.launcher.open(row.planned.meeting_id)
        else:
            self.launcher.plan(row.student_id, MeetingType.ANNUAL_REVIEW)

    def _open_planned(self, row: ReviewRow) -> None:
        if row.planned is not None:
            self.launcher.open(row.planned.meeting_id)

    def _open_paper(self, paper: LatePaper) -> None:
        self.launcher.open(paper.meeting_id)

    def _open_gap(self, gap: InterpreterGap) -> None:
        self.launcher.open(gap.meeting_id)

    def edit_rules(self) -> None:
        try:
            rules = self.ctx.services.reviews.rules(self.ctx.actor)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.rules_dialog = ReviewRulesDialog(self.ctx, rules, self)
        self.rules_dialog.accepted.connect(self.refresh)
        self.rules_dialog.open()


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _key(row: Any) -> Any:
    if isinstance(row, ReviewRow):
        return row.student_id
    if isinstance(row, LatePaper):
        return (row.meeting_id, row.what)
    return (row.meeting_id, row.carer_name, row.language)


class ReviewRulesDialog(QDialog):
    """The school's review rules; England and Wales presets."""

    def __init__(self, ctx: AppContext, rules: ReviewRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.version = rules.version
        self.setWindowTitle("Annual review rules")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.plan_name = QLineEdit()
        self.interval = self._spin(1, 24, " months")
        self.notice = self._spin(1, 120, " days before")
        self.advice = self._spin(0, 120, " days before")
        self.advice.setSpecialValueText("not tracked")
        self.report = self._spin(0, 120, " days after")
        self.report.setSpecialValueText("not tracked")
        self.adulthood = self._spin(0, 14, "")
        self.adulthood.setPrefix("Year ")
        self.adulthood.setSpecialValueText("no reminder")
        self.transfers = QLineEdit()
        self.transfers.setPlaceholderText("year group:MM-DD, e.g. 6:02-15,11:03-31")
        self.lead = self._spin(0, 120, " days before the deadline")
        form.addRow("&Plan:", self.plan_name)
        form.addRow("Review &every:", self.interval)
        form.addRow("&Notice of the meeting:", self.notice)
        form.addRow("&Advice circulated:", self.advice)
        form.addRow("Re&port sent:", self.report)
        form.addRow("Preparing for adulthood &from:", self.adulthood)
        form.addRow("Phase &transfers:", self.transfers)
        form.addRow("Transfer review &held:", self.lead)
        layout.addLayout(form)
        presets = QHBoxLayout()
        england = QPushButton("&England defaults")
        england.clicked.connect(lambda: self.show_rules(ENGLAND))
        wales = QPushButton("&Wales (IDP) defaults")
        wales.clicked.connect(lambda: self.show_rules(WALES))
        presets.addWidget(england)
        presets.addWidget(wales)
        presets.addStretch(1)
        layout.addLayout(presets)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_rules(rules)

    @staticmethod
    def _spin(low: int, high: int, suffix: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setSuffix(suffix)
        return box

    def show_rules(self, rules: ReviewRules) -> None:
        self.plan_name.setText(rules.plan_name)
        self.interval.setValue(rules.interval_months)
        self.notice.setValue(rules.notice_days)
        self.advice.setValue(rules.advice_days)
        self.report.setValue(rules.report_days)
        self.adulthood.setValue(rules.adulthood_from_year)
        self.transfers.setText(format_transfers(rules.transfers))
        self.lead.setValue(rules.transfer_lead_days)

    def save(self) -> None:
        try:
            rules = ReviewRules(
                plan_name=self.plan_name.text(),
                interval_months=self.interval.value(),
                notice_days=self.notice.value(),
                advice_days=self.advice.value(),
                report_days=self.report.value(),
                adulthood_from_year=self.adulthood.value(),
                transfers=parse_transfers(self.transfers.text()),
                transfer_lead_days=self.lead.value(),
            )
            self.ctx.services.reviews.update_rules(self.ctx.actor, self.version, rules)
        except errors.KnownError as exc:
            self.message.setText(exc.message)
            return
        self.ctx.hub.changed.emit("reviews")
        self.accept()
