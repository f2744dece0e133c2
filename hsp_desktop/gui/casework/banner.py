"""The red banner across the top of the main window while a home visit is overdue: staff past
their expected return and not checked in. It stays until they check in or someone closes the
alert after making sure they are safe. Everyone sees it; the office acts on it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.casework.visits import close_alert
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.services.visits import OverdueVisit

CHECK_EVERY_MS = 60_000
SHOWN = 3  # visits listed in full; more are counted


class OverdueVisitBanner(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.overdue: list[OverdueVisit] = []
        self.setObjectName("overdueVisitBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "#overdueVisitBanner { background: #b71c1c; }"
            "#overdueVisitBanner QLabel { color: white; font-weight: 600; }"
            "#overdueVisitBanner QPushButton { padding: 2px 10px; }"
        )
        self.setAccessibleName("Overdue home visit")
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(10, 6, 10, 6)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        ctx.hub.changed.connect(lambda topic: self.check() if topic == "visits" else None)
        self.hide()

    def check(self) -> None:
        try:
            overdue = self.ctx.services.visits.overdue(self.ctx.actor)
        except errors.KnownError:
            return  # the database is away for a moment; the next check tries again
        if overdue == self.overdue:
            return
        self.overdue = overdue
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for visit in overdue[:SHOWN]:
            self.rows.addWidget(self._line(visit))
        if len(overdue) > SHOWN:
            more = QLabel(f"… and {len(overdue) - SHOWN} more overdue visits.")
            self.rows.addWidget(more)
        self.setVisible(bool(overdue))

    def _line(self, visit: OverdueVisit) -> QWidget:
        line = QWidget()
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 0, 0, 0)
        text = f"⚠ HOME VISIT OVERDUE: {visit.message}"
        if visit.address:
            text += f" Address: {visit.address}."
        if visit.lone and visit.lone_working:
            text += f" Lone working: {visit.lone_working}"
        label = QLabel(text)
        label.setObjectName(f"overdue-{visit.id}")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        back = QPushButton("They are &back")
        back.setObjectName(f"checkIn-{visit.id}")
        back.setToolTip("Check them in now")
        back.clicked.connect(lambda _=False, v=visit: self.check_in(v))
        safe = QPushButton("&Close alert…")
        safe.setObjectName(f"closeAlert-{visit.id}")
        safe.setToolTip("You have made sure they are safe but they are not back yet")
        safe.clicked.connect(lambda _=False, v=visit: self.close_alert(v))
        layout.addWidget(back)
        layout.addWidget(safe)
        return line

    def check_in(self, visit: OverdueVisit) -> None:
        try:
            self.ctx.services.visits.check_in(self.ctx.actor, visit.id, visit.version)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("visits")

    def close_alert(self, visit: OverdueVisit) -> bool:
        return close_alert(self.ctx, self, visit.id, visit.version)


def install_visit_alert(window: QMainWindow, ctx: AppContext) -> OverdueVisitBanner:
    """Put the banner across the top of the main window's content and check once now."""
    banner = OverdueVisitBanner(ctx)
    content = window.takeCentralWidget()
    holder = QWidget()
    holder.setObjectName("visitAlertHolder")
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if content is not None:
        layout.addWidget(content, 1)
    window.setCentralWidget(holder)
    banner.check()
    return banner
