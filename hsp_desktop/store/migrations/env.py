"""Alembic environment: runs on the connection the program hands it."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from hsp_desktop.model import Base
from hsp_desktop.model.types import UtcDateTime


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not depend on the model's Python types, only on what is stored.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the program always passes a connection
    raise RuntimeError("hsp-desktop migrations run through hsp_desktop.store.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=_render_item,
    include_object=config.attributes.get("include_object"),
)
with context.begin_transaction():
    context.run_migrations()
