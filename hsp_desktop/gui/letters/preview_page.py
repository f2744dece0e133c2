"""Preview any letter in any language for a student (or a sample family), see whether its
translation was checked by a fluent speaker, record that it was, save or print it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.language_picker import LanguagePicker, written_only
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.gui.letters.common import start_printing
from hsp_desktop.gui.letters.pdf_view import PdfPreview, Printing, PrintJob, SaveAs
from hsp_desktop.gui.letters.pickers import StudentPicker
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.letters import (
    Preview,
    PreviewRequest,
    TemplateInfo,
    TranslationState,
)

_STATUS_TEXT = {
    "english": "English",
    "missing": "Not translated: English",
    "draft": "Draft: with English",
    "checked": "Checked: alone",
}

_COLOURS = {"draft": "#8a4b00", "missing": "#6b6b6b", "checked": "#1b5e20", "english": "#333"}

VERSIONS = (
    ("As the translation allows", None),
    ("Home language only", False),
    ("Home language with English", True),
)


def translation_columns() -> list[Column[TranslationState]]:
    return [
        Column("Language", lambda t: t.language_name),
        Column("Status", lambda t: _STATUS_TEXT[t.status]),
        Column(
            "Checked by",
            lambda t: (
                f"{t.checked_by}, {t.checked_at:%d/%m/%Y}"
                if t.status == "checked" and t.checked_at
                else ""
            ),
        ),
    ]


class CheckNote:
    @staticmethod
    def ask(parent: QWidget | None, question: str) -> str | None:
        """A note for the record (who checked it); None to cancel. Tests replace this."""
        text, ok = QInputDialog.getText(
            parent,
            "Mark checked by a fluent speaker",
            question + "\n\nWho checked it? (optional note)",
            QLineEdit.EchoMode.Normal,
        )
        return text if ok else None


class PreviewPage(QWidget):
    preview_shown = Signal(object)  # Preview
    preview_failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.services.letters
        self.current: Preview | None = None
        self._templates: dict[str, TemplateInfo] = {}
        self._operation: Operation | None = None
        self._pending = False
        self._print_job: PrintJob | None = None

        self.templates = QListWidget()
        self.templates.setObjectName("templateList")
        self.templates.setAccessibleName("Letters and forms")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555")
        self.language = LanguagePicker(include=written_only)
        self.language.setObjectName("languagePicker")
        self.student = StudentPicker()
        self.student.setObjectName("studentPicker")
        self.version = QComboBox()
        for text, value in VERSIONS:
            self.version.addItem(text, value)
        self.large_print = QCheckBox("&Large print")
        self.large_print.setToolTip("Families who need large print always get it.")
        self.easy_read = QCheckBox("&Easy read version")

        self.status = QLabel()
        self.status.setObjectName("translationStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mark_checked = QPushButton("&Mark checked by a fluent speaker…")
        self.mark_checked.setObjectName("markChecked")
        self.mark_checked.setVisible(ctx.actor.can(Permission.REVIEW_TRANSLATIONS))
        self.mark_checked.clicked.connect(self.record_check)
        self.translations = RowsModel(translation_columns(), self)
        self.translation_table = QTableView()
        self.translation_table.setObjectName("translationTable")
        self.translation_table.setModel(self.translations)
        self.translation_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.translation_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.translation_table.verticalHeader().setVisible(False)
        self.translation_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.translation_table.horizontalHeader().setStretchLastSection(True)
        self.translation_table.doubleClicked.connect(
            lambda index: self.language.set_code(self.translations.row(index.row()).language)
        )

        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.save_button = QPushButton("&Save as PDF…")
        self.print_button = QPushButton("&Print…")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_pdf)
        self.preview = PdfPreview()

        left = QWidget()
        column = QVBoxLayout(left)
        label = QLabel("Le&tter or form:")
        label.setBuddy(self.templates)
        column.addWidget(label)
        column.addWidget(self.templates, 2)
        column.addWidget(self.description)
        form = QFormLayout()
        form.addRow("Lang&uage:", self.language)
        form.addRow("&Student:", self.student)
        form.addRow("&Version:", self.version)
        form.addRow("", self.large_print)
        form.addRow("", self.easy_read)
        column.addLayout(form)
        box = QGroupBox("Translation")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.status)
        box_layout.addWidget(self.mark_checked)
        box_layout.addWidget(QLabel("All translations of this letter (double-click to preview):"))
        box_layout.addWidget(self.translation_table, 1)
        self.reload_button = QPushButton("Re&load translation files")
        self.reload_button.setToolTip("After a translator has saved a new .po file")
        self.reload_button.clicked.connect(self.reload_translations)
        box_layout.addWidget(self.reload_button)
        column.addWidget(box, 2)
        column.addWidget(self.notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        column.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 810])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh_preview)
        self.templates.currentItemChanged.connect(self._template_changed)
        self.language.code_changed.connect(lambda _c: self._changed())
        self.student.student_changed.connect(self._student_changed)
        self.version.currentIndexChanged.connect(lambda _i: self._changed())
        self.large_print.toggled.connect(lambda _b: self._changed())
        self.easy_read.toggled.connect(lambda _b: self._changed())
        ctx.hub.changed.connect(self._on_hub)
        self._set_busy(False)
        self.load()

    # -- loading -----------------------------------------------------------------------------
    def load(self) -> None:
        self.templates.blockSignals(True)
        self.templates.clear()
        for info in self.service.templates(self.ctx.actor):
            self._templates[info.id] = info
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(info.description)
            self.templates.addItem(item)
        self.templates.blockSignals(False)
        self.student.set_students(self.service.student_choices(self.ctx.actor))
        self.language.set_code("ENG")
        if self.templates.count():
            self.templates.setCurrentRow(0)

    def _on_hub(self, topic: str) -> None:
        if topic in {"students", "families"}:
            self.student.set_students(self.service.student_choices(self.ctx.actor))
        if topic == "translations" and (template_id := self.template_id()) is not None:
            self.translations.set_rows(self.service.translations(self.ctx.actor, template_id))
        if topic in {"translations", "families", "school"}:
            self._changed()

    def reload_translations(self) -> None:
        """Read the translation files again (a translator saved a new version)."""
        self.service.reload_translations()
        self.ctx.hub.changed.emit("translations")

    # -- choosing ----------------------------------------------------------------------------
    def template_id(self) -> str | None:
        item = self.templates.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def select_template(self, template_id: str) -> None:
        for row in range(self.templates.count()):
            item = self.templates.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == template_id:
                self.templates.setCurrentRow(row)
                return
        raise KeyError(template_id)

    def _template_changed(self) -> None:
        template_id = self.template_id()
        if template_id is None:
            return
        info = self._templates[template_id]
        self.description.setText(info.description)
        self.easy_read.setEnabled(info.has_easy_read)
        if not info.has_easy_read:
            self.easy_read.setChecked(False)
        self.translations.set_rows(self.service.translations(self.ctx.actor, template_id))
        self._changed()

    def _student_changed(self, student_id: object) -> None:
        if isinstance(student_id, int):
            try:
                self.language.set_code(self.service.family_language(self.ctx.actor, student_id))
            except errors.KnownError as exc:
                show_error(self, exc)
        self._changed()

    def request(self) -> PreviewRequest | None:
        template_id = self.template_id()
        if template_id is None:
            return None
        return PreviewRequest(
            template_id=template_id,
            language=self.language.code() or "ENG",
            student_id=self.student.student_id(),
            bilingual=self.version.currentData(),
            large_print=True if self.large_print.isChecked() else None,
            easy_read=self.easy_read.isChecked(),
        )

    def _changed(self) -> None:
        self._debounce.start()

    # -- previewing --------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        request = self.request()
        if request is None:
            return
        if self._operation is not None and self._operation.running:
            self._pending = True
            return
        self._pending = False
        actor = self.ctx.actor
        service = self.service

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> Preview:
            return service.preview(actor, request)

        # Not parented to the page: the worker keeps it alive if the page closes mid-render.
        self._operation = Operation(work)
        self._operation.succeeded.connect(self._shown)
        self._operation.failed.connect(self._failed)
        self.status.setText(self.status.text() or "Preparing the preview…")
        self._operation.start()

    def _shown(self, result: object) -> None:
        assert isinstance(result, Preview)
        if self._pending:
            self.refresh_preview()
            return
        self.current = result
        self.preview.set_pdf(result.pdf)
        self._show_state(result.translation)
        notes = [f"Addressed to: {result.addressed_to}", *result.notes]
        self.notes.setText("\n".join(notes))
        self._set_busy(False)
        self.preview_shown.emit(result)

    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        if self._pending:
            self.refresh_preview()
            return
        self.current = None
        self.preview.show_message(
            exc.message if isinstance(exc, errors.KnownError) else "The preview failed."
        )
        self._set_busy(False)
        if not isinstance(exc, errors.KnownError):
            show_error(self, exc)
        self.preview_failed.emit(exc)

    def _show_state(self, state: TranslationState) -> None:
        colour = _COLOURS[state.status]
        self.status.setText(state.summary)
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold")
        self.mark_checked.setEnabled(state.can_be_checked)
        if state.status == "draft" and not state.can_be_checked:
            self.mark_checked.setToolTip("Every sentence must be translated first.")
        else:
            self.mark_checked.setToolTip("")

    def _set_busy(self, busy: bool) -> None:
        ready = not busy and self.current is not None
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # -- recording a check -------------------------------------------------------------------
    def record_check(self) -> None:
        if self.current is None:
            return
        state = self.current.translation
        info = self._templates[state.template_id]
        note = CheckNote.ask(
            self,
            f"Record that a fluent speaker checked the {state.language_name} translation of "
            f"“{info.title}”? From now on it prints in {state.language_name} only.",
        )
        if note is None:
            return
        try:
            self.service.mark_checked(self.ctx.actor, state.template_id, state.language, note)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.translations.set_rows(self.service.translations(self.ctx.actor, state.template_id))
        self.ctx.hub.changed.emit("translations")

    # -- saving and printing -----------------------------------------------------------------
    def _file_name(self) -> str:
        assert self.current is not None
        student = self.student.currentText().split(" — ")[0].split(" (")[0]
        return f"{self.current.translation.template_id}-{self.current.language}-{student}.pdf"

    def save_pdf(self) -> None:
        if self.current is None:
            return
        path = SaveAs.ask_path(self, self._file_name().replace(" ", "-"))
        if path is None:
            return
        try:
            path.write_bytes(self.current.pdf)
        except OSError as exc:
            show_error(self, errors.KnownError(f"Cannot save {path}: {exc.strerror}"))

    def print_pdf(self) -> None:
        if self.current is None:
            return
        printer = Printing.ask_printer(self, self.preview.page_count())
        if printer is None:
            return
        self._print_job = start_printing(self, self.current.pdf, printer)
