"""The one domain exception hierarchy.

Two kinds, as the GUI treats them differently:

* ``KnownError`` – something the user or the environment can fix: bad input, a record changed
  on another PC, a locked or damaged database, a missing permission. Shown as a plain message.
* anything else is a bug: the crash hook logs the traceback and shows it.
"""

from __future__ import annotations

from typing import Any


class HspError(Exception):
    """Base of every error the program raises on purpose."""


class KnownError(HspError):
    """An error with a message meant for the user."""

    title = "Cannot do that"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(KnownError):
    """Bad input. ``field`` names the field (or row) at fault."""

    title = "Please check the form"

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


class ValidationErrors(KnownError):
    """Several fields wrong at once; the form can mark each."""

    title = "Please check the form"

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("\n".join(e.message for e in errors))
        self.errors = errors


class NotFoundError(KnownError):
    title = "Not found"


class PermissionDenied(KnownError):
    title = "Not allowed"


class AuthenticationError(KnownError):
    title = "Sign-in failed"


class AccountLockedError(AuthenticationError):
    title = "Account locked"


class ConflictError(KnownError):
    """Someone else saved the record after this user read it.

    ``mine`` and ``theirs`` are plain dictionaries of field values so the GUI can show both
    versions and let the user choose.
    """

    title = "Changed on another computer"

    def __init__(
        self,
        entity: str,
        entity_id: int,
        read_version: int,
        current_version: int,
        theirs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            f"This {entity} was changed by someone else after you opened it "
            f"(you read version {read_version}, it is now at version {current_version})."
        )
        self.entity = entity
        self.entity_id = entity_id
        self.read_version = read_version
        self.current_version = current_version
        self.theirs = theirs or {}


class Cancelled(HspError):
    """A long operation was cancelled by the user; nothing was changed."""


class StoreError(KnownError):
    """The database could not be used. Nothing was changed."""

    title = "Database problem"


class DatabaseUnavailable(StoreError):
    pass


class DatabaseLocked(StoreError):
    pass


class NotADatabase(StoreError):
    pass


class NewerDatabase(StoreError):
    """The database was written by a newer version of the program."""


class ForeignDatabase(StoreError):
    """A real database, but not one of ours."""


class FolderError(KnownError):
    """A folder the program needs (data, logs, backups) cannot be created or written."""

    title = "Folder problem"
