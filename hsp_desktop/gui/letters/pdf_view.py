"""Showing, printing and saving the real PDF of a letter or a run.

``PdfPreview`` shows a PDF held in memory with QtPdf. ``Printing`` asks for a printer (a
class method tests replace) and sends the pages to it one at a time from the event loop, so
the window stays responsive while a long run prints; ``SaveAs`` asks where to save.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors, paths

# Pages are drawn as images; above this the printer gains nothing but memory is wasted.
MAX_PRINT_DPI = 300


def load_pdf(document: QPdfDocument, pdf: bytes, parent: QObject) -> QBuffer:
    """Load ``pdf`` into ``document``; the returned buffer must live as long as the document."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


class PdfPreview(QWidget):
    """The pages of a PDF held in memory, with a message when there is nothing to show.

    A short PDF scrolls as one column of pages. A long one (a whole-school run) is shown a
    page at a time with page buttons: laying out hundreds of pages for scrolling would hold
    up the window for a noticeable moment.
    """

    LONG = 30  # pages

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName("Letter preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.message = QLabel("Choose a letter to see it here.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.previous = QToolButton()
        self.previous.setText("◀")
        self.previous.setToolTip("Previous page (Page Up)")
        self.next = QToolButton()
        self.next.setText("▶")
        self.next.setToolTip("Next page (Page Down)")
        self.page = QSpinBox()
        self.page.setObjectName("pdfPage")
        self.page.setAccessibleName("Page")
        self.pages_label = QLabel()
        self.navigation = QWidget()
        bar = QHBoxLayout(self.navigation)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Page"))
        bar.addWidget(self.page)
        bar.addWidget(self.pages_label)
        bar.addWidget(self.previous)
        bar.addWidget(self.next)
        bar.addStretch(1)
        self.navigation.setVisible(False)
        shown = QWidget()
        column = QVBoxLayout(shown)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.navigation)
        column.addWidget(self.view, 1)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.message)
        self._stack.addWidget(shown)
        self._shown = shown
        self._buffer: QBuffer | None = None
        self.pdf: bytes = b""
        self.page.valueChanged.connect(self._go_to)
        self.previous.clicked.connect(lambda: self.page.setValue(self.page.value() - 1))
        self.next.clicked.connect(lambda: self.page.setValue(self.page.value() + 1))
        for key, button in ((Qt.Key.Key_PageUp, self.previous), (Qt.Key.Key_PageDown, self.next)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)

    def set_pdf(self, pdf: bytes) -> None:
        # A fresh document, measured before the view sees it, so the view lays it out once.
        document = QPdfDocument(self)
        buffer = load_pdf(document, pdf, self)
        if document.status() is QPdfDocument.Status.Error:
            document.deleteLater()
            buffer.deleteLater()
            self.show_message("The PDF could not be shown.")
            return
        count = document.pageCount()
        long = count > self.LONG
        self.view.setPageMode(QPdfView.PageMode.SinglePage if long else QPdfView.PageMode.MultiPage)
        self.view.setDocument(document)
        old, old_buffer = self.document, self._buffer
        self.document, self._buffer, self.pdf = document, buffer, pdf
        old.deleteLater()
        if old_buffer is not None:
            old_buffer.deleteLater()
        self.navigation.setVisible(long)
        self.page.blockSignals(True)
        self.page.setRange(1, max(1, count))
        self.page.setValue(1)
        self.page.blockSignals(False)
        self.pages_label.setText(f"of {count}")
        self._stack.setCurrentWidget(self._shown)

    def _go_to(self, number: int) -> None:
        navigator = self.view.pageNavigator()
        if navigator is not None and self.pdf:
            navigator.jump(number - 1, QPointF(), navigator.currentZoom())

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def page_count(self) -> int:
        return self.document.pageCount() if self.pdf else 0


def suggested_folder() -> Path:
    folder = Path.home() / "Documents"
    return folder if folder.is_dir() else paths.data_dir()


class SaveAs:
    @staticmethod
    def ask_path(parent: QWidget | None, suggested: str) -> Path | None:
        """Where to save a PDF; tests replace this."""
        start = str(suggested_folder() / suggested)
        name, _ = QFileDialog.getSaveFileName(parent, "Save as PDF", start, "PDF files (*.pdf)")
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


class Printing:
    @staticmethod
    def ask_printer(parent: QWidget | None, pages: int) -> QPrinter | None:
        """The system print dialog; None when the user cancels. Tests replace this."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print")
        dialog.setMinMax(1, max(1, pages))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer


class PrintJob(QObject):
    """Sends the pages of a PDF to a printer, one page per turn of the event loop."""

    progressed = Signal(int, int)
    finished = Signal(bool)  # True when every page went to the printer

    def __init__(self, pdf: bytes, printer: QPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self.document = QPdfDocument(self)
        self._buffer = load_pdf(self.document, pdf, self)
        count = self.document.pageCount()
        first, last = printer.fromPage(), printer.toPage()
        if first <= 0 or last <= 0:
            first, last = 1, count
        self.pages = list(range(max(1, first) - 1, min(count, last)))
        printer.setFullPage(True)  # the PDF page already has its margins
        self._next = 0
        self._cancelled = False
        self._painter = QPainter()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._print_next)

    def start(self) -> None:
        if not self.pages:
            raise errors.KnownError("There is nothing to print.")
        if not self._painter.begin(self.printer):
            raise errors.KnownError(
                "The printer could not be started. Check that it is switched on and try again."
            )
        self._timer.start()

    def cancel(self) -> None:
        self._cancelled = True

    def _print_next(self) -> None:
        if self._cancelled:
            self._timer.stop()
            self.printer.abort()
            self._painter.end()
            self.finished.emit(False)
            return
        page = self.pages[self._next]
        if self._next:
            self.printer.newPage()
        self._draw(page)
        self._next += 1
        self.progressed.emit(self._next, len(self.pages))
        if self._next >= len(self.pages):
            self._timer.stop()
            ok = self._painter.end()
            self.finished.emit(bool(ok))

    def _draw(self, page: int) -> None:
        dpi = min(self.printer.resolution(), MAX_PRINT_DPI)
        points = self.document.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        image = self.document.render(page, size)
        target = self._painter.viewport()
        scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        self._painter.drawImage(QRect(target.topLeft(), scaled), image)
