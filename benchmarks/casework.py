"""The SENCO dashboard and the family support caseload on a school with ten years of history.

    python benchmarks/casework.py [--database URL] [--runs 25] [--rebuild]

Builds (once, cached in a file) a 300-student demo school with ten years of meetings, annual
reviews, interpreter bookings, home visits, cases and actions (and the contact log's ten years
of contacts, which the caseload reads for "last contact"), then times, as medians over several
runs:

* the SENCO dashboard (overdue, due this half-term, papers late, interpreters unconfirmed),
  beside one hand-written SQL query for its core (last held review per EHCP student) - the
  bare baseline;
* the family support worker's caseload as it opens (open cases and those closed this year)
  and with every case of ten years, with last contact, open actions and next visit, beside
  one hand-written SQL query joining cases to their last visit;
* the overdue-visit check the main window makes every minute, beside ``SELECT 1``.

Target: dashboard and caseload under 50 ms each. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, text

from hsp_desktop.model import HomeVisit, Meeting, SupportCase
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import create_demo_school
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

TARGET_MS = 50.0

DASHBOARD_BASELINE = """
SELECT s.id, s.ehcp_issued, s.ehcp_last_review, m.last_held
FROM student s
LEFT JOIN (
    SELECT student_id, max(day) AS last_held FROM meeting
    WHERE kind = 'annual_review' AND status = 'held' GROUP BY student_id
) m ON m.student_id = s.id
WHERE s.sen_status = 'ehcp' AND s.status = 'on_roll'
"""

CASELOAD_BASELINE = """
SELECT sc.id, sc.student_id, v.last_visit
FROM support_case sc
LEFT JOIN (
    SELECT student_id, max(leaves_at) AS last_visit FROM home_visit
    WHERE status = 'done' GROUP BY student_id
) v ON v.student_id = sc.student_id
WHERE sc.worker_id = :worker
"""


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm caches, as a screen that is already open would be
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(db: Database, rebuild: bool) -> None:
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(Meeting)) or 0
    if have >= 5_000 and not rebuild:
        return
    from hsp_desktop.services.casework_history import generate_years

    print("building a 300-student school with ten years of history...", flush=True)
    start = time.perf_counter()
    create_demo_school(db, 300)
    try:
        from hsp_desktop.services.contacts_history import generate_years as contact_years

        contact_years(db)
    except ImportError:  # the contact log is not part of this build
        pass
    counts = generate_years(
        db,
        10,
        progress=lambda done, total: (
            print(f"\r  {done} of {total} families", end="", flush=True) if done % 25 == 0 else None
        ),
    )
    print(f"\r  done in {time.perf_counter() - start:.0f} s: {counts}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/casework.py")
    parser.add_argument("--database", help="URL or file (default: a cached file in /tmp)")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    if args.database and "://" in args.database:
        url = args.database
    else:
        path = Path(args.database or Path(tempfile.gettempdir()) / "hsp-casework-bench.sqlite3")
        if args.rebuild and path.exists():
            path.unlink()
        url = sqlite_url(path)
    db = Database(url)
    upgrade(db)
    build(db, args.rebuild)
    services = Services.build(db)
    senco = services.accounts.login("senco", "hsp-demo")
    fsw = services.accounts.login("fsw", "hsp-demo")
    office = services.accounts.login("office", "hsp-demo")
    with db.read() as s:
        meetings = s.scalar(select(func.count()).select_from(Meeting))
        visits = s.scalar(select(func.count()).select_from(HomeVisit))
        cases = s.scalar(
            select(func.count()).select_from(SupportCase).where(SupportCase.worker_id == 4)
        )
    print(f"{db.location.description}: {meetings:,} meetings, {visits:,} visits, {cases} cases")

    def bare(sql: str, **params: object) -> Callable[[], object]:
        def run() -> object:
            with db.read() as s:
                return s.execute(text(sql), params).all()

        return run

    board = services.reviews.dashboard(senco)
    year_ago = services.caseload.today() - dt.timedelta(days=365)
    caseload = services.caseload.caseload(fsw)
    opening = services.caseload.caseload(fsw, closed_since=year_ago)
    print(
        f"dashboard: {board.ehcp_students} plans, {len(board.overdue)} overdue, "
        f"{len(board.due_this_half_term)} due this half-term, {len(board.papers_late)} papers "
        f"late; caseload: {len(opening)} families as it opens (open, or closed this year), "
        f"{len(caseload)} in all"
    )
    rows = [
        (
            "SENCO dashboard",
            lambda: services.reviews.dashboard(senco),
            bare(DASHBOARD_BASELINE),
            True,
        ),
        (
            "caseload (as it opens)",
            lambda: services.caseload.caseload(fsw, closed_since=year_ago),
            bare(CASELOAD_BASELINE, worker=fsw.staff_member_id),
            True,
        ),
        (
            "caseload (every case)",
            lambda: services.caseload.caseload(fsw),
            bare(CASELOAD_BASELINE, worker=fsw.staff_member_id),
            True,
        ),
        ("overdue-visit check", lambda: services.visits.overdue(office), bare("SELECT 1"), False),
    ]
    print(f"\n{'':28}{'median ms':>11}{'baseline ms':>13}{'ratio':>8}   target")
    failed = False
    for label, work, baseline, targeted in rows:
        took = median_ms(work, args.runs)
        base = median_ms(baseline, args.runs)
        verdict = ""
        if targeted:
            ok = took < TARGET_MS
            failed |= not ok
            verdict = f"< {TARGET_MS:.0f} ms " + ("ok" if ok else "MISSED")
        print(f"{label:28}{took:11.1f}{base:13.1f}{took / base:8.1f}   {verdict}")
    db.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
