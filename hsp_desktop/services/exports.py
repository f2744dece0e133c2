"""Writing what a screen shows to a CSV file that spreadsheet programs open safely.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe. The file is UTF-8 with a byte-order mark so Excel reads names
in any script, and it appears only when complete: a failed or cancelled export leaves nothing
half-written.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from hsp_desktop.errors import Cancelled, FolderError
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.store import Database

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


class ExportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def write_csv(
        self,
        actor: Actor,
        path: Path,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        what: str,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Write ``rows`` under ``headers`` to ``path``; the number of rows written.

        ``what`` names the data for the audit trail ("students list").
        """
        actor.require(Permission.EXPORT_DATA)
        path = Path(path)
        total = len(rows)
        try:
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".part", dir=path.parent
            )
        except OSError as exc:
            raise FolderError(f"Cannot write to {path.parent}: {exc.strerror}.") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow([neutralise(h) for h in headers])
                for done, row in enumerate(rows, start=1):
                    writer.writerow([neutralise(str(cell)) for cell in row])
                    if done % 200 == 0 or done == total:
                        if cancelled is not None and cancelled():
                            raise Cancelled()
                        if progress is not None:
                            progress(done, total)
            os.replace(temp_name, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise FolderError(f"Cannot write {path}: {exc.strerror}.") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        with self.db.transaction() as s:
            audit.record(
                s, actor, "export", what, None, f"{what.capitalize()}: {total} rows to {path.name}"
            )
        return total
