"""The students list: search as you type, filters, chosen columns, open, export.

The rows are loaded once (and again only when students or families change); each keystroke
and each filter only re-tests the rows in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyRowsModel, RowFilterProxy
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.students.columns import COLUMNS, DEFAULT_COLUMNS, language_name
from hsp_desktop.model.enums import SenStatus, StudentStatus
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.search import search_words
from hsp_desktop.services.students import StudentRow

COLUMNS_KEY = "students/columns"
REFRESH_TOPICS = frozenset({"students", "families"})
MY_CLASSES = -1
E = TypeVar("E", bound=StrEnum)


def _enum(cls: type[E], value: object) -> E | None:
    """Combo data comes back from Qt as plain text."""
    return None if value is None else cls(str(value))


@dataclass(frozen=True)
class StudentFilter:
    """What the search box and the filter widgets ask for."""

    text: str = ""
    class_ids: frozenset[int] | None = None  # None: any class
    status: StudentStatus | None = StudentStatus.ON_ROLL
    sen_status: SenStatus | None = None
    language: str | None = None  # DfE code spoken or read at home
    needs_interpreter: bool = False
    needs_translation: bool = False
    literacy_support: bool = False
    has_restriction: bool = False

    def predicate(self) -> Callable[[StudentRow], bool] | None:
        """One function with early exits (it runs for every row on every keystroke)."""
        words = search_words(self.text)
        class_ids, status, sen, language = (
            self.class_ids,
            self.status,
            self.sen_status,
            self.language,
        )
        interpreter, translation = self.needs_interpreter, self.needs_translation
        literacy, restriction = self.literacy_support, self.has_restriction
        if not (
            words
            or class_ids is not None
            or status
            or sen
            or language
            or interpreter
            or translation
            or literacy
            or restriction
        ):
            return None

        def accept(row: StudentRow) -> bool:
            if status is not None and row.status != status:
                return False
            if class_ids is not None and row.class_id not in class_ids:
                return False
            if sen is not None and row.sen_status != sen:
                return False
            if interpreter and not row.needs_interpreter:
                return False
            if translation and not row.needs_translation:
                return False
            if literacy and not row.literacy_support:
                return False
            if restriction and not row.has_restriction:
                return False
            if language is not None and (
                row.first_language != language and language not in row.family_languages
            ):
                return False
            key = row.search_key
            return all(word in key for word in words)

        return accept


class ExportPathDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, suggested: Path) -> Path | None:
        """Where to save the CSV (tests replace this classmethod)."""
        name, _ = QFileDialog.getSaveFileName(
            parent, "Export the list", str(suggested), "CSV files (*.csv)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".csv" else path.with_suffix(".csv")


class StudentListPage(QWidget):
    open_requested = Signal(int)  # student id
    new_requested = Signal()
    letter_requested = Signal(list)  # ids of the students the filters show
    exported = Signal(object)  # Path

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: LazyRowsModel[int, StudentRow] = LazyRowsModel(
            COLUMNS,
            key=lambda r: r.id,
            fetch=lambda ids: ctx.services.students.list_rows(ctx.actor, ids),
            parent=self,
        )
        self.proxy: RowFilterProxy[int, StudentRow] = RowFilterProxy(self.model, self)
        self.filter = StudentFilter()
        self.export_operation: Operation | None = None
        self._build()
        self._restore_columns()
        self.reload()
        self.fit_columns()
        ctx.hub.changed.connect(self._on_changed)

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        search_label = QLabel("&Search:")
        self.search = QLineEdit()
        self.search.setObjectName("studentSearch")
        self.search.setPlaceholderText("Name, preferred name or UPN  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search students")
        search_label.setBuddy(self.search)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._open_from_search)
        self.search.installEventFilter(self)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("studentCount")
        top.addWidget(self.count_label)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.class_filter = QComboBox()
        self.class_filter.setObjectName("classFilter")
        self.class_filter.setAccessibleName("Class")
        self.class_filter.addItem("All classes", None)
        self._my_classes = self.ctx.services.students.my_class_ids(self.ctx.actor)
        if self._my_classes:
            self.class_filter.addItem("My classes", MY_CLASSES)
        for option in self.ctx.services.students.classes(self.ctx.actor):
            self.class_filter.addItem(option.label, option.id)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Status")
        for text, status in (
            ("On roll", StudentStatus.ON_ROLL),
            ("Left", StudentStatus.LEFT),
            ("On roll and left", None),
        ):
            self.status_filter.addItem(text, status)
        self.sen_filter = QComboBox()
        self.sen_filter.setObjectName("senFilter")
        self.sen_filter.setAccessibleName("SEN status")
        self.sen_filter.addItem("Any SEN status", None)
        for sen in (SenStatus.EHCP, SenStatus.SEN_SUPPORT, SenStatus.NONE):
            self.sen_filter.addItem("No SEN" if sen is SenStatus.NONE else sen.label, sen)
        self.language_filter = QComboBox()
        self.language_filter.setObjectName("languageFilter")
        self.language_filter.setAccessibleName("Home language")
        self.language_filter.addItem("Any home language", None)
        for label, combo in (
            ("C&lass:", self.class_filter),
            ("S&tatus:", self.status_filter),
            ("S&EN:", self.sen_filter),
            ("Lan&guage:", self.language_filter),
        ):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
            combo.currentIndexChanged.connect(self._on_filters)
        self.flag_boxes: dict[str, QCheckBox] = {}
        for key, text in (
            ("needs_interpreter", "&Interpreter"),
            ("needs_translation", "T&ranslated letters"),
            ("literacy_support", "Literac&y support"),
            ("has_restriction", "Restri&ction"),
        ):
            box = QCheckBox(text)
            box.setObjectName(key)
            box.toggled.connect(self._on_filters)
            self.flag_boxes[key] = box
            filters.addWidget(box)
        self.clear_button = QPushButton("Clear &filters")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        if not self.ctx.actor.can(Permission.VIEW_ALL_CLASSES):
            scope = QLabel("You see the students of your own classes.")
            scope.setObjectName("scopeNote")
            layout.addWidget(scope)

        self.table = QTableView()
        self.table.setObjectName("studentTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Column widths from the rows in view only (QTableView reads the vertical header's
        # precision when sizing columns); the default walks a thousand rows.
        self.table.verticalHeader().setResizeContentsPrecision(0)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu_at)
        header.setSortIndicator(self.model.column_index("last_name"), Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.installEventFilter(self)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self.open_selected)
        buttons.addWidget(self.open_button)
        if self.ctx.actor.can(Permission.EDIT_STUDENTS):
            self.new_button = QPushButton("&New student…")
            self.new_button.clicked.connect(self.new_requested.emit)
            buttons.addWidget(self.new_button)
        self.columns_button = QPushButton("Colu&mns…")
        self.columns_button.clicked.connect(
            lambda: self._column_menu().exec(
                self.columns_button.mapToGlobal(QPoint(0, self.columns_button.height()))
            )
        )
        buttons.addWidget(self.columns_button)
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.setVisible(self.ctx.actor.can(Permission.EXPORT_DATA))
        self.export_button.clicked.connect(self.export_csv)
        buttons.addWidget(self.export_button)
        self.letter_button = QPushButton("Send a &letter…")
        self.letter_button.setToolTip("A letter or form to the students the filters show")
        self.letter_button.setVisible(self.ctx.actor.can(Permission.SEND_LETTERS))
        self.letter_button.clicked.connect(lambda: self.letter_requested.emit(self.visible_ids()))
        buttons.addWidget(self.letter_button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("listMessage")
        buttons.addWidget(self.message)
        layout.addLayout(buttons)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on the table opens the selected student; Down in the search box moves
        into the table."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if watched is self.search and key == Qt.Key.Key_Down and self.proxy.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        rows = self.ctx.services.students.list_rows(self.ctx.actor)
        self.model.set_rows(rows)  # keeps the sort the user chose
        self._fill_languages(rows)
        self.proxy.set_predicate(self.filter.predicate())
        self._update_count()

    def _on_changed(self, topic: str) -> None:
        if topic in REFRESH_TOPICS:
            self.reload()

    def _fill_languages(self, rows: list[StudentRow]) -> None:
        counts: Counter[str] = Counter()
        for row in rows:
            for code in row.home_languages:
                counts[code] += 1
        current = self.language_filter.currentData()
        self.language_filter.blockSignals(True)
        self.language_filter.clear()
        self.language_filter.addItem("Any home language", None)
        for code in sorted(counts, key=language_name):
            self.language_filter.addItem(f"{language_name(code)} ({counts[code]})", code)
        index = self.language_filter.findData(current)
        self.language_filter.setCurrentIndex(max(0, index))
        self.language_filter.blockSignals(False)

    # -- filtering --------------------------------------------------------------------------
    def _on_search(self, text: str) -> None:
        self.apply_filter(replace(self.filter, text=text))

    def _on_filters(self, *_args: object) -> None:
        chosen = self.class_filter.currentData()
        if chosen is None:
            class_ids: frozenset[int] | None = None
        elif chosen == MY_CLASSES:
            class_ids = self._my_classes
        else:
            class_ids = frozenset({chosen})
        self.apply_filter(
            StudentFilter(
                text=self.search.text(),
                class_ids=class_ids,
                status=_enum(StudentStatus, self.status_filter.currentData()),
                sen_status=_enum(SenStatus, self.sen_filter.currentData()),
                language=self.language_filter.currentData(),
                **{key: box.isChecked() for key, box in self.flag_boxes.items()},
            )
        )

    def apply_filter(self, wanted: StudentFilter) -> None:
        self.filter = wanted
        self.proxy.set_predicate(wanted.predicate())
        self._update_count()
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self._select_proxy_row(0)

    def clear_filters(self) -> None:
        for combo in (self.class_filter, self.sen_filter, self.language_filter):
            combo.setCurrentIndex(0)
        self.status_filter.setCurrentIndex(0)
        for box in self.flag_boxes.values():
            box.setChecked(False)
        self.search.clear()

    def _update_count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "student" if total == 1 else "students"
        self.count_label.setText(
            f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        )

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- opening ----------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.proxy.id_at(rows[0].row())
        current = self.table.currentIndex()
        return self.proxy.id_at(current.row()) if current.isValid() else None

    def visible_ids(self) -> list[int]:
        return [self.proxy.id_at(row) for row in range(self.proxy.rowCount())]

    def open_selected(self) -> None:
        student_id = self.selected_id()
        if student_id is not None:
            self.open_requested.emit(student_id)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.proxy.id_at(index.row()))

    def _open_from_search(self) -> None:
        """Enter in the search box opens the selected (or the only) match."""
        if self.proxy.rowCount() == 1:
            self.open_requested.emit(self.proxy.id_at(0))
        elif self.proxy.rowCount():
            self.open_selected()

    def _select_proxy_row(self, row: int) -> None:
        index = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def select_student(self, student_id: int) -> bool:
        row = self.proxy.proxy_row_of(student_id)
        if row is None:
            return False
        self._select_proxy_row(row)
        self.table.scrollTo(self.proxy.index(row, 0))
        return True

    # -- columns ----------------------------------------------------------------------------
    def visible_columns(self) -> list[str]:
        header = self.table.horizontalHeader()
        ordered = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return [COLUMNS[i].key for i in ordered if not header.isSectionHidden(i)]

    def set_visible_columns(self, keys: list[str]) -> None:
        wanted = [k for k in keys if any(c.key == k for c in COLUMNS)] or list(DEFAULT_COLUMNS)
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            header.setSectionHidden(i, column.key not in wanted)
        for position, key in enumerate(wanted):
            logical = self.model.column_index(key)
            header.moveSection(header.visualIndex(logical), position)
        self.ctx.settings.set_raw(COLUMNS_KEY, ",".join(wanted))
        if self.model.rowCount():
            self.fit_columns()

    def fit_columns(self, sample: int = 60, widest: int = 320) -> None:
        """Widths from the header and the first rows' text (Qt's own sizing asks the model
        for every row, several roles each)."""
        metrics = self.table.fontMetrics()
        bold = self.table.horizontalHeader().fontMetrics()
        header = self.table.horizontalHeader()
        rows = [
            self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            for r in range(min(sample, self.proxy.rowCount()))
        ]
        for column, spec in enumerate(COLUMNS):
            if header.isSectionHidden(column):
                continue
            texts = [self.model.cell_text(row, column) for row in rows]
            width = max(
                [bold.horizontalAdvance(spec.title) + 28]
                + [metrics.horizontalAdvance(text) + 16 for text in texts]
            )
            header.resizeSection(column, min(width, widest))

    def _restore_columns(self) -> None:
        saved = self.ctx.settings.get_raw(COLUMNS_KEY)
        keys = saved.split(",") if isinstance(saved, str) and saved else list(DEFAULT_COLUMNS)
        self.set_visible_columns(keys)

    def _column_menu(self) -> QMenu:
        menu = QMenu(self)
        shown = set(self.visible_columns())
        for column in COLUMNS:
            action = QAction(column.title, menu)
            action.setCheckable(True)
            action.setChecked(column.key in shown)
            action.setData(column.key)
            action.toggled.connect(lambda on, key=column.key: self.toggle_column(key, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset to the usual columns")
        reset.triggered.connect(lambda: self.set_visible_columns(list(DEFAULT_COLUMNS)))
        return menu

    def _column_menu_at(self, pos: QPoint) -> None:
        self._column_menu().exec(self.table.horizontalHeader().mapToGlobal(pos))

    def toggle_column(self, key: str, on: bool) -> None:
        keys = self.visible_columns()
        if on and key not in keys:
            keys.append(key)
        elif not on and key in keys and len(keys) > 1:
            keys.remove(key)
        self.set_visible_columns(keys)

    # -- export -----------------------------------------------------------------------------
    def current_view(self) -> tuple[list[str], list[list[str]]]:
        """The visible columns and the filtered, sorted rows, as the user sees them."""
        keys = self.visible_columns()
        columns = [self.model.column_index(k) for k in keys]
        headers = [COLUMNS[i].title for i in columns]
        rows = []
        for proxy_row in range(self.proxy.rowCount()):
            source_row = self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row()
            rows.append([self.model.cell_text(source_row, c) for c in columns])
        return headers, rows

    def export_csv(self) -> None:
        suggested = Path.home() / f"students-{dt.date.today():%Y-%m-%d}.csv"
        path = ExportPathDialog.ask(self, suggested)
        if path is None:
            return
        headers, rows = self.current_view()
        services, actor = self.ctx.services, self.ctx.actor
        operation = Operation(
            lambda progress, cancelled: services.exports.write_csv(
                actor,
                path,
                headers,
                rows,
                what="students list",
                progress=progress,
                cancelled=cancelled,
            ),
            self,
        )
        progress = QProgressDialog("Exporting the list…", "Cancel", 0, max(1, len(rows)), self)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        operation.progressed.connect(lambda done, total: progress.setValue(done))
        progress.canceled.connect(operation.cancel)
        operation.succeeded.connect(lambda count: self._exported(path, count))
        operation.failed.connect(lambda exc: self._export_failed(exc))
        operation.finished.connect(progress.reset)
        self.export_operation = operation
        self.export_button.setEnabled(False)
        operation.finished.connect(lambda: self.export_button.setEnabled(True))
        operation.start()

    def _exported(self, path: Path, count: int) -> None:
        self.message.setText(f"Exported {count:,} students to {path.name}")
        self.exported.emit(path)

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, errors.Cancelled):
            self.message.setText("Export cancelled; no file was written.")
            return
        show_error(self, exc)
