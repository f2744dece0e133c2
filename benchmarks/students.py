"""Opening the students list and filtering it as the user types, on a school of 2,000 students.

    python benchmarks/students.py [--students 2000] [--runs 7] [--database FILE]

Builds a demo school (2,000 students, about 2.5 carers each: some 5,000 carers) in a temporary
SQLite file, or uses ``--database``, then measures in process, as medians over several runs:

* opening the list: the rows loaded from the database, the model filled and the first paint
  of the table, beside a bare baseline - a QStandardItemModel holding the same rows' visible
  cells behind a QSortFilterProxyModel - loaded from the same rows;
* each keystroke of a search typed letter by letter (and rubbed out again): the filtering
  alone, and the filtering with the repaint of the table, beside the baseline filtering with
  ``setFilterFixedString`` on every column.

The baseline does less than the list: no accent folding, no multi-word search, no lazy cells.
Targets: open under 300 ms, a keystroke under 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

OPEN_TARGET_MS = 300.0
KEY_TARGET_MS = 16.0
SEARCHES = ("khan", "wojcik", "smith", "ali k", "886", "lucja", "ahmed", "jones", "sing")


def typed(word: str) -> Iterator[str]:
    """The search box's text after each keystroke: typing the word, then rubbing it out."""
    for end in range(1, len(word) + 1):
        yield word[:end]
    for end in range(len(word) - 1, -1, -1):
        yield word[:end]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def keep_none_alive() -> None:
    """PySide6 6.12 on CPython 3.11 drops a reference to None on every call of a Qt method
    that returns nothing (3.12 made None immortal, so newer Pythons are unaffected). Filling
    a 20,000-cell baseline model would free None and abort the run; pad its count instead."""
    if sys.version_info < (3, 12):
        import ctypes

        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


def main(argv: list[str] | None = None) -> int:
    keep_none_alive()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", type=Path, help="an existing demo school to use")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="hsp-bench-students-"))
    os.environ.setdefault("HSP_DESKTOP_HOME", str(work / "home"))
    if "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from hsp_desktop.gui.common.context import AppContext, ChangeHub
    from hsp_desktop.gui.settings import Settings
    from hsp_desktop.gui.students.columns import COLUMNS, DEFAULT_COLUMNS
    from hsp_desktop.gui.students.list_page import StudentListPage
    from hsp_desktop.services.actor import SYSTEM
    from hsp_desktop.services.container import Services
    from hsp_desktop.services.demo import create_demo_school
    from hsp_desktop.store import Database, sqlite_url
    from hsp_desktop.store.migrate import upgrade

    app = QApplication.instance() or QApplication(sys.argv[:1])
    path = args.database or work / "school.sqlite3"
    db = Database(sqlite_url(path))
    upgrade(db)
    if args.database is None:
        started = time.perf_counter()
        made = create_demo_school(db, args.students, carers_per_student=2.5)
        print(
            f"demo school: {made.students:,} students, {made.carers:,} carers, "
            f"{made.households:,} households, {made.classes} classes "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
    services = Services.build(db)
    ctx = AppContext(services, SYSTEM, Settings(), ChangeHub())
    shown = [c for c in COLUMNS if c.key in DEFAULT_COLUMNS]

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    # -- opening ---------------------------------------------------------------------------
    load: list[float] = []
    ours_open: list[float] = []
    base_open: list[float] = []
    page: StudentListPage | None = None
    base_view: QTableView | None = None
    for _ in range(args.runs):
        load.append(timed(lambda: services.students.list_rows(SYSTEM)))

        def open_ours() -> None:
            nonlocal page
            if page is not None:
                page.close()
                page.deleteLater()
            page = StudentListPage(ctx)
            page.resize(1300, 800)
            page.show()
            app.processEvents()
            page.table.viewport().repaint()

        ours_open.append(timed(open_ours))

        def open_baseline() -> None:
            nonlocal base_view
            if base_view is not None:
                base_view.close()
                base_view.deleteLater()
            rows = services.students.list_rows(SYSTEM)
            base_view = QTableView()
            # Owned by the view, so they live and go with it.
            model = QStandardItemModel(len(rows), len(shown), base_view)
            model.setHorizontalHeaderLabels([c.title for c in shown])
            for r, row in enumerate(rows):
                for c, column in enumerate(shown):
                    model.setItem(r, c, QStandardItem(column.text(row)))
            proxy = QSortFilterProxyModel(base_view)
            proxy.setSourceModel(model)
            proxy.setFilterKeyColumn(-1)
            proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            base_view.setModel(proxy)
            # Looks the same as the list: same widths, row height, alternating rows.
            assert page is not None
            base_view.setAlternatingRowColors(True)
            base_view.setWordWrap(False)
            base_view.verticalHeader().hide()
            base_view.verticalHeader().setDefaultSectionSize(
                page.table.verticalHeader().defaultSectionSize()
            )
            for c, column in enumerate(shown):
                width = page.table.columnWidth(page.model.column_index(column.key))
                base_view.setColumnWidth(c, width)
            base_view.resize(1300, 800)
            base_view.show()
            app.processEvents()
            base_view.viewport().repaint()

        base_open.append(timed(open_baseline))
    assert page is not None and base_view is not None
    rows_shown = page.model.rowCount()

    # -- keystrokes ------------------------------------------------------------------------
    base_proxy = base_view.model()
    assert isinstance(base_proxy, QSortFilterProxyModel)
    page.status_filter.setCurrentIndex(page.status_filter.findText("On roll and left"))
    ours_filter: list[float] = []
    ours_paint: list[float] = []
    base_filter: list[float] = []
    base_paint: list[float] = []
    for _ in range(args.runs):
        for word in SEARCHES:
            for text in typed(word):
                ours_filter.append(timed(lambda text=text: page.search.setText(text)))
                ours_paint.append(timed(page.table.viewport().repaint))
                base_filter.append(timed(lambda text=text: base_proxy.setFilterFixedString(text)))
                base_paint.append(timed(base_view.viewport().repaint))
    ours_key = [f + p for f, p in zip(ours_filter, ours_paint, strict=True)]
    base_key = [f + p for f, p in zip(base_filter, base_paint, strict=True)]

    # -- report ----------------------------------------------------------------------------
    keystrokes = len(ours_filter)
    print(
        f"\n{rows_shown:,} rows; {args.runs} runs; {keystrokes:,} keystrokes; Qt platform "
        f"{app.platformName()}"
    )
    print(f"{'':34}{'list':>10}{'baseline':>10}{'ratio':>8}{'target':>9}")

    def line(label: str, ours: float, base: float | None, target: float | None = None) -> None:
        ratio = f"{ours / base:>7.2f}x" if base else f"{'':>8}"
        base_text = f"{base:>8.1f}ms" if base is not None else f"{'':>10}"
        goal = f"{'<' + format(target, '.0f'):>6}ms" if target else ""
        verdict = "" if target is None else ("  ok" if ours < target else "  OVER")
        print(f"{label:34}{ours:>8.1f}ms{base_text}{ratio}{goal}{verdict}")

    line("load rows (service, median)", median_ms(load), None)
    line("open list (load+model+paint)", median_ms(ours_open), median_ms(base_open), OPEN_TARGET_MS)
    line("keystroke: filter (median)", median_ms(ours_filter), median_ms(base_filter))
    line("keystroke: filter (p95)", p95_ms(ours_filter), p95_ms(base_filter))
    line(
        "keystroke: filter+paint (median)", median_ms(ours_key), median_ms(base_key), KEY_TARGET_MS
    )
    line("keystroke: filter+paint (p95)", p95_ms(ours_key), p95_ms(base_key))
    for widget in (page, base_view):
        widget.close()
        widget.deleteLater()
    app.processEvents()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
