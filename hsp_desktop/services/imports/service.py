"""The import use cases: a dry run that shows the plan, and the import that applies it.

``plan`` only reads. ``apply`` matches the file again inside its one transaction (so it works
on the data as it is at that moment, not as it was at the dry run), writes every accepted pupil
with an audit entry per row, and commits all or nothing. Refused pupils are left out; the plan
says why, so they can be corrected and the file imported again.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hsp_desktop.errors import Cancelled, KnownError
from hsp_desktop.model import AuditEntry, Carer, Household, SchoolClass, Student, StudentCarer
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.imports.csv_import import read_csv
from hsp_desktop.services.imports.ctf import read_ctf
from hsp_desktop.services.imports.matching import Planned, Planner
from hsp_desktop.services.imports.normalise import normalise_all
from hsp_desktop.services.imports.report import ImportPlan, ImportResult
from hsp_desktop.services.imports.source import ImportSource, SourceKind, detect_kind
from hsp_desktop.store import Database

log = logging.getLogger("hsp.services.imports")

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

# Written in this order, so that every row a row points at exists first.
_WRITE_ORDER: tuple[tuple[str, type[Any]], ...] = (
    ("school_class", SchoolClass),
    ("household", Household),
    ("carer", Carer),
    ("student", Student),
    ("student_carer", StudentCarer),
)


def read_file(
    path: Path, kind: SourceKind | None = None, mapping: dict[str, str] | None = None
) -> ImportSource:
    """Read a CSV file (with ``mapping``, else the saved one) or a CTF; the kind is detected."""
    kind = kind or detect_kind(path)
    return read_ctf(path) if kind is SourceKind.CTF else read_csv(path, mapping)


def _no_progress(_done: int, _total: int) -> None:
    return None


def _not_cancelled() -> bool:
    return False


class ImportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def plan(
        self,
        actor: Actor,
        source: ImportSource,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
    ) -> ImportPlan:
        """The dry run: what importing ``source`` would do, pupil by pupil. Writes nothing."""
        actor.require(Permission.IMPORT_DATA)
        if source.problems:
            return ImportPlan(
                source.name, source.kind, notes=source.notes, problems=source.problems
            )
        pupils = normalise_all(source.pupils)
        with self.db.read() as s:
            return Planner(s, source).plan(pupils, progress, cancelled)

    def apply(
        self,
        actor: Actor,
        source: ImportSource,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
    ) -> ImportResult:
        """Import every accepted pupil in one transaction; a cancel or a failure writes nothing."""
        actor.require(Permission.IMPORT_DATA)
        if source.problems:
            raise KnownError(f"{source.name} cannot be imported: {' '.join(source.problems)}")
        progress = progress or _no_progress
        cancelled = cancelled or _not_cancelled
        pupils = normalise_all(source.pupils)
        total = len(pupils) + len(_WRITE_ORDER)
        try:
            with self.db.transaction() as s:
                planner = Planner(s, source)
                plan = planner.plan(pupils, progress, cancelled, total)
                result = _write(s, actor, planner, plan, progress, cancelled, total)
                if cancelled():  # the last moment a cancel can still undo everything
                    raise Cancelled()
        except (StaleDataError, IntegrityError) as exc:
            log.warning("import of %s collided with another change: %s", source.name, exc)
            raise KnownError(
                "Another computer changed some of these records while the import ran, so "
                "nothing was imported. Run the import again."
            ) from exc
        log.info("imported %s: %s", source.name, result.summary())
        return result


def _write(
    s: Session,
    actor: Actor,
    planner: Planner,
    plan: ImportPlan,
    progress: ProgressFn,
    cancelled: CancelledFn,
    total: int,
) -> ImportResult:
    """New rows go in as bulk inserts with ids handed out first (so rows can point at each
    other without a round trip per row); changed rows are updated through the ORM, which
    checks their version."""
    if not plan.has_changes:
        return ImportResult(plan)
    # The first write: it also takes SQLite's write lock before any ids are handed out.
    audit.record(
        s,
        actor,
        "import",
        "import",
        None,
        f"{plan.kind.label} {plan.source_name}: {plan.summary()}",
    )
    s.flush()
    used = planner.used()
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    audit_rows: list[dict[str, Any]] = []
    done = len(plan.items)
    for kind, model in _WRITE_ORDER:
        if cancelled():
            raise Cancelled()
        rows = planner.rows[kind]
        new = [
            row
            for row in rows
            if row.new and (kind not in ("household", "school_class") or id(row) in used)
        ]
        if new:
            values = []
            for row, new_id in zip(new, _new_ids(s, model, len(new)), strict=True):
                row.inserted_id = new_id
                values.append({"id": new_id} | {k: _resolve(v) for k, v in row.state.items()})
            s.execute(insert(model), values)
            audit_rows.extend(
                {
                    "user_id": actor.user_id,
                    "username": actor.username,
                    "action": "create",
                    "entity": kind,
                    "entity_id": value["id"],
                    "summary": f"{row.label}: created by import of {plan.source_name}"[:300],
                    "after": {k: _plain(v) for k, v in value.items()},
                }
                for row, value in zip(new, values, strict=True)
            )
        changed = [(row, row.changed()) for row in rows if not row.new]
        changed = [(row, keys) for row, keys in changed if keys]
        before = [audit.snapshot(row.obj) for row, _keys in changed]
        for row, keys in changed:
            for key in keys:
                setattr(row.obj, key, _resolve(row.state[key]))
        s.flush()
        for (row, _keys), old in zip(changed, before, strict=True):
            audit.record(
                s,
                actor,
                "update",
                kind,
                row.obj.id,
                f"{row.label}: updated by import of {plan.source_name}",
                before=old,
                after=audit.snapshot(row.obj),
            )
        created[kind], updated[kind] = len(new), len(changed)
        done += 1
        progress(done, total)
    if audit_rows:
        s.execute(insert(AuditEntry), audit_rows)
    return ImportResult(
        plan,
        students_created=created["student"],
        students_updated=updated["student"],
        carers_created=created["carer"],
        carers_updated=updated["carer"],
        households_created=created["household"],
        links_created=created["student_carer"],
        classes_created=created["school_class"],
    )


def _new_ids(s: Session, model: type[Any], count: int) -> list[int]:
    """Primary keys for ``count`` new rows: from the table's sequence on PostgreSQL; on SQLite,
    after the largest in use (this transaction holds the write lock, so nobody else adds)."""
    table = model.__table__
    if s.get_bind().dialect.name == "postgresql":
        sequence = s.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        return list(
            s.scalars(
                text("SELECT nextval(:seq) FROM generate_series(1, :n)"),
                {"seq": sequence, "n": count},
            )
        )
    largest = s.scalar(select(func.max(table.c.id))) or 0
    return list(range(largest + 1, largest + count + 1))


def _plain(value: Any) -> Any:
    """A value as the audit trail keeps it (JSON)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _resolve(value: Any) -> Any:
    """A planned row is written as its id (it was written in an earlier step)."""
    return value.id if isinstance(value, Planned) else value
