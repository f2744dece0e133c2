"""Asking what to do with unsaved changes before a form closes."""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QMessageBox, QWidget


class UnsavedChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class UnsavedChangesPrompt:
    @classmethod
    def ask(cls, parent: QWidget | None, what: str) -> UnsavedChoice:
        """Save, discard or cancel closing (tests replace this classmethod)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"{what} has changes that are not saved yet.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            parent,
        )
        box.setInformativeText("Save them before closing?")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return UnsavedChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL
