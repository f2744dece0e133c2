"""Letters sent: every run with its copies, slips back and outstanding; reprint a copy;
send a reminder to the households whose slip has not come back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from hsp_desktop.gui.letters.common import ReprintDialog, fit_columns, issued_columns, lazy_table
from hsp_desktop.services.letter_runs import IssuedView, RunSummary


def run_columns() -> list[LazyColumn[RunSummary]]:
    return [
        LazyColumn(
            "date",
            "Sent",
            lambda r: f"{r.created_at.astimezone():%d/%m/%Y %H:%M}",
            sort_key=lambda r: r.created_at,
        ),
        LazyColumn("letter", "Letter", lambda r: r.title),
        LazyColumn("scope", "To", lambda r: r.scope),
        LazyColumn("by", "By", lambda r: r.created_by),
        LazyColumn("copies", "Copies", lambda r: str(r.copies), sort_key=lambda r: r.copies),
        LazyColumn("email", "Emailed", lambda r: str(r.emailed), sort_key=lambda r: r.emailed),
        LazyColumn(
            "back",
            "Slips back",
            lambda r: f"{r.returned} of {r.slips}" if r.slips else "",
            sort_key=lambda r: r.returned,
        ),
        LazyColumn(
            "missing",
            "Outstanding",
            lambda r: str(r.outstanding) if r.slips else "",
            sort_key=lambda r: r.outstanding,
            alert=lambda r: r.outstanding > 0,
        ),
    ]


class RunsPage(QWidget):
    reminder_requested = Signal(int)  # run id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runs_model, self.runs_proxy, self.runs_view = lazy_table(
            run_columns(), lambda r: r.id, "runsTable"
        )
        self.copies_model, self.copies_proxy, self.copies_view = lazy_table(
            issued_columns(), lambda i: i.id, "runCopiesIssued"
        )
        self.runs_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.only_missing = QCheckBox("Show only slips &not back yet")
        self.only_missing.toggled.connect(self._filter)
        self.detail = QLabel("Choose a run to see its copies.")
        self.reprint = QPushButton("&Reprint this copy…")
        self.reminder = QPushButton("Send a re&minder to those missing…")
        self.reprint.setEnabled(False)
        self.reminder.setEnabled(False)
        self.reprint.clicked.connect(self.reprint_selected)
        self.reminder.clicked.connect(self._ask_reminder)
        self.dialog: ReprintDialog | None = None

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.detail, 1)
        row.addWidget(self.only_missing)
        lower_layout.addLayout(row)
        lower_layout.addWidget(self.copies_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint)
        buttons.addStretch(1)
        buttons.addWidget(self.reminder)
        lower_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.runs_view)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.runs_view.selectionModel().selectionChanged.connect(lambda *_: self._run_chosen())
        self.copies_view.selectionModel().selectionChanged.connect(
            lambda *_: self.reprint.setEnabled(self.selected_copy() is not None)
        )
        self.copies_view.doubleClicked.connect(lambda _i: self.reprint_selected())
        ctx.hub.changed.connect(self._on_hub)
        self.refresh()

    def _on_hub(self, topic: str) -> None:
        if topic in {"letters", "returns"}:
            self.refresh()

    def refresh(self) -> None:
        self.runs_model.set_rows(self.ctx.services.letter_runs.runs(self.ctx.actor))
        fit_columns(self.runs_view)
        self._run_chosen()

    def selected_run(self) -> RunSummary | None:
        rows = self.runs_view.selectionModel().selectedRows()
        return self.runs_proxy.row_at(rows[0].row()) if rows else None

    def select_run(self, run_id: int) -> None:
        row = self.runs_proxy.proxy_row_of(run_id)
        if row is None:
            raise KeyError(run_id)
        self.runs_view.selectRow(row)

    def _run_chosen(self) -> None:
        run = self.selected_run()
        if run is None:
            self.copies_model.set_ids([])
            self.detail.setText("Choose a run to see its copies.")
            self.reminder.setEnabled(False)
            return
        copies = self.ctx.services.letter_runs.run_copies(self.ctx.actor, run.id)
        self.copies_model.set_ids([])
        self.copies_model.set_rows(copies)
        fit_columns(self.copies_view)
        self._filter()
        slips = f", {run.returned} of {run.slips} slips back" if run.slips else ""
        self.detail.setText(f"{run.title} — {run.scope}: {run.copies} copies{slips}.")
        self.reminder.setEnabled(run.outstanding > 0)

    def _filter(self) -> None:
        if self.only_missing.isChecked():
            self.copies_proxy.set_predicate(lambda i: bool(i.return_code) and not i.returned)
        else:
            self.copies_proxy.set_predicate(None)

    def selected_copy(self) -> IssuedView | None:
        rows = self.copies_view.selectionModel().selectedRows()
        return self.copies_proxy.row_at(rows[0].row()) if rows else None

    def reprint_selected(self) -> ReprintDialog | None:
        issued = self.selected_copy()
        if issued is None:
            return None
        self.dialog = ReprintDialog(self.ctx, issued, self)
        self.dialog.open()
        return self.dialog

    def _ask_reminder(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        try:
            self.reminder_requested.emit(run.id)
        except errors.KnownError as exc:
            show_error(self, exc)
