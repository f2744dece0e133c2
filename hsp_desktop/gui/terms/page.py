"""Administration → Term dates: academic years, terms and half-terms; the termly contact rule."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.gui.contacts.conflict import ConflictDialog
from hsp_desktop.gui.contacts.printing import pydate, qdate
from hsp_desktop.services.contacts import Channel
from hsp_desktop.services.obligation import RuleView
from hsp_desktop.services.terms import TermView


def _d(day: object) -> str:
    return day.strftime("%a %d/%m/%Y") if day else ""  # type: ignore[attr-defined]


class TermDialog(QDialog):
    def __init__(self, term: TermView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(term.label)
        form = QFormLayout(self)
        self.start = QDateEdit(qdate(term.start_date))
        self.end = QDateEdit(qdate(term.end_date))
        self.has_half_term = QCheckBox("This term has a half-term break")
        self.has_half_term.setChecked(term.half_term_start is not None)
        self.ht_start = QDateEdit(qdate(term.half_term_start or term.start_date))
        self.ht_end = QDateEdit(qdate(term.half_term_end or term.start_date))
        for edit in (self.start, self.end, self.ht_start, self.ht_end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd dd/MM/yyyy")
        form.addRow("&First day:", self.start)
        form.addRow("&Last day:", self.end)
        form.addRow("", self.has_half_term)
        form.addRow("Half-term &from:", self.ht_start)
        form.addRow("Half-term &to:", self.ht_end)
        self.has_half_term.toggled.connect(self.ht_start.setEnabled)
        self.has_half_term.toggled.connect(self.ht_end.setEnabled)
        self.ht_start.setEnabled(self.has_half_term.isChecked())
        self.ht_end.setEnabled(self.has_half_term.isChecked())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class TermDatesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Term dates decide what “this term” means for termly contact and the "
            "dashboards. Set them each year from your local authority's or trust's calendar."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model: RowsModel[TermView] = RowsModel(
            [
                Column("Year", lambda t: t.year_name),
                Column("Term", lambda t: t.name.value.capitalize()),
                Column("First day", lambda t: _d(t.start_date)),
                Column("Last day", lambda t: _d(t.end_date)),
                Column(
                    "Half-term",
                    lambda t: (
                        f"{_d(t.half_term_start)} – {_d(t.half_term_end)}"
                        if t.half_term_start
                        else "none"
                    ),
                ),
                Column("School days", lambda t: t.school_days_left(t.start_date), True),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("termsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_term())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for text, slot in (("&New academic year…", self.new_year), ("&Edit term…", self.edit_term)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        rule_box = QGroupBox("Termly contact rule")
        rule_form = QFormLayout(rule_box)
        self.per_term = QSpinBox()
        self.per_term.setRange(1, 20)
        self.channels: dict[Channel, QCheckBox] = {}
        channel_row = QHBoxLayout()
        for channel in Channel:
            check = QCheckBox(channel.label)
            self.channels[channel] = check
            channel_row.addWidget(check)
        self.pr_only = QCheckBox("Only families with parental responsibility are owed a contact")
        self.overdue = QSpinBox()
        self.overdue.setRange(0, 60)
        self.overdue.setSuffix(" school days before the end of term")
        rule_form.addRow("&Conversations per family per term:", self.per_term)
        rule_form.addRow("Conversations count on:", channel_row)
        rule_form.addRow("", self.pr_only)
        rule_form.addRow("&Overdue from:", self.overdue)
        self.save_rule_button = QPushButton("Save &rule")
        self.save_rule_button.clicked.connect(self.save_rule)
        rule_form.addRow("", self.save_rule_button)
        layout.addWidget(rule_box)
        self.rule: RuleView | None = None
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.ctx.services.terms.terms())
        self.rule = rule = self.ctx.services.obligation.rule()
        self.per_term.setValue(rule.conversations_per_term)
        for channel, check in self.channels.items():
            check.setChecked(channel in rule.counting_channels)
        self.pr_only.setChecked(rule.parental_responsibility_only)
        self.overdue.setValue(rule.overdue_days_before_end)

    def selected(self) -> TermView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    @staticmethod
    def ask_year(parent: QWidget, suggested: int) -> int | None:
        """Which academic year to add; tests replace this."""
        year, ok = QInputDialog.getInt(
            parent,
            "New academic year",
            "Academic year starting in September of:",
            suggested,
            2000,
            2100,
        )
        return year if ok else None

    def new_year(self) -> None:
        year = type(self).ask_year(self, self.ctx.services.terms.suggested_next_year())
        if year is None:
            return
        try:
            self.ctx.services.terms.create_year(self.ctx.actor, year)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.refresh()
        self.ctx.hub.changed.emit("terms")

    def edit_term(self) -> None:
        term = self.selected()
        if term is None:
            return
        dialog = TermDialog(term, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            half = dialog.has_half_term.isChecked()
            try:
                self.ctx.services.terms.update_term(
                    self.ctx.actor,
                    term.id,
                    term.version,
                    start_date=pydate(dialog.start.date()),
                    end_date=pydate(dialog.end.date()),
                    half_term_start=pydate(dialog.ht_start.date()) if half else None,
                    half_term_end=pydate(dialog.ht_end.date()) if half else None,
                )
            except errors.ConflictError as exc:
                ConflictDialog.show_conflict(self, exc)
                break
            except errors.KnownError as exc:
                show_error(self, exc)
                continue
            break
        self.refresh()
        self.ctx.hub.changed.emit("terms")

    def save_rule(self) -> None:
        assert self.rule is not None
        try:
            self.ctx.services.obligation.update_rule(
                self.ctx.actor,
                self.rule.version,
                conversations_per_term=self.per_term.value(),
                counting_channels=[c for c, b in self.channels.items() if b.isChecked()],
                parental_responsibility_only=self.pr_only.isChecked(),
                overdue_days_before_end=self.overdue.value(),
            )
        except errors.ConflictError as exc:
            ConflictDialog.show_conflict(self, exc)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.ctx.hub.changed.emit("terms")
