"""A record changed on another computer: say what the other person saved, then reload.

Kept small on purpose; ``show_conflict`` is a static method a test can replace.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from hsp_desktop.errors import ConflictError

_SKIP = {"id", "created_by", "created_at", "student_id"}


class ConflictDialog:
    last_message: str = ""

    @staticmethod
    def describe(exc: ConflictError) -> str:
        lines = [exc.message, "", "What is saved now:"]
        for key, value in exc.theirs.items():
            if key in _SKIP or value in (None, ""):
                continue
            text = str(value)
            lines.append(f"  {key.replace('_', ' ')}: {text[:120]}{'…' if len(text) > 120 else ''}")
        lines += ["", "Their version is shown now; make your change again if it is still needed."]
        return "\n".join(lines)

    @staticmethod
    def show_conflict(parent: QWidget | None, exc: ConflictError) -> None:
        ConflictDialog.last_message = ConflictDialog.describe(exc)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            exc.title,
            ConflictDialog.last_message,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("conflictDialog")
        box.open()
