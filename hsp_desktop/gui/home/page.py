"""The home page: the school at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.services.school import SchoolSummary


class HomePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        layout.addWidget(self.title)
        self.greeting = QLabel(f"Signed in as {ctx.actor.display_name} ({ctx.actor.role.label}).")
        layout.addWidget(self.greeting)

        row = QHBoxLayout()
        figures = QGroupBox("At a glance")
        self.figures = QFormLayout(figures)
        self._labels: dict[str, QLabel] = {}
        for key, title in (
            ("students_on_roll", "Students on roll"),
            ("classes", "Classes"),
            ("households", "Households"),
            ("carers", "Parents and carers"),
            ("ehcp_students", "Students with an EHCP"),
            ("carers_needing_interpreter", "Carers who need an interpreter"),
            ("restricted_links", "Contact restrictions"),
        ):
            label = QLabel()
            label.setObjectName(key)
            self._labels[key] = label
            self.figures.addRow(title + ":", label)
        row.addWidget(figures, 1)

        langs = QGroupBox("Home languages of students")
        langs_layout = QVBoxLayout(langs)
        self.languages_model: RowsModel[tuple[str, int]] = RowsModel(
            [Column("Language", lambda r: r[0]), Column("Students", lambda r: r[1], True)], self
        )
        self.languages = QTableView()
        self.languages.setModel(self.languages_model)
        self.languages.verticalHeader().hide()
        self.languages.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        langs_layout.addWidget(self.languages)
        row.addWidget(langs, 1)
        layout.addLayout(row, 1)
        ctx.hub.changed.connect(lambda _topic: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.show_summary(self.ctx.services.school.summary(self.ctx.actor))

    def show_summary(self, summary: SchoolSummary) -> None:
        self.title.setText(summary.school_name)
        for key, label in self._labels.items():
            label.setText(str(getattr(summary, key)))
        self.languages_model.set_rows(summary.home_languages)
