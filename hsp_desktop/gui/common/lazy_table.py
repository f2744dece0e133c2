"""A table model over ids with a lazy row cache, and the proxy that filters it in memory.

``LazyRowsModel`` holds the ids in display order and a cache of plain row objects (frozen
dataclasses from a service). Rows missing from the cache are fetched in blocks when first
shown; the text of a row's cells is worked out the first time it is painted, then kept. A
screen that already has every row (one set-based load) primes the cache with ``set_rows``; a
later ``set_rows`` applies only the difference, so selection and scroll position survive a
refresh.

Sorting happens here, on keys worked out once per row, not in the proxy: a proxy sort would
call back into Python for every comparison. ``RowFilterProxy`` filters with a plain predicate
over the row objects.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont

from hsp_desktop.services.search import fold

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")

Index = QModelIndex | QPersistentModelIndex

ALERT_COLOUR = QColor("#b71c1c")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_STYLED_ROLES = frozenset(
    {
        ID_ROLE,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
    }
)


@dataclass(frozen=True)
class LazyColumn(Generic[R]):
    """One column: its settings key, title, and how a row shows and sorts in it."""

    key: str
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None  # default: the text, case and accents folded
    align_right: bool = False
    alert: Callable[[R], bool] | None = None  # shown red and bold when true
    tooltip: Callable[[R], str] | None = None


def _sortable(value: Any) -> tuple[bool, Any]:
    # Empty values last whatever their type.
    return (value is None or value == "", value if value is not None else "")


class LazyRowsModel(QAbstractTableModel, Generic[K, R]):
    def __init__(
        self,
        columns: Sequence[LazyColumn[R]],
        key: Callable[[R], K],
        fetch: Callable[[list[K]], Iterable[R]] | None = None,
        *,
        block_size: int = 100,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._key = key
        self._fetch = fetch
        self._block = max(1, block_size)
        self._ids: list[K] = []
        self._rows: dict[K, R] = {}
        self._cells: dict[K, list[str | None]] = {}  # text per column, worked out when shown
        self._gone: set[K] = set()  # ids whose rows vanished from the database
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    # -- contents ---------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[K]) -> None:
        """Show these ids; their rows are fetched when first needed."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows.clear()
        self._cells.clear()
        self._gone.clear()
        self.endResetModel()

    def set_rows(self, rows: Iterable[R]) -> None:
        """Show exactly these rows. Rows already shown keep their place; new ones are added
        (at their sorted place if the model is sorted); changed ones repaint."""
        fresh: dict[K, R] = {self._key(r): r for r in rows}
        if not self._ids:
            self.beginResetModel()
            self._ids = list(fresh)
            self._rows = fresh
            self._cells.clear()
            self.endResetModel()
            self._resort()
            return
        self._remove_missing(fresh.keys())
        changed = [k for k in self._ids if k in self._rows and self._rows[k] != fresh[k]]
        changed += [k for k in self._ids if k not in self._rows]
        for k in changed:
            self._rows[k] = fresh[k]
            self._cells.pop(k, None)
        if changed:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1)
            )
        known = set(self._ids)
        added = [k for k in fresh if k not in known]
        if added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._ids.extend(added)
            for k in added:
                self._rows[k] = fresh[k]
            self.endInsertRows()
        if changed or added:
            self._resort()

    def _remove_missing(self, keep: Container[K]) -> None:
        gone = [i for i, k in enumerate(self._ids) if k not in keep]
        # Contiguous blocks, last first, so earlier positions stay valid.
        while gone:
            end = gone.pop()
            start = end
            while gone and gone[-1] == start - 1:
                start = gone.pop()
            self.beginRemoveRows(QModelIndex(), start, end)
            for k in self._ids[start : end + 1]:
                self._rows.pop(k, None)
                self._cells.pop(k, None)
                self._gone.discard(k)
            del self._ids[start : end + 1]
            self.endRemoveRows()

    def invalidate(self, ids: Iterable[K] | None = None) -> None:
        """Forget cached rows (all, or these) so they are fetched again when shown."""
        if ids is None:
            self._rows.clear()
            self._cells.clear()
        else:
            for k in ids:
                self._rows.pop(k, None)
                self._cells.pop(k, None)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1)
            )

    # -- access -----------------------------------------------------------------------------
    def id_at(self, row: int) -> K:
        return self._ids[row]

    def row_at(self, row: int) -> R:
        """The row object; LookupError if it vanished from the database (it is removed from
        the model on the next turn of the event loop)."""
        key = self._ids[row]
        found = self._rows.get(key)
        if found is None and key not in self._gone:
            self._load_block(row)
            found = self._rows.get(key)
        if found is None:
            raise LookupError(f"row {key!r} no longer exists")
        return found

    @property
    def ids(self) -> Sequence[K]:
        """The ids in display order (the model's own list: do not change it)."""
        return self._ids

    def evaluate(self, predicate: Callable[[R], bool]) -> dict[K, bool]:
        """``predicate`` over every cached row, in one pass."""
        rows = self._rows
        return {k: predicate(rows[k]) for k in self._ids if k in rows}

    def position(self, key: K) -> int | None:
        try:
            return self._ids.index(key)
        except ValueError:
            return None

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def cell_text(self, row: int, column: int) -> str:
        key = self._ids[row]
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = [None] * len(self.columns)
        text = cells[column]
        if text is None:
            try:
                data = self.row_at(row)
            except LookupError:
                return ""
            text = cells[column] = self.columns[column].text(data)
        return text

    def _load_block(self, row: int) -> None:
        if self._fetch is None:
            raise KeyError(f"row {self._ids[row]!r} is not loaded and there is no fetch")
        start = row - row % self._block
        wanted = [
            k
            for k in self._ids[start : start + self._block]
            if k not in self._rows and k not in self._gone
        ]
        for fetched in self._fetch(wanted):
            self._rows[self._key(fetched)] = fetched
        missing = {k for k in wanted if k not in self._rows}
        if missing:
            # Gone from the database since the ids were read. This may run while a view
            # paints, so the rows are dropped on the next turn of the event loop.
            self._gone |= missing
            QTimer.singleShot(0, self._drop_gone)

    def _drop_gone(self) -> None:
        if self._gone:
            self._remove_missing([k for k in self._ids if k not in self._gone])

    def _load_all(self) -> None:
        missing = [k for k in self._ids if k not in self._rows]
        if missing and self._fetch is not None:
            for fetched in self._fetch(missing):
                self._rows[self._key(fetched)] = fetched
            self._remove_missing(self._rows.keys())

    # -- Qt model ---------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # The proxy and the view ask for indexes for every cell they paint; the inherited
        # version calls rowCount and columnCount back in Python each time.
        if 0 <= row < len(self._ids) and 0 <= column < len(self.columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), index.column()) if index.isValid() else None
        if role not in _STYLED_ROLES or not index.isValid():
            return None
        row = index.row()
        if role == ID_ROLE:
            return self._ids[row]
        if self._ids[row] in self._gone:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (column.tooltip(self.row_at(row)) or None) if column.tooltip else None
        if column.alert is None or not column.alert(self.row_at(row)):
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ALERT_COLOUR)
        font = QFont()
        font.setBold(True)
        return font

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            self._sorted_by = None
            return
        self._sorted_by = (column, order)
        self._resort()

    def _resort(self) -> None:
        if self._sorted_by is None or not self._ids:
            return
        column, order = self._sorted_by
        spec = self.columns[column]
        self._load_all()
        if spec.sort_key is not None:
            sort_key = spec.sort_key
            keys = {k: _sortable(sort_key(self._rows[k])) for k in self._ids}
        else:
            keys = {k: _sortable(fold(spec.text(self._rows[k]))) for k in self._ids}
        new_order = sorted(
            self._ids, key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder
        )
        if new_order == self._ids:
            return
        self.layoutAboutToBeChanged.emit()
        where = {k: i for i, k in enumerate(new_order)}
        old = self.persistentIndexList()
        new = [
            self.index(where[self._ids[i.row()]], i.column()) if i.isValid() else QModelIndex()
            for i in old
        ]
        self._ids = new_order
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


class RowFilterProxy(QSortFilterProxyModel, Generic[K, R]):
    """Filters a ``LazyRowsModel`` with a predicate over its row objects; sorting is left to
    the source model.

    The predicate runs once per row when it is set, in one pass; the proxy then only looks the
    answers up. Answers for rows that change are forgotten before the proxy re-filters them.
    """

    def __init__(self, source: LazyRowsModel[K, R], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._predicate: Callable[[R], bool] | None = None
        self._accepted: dict[K, bool] = {}
        # Connected before setSourceModel so these run before the proxy's own handlers.
        source.dataChanged.connect(self._forget_answers)
        source.modelAboutToBeReset.connect(self._forget_answers)
        self.setSourceModel(source)

    def _forget_answers(self, *_args: object) -> None:
        self._accepted = {}

    def set_predicate(self, predicate: Callable[[R], bool] | None) -> None:
        self.beginFilterChange()
        self._predicate = predicate
        self._accepted = {} if predicate is None else self._source.evaluate(predicate)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        predicate = self._predicate
        if predicate is None:
            return True
        key = self._source.ids[source_row]
        answer = self._accepted.get(key)
        if answer is None:
            try:
                answer = predicate(self._source.row_at(source_row))
            except LookupError:
                return False
            self._accepted[key] = answer
        return answer

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)

    def id_at(self, proxy_row: int) -> K:
        return self._source.id_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def row_at(self, proxy_row: int) -> R:
        return self._source.row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def proxy_row_of(self, key: K) -> int | None:
        source_row = self._source.position(key)
        if source_row is None:
            return None
        mapped = self.mapFromSource(self._source.index(source_row, 0))
        return mapped.row() if mapped.isValid() else None
