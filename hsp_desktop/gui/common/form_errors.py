"""Showing a refused save inside the form: the message, and a red frame on each field at
fault, so the user can fix them without a dialog in the way."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from hsp_desktop.errors import KnownError, ValidationError, ValidationErrors

_MARK = "border: 2px solid #b71c1c;"


class ErrorBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formErrors")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "QLabel#formErrors { color: #b71c1c; background: #fdecea; padding: 6px; "
            "border: 1px solid #f5c2c0; border-radius: 3px; }"
        )
        self.hide()
        self._marked: dict[QWidget, tuple[str, str]] = {}

    def show_error(self, error: KnownError, fields: Mapping[str, QWidget] | None = None) -> None:
        self.clear()
        self.setText(error.message)
        self.show()
        if isinstance(error, ValidationErrors):
            faults = list(error.errors)
        elif isinstance(error, ValidationError):
            faults = [error]
        else:
            faults = []
        first: QWidget | None = None
        for fault in faults:
            widget = (fields or {}).get(fault.field)
            if widget is None:
                continue
            if widget not in self._marked:
                self._marked[widget] = (widget.styleSheet(), widget.toolTip())
                widget.setStyleSheet(widget.styleSheet() + _MARK)
            widget.setToolTip(fault.message)
            first = first or widget
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def marked(self) -> list[QWidget]:
        return list(self._marked)

    def clear(self) -> None:
        for widget, (style, tip) in self._marked.items():
            widget.setStyleSheet(style)
            widget.setToolTip(tip)
        self._marked.clear()
        self.setText("")
        self.hide()
