"""Whole school: every class's termly contact at a glance, and the printable summary."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.gui.contacts.printing import PdfSaver
from hsp_desktop.services.obligation import ClassSummary, SchoolDashboard


class SchoolContactPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.board: SchoolDashboard | None = None
        layout = QVBoxLayout(self)
        self.term = QLabel()
        self.term.setObjectName("termNote")
        self.term.setStyleSheet("font-size: 12pt; font-weight: 600;")
        layout.addWidget(self.term)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        layout.addWidget(self.rule)
        self.total = QLabel()
        self.total.setObjectName("schoolTotal")
        layout.addWidget(self.total)
        self.model: RowsModel[ClassSummary] = RowsModel(
            [
                Column("Class", lambda c: c.class_name),
                Column("Teacher", lambda c: c.teacher_name),
                Column("Students", lambda c: c.students, True),
                Column("Families owed", lambda c: c.tally.owed, True),
                Column("Contacted", lambda c: c.tally.contacted, True),
                Column("Attempted only", lambda c: c.tally.attempted, True),
                Column("Not yet", lambda c: c.tally.not_yet, True),
                Column("Overdue", lambda c: c.tally.overdue or "", True),
                Column("Done", lambda c: f"{c.tally.percent_done:.0f}%", True),
                Column("+ : –", lambda c: c.tally.ratio, True),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("classesTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&Print summary…")
        self.print_button.clicked.connect(self.print_summary)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.saver = PdfSaver(self)
        ctx.hub.changed.connect(lambda _topic: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        try:
            self.board = self.ctx.services.obligation.school_dashboard(self.ctx.actor)
        except errors.KnownError as exc:
            self.term.setText(exc.message)
            self.model.set_rows([])
            return
        board = self.board
        self.term.setText(board.position.note)
        self.rule.setText(f"Rule: {board.rule.description}")
        t = board.tally
        self.total.setText(
            f"Whole school: <b>{t.percent_done:.0f}%</b> done – {t.contacted} of {t.owed} "
            f"families spoken to, {t.attempted} attempted only, {t.not_yet} not yet, "
            f"{t.overdue} overdue; {t.restricted} not owed (restricted). "
            f"Positive : concern {t.ratio}."
        )
        self.model.set_rows(board.classes)

    def print_summary(self) -> None:
        actor, obligation = self.ctx.actor, self.ctx.services.obligation
        self.saver.save("termly-contact-summary.pdf", lambda: obligation.summary_pdf(actor))
