"""Today's home-school book for a whole class in one screen: one row per student.

Moods are shown as faces, not only words. Structured fields (eating, sleep, medication...)
are editable only for the students they are switched on for. Nothing typed is lost: leaving
with unsaved rows asks first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.contacts.conflict import ConflictDialog
from hsp_desktop.gui.contacts.myclass import ClassCombo
from hsp_desktop.gui.contacts.printing import PdfSaver, pydate
from hsp_desktop.services.homebook import ClassDay, DayRow, Mood, SchoolEntryDraft, StructuredField

Index = QModelIndex | QPersistentModelIndex
FACE_COLOURS = {1: "#f4c7c3", 2: "#fbe0c3", 3: "#f3f1d0", 4: "#d5f0d5", 5: "#bfeec4"}


def mood_pixmap(level: int, size: int = 22) -> QPixmap:
    """A face for the mood: a frown for upset through to a broad smile."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#333333"), 1.4))
    painter.setBrush(QBrush(QColor(FACE_COLOURS[level])))
    r = size / 2
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.setBrush(QBrush(QColor("#333333")))
    painter.drawEllipse(QPointF(r - r * 0.35, r - r * 0.25), r * 0.1, r * 0.1)
    painter.drawEllipse(QPointF(r + r * 0.35, r - r * 0.25), r * 0.1, r * 0.1)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    curve = (level - 3) * 0.22 * r
    y = r + r * 0.35
    path = QPainterPath(QPointF(r - r * 0.45, y))
    path.cubicTo(
        QPointF(r - r * 0.2, y + curve), QPointF(r + r * 0.2, y + curve), QPointF(r + r * 0.45, y)
    )
    painter.drawPath(path)
    painter.end()
    return pixmap


def mood_icon(level: int) -> QIcon:
    return QIcon(mood_pixmap(level))


FIELDS: list[tuple[str, str]] = [
    ("activities", "What we did"),
    ("mood", "Mood"),
    ("achievements", "Achievements"),
    ("events", "Events"),
    *[(f.value, f.label) for f in StructuredField],
]
MOOD_COLUMN = 1


class ClassDayModel(QAbstractTableModel):
    """Editable rows for one class and day; ``dirty`` holds the students changed since load."""

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.day: ClassDay | None = None
        self.values: list[dict[str, Any]] = []
        self.dirty: set[int] = set()

    def load(self, day: ClassDay) -> None:
        self.beginResetModel()
        self.day = day
        self.values = []
        for row in day.rows:
            entry = row.entry
            values: dict[str, Any] = {
                "activities": entry.activities if entry else "",
                "mood": entry.mood if entry else None,
                "achievements": entry.achievements if entry else "",
                "events": entry.events if entry else "",
            }
            structured = dict(entry.structured) if entry else {}
            for f in StructuredField:
                values[f.value] = structured.get(f, "")
            self.values.append(values)
        self.dirty.clear()
        self.endResetModel()

    def row(self, index: int) -> DayRow:
        assert self.day is not None
        return self.day.rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.day is None else len(self.day.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIELDS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return FIELDS[section][1]
        row = self.row(section)
        return row.name + ("  ✉" if row.awaiting_reply else "")

    def _enabled(self, row: int, column: int) -> bool:
        key = FIELDS[column][0]
        if key in {f.value for f in StructuredField}:
            return StructuredField(key) in self.row(row).fields
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if not self._enabled(index.row(), index.column()):
            return Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = FIELDS[index.column()][0]
        value = self.values[index.row()][key]
        if key == "mood":
            if role == Qt.ItemDataRole.DisplayRole:
                return value.label if value else ""
            if role == Qt.ItemDataRole.DecorationRole and value:
                return mood_icon(value.level)
            if role == Qt.ItemDataRole.EditRole:
                return value.value if value else ""
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return value
        if role == Qt.ItemDataRole.BackgroundRole and not self._enabled(
            index.row(), index.column()
        ):
            return QBrush(QColor("#eeeeee"))
        if role == Qt.ItemDataRole.ToolTipRole and not self._enabled(index.row(), index.column()):
            return "Not recorded for this student (switch it on in the student's file)"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        key = FIELDS[index.column()][0]
        value = (Mood(value) if value else None) if key == "mood" else str(value)
        if self.values[index.row()][key] == value:
            return False
        self.values[index.row()][key] = value
        self.dirty.add(index.row())
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def drafts(self) -> list[SchoolEntryDraft]:
        result = []
        for i in sorted(self.dirty):
            row, values = self.row(i), self.values[i]
            result.append(
                SchoolEntryDraft(
                    row.student_id,
                    row.entry.version if row.entry else None,
                    values["activities"],
                    values["mood"],
                    values["achievements"],
                    values["events"],
                    {f: values[f.value] for f in StructuredField if f in row.fields},
                )
            )
        return result


class MoodDelegate(QStyledItemDelegate):
    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem("", "")
        for mood in Mood:
            combo.addItem(mood_icon(mood.level), mood.label, mood.value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ClassDayPage(QWidget):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.classes = ClassCombo(ctx)
        label = QLabel("&Class:")
        label.setBuddy(self.classes)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("homebookDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dddd dd/MM/yyyy")
        self.day.setMaximumDate(QDate.currentDate())
        day_label = QLabel("&Day:")
        day_label.setBuddy(self.day)
        top.addWidget(label)
        top.addWidget(self.classes)
        top.addWidget(day_label)
        top.addWidget(self.day)
        self.status = QLabel()
        self.status.setObjectName("homebookStatus")
        top.addWidget(self.status, 1)
        layout.addLayout(top)
        self.model = ClassDayModel(self)
        self.table = QTableView()
        self.table.setObjectName("classDayTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(MOOD_COLUMN, MoodDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 230)
        header.resizeSection(1, 120)
        header.resizeSection(2, 170)
        self.table.verticalHeader().setDefaultSectionSize(30)
        layout.addWidget(self.table, 1)
        legend = QLabel(
            "✉ the family wrote and is waiting for a reply.  Grey cells are not "
            "recorded for that student."
        )
        legend.setStyleSheet("color: #555;")
        layout.addWidget(legend)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save the day")
        self.save_button.setObjectName("saveDay")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton("Print this &week's pages…")
        self.print_button.clicked.connect(self.print_week)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.saver = PdfSaver(self)
        self._loaded_key: tuple[int, QDate] | None = None
        self.classes.currentIndexChanged.connect(lambda _i: self._switch())
        self.day.dateChanged.connect(lambda _d: self._switch())
        self.model.edited.connect(self._show_status)
        ctx.hub.changed.connect(self._changed)
        self.load()

    # -- loading ---------------------------------------------------------------------------
    def _changed(self, topic: str) -> None:
        if topic in ("homebook", "students") and not self.model.dirty:
            self.load()

    def _switch(self) -> None:
        if self.model.dirty and not self.may_close():
            return
        self.load()

    def load(self) -> None:
        choice = self.classes.current_choice()
        if choice is None:
            self.status.setText("No class to show.")
            return
        self.model.load(
            self.ctx.services.homebook.class_day(self.ctx.actor, choice.id, pydate(self.day.date()))
        )
        self._show_status()

    def _show_status(self) -> None:
        rows = self.model.day.rows if self.model.day else ()
        written = sum(1 for r in rows if r.entry is not None)
        waiting = sum(1 for r in rows if r.awaiting_reply)
        text = f"{written} of {len(rows)} written"
        if waiting:
            text += f" · {waiting} waiting for a reply"
        if self.model.dirty:
            text += f" · {len(self.model.dirty)} unsaved"
        self.status.setText(text)

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.model.dirty:
            return True
        try:
            self.ctx.services.homebook.save_day(
                self.ctx.actor, pydate(self.day.date()), self.model.drafts()
            )
        except errors.ConflictError as exc:
            ConflictDialog.show_conflict(self, exc)
            return False
        except errors.KnownError as exc:
            show_error(self, exc)
            return False
        self.model.dirty.clear()
        self.load()
        self.ctx.hub.changed.emit("homebook")
        self.saved.emit()
        return True

    @staticmethod
    def ask_unsaved(parent: QWidget) -> QMessageBox.StandardButton:
        """Save, discard or cancel; tests replace this."""
        return QMessageBox.question(
            parent,
            "Unsaved home-school book",
            "Some of today's pages are not saved yet. Save them now?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )

    def may_close(self) -> bool:
        if not self.model.dirty:
            return True
        answer = type(self).ask_unsaved(self)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.model.dirty.clear()
            return True
        return False

    def print_week(self) -> None:
        if self.model.day is None:
            return
        ids = [r.student_id for r in self.model.day.rows]
        week = pydate(self.day.date())
        monday = week - dt.timedelta(days=week.weekday())
        actor, homebook = self.ctx.actor, self.ctx.services.homebook
        self.saver.save(
            f"home-school-book-{self.model.day.class_name}-{monday:%Y%m%d}.pdf",
            lambda: homebook.week_pages_pdf(actor, ids, monday),
        )
