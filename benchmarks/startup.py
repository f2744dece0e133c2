"""Start-up time: process start to the sign-in dialog, and sign-in to the populated window.

Measured side by side, alternating, against a bare PySide6 QMainWindow with a QTableView started
the same way (a new Python process each time). Each child reports the seconds since its parent
launched it (CLOCK_MONOTONIC is shared between processes) and its peak memory.

    python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing


def child_bare() -> None:
    import resource

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    class Window(QMainWindow):
        def showEvent(self, event):
            super().showEvent(event)
            shown = time.monotonic() - T0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps({"to_first_window": shown, "peak_mb": rss}), flush=True)
            QTimer.singleShot(0, app.quit)  # the event loop has not started yet

    app = QApplication(sys.argv[:1])
    window = Window()
    model = QStandardItemModel(20, 4)
    for row in range(20):
        for col in range(4):
            model.setItem(row, col, QStandardItem(f"{row},{col}"))
    table = QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1100, 720)
    window.show()
    app.exec()


def child_ours() -> None:
    import resource

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hsp_desktop import app as hsp_app
    from hsp_desktop.gui import application, login

    marks: dict[str, float] = {}

    original_login_show = login.LoginDialog.showEvent
    original_ready = login.LoginDialog.ready

    def login_shown(self, event):  # type: ignore[no-untyped-def]
        original_login_show(self, event)
        marks.setdefault("to_login", time.monotonic() - T0)

    def ready(self, *args):  # type: ignore[no-untyped-def]
        # The database is open: sign in as a user would, as soon as the button works.
        original_ready(self, *args)
        marks["to_usable"] = time.monotonic() - T0

        def sign_in() -> None:
            self.username.setText("teacher")
            self.password.setText("hsp-demo")
            marks["login_started"] = time.monotonic()
            self._submit()

        QTimer.singleShot(0, sign_in)

    login.LoginDialog.ready = ready  # type: ignore[method-assign]

    original_make = application.make_main_window

    def make_main_window(*args):  # type: ignore[no-untyped-def]
        window = original_make(*args)

        def report() -> None:  # runs once the window is shown and its first paint queued
            marks["login_to_window"] = time.monotonic() - marks.pop("login_started")
            marks["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps(marks), flush=True)
            app = QApplication.instance()
            assert app is not None
            app.exit(0)

        QTimer.singleShot(0, report)
        return window

    login.LoginDialog.showEvent = login_shown  # type: ignore[method-assign]
    application.make_main_window = make_main_window
    hsp_app.main(["--demo"])


def run_child(kind: str, env: dict[str, str]) -> dict[str, float]:
    env = {**env, "HSP_BENCH_T0": repr(time.monotonic())}
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"{kind} child failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--child", choices=["ours", "bare"])
    args = parser.parse_args()
    if args.child:
        global T0
        T0 = float(os.environ["HSP_BENCH_T0"])
        child_ours() if args.child == "ours" else child_bare()
        return

    home = tempfile.mkdtemp(prefix="hsp-bench-startup-")
    env = {
        **os.environ,
        "HSP_DESKTOP_HOME": home,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hsp_desktop",
            "--database",
            str(Path(home) / "data" / "demo" / "demo-school.sqlite3"),
            "demo",
            "create",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    run_child("ours", env)  # warm the file cache once for both
    run_child("bare", env)
    ours, bare = [], []
    for _ in range(args.runs):
        ours.append(run_child("ours", env))
        bare.append(run_child("bare", env))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    to_login, to_bare = med(ours, "to_login"), med(bare, "to_first_window")
    print(f"runs: {args.runs} each, alternating; medians")
    print(
        f"bare QMainWindow+QTableView shown:   {to_bare * 1000:7.0f} ms   "
        f"peak {med(bare, 'peak_mb'):.0f} MB"
    )
    print(
        f"hsp-desktop sign-in dialog shown:    {to_login * 1000:7.0f} ms   "
        f"ratio {to_login / to_bare:.2f}x (target <= 1.5x)"
    )
    print(f"hsp-desktop sign-in usable (db open): {med(ours, 'to_usable') * 1000:6.0f} ms")
    print(
        f"sign-in to populated main window:    {med(ours, 'login_to_window') * 1000:7.0f} ms"
        f"   (target < 300 ms)   peak {med(ours, 'peak_mb'):.0f} MB"
    )


T0 = 0.0

if __name__ == "__main__":
    main()
