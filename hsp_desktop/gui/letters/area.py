"""The Letters area: preview and translation checks, sending letters, and past runs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.letters.preview_page import PreviewPage


class LettersArea(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("letterTabs")
        self.preview = PreviewPage(ctx)
        self.tabs.addTab(self.preview, "&Preview and translations")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
