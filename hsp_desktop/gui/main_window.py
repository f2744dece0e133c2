"""The main window: sidebar of areas, the current area, and a status bar."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from hsp_desktop import __version__, paths
from hsp_desktop.gui.areas import Area, all_areas
from hsp_desktop.gui.common.context import AppContext

log = logging.getLogger("hsp.gui")


class MainWindow(QMainWindow):
    sign_out_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"hsp-desktop – {ctx.services.school.get().name}")
        self.areas: list[Area] = [a for a in all_areas() if a.visible(ctx.actor)]
        self._pages: dict[str, QWidget] = {}

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Areas")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setMaximumWidth(220)
        for number, area in enumerate(self.areas, start=1):
            item = QListWidgetItem(area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setToolTip(f"{area.title} (Ctrl+{number})" if number < 10 else area.title)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.sidebar.currentRowChanged.connect(self._show_row)

        self._build_menus()
        from hsp_desktop.gui.contacts.shortcuts import install_contact_actions

        install_contact_actions(self, ctx)
        from hsp_desktop.gui.casework.banner import install_visit_alert

        install_visit_alert(self, ctx)
        self._build_status_bar()
        geometry = ctx.settings.geometry("main")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        last = ctx.settings.get("ui/last_area")
        keys = [a.key for a in self.areas]
        self.sidebar.setCurrentRow(keys.index(last) if last in keys else 0)

    # -- navigation ------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        area = self.areas[row]
        page = self._pages.get(area.key)
        if page is None:
            page = area.make(self.ctx)
            page.setObjectName(f"area-{area.key}")
            self._pages[area.key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.ctx.settings.set("ui/last_area", area.key)

    def show_area(self, key: str) -> QWidget:
        self.sidebar.setCurrentRow([a.key for a in self.areas].index(key))
        return self._pages[key]

    def current_area(self) -> str:
        return self.areas[self.sidebar.currentRow()].key

    # -- chrome ----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        sign_out = QAction("Sign &out", self)
        sign_out.triggered.connect(self._sign_out)
        file_menu.addAction(sign_out)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = self.menuBar().addMenu("&Go")
        for number, area in enumerate(self.areas[:9], start=1):
            action = QAction(area.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(
                lambda _=False, row=number - 1: self.sidebar.setCurrentRow(row)
            )
            go_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        logs = QAction("Open &log folder", self)
        logs.triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))
        )
        help_menu.addAction(logs)
        about = QAction("&About hsp-desktop", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        actor, services = self.ctx.actor, self.ctx.services
        self.user_label = QLabel(f"{actor.display_name} · {actor.role.label}")
        self.user_label.setObjectName("statusUser")
        kind = "File" if services.database_kind == "sqlite" else "Server"
        self.database_label = QLabel(f"{kind}: {services.database_description}")
        self.database_label.setObjectName("statusDatabase")
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.database_label)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About hsp-desktop",
            f"<b>hsp-desktop {__version__}</b><br>The home-school partnership desk for small "
            f"special schools.<br><br>Data: {paths.data_dir()}<br>Logs: {paths.log_dir()}<br>"
            f"Backups: {paths.backup_dir()}",
        )

    def _sign_out(self) -> None:
        self.sign_out_requested.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self._pages.values():
            may_close = getattr(page, "may_close", None)
            if may_close is not None and not may_close():
                event.ignore()
                return
        self.ctx.settings.set_geometry("main", self.saveGeometry())
        self.ctx.settings.sync()
        super().closeEvent(event)
