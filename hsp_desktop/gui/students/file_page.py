"""The student file: who the student is, who their family are and how to reach them.

The language and access summary and any contact restriction stay visible above the
sections, whichever section is open. Sections after Details and Family come from
``student_tabs()``; each is made the first time it is shown.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.unsaved import UnsavedChangesPrompt, UnsavedChoice
from hsp_desktop.gui.students.details import DetailsForm
from hsp_desktop.gui.students.family import FamilyPanel
from hsp_desktop.gui.students.file_tabs import StudentTab, student_tabs
from hsp_desktop.model.enums import Restriction, SenStatus, StudentStatus
from hsp_desktop.services.students import StudentFile

SUMMARY_STYLE = (
    "QLabel#languageSummary { background: #e8f1fb; border: 1px solid #b7d3f0; "
    "border-radius: 3px; padding: 6px; }"
)
BANNER_STYLE = (
    "QLabel#restrictionBanner { background: #b71c1c; color: white; font-weight: 600; "
    "border-radius: 3px; padding: 6px; }"
)


def summary_html(view: StudentFile) -> str:
    """The one-line summary with each carer's label in bold."""
    e = html.escape
    if not view.family:
        return "<b>Languages and access:</b> " + e(view.language_summary)
    labels = [m.label for m in view.family]
    pieces = []
    for member in view.family:
        label = member.label
        if labels.count(label) > 1:
            label = f"{label} ({member.carer.first_name})"
        restriction = member.link.restriction
        if restriction is Restriction.NO_CONTACT:
            pieces.append(f"<b>{e(label)}:</b> <span style='color:#b71c1c'>no contact</span>")
        elif restriction is Restriction.COURT_ORDER:
            pieces.append(
                f"<b>{e(label)}</b> <span style='color:#b71c1c'>(court order)</span>: "
                f"{e(member.carer.access_summary)}"
            )
        else:
            pieces.append(f"<b>{e(label)}:</b> {e(member.carer.access_summary)}")
    return "<b>Languages and access:</b> " + " &nbsp;·&nbsp; ".join(pieces)


class StudentFilePage(QWidget):
    title_changed = Signal(str)

    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.view: StudentFile = ctx.services.students.get_file(ctx.actor, student_id)

        layout = QVBoxLayout(self)
        self.name_label = QLabel()
        self.name_label.setObjectName("studentName")
        self.name_label.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("studentFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setObjectName("languageSummary")
        self.summary.setStyleSheet(SUMMARY_STYLE)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = QLabel()
        self.banner.setObjectName("restrictionBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.name_label, self.facts, self.summary, self.banner):
            layout.addWidget(widget)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("fileSections")
        self.tabs.setDocumentMode(True)
        self.details = DetailsForm(ctx, self.view)
        self.details.saved.connect(self._details_saved)
        self.details.dirty_changed.connect(lambda _d: self.title_changed.emit(self.tab_title()))
        self.family = FamilyPanel(ctx, student_id)
        self.family.changed.connect(self._family_changed)
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(self.family, "Family")
        self._plugins: dict[int, StudentTab] = {}
        self._made: dict[str, QWidget] = {}
        for tab in student_tabs():
            if tab.visible(ctx.actor):
                placeholder = QWidget()
                placeholder.setObjectName(f"section-{tab.key}")
                self._plugins[self.tabs.addTab(placeholder, tab.title)] = tab
        self.tabs.currentChanged.connect(self._make_section)
        layout.addWidget(self.tabs, 1)
        self.show_view(self.view)

    # -- showing ----------------------------------------------------------------------------
    def show_view(self, view: StudentFile) -> None:
        self.view = view
        self.name_label.setText(view.display_name)
        facts = [view.upn]
        if view.display_name != view.legal_name:
            facts.append(f"legal name {view.legal_name}")
        facts.append(f"born {view.date_of_birth:%d/%m/%Y}")
        if view.class_name:
            facts.append(f"class {view.class_name}")
        if view.year_group:
            facts.append(f"year {view.year_group}")
        if view.sen_status is not SenStatus.NONE:
            facts.append(view.sen_status.label)
        if view.status is StudentStatus.LEFT:
            left = f" on {view.leaving_date:%d/%m/%Y}" if view.leaving_date else ""
            facts.append(f"LEFT{left}")
        self.facts.setText(" · ".join(facts))
        self.summary.setText(summary_html(view))
        restricted = view.restrictions
        self.banner.setVisible(bool(restricted))
        self.banner.setText(
            "\n".join(
                f"⚠ {m.label} — {m.carer.full_name}: {m.link.restriction_text}" for m in restricted
            )
        )
        self.family.set_family(view.family, view.display_name)
        self.title_changed.emit(self.tab_title())

    def tab_title(self) -> str:
        return self.view.display_name + (" *" if self.details.is_dirty() else "")

    def _make_section(self, index: int) -> None:
        tab = self._plugins.get(index)
        if tab is None or tab.key in self._made:
            return
        widget = tab.make(self.ctx, self.student_id)
        self._made[tab.key] = widget
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, tab.title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)

    # -- changes ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the file as saved now; unsaved edits in the details form are kept."""
        try:
            view = self.ctx.services.students.get_file(self.ctx.actor, self.student_id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        if not self.details.is_dirty():
            self.details.load(view)
        self.show_view(view)
        for widget in self._made.values():
            refresh = getattr(widget, "refresh", None)
            if callable(refresh):
                refresh()

    def _details_saved(self, view: StudentFile) -> None:
        self.show_view(view)
        self.ctx.hub.changed.emit("students")

    def _family_changed(self) -> None:
        self.refresh()
        self.ctx.hub.changed.emit("families")

    # -- closing ----------------------------------------------------------------------------
    def may_close(self) -> bool:
        """False if the user chose to keep editing; unsaved details are saved or dropped."""
        if not self.details.is_dirty():
            return True
        choice = UnsavedChangesPrompt.ask(self, f"{self.view.display_name}'s file")
        if choice is UnsavedChoice.SAVE:
            return self.details.save()
        return choice is UnsavedChoice.DISCARD
