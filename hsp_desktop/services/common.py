"""Helpers every service uses: loading by id, optimistic locking, applying changes."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from hsp_desktop.errors import ConflictError, NotFoundError
from hsp_desktop.services.audit import snapshot

T = TypeVar("T")


def get_or_fail(session: Session, cls: type[T], entity_id: int, label: str) -> T:
    obj = session.get(cls, entity_id)
    if obj is None:
        raise NotFoundError(f"The {label} (id {entity_id}) no longer exists.")
    return obj


def check_version(obj: Any, read_version: int, label: str) -> None:
    """Refuse to apply an edit made to an older copy of the record."""
    if obj.version != read_version:
        raise ConflictError(label, obj.id, read_version, obj.version, theirs=snapshot(obj))


def apply_changes(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True if anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed
