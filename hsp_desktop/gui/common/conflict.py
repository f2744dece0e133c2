"""When a record was saved on another computer after this user opened it.

``ConflictDialog`` shows the user's values beside the ones saved now, field by field, and lets
the user reload the saved version (dropping their edits) or re-apply their own changes on top
of it, which saves again against the new version. Fields the user did not touch keep the
other person's values either way.

Forms use ``handle_conflict``: it asks, then calls the form's ``reload`` or ``reapply``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop.errors import ConflictError

Describe = Callable[[str, Any], str]


class ConflictChoice(enum.Enum):
    RELOAD = "reload"  # take the saved version, drop my edits
    REAPPLY = "reapply"  # take the saved version, put my changes back on it, save again
    KEEP_EDITING = "keep_editing"  # do nothing yet


def plain(value: Any) -> Any:
    """The form a value takes in ``ConflictError.theirs``, for comparing."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def changed_fields(base: Mapping[str, Any], mine: Mapping[str, Any]) -> dict[str, Any]:
    """The user's own changes: fields whose value differs from what they opened."""
    return {k: v for k, v in mine.items() if plain(v) != plain(base.get(k))}


def default_describe(_field: str, value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{dt.date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "…"


class ConflictDialog(QDialog):
    def __init__(
        self,
        conflict: ConflictError,
        mine: Mapping[str, Any],
        *,
        base: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        describe: Describe | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(conflict.title)
        self.choice = ConflictChoice.KEEP_EDITING
        self.conflict = conflict
        describe = describe or default_describe
        theirs = conflict.theirs
        mine_changed = set(changed_fields(base, mine)) if base is not None else set(mine)
        keys = [k for k in (labels or mine) if k in mine]
        self.rows = [k for k in keys if plain(mine[k]) != plain(theirs.get(k, mine[k]))]

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{conflict.message}\n\nYour version and the one saved now differ in the fields "
            "below. Fields you did not change keep the saved values whichever you choose."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(len(self.rows), 3)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Saved now"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        bold = QFont()
        bold.setBold(True)
        for row, key in enumerate(self.rows):
            name = (labels or {}).get(key, key.replace("_", " ").capitalize())
            cells = (
                name,
                describe(key, mine[key]),
                describe(key, theirs.get(key)),
            )
            items = [QTableWidgetItem(text) for text in cells]
            for col, item in enumerate(items):
                item.setToolTip(item.text())
                self.table.setItem(row, col, item)
            # Which side re-applying keeps: the user's value only where they changed it.
            items[1 if key in mine_changed else 2].setFont(bold)
            if key in mine_changed:
                items[0].setForeground(QBrush(QColor("#8a4b00")))
                items[0].setToolTip("You changed this field")
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        if not self.rows:
            layout.addWidget(QLabel("The values you are saving are the same as the saved ones."))
        hint = QLabel("Bold: what is kept if you re-apply your changes.")
        hint.setObjectName("conflictHint")
        layout.addWidget(hint)

        buttons = QDialogButtonBox()
        self.reload_button = QPushButton("&Reload theirs")
        self.reload_button.setToolTip("Show the saved version; your changes are dropped")
        self.reapply_button = QPushButton("Re-&apply mine")
        self.reapply_button.setToolTip("Save your changes on top of the saved version")
        self.keep_button = QPushButton("&Keep editing")
        buttons.addButton(self.reapply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(lambda: self._choose(ConflictChoice.RELOAD))
        self.reapply_button.clicked.connect(lambda: self._choose(ConflictChoice.REAPPLY))
        self.keep_button.clicked.connect(lambda: self._choose(ConflictChoice.KEEP_EDITING))
        layout.addWidget(buttons)
        self.keep_button.setDefault(True)
        self.resize(640, 360)

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        if choice is ConflictChoice.KEEP_EDITING:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:
        self.choice = ConflictChoice.KEEP_EDITING
        super().reject()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        conflict: ConflictError,
        mine: Mapping[str, Any],
        *,
        base: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        describe: Describe | None = None,
    ) -> ConflictChoice:
        """Show the dialog and wait for the choice (tests replace this classmethod)."""
        dialog = cls(conflict, mine, base=base, labels=labels, describe=describe, parent=parent)
        dialog.exec()
        return dialog.choice


def handle_conflict(
    parent: QWidget | None,
    conflict: ConflictError,
    *,
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    reload: Callable[[], None],
    reapply: Callable[[dict[str, Any]], None],
    labels: Mapping[str, str] | None = None,
    describe: Describe | None = None,
) -> ConflictChoice:
    """Ask, then reload the saved version or re-apply the user's changes on top of it.

    ``reapply`` receives only the fields the user changed, so it can load the saved version,
    put those back and save against the new version.
    """
    choice = ConflictDialog.ask(parent, conflict, mine, base=base, labels=labels, describe=describe)
    if choice is ConflictChoice.RELOAD:
        reload()
    elif choice is ConflictChoice.REAPPLY:
        reapply(changed_fields(base, mine))
    return choice
