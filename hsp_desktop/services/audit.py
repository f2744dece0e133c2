"""The audit trail: one entry per write, in the same transaction as the write."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from hsp_desktop.model import AuditEntry
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.store import Database

_SKIP = {"version", "updated_at", "password_hash", "logo_png", "signature_png"}


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of a mapped object as JSON-friendly plain data."""
    values: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in _SKIP:
            continue
        values[attr.key] = _plain(getattr(obj, attr.key))
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=summary[:300],
            before=before,
            after=after,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditView:
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def recent(
        self,
        actor: Actor,
        limit: int = 200,
        entity: str | None = None,
        entity_id: int | None = None,
    ) -> list[AuditView]:
        actor.require(Permission.VIEW_AUDIT)
        with self.db.read() as s:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if entity:
                query = query.where(AuditEntry.entity == entity)
            if entity_id is not None:
                query = query.where(AuditEntry.entity_id == entity_id)
            return [
                AuditView(
                    e.at, e.username, e.action, e.entity, e.entity_id, e.summary, e.before, e.after
                )
                for e in s.scalars(query)
            ]
