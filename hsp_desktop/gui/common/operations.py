"""Running work off the UI thread, with progress, cancel and a result delivered back.

Every long user action goes through ``Operation``: the service call runs in the thread pool,
receives plain ``progress(done, total)`` and ``cancelled()`` callables (never a Qt object),
and the result or error comes back as a signal on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("hsp.gui.operations")

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]
Work = Callable[[ProgressFn, CancelledFn], Any]


class Operation(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        (pool or QThreadPool.globalInstance()).start(_Runner(self))

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _run(self) -> None:
        try:
            result = self._work(self.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # delivered to the GUI thread, shown there
            log.debug("operation failed: %r", exc)
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            self.running = False
            self.finished.emit()


class _Runner(QRunnable):
    def __init__(self, op: Operation) -> None:
        super().__init__()
        self._op = op

    def run(self) -> None:
        self._op._run()
