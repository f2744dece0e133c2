"""The Import area: choose a file from the MIS, check the dry run, then import it.

Reading, the dry run and the import run off the UI thread (``Operation``) with progress and
cancel. A CSV file's column mapping is chosen in ``MappingDialog``; the choice is remembered in
the settings and saved where the command line finds it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn, LazyRowsModel, RowFilterProxy
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.imports.mapping import MappingDialog, missing_required
from hsp_desktop.services.imports.csv_import import (
    CsvTable,
    effective_mapping,
    load_saved_mapping,
    read_table,
    save_mapping,
    table_source,
)
from hsp_desktop.services.imports.ctf import read_ctf
from hsp_desktop.services.imports.report import Action, ImportPlan, ImportResult, PlanItem
from hsp_desktop.services.imports.source import ImportSource, SourceKind, detect_kind
from hsp_desktop.services.search import fold

log = logging.getLogger("hsp.gui.imports")

MAPPING_SETTING = "imports/csv_mapping"


def _row_number(item: PlanItem) -> int:
    found = re.search(r"\d+", item.where)
    return int(found.group()) if found else 0


def _refused(item: PlanItem) -> bool:
    return item.action is Action.REFUSED


PLAN_COLUMNS: list[LazyColumn[PlanItem]] = [
    LazyColumn("where", "Row", lambda i: i.where, sort_key=_row_number),
    LazyColumn("upn", "UPN", lambda i: i.upn),
    LazyColumn("student", "Student", lambda i: i.name),
    LazyColumn("action", "Action", lambda i: i.action.label, alert=_refused),
    LazyColumn(
        "details",
        "Details / reason",
        lambda i: i.details,
        alert=_refused,
        tooltip=lambda i: i.details,
    ),
]


def plan_model(parent: QWidget | None = None) -> LazyRowsModel[str, PlanItem]:
    return LazyRowsModel(PLAN_COLUMNS, key=lambda item: item.where, parent=parent)


class ImportPage(QWidget):
    """Choose file -> (CSV: columns) -> dry run table -> Import -> summary."""

    planned = Signal(object)  # the ImportPlan of a dry run
    imported = Signal(object)  # the ImportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.kind: SourceKind | None = None
        self.table: CsvTable | None = None
        self.mapping: dict[str, str] = {}
        self.source: ImportSource | None = None
        self.plan: ImportPlan | None = None
        self.applied = False  # the plan shown is what an import did; a new dry run comes first
        self.operation: Operation | None = None
        self.mapping_dialog: MappingDialog | None = None

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Bring students and their families in from the school's MIS: a CSV export or a "
            "DfE Common Transfer File. Nothing is written until you press Import; importing "
            "the same file again changes nothing."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QHBoxLayout()
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.")
        self.file_label.setObjectName("importFile")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mapping_button = QPushButton("Column &mapping…")
        self.mapping_button.clicked.connect(self.edit_mapping)
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.mapping_button)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.dry_run_button = QPushButton("&Dry run again")
        self.dry_run_button.setToolTip("Check the file against the database again")
        self.dry_run_button.clicked.connect(self.dry_run)
        self.import_button = QPushButton("&Import")
        self.import_button.setToolTip(
            "Write the new and updated rows in one go; refused rows are left out."
        )
        self.import_button.clicked.connect(self.import_now)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        for widget in (self.dry_run_button, self.import_button, self.cancel_button):
            actions.addWidget(widget)
        actions.addWidget(self.progress, 3)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        self.refused_only = QCheckBox("Show &refused rows only")
        self.refused_only.toggled.connect(self._filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name, UPN or reason…")
        self.search.setAccessibleName("Filter the rows")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        filters.addWidget(self.refused_only)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        self.model = plan_model(self)
        self.proxy: RowFilterProxy[str, PlanItem] = RowFilterProxy(self.model, self)
        self.view = QTableView()
        self.view.setObjectName("importPlan")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.view, 1)

        QShortcut(QKeySequence.StandardKey.Open, self, self.choose_file)
        self._set_busy(False)

    # -- choosing the file --------------------------------------------------------------------
    @staticmethod
    def ask_path(parent: QWidget) -> Path | None:
        """The file dialog; tests replace this."""
        name, _ = QFileDialog.getOpenFileName(
            parent,
            "Import from the MIS",
            str(Path.home()),
            "MIS exports (*.csv *.txt *.xml *.ctf);;All files (*)",
        )
        return Path(name) if name else None

    def choose_file(self) -> None:
        if self.operation is not None:
            return
        path = type(self).ask_path(self)
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        """Read ``path``; a CSV goes through the column mapping, then the dry run starts."""
        self.path, self.kind = path, detect_kind(path)
        self.table = self.source = self.plan = None
        self.applied = False
        self.model.set_rows([])
        self.file_label.setText(f"{path.name} ({self.kind.label})")
        self.file_label.setToolTip(str(path))
        if self.kind is SourceKind.CSV:
            self._run("Reading the file…", lambda _p, _c: read_table(path), self._table_read)
        else:
            self.dry_run()

    def _table_read(self, table: object) -> None:
        assert isinstance(table, CsvTable)
        self.table = table
        self.mapping = effective_mapping(table.headings, self.remembered_mapping())
        if not table.problems and missing_required(self.mapping):
            self.summary.setText(
                "Some columns this import needs were not recognised: choose them in the column "
                "mapping."
            )
            self.edit_mapping()
        else:
            self.dry_run()

    # -- the column mapping -------------------------------------------------------------------
    def remembered_mapping(self) -> dict[str, str]:
        """Choices saved before: the file the command line reads, then this PC's settings."""
        remembered = load_saved_mapping()
        raw = self.ctx.settings.get_raw(MAPPING_SETTING, "")
        try:
            stored = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            stored = {}
        if isinstance(stored, dict):
            remembered.update({str(k): str(v) for k, v in stored.items()})
        return remembered

    def edit_mapping(self) -> None:
        if self.table is None or self.table.problems or self.operation is not None:
            return
        self.mapping_dialog = MappingDialog(self.table, self.mapping, self)
        self.mapping_dialog.accepted.connect(self._mapping_chosen)
        self.mapping_dialog.open()

    def _mapping_chosen(self) -> None:
        assert self.mapping_dialog is not None
        self.mapping = self.mapping_dialog.mapping()
        self.ctx.settings.set_raw(MAPPING_SETTING, json.dumps(self.mapping))
        try:
            save_mapping(self.mapping)
        except OSError as exc:
            log.warning("could not save the column mapping: %s", exc)
        self.dry_run()

    # -- dry run and import ---------------------------------------------------------------------
    def _read_source(self) -> ImportSource:
        assert self.path is not None
        if self.kind is SourceKind.CSV:
            assert self.table is not None
            return table_source(self.table, self.mapping)
        return read_ctf(self.path)

    def dry_run(self) -> None:
        if self.path is None or self.operation is not None:
            return
        services, actor = self.ctx.services, self.ctx.actor
        read = self._read_source

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            source = read()
            return source, services.imports.plan(actor, source, progress, cancelled)

        self._run("Checking the file against the database…", work, self._planned)

    def _planned(self, value: object) -> None:
        assert isinstance(value, tuple)
        source, plan = value
        assert isinstance(source, ImportSource) and isinstance(plan, ImportPlan)
        self.source, self.plan, self.applied = source, plan, False
        self._show_plan(plan, "Dry run: nothing has been written yet.")
        self.planned.emit(plan)

    def import_now(self) -> None:
        if self.source is None or self.plan is None or self.operation is not None:
            return
        services, actor, source = self.ctx.services, self.ctx.actor, self.source
        self._run(
            "Importing…",
            lambda progress, cancelled: services.imports.apply(actor, source, progress, cancelled),
            self._imported,
        )

    def _imported(self, value: object) -> None:
        assert isinstance(value, ImportResult)
        self.plan, self.applied = value.plan, True
        self._show_plan(value.plan, value.summary())
        if value.written:
            self.ctx.hub.changed.emit("students")
            self.ctx.hub.changed.emit("families")
        self.imported.emit(value)

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.progress.setFormat("Cancelling…")

    # -- showing --------------------------------------------------------------------------------
    def _show_plan(self, plan: ImportPlan, status: str) -> None:
        self.model.set_rows(plan.items)
        lines = [f"<b>{_html(plan.summary())}</b>"] if not plan.problems else []
        lines += [_html(note) for note in plan.notes]
        lines += [f'<span style="color:#b00020">{_html(p)}</span>' for p in plan.problems]
        lines.append(_html(status))
        self.summary.setText("<br>".join(lines))

    def _filter(self) -> None:
        refused_only = self.refused_only.isChecked()
        needle = fold(self.search.text())
        if not refused_only and not needle:
            self.proxy.set_predicate(None)
            return

        def keep(item: PlanItem) -> bool:
            if refused_only and item.action is not Action.REFUSED:
                return False
            return not needle or needle in fold(
                f"{item.where} {item.upn} {item.name} {item.details}"
            )

        self.proxy.set_predicate(keep)

    # -- running work off the UI thread ---------------------------------------------------------
    def _run(
        self,
        label: str,
        work: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        done: Callable[[object], None],
    ) -> None:
        operation = Operation(work, self)

        def succeeded(value: object) -> None:
            self._settle(operation)
            done(value)
            self._set_busy(self.operation is not None)

        def failed(exc: object) -> None:
            self._settle(operation)
            self._failed(exc)
            self._set_busy(self.operation is not None)

        operation.progressed.connect(self._progressed)
        operation.succeeded.connect(succeeded)
        operation.failed.connect(failed)
        self.operation = operation
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.setFormat(label)
        self._set_busy(True)
        operation.start()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{self.progress.format().split(' (')[0]} ({done} of {total})")

    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        if isinstance(exc, errors.Cancelled):
            self.summary.setText("Cancelled: nothing was written.")
            return
        show_error(self, exc)

    def _settle(self, operation: Operation) -> None:
        """The work is done: free the page before its result starts the next step."""
        if self.operation is not operation:
            return
        self.operation = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")

    def _set_busy(self, busy: bool) -> None:
        self.choose_button.setEnabled(not busy)
        self.mapping_button.setEnabled(not busy and self.kind is SourceKind.CSV)
        self.dry_run_button.setEnabled(not busy and self.path is not None)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        plan = self.plan
        self.import_button.setEnabled(
            not busy and plan is not None and plan.can_apply and not self.applied
        )

    def may_close(self) -> bool:
        if self.operation is None:
            return True
        QMessageBox.information(
            self,
            "Import running",
            "An import is running. Wait for it to finish, or cancel it, before closing.",
        )
        return False


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
