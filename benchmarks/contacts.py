"""Termly contact on a school with ten years of history.

    python benchmarks/contacts.py [--database URL] [--runs 15]

Builds (once, cached in a file) a 300-student demo school with ten years of contacts and
home-school book pages (about 150,000 and 300,000), then times, as medians over several runs:

* the whole-school termly dashboard, beside one hand-written SQL query counting the same
  (families spoken to this term) - the bare baseline;
* one class's dashboard, beside the same query for one class;
* logging a contact as the screen does it: open the form (its data), save, refresh the
  class dashboard.

Prints medians and ratios, and the query plans of the statements the whole-school dashboard
runs. The file is analysed once when built; a school's own database never is, and the plans
must not depend on it (a test checks them on an unanalysed SQLite database).
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
from typing import Any

from sqlalchemy import event, func, select, text

from hsp_desktop.model import ContactRecord, HomeBookEntry, SchoolClass, Student
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.contacts import (
    Channel,
    ContactDraft,
    Direction,
    Outcome,
    Purpose,
    Tone,
)
from hsp_desktop.services.contacts_history import generate_years
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import create_demo_school
from hsp_desktop.services.terms import local_bounds
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

BASELINE = """
SELECT s.class_id, count(DISTINCT s.id || '-' || coalesce(ca.household_id, -ca.id))
FROM contact_record cr
JOIN contact_carer cc ON cc.contact_id = cr.id
JOIN carer ca ON ca.id = cc.carer_id
JOIN student s ON s.id = cr.student_id
WHERE cr.at >= :start AND cr.at < :end AND cr.outcome = 'spoke'
  AND cr.channel IN ('phone', 'meeting', 'home_visit', 'in_person')
  AND s.status = 'on_roll' {class_filter}
GROUP BY s.class_id
"""


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm caches, as a screen that is already open would be
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def print_plans(db: Database, work: Callable[[], object]) -> None:
    """Run ``work`` once and print the plan of each query it sent, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def remember(*args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, _many = args
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print("\n" + " ".join(statement.split())[:110] + "...")
            for row in conn.exec_driver_sql(explain + statement, parameters):
                print("   ", " | ".join(str(v) for v in row))


def build(db: Database) -> None:
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(ContactRecord)) or 0
    if have >= 100_000:
        return
    print("building a 300-student school with ten years of history...", flush=True)
    start = time.perf_counter()
    create_demo_school(db, 300)
    result = generate_years(
        db,
        progress=lambda done, total: print(f"\r  {done:,} of {total:,} rows", end="", flush=True),
    )
    print(
        f"\n  {result.contacts:,} contacts and {result.homebook_entries:,} home-book pages over "
        f"{result.terms} terms in {time.perf_counter() - start:.0f} s"
    )
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="database URL (default: a cached SQLite file)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    url = args.database or sqlite_url(Path(tempfile.gettempdir()) / "hsp-bench-contacts.sqlite3")
    db = Database(url)
    upgrade(db)
    build(db)
    services = Services.build(db)
    with db.read() as s:
        contacts = s.scalar(select(func.count()).select_from(ContactRecord))
        pages = s.scalar(select(func.count()).select_from(HomeBookEntry))
        students = s.scalar(select(func.count()).select_from(Student))
        class_id = s.scalar(
            select(Student.class_id)
            .group_by(Student.class_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        class_size = s.scalar(select(func.count()).where(Student.class_id == class_id))
        class_name = s.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id))
    print(
        f"{db.location.description}: {students} students, {contacts:,} contacts, "
        f"{pages:,} home-book pages; class {class_name} has {class_size} students"
    )
    position = services.terms.position()
    start, end = local_bounds(position.term.start_date, position.term.end_date)
    print(f"term: {position.term.label}; {args.runs} runs each, medians\n")

    def baseline(class_filter: str) -> Callable[[], object]:
        sql = text(BASELINE.format(class_filter=class_filter))
        params = {"start": start, "end": end, "c": class_id}

        def run() -> object:
            with db.engine.connect() as conn:
                return conn.execute(sql, params).all()

        return run

    results = []
    school = median_ms(lambda: services.obligation.school_dashboard(SYSTEM), args.runs)
    school_base = median_ms(baseline(""), args.runs)
    results.append(("whole-school termly dashboard", school, school_base, 100))
    assert class_id is not None
    klass = median_ms(lambda: services.obligation.class_dashboard(SYSTEM, class_id), args.runs)
    class_base = median_ms(baseline("AND s.class_id = :c"), args.runs)
    results.append(("class dashboard", klass, class_base, 30))

    board = services.obligation.class_dashboard(SYSTEM, class_id)
    target = next(r for r in board.students if r.families)
    family = target.families[0]

    def log_one() -> object:
        form = services.contacts.form(SYSTEM, target.student_id)
        services.contacts.log(
            SYSTEM,
            ContactDraft(
                student_id=target.student_id,
                at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
                channel=Channel.PHONE,
                direction=Direction.TO_HOME,
                purpose=Purpose.TERMLY,
                tone=Tone.POSITIVE,
                outcome=Outcome.SPOKE,
                carer_ids=family.carer_ids[:1],
                staff_id=form.staff[0].id if form.staff else None,
                summary="Benchmark call.",
            ),
            confirmed=True,
        )
        return services.obligation.class_dashboard(SYSTEM, class_id)

    log = median_ms(log_one, args.runs)

    def bare_insert() -> object:
        with db.engine.begin() as conn:
            new_id = conn.execute(
                text(
                    "INSERT INTO contact_record (student_id, at, channel, direction, purpose, "
                    "tone, outcome, interpreter, interpreter_name, interpreter_language, "
                    "summary, restricted, created_at, version, updated_at) VALUES (:s, :at, "
                    "'phone', 'to_home', 'termly', 'positive', 'spoke', 'none', '', '', 'x', "
                    ":f, :at, 1, :at) RETURNING id"
                ),
                {"s": target.student_id, "at": dt.datetime.now(dt.UTC), "f": False},
            ).scalar_one()
            conn.execute(
                text("INSERT INTO contact_carer (contact_id, carer_id) VALUES (:c, :k)"),
                {"c": new_id, "k": family.carer_ids[0]},
            )
        return baseline("AND s.class_id = :c")()

    log_base = median_ms(bare_insert, args.runs)
    results.append(("log a contact (form, save, dashboard)", log, log_base, 100))

    print(f"{'':40} {'program':>10} {'baseline':>10} {'ratio':>7} {'target':>8}")
    missed = False
    for name, ms, base, limit in results:
        ok = ms < limit
        missed |= not ok
        print(
            f"{name:40} {ms:8.1f}ms {base:8.1f}ms {ms / base:6.1f}x {'<' + str(limit):>6}ms"
            f" {'ok' if ok else 'MISSED'}"
        )
    print_plans(db, lambda: services.obligation.school_dashboard(SYSTEM))
    db.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
