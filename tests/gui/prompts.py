"""Message boxes in tests: one nobody answers would wait for a click for ever.

Offscreen, a static ``QMessageBox.question``/``warning``/... runs its own event loop until
someone presses a button, so a test that meets one by surprise (an error on save, a date
outside the term dates) hangs the whole run instead of failing. Tests that expect a prompt
replace the dialog's own hook (``ContactDialog.confirm``, ``ClassDayPage.ask_unsaved``).
"""

from __future__ import annotations

from typing import NoReturn

import pytest
from PySide6.QtWidgets import QMessageBox


def fail_on_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    def unexpected(_parent: object, title: str, text: str, *_args: object) -> NoReturn:
        raise AssertionError(f"unexpected message box {title!r}: {text}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(unexpected))
