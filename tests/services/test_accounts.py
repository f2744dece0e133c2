"""Accounts: first-run setup, sign-in, lockout, roles, audit, optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hsp_desktop import errors
from hsp_desktop.model import AuditEntry, UserAccount
from hsp_desktop.model.enums import Role
from hsp_desktop.services.accounts import LOCKOUT, MAX_FAILURES, AccountService
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.container import Services
from hsp_desktop.store import Database

PASSWORD = "correct horse"


def _setup(services: Services) -> Actor:
    return services.accounts.setup("Oakfield School", "Admin", "Ada Admin", PASSWORD)


def test_setup_creates_school_and_administrator(services: Services, db: Database) -> None:
    assert services.accounts.needs_setup()
    admin = _setup(services)
    assert admin.role is Role.ADMIN and admin.username == "admin"
    assert not services.accounts.needs_setup()
    assert services.school.get().name == "Oakfield School"
    with db.read() as s:
        stored = s.scalar(select(UserAccount.password_hash))
        assert stored is not None and stored.startswith("$argon2id$")
        assert PASSWORD not in stored
    with pytest.raises(errors.KnownError, match="already set up"):
        _setup(services)


@pytest.mark.parametrize(
    ("school", "user", "name", "password", "field"),
    [
        ("  ", "admin", "Ada", PASSWORD, "School name"),
        ("Oak", " ", "Ada", PASSWORD, "Username"),
        ("Oak", "ad min", "Ada", PASSWORD, "Username"),
        ("Oak", "admin", "", PASSWORD, "Your name"),
        ("Oak", "admin", "Ada", "short", "Password"),
    ],
)
def test_setup_refuses_bad_input_naming_the_field(
    services: Services, school: str, user: str, name: str, password: str, field: str
) -> None:
    with pytest.raises(errors.ValidationError) as info:
        services.accounts.setup(school, user, name, password)
    assert info.value.field == field
    assert services.accounts.needs_setup()


def test_login_right_and_wrong(services: Services) -> None:
    _setup(services)
    actor = services.accounts.login(" ADMIN ", PASSWORD)
    assert actor.role is Role.ADMIN
    with pytest.raises(errors.AuthenticationError, match="Wrong username or password"):
        services.accounts.login("admin", "wrong password")
    with pytest.raises(errors.AuthenticationError, match="Wrong username or password"):
        services.accounts.login("nobody", PASSWORD)


class _Clock:
    """A settable clock for lockout expiry."""

    now_value = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
        return cls.now_value


def test_lockout_after_repeated_failures_and_expiry(db: Database) -> None:
    accounts = AccountService(db, clock=_Clock)  # type: ignore[arg-type]
    accounts.setup("Oak", "admin", "Ada", PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(errors.AuthenticationError) as info:
            accounts.login("admin", "nope nope")
        assert not isinstance(info.value, errors.AccountLockedError)
    with pytest.raises(errors.AccountLockedError):
        accounts.login("admin", "nope nope")
    # Even the right password is refused while locked.
    with pytest.raises(errors.AccountLockedError, match="locked"):
        accounts.login("admin", PASSWORD)
    _Clock.now_value += LOCKOUT + dt.timedelta(seconds=1)
    assert accounts.login("admin", PASSWORD).username == "admin"
    with db.read() as s:
        actions = s.scalars(select(AuditEntry.action)).all()
    assert "lockout" in actions


def test_administrator_unlocks(services: Services) -> None:
    admin = _setup(services)
    services.accounts.create_account(admin, "office", "Olive Office", Role.OFFICE, PASSWORD)
    for _ in range(MAX_FAILURES):
        with pytest.raises(errors.AuthenticationError):
            services.accounts.login("office", "bad password")
    office_view = next(a for a in services.accounts.list_accounts(admin) if a.username == "office")
    assert office_view.locked
    services.accounts.unlock(admin, office_view.id)
    assert services.accounts.login("office", PASSWORD).role is Role.OFFICE


def test_roles_are_checked_by_the_service(services: Services) -> None:
    admin = _setup(services)
    services.accounts.create_account(admin, "teach", "Tess Teacher", Role.TEACHER, PASSWORD)
    teacher = services.accounts.login("teach", PASSWORD)
    assert not teacher.can(Permission.MANAGE_ACCOUNTS)
    with pytest.raises(errors.PermissionDenied):
        services.accounts.list_accounts(teacher)
    with pytest.raises(errors.PermissionDenied):
        services.accounts.create_account(teacher, "x", "X", Role.ADMIN, PASSWORD)
    # A user may change their own password.
    services.accounts.set_password(teacher, teacher.user_id or 0, "another password")
    assert services.accounts.login("teach", "another password")


def test_every_write_is_audited_in_its_transaction(services: Services, db: Database) -> None:
    admin = _setup(services)
    view = services.accounts.create_account(
        admin, "fsw", "Fay Support", Role.FAMILY_SUPPORT, PASSWORD
    )
    services.accounts.update_account(
        admin, view.id, view.version, display_name="Fay S.", role=Role.FAMILY_SUPPORT, active=True
    )
    with db.read() as s:
        entries = s.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_id == view.id, AuditEntry.entity == "user_account"
            )
        ).all()
        update = next(e for e in entries if e.action == "update")
        assert update.before == {"display_name": "Fay Support"}
        assert update.after == {"display_name": "Fay S."}
        assert update.username == "admin"
        assert any(e.action == "create" for e in entries)


def test_stale_update_raises_conflict(services: Services) -> None:
    admin = _setup(services)
    view = services.accounts.create_account(admin, "ro", "Reed Only", Role.READ_ONLY, PASSWORD)
    services.accounts.update_account(
        admin, view.id, view.version, display_name="Reed O.", role=Role.READ_ONLY, active=True
    )
    with pytest.raises(errors.ConflictError) as info:
        services.accounts.update_account(
            admin, view.id, view.version, display_name="Other", role=Role.READ_ONLY, active=True
        )
    assert info.value.theirs["display_name"] == "Reed O."
    assert info.value.current_version == view.version + 1


def test_administrator_cannot_lock_themself_out(services: Services) -> None:
    admin = _setup(services)
    me = services.accounts.list_accounts(admin)[0]
    with pytest.raises(errors.KnownError, match="your own administrator"):
        services.accounts.update_account(
            admin, me.id, me.version, display_name="Ada", role=Role.OFFICE, active=True
        )


def test_audit_snapshots_keep_times_of_day() -> None:
    import datetime as dt_

    from hsp_desktop.services.audit import _plain

    assert _plain(dt_.time(9, 30)) == "09:30:00"
    assert _plain(dt_.date(2026, 2, 28)) == "2026-02-28"
