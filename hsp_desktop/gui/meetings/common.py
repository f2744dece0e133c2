"""Small pieces the meeting, visit and event screens share: questions a test can answer,
date and time text, and a read-only table over a list of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QTableView,
    QWidget,
)

from hsp_desktop.gui.common.lazy_table import LazyColumn, LazyRowsModel, RowFilterProxy

R = TypeVar("R")


class Confirm:
    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, yes: str = "Continue") -> bool:
        """Yes or no (tests replace this classmethod)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(go)
        box.exec()
        return box.clickedButton() is go


class BookingDecision:
    @classmethod
    def ask(cls, parent: QWidget | None, text: str) -> bool | None:
        """Cancel the interpreter booking too (True), keep it (False), or stop (None).
        Tests replace this classmethod."""
        box = QMessageBox(QMessageBox.Icon.Question, "Interpreter booked", text, parent=parent)
        cancel_too = box.addButton("Cancel the &booking too", QMessageBox.ButtonRole.YesRole)
        keep = box.addButton("&Keep the booking", QMessageBox.ButtonRole.NoRole)
        box.addButton("&Don't go ahead", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel_too)
        box.exec()
        if box.clickedButton() is cancel_too:
            return True
        if box.clickedButton() is keep:
            return False
        return None


class AskText:
    @classmethod
    def ask(cls, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        """A line of text, or None when cancelled (tests replace this classmethod)."""
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None


def day_text(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def long_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def time_text(at: dt.time | None) -> str:
    return f"{at:%H:%M}" if at else ""


def moment_text(at: dt.datetime | None) -> str:
    return at.astimezone().strftime("%d/%m/%Y %H:%M") if at else ""


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_qtime(at: dt.time) -> QTime:
    return QTime(at.hour, at.minute)


def from_qtime(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


class RowsTable(Generic[R]):
    """A sortable, filterable read-only table over rows with an id (a lazy model and its
    proxy), with a ready-made view."""

    def __init__(
        self,
        columns: Sequence[LazyColumn[R]],
        key: Callable[[R], Any],
        *,
        name: str,
        stretch: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.model: LazyRowsModel[Any, R] = LazyRowsModel(columns, key=key, parent=parent)
        self.proxy: RowFilterProxy[Any, R] = RowFilterProxy(self.model, parent)
        self.view = QTableView(parent)
        self.view.setObjectName(name)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch is not None:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.model.set_rows(rows)

    def selected(self) -> R | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_key(self, key: Any) -> None:
        row = self.proxy.proxy_row_of(key)
        if row is not None:
            self.view.selectRow(row)

    def rows(self) -> list[R]:
        return [self.proxy.row_at(row) for row in range(self.proxy.rowCount())]


class Notice:
    @classmethod
    def show(cls, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something without stopping them (tests replace this classmethod)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


class SavePath:
    @classmethod
    def ask(cls, parent: QWidget | None, title: str, suggested: str) -> str | None:
        """Where to save a PDF, or None when cancelled (tests replace this classmethod)."""
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, "PDF (*.pdf)")
        return path or None
