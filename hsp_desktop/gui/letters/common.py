"""Pieces the letter screens share: table views, the copies' columns, a reprint dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn, LazyRowsModel, RowFilterProxy
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.letters.pdf_view import PdfPreview, Printing, PrintJob, SaveAs
from hsp_desktop.services.letter_recipients import Copy
from hsp_desktop.services.letter_runs import IssuedView, Reprint


class CloseAnyway:
    @staticmethod
    def ask(parent: QWidget | None, message: str) -> bool:
        """Close although something is not finished? Tests replace this."""
        answer = QMessageBox.question(
            parent,
            "Not finished",
            message + "\n\nClose anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def table_view(model: Any, name: str, *, sortable: bool = True) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    if sortable:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


def lazy_table(
    columns: Sequence[LazyColumn[Any]], key: Callable[[Any], Any], name: str
) -> tuple[LazyRowsModel[Any, Any], RowFilterProxy[Any, Any], QTableView]:
    model: LazyRowsModel[Any, Any] = LazyRowsModel(columns, key)
    proxy: RowFilterProxy[Any, Any] = RowFilterProxy(model)
    view = table_view(proxy, name)
    return model, proxy, view


def fit_columns(view: QTableView, widest: int = 320) -> None:
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(header.count() - 1):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


def copy_columns() -> list[LazyColumn[Copy]]:
    return [
        LazyColumn("n", "#", lambda c: str(c.position), sort_key=lambda c: c.position),
        LazyColumn("class", "Class", lambda c: c.class_name),
        LazyColumn("students", "Student(s)", lambda c: c.student_names),
        LazyColumn("to", "To", lambda c: c.recipient.salutation),
        LazyColumn(
            "where",
            "Address or email",
            lambda c: ", ".join(c.email_to) if c.email_to else ", ".join(c.recipient.address_lines),
        ),
        LazyColumn("language", "Language", lambda c: c.language_name),
        LazyColumn(
            "how", "How", lambda c: c.channel.label + (", large print" if c.large_print else "")
        ),
        LazyColumn("why", "Why", lambda c: "; ".join(c.why), tooltip=lambda c: "\n".join(c.why)),
    ]


def issued_columns() -> list[LazyColumn[IssuedView]]:
    return [
        LazyColumn(
            "date",
            "Sent",
            lambda i: f"{i.issued_at.astimezone():%d/%m/%Y}",
            sort_key=lambda i: i.issued_at,
        ),
        LazyColumn("letter", "Letter", lambda i: i.title),
        LazyColumn("students", "Student(s)", lambda i: i.student_names),
        LazyColumn("to", "To", lambda i: i.addressee),
        LazyColumn("language", "Language", lambda i: i.language_name),
        LazyColumn("variant", "Version", lambda i: i.variant_text),
        LazyColumn(
            "how", "How", lambda i: i.channel.label + (f" ({i.email_to})" if i.email_to else "")
        ),
        LazyColumn("code", "Return code", lambda i: i.return_code or ""),
        LazyColumn(
            "back",
            "Slip back",
            lambda i: ("Yes" if i.returned else "Not yet") if i.return_code else "",
            alert=lambda i: bool(i.return_code) and not i.returned,
        ),
    ]


class ReprintDialog(QDialog):
    """A copy as it was issued: preview, print or save. Made off the UI thread."""

    ready = Signal(object)  # Reprint

    def __init__(self, ctx: AppContext, issued: IssuedView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.issued = issued
        self.result_pdf: Reprint | None = None
        self.setWindowTitle(f"Reprint: {issued.title} — {issued.student_names}")
        self.resize(760, 900)
        layout = QVBoxLayout(self)
        self.notice = QLabel(f"Preparing the copy sent to {issued.addressee}…")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.preview = PdfPreview()
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("Save as &PDF…")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_copy)
        self.save_button.clicked.connect(self.save_copy)
        self._job: PrintJob | None = None
        service, actor = ctx.services.letter_runs, ctx.actor
        self.operation = Operation(lambda _p, _c: service.reprint(actor, issued.id))
        self.operation.succeeded.connect(self._shown)
        self.operation.failed.connect(self._failed)
        self.operation.start()

    def _shown(self, result: object) -> None:
        assert isinstance(result, Reprint)
        self.result_pdf = result
        self.preview.set_pdf(result.pdf)
        self.notice.setText(result.notice or "This copy is exactly as it was issued.")
        self.notice.setStyleSheet("color: #8a4b00" if result.notice else "")
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.ready.emit(result)

    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self.notice.setText(exc.message if isinstance(exc, errors.KnownError) else str(exc))
        if not isinstance(exc, errors.KnownError):
            show_error(self, exc)

    def save_copy(self) -> None:
        if self.result_pdf is None:
            return
        name = f"{self.issued.template_id}-{self.issued.student_names}-reprint.pdf"
        path = SaveAs.ask_path(self, name.replace(" ", "-").replace(",", ""))
        if path is None:
            return
        try:
            path.write_bytes(self.result_pdf.pdf)
        except OSError as exc:
            show_error(self, errors.KnownError(f"Cannot save {path}: {exc.strerror}"))

    def print_copy(self) -> None:
        if self.result_pdf is None:
            return
        printer = Printing.ask_printer(self, self.preview.page_count())
        if printer is None:
            return
        self._job = start_printing(self, self.result_pdf.pdf, printer)


def start_printing(parent: QWidget, pdf: bytes, printer: Any) -> PrintJob | None:
    """Print with a progress dialog that can cancel; None if the printer would not start."""
    job = PrintJob(pdf, printer, parent)
    progress = QProgressDialog("Printing…", "Cancel", 0, len(job.pages), parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.canceled.connect(job.cancel)
    job.progressed.connect(lambda done, _total: progress.setValue(done))
    job.finished.connect(lambda _ok: progress.reset())
    try:
        job.start()
    except errors.KnownError as exc:
        progress.reset()
        show_error(parent, exc)
        return None
    return job
