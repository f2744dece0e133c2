"""Accounts, roles, sign-in and lockout; the first-run setup of a new database."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from hsp_desktop.errors import (
    AccountLockedError,
    AuthenticationError,
    KnownError,
    ValidationError,
)
from hsp_desktop.model import School, UserAccount, rules
from hsp_desktop.model.enums import Role
from hsp_desktop.services import audit
from hsp_desktop.services.actor import SYSTEM, Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.store import Database

log = logging.getLogger("hsp.services.accounts")

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 8

# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("Password", f"must be at least {MIN_PASSWORD} characters")
    if password.strip() != password or not password.strip():
        raise ValidationError("Password", "must not start or end with spaces")


def clean_username(value: str) -> str:
    name = rules.required_text("Username", value, 50).lower()
    if not all(ch.isalnum() or ch in "._-" for ch in name):
        raise ValidationError("Username", "may hold only letters, digits, dot, dash and underscore")
    return name


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    last_login_at: dt.datetime | None
    version: int


def _view(user: UserAccount, now: dt.datetime) -> AccountView:
    locked = bool(user.locked_until and user.locked_until > now)
    return AccountView(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.active,
        locked,
        user.last_login_at,
        user.version,
    )


class AccountService:
    def __init__(self, db: Database, clock: type[dt.datetime] = dt.datetime) -> None:
        self.db = db
        self._clock = clock

    def _now(self) -> dt.datetime:
        return self._clock.now(dt.UTC)

    # -- first run -------------------------------------------------------------------------
    def needs_setup(self) -> bool:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(UserAccount)) == 0

    def setup(self, school_name: str, username: str, display_name: str, password: str) -> Actor:
        """Create the school and its first administrator on an empty database."""
        school_name = rules.required_text("School name", school_name, 200)
        username = clean_username(username)
        display_name = rules.required_text("Your name", display_name)
        check_password_rules(password)
        with self.db.transaction() as s:
            if s.scalar(select(func.count()).select_from(UserAccount)):
                raise KnownError("This database is already set up; sign in instead.")
            school = s.scalar(select(School))
            if school is None:
                school = School(name=school_name)
                s.add(school)
            else:
                school.name = school_name
            user = UserAccount(
                username=username,
                display_name=display_name,
                role=Role.ADMIN,
                password_hash=hash_password(password),
            )
            s.add(user)
            s.flush()
            audit.record(s, SYSTEM, "setup", "school", school.id, f"School set up: {school_name}")
            audit.record(
                s, SYSTEM, "create", "user_account", user.id, f"First administrator {username}"
            )
            return _actor(user)

    # -- sign-in ---------------------------------------------------------------------------
    def login(self, username: str, password: str) -> Actor:
        name = (username or "").strip().lower()
        now = self._now()
        with self.db.transaction() as s:
            user = s.scalar(select(UserAccount).where(UserAccount.username == name))
            if user is None or not user.active:
                # Same message as a wrong password: do not reveal which usernames exist.
                _hasher_dummy_verify(password)
                raise AuthenticationError("Wrong username or password.")
            if user.locked_until and user.locked_until > now:
                minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
                raise AccountLockedError(
                    f"This account is locked after {MAX_FAILURES} wrong passwords. "
                    f"Try again in {minutes} minute(s) or ask an administrator to unlock it."
                )
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                user.failed_attempts += 1
                if user.failed_attempts >= MAX_FAILURES:
                    user.locked_until = now + LOCKOUT
                    user.failed_attempts = 0
                    audit.record(
                        s,
                        _actor(user),
                        "lockout",
                        "user_account",
                        user.id,
                        "Locked after repeated wrong passwords",
                    )
                    log.warning("account %s locked after %d failures", name, MAX_FAILURES)
                    s.commit()
                    raise AccountLockedError(
                        f"Too many wrong passwords: the account is locked for "
                        f"{int(LOCKOUT.total_seconds() // 60)} minutes."
                    ) from None
                left = MAX_FAILURES - user.failed_attempts
                s.commit()
                raise AuthenticationError(
                    f"Wrong username or password. {left} more attempt(s) before the account "
                    "is locked."
                ) from None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now
            actor = _actor(user)
            audit.record(s, actor, "login", "user_account", user.id, "Signed in")
            return actor

    # -- administration --------------------------------------------------------------------
    def list_accounts(self, actor: Actor) -> list[AccountView]:
        actor.require(Permission.MANAGE_ACCOUNTS)
        now = self._now()
        with self.db.read() as s:
            users = s.scalars(select(UserAccount).order_by(UserAccount.username))
            return [_view(u, now) for u in users]

    def create_account(
        self,
        actor: Actor,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        staff_member_id: int | None = None,
    ) -> AccountView:
        actor.require(Permission.MANAGE_ACCOUNTS)
        username = clean_username(username)
        display_name = rules.required_text("Name", display_name)
        check_password_rules(password)
        with self.db.transaction() as s:
            if s.scalar(select(UserAccount.id).where(UserAccount.username == username)):
                raise ValidationError("Username", f"{username!r} is already taken")
            user = UserAccount(
                username=username,
                display_name=display_name,
                role=Role(role),
                password_hash=hash_password(password),
                staff_member_id=staff_member_id,
            )
            s.add(user)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "user_account",
                user.id,
                f"Account {username} ({Role(role).label})",
                after=audit.snapshot(user),
            )
            return _view(user, self._now())

    def update_account(
        self,
        actor: Actor,
        account_id: int,
        read_version: int,
        *,
        display_name: str,
        role: Role,
        active: bool,
    ) -> AccountView:
        actor.require(Permission.MANAGE_ACCOUNTS)
        display_name = rules.required_text("Name", display_name)
        with self.db.transaction() as s:
            user = get_or_fail(s, UserAccount, account_id, "account")
            check_version(user, read_version, "account")
            if user.id == actor.user_id and (role is not Role.ADMIN or not active):
                raise KnownError("You cannot remove your own administrator rights.")
            before = audit.snapshot(user)
            user.display_name, user.role, user.active = display_name, Role(role), active
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "user_account",
                user.id,
                f"Account {user.username}",
                before=before,
                after=audit.snapshot(user),
            )
            return _view(user, self._now())

    def set_password(self, actor: Actor, account_id: int, password: str) -> None:
        if actor.user_id != account_id:
            actor.require(Permission.MANAGE_ACCOUNTS)
        check_password_rules(password)
        with self.db.transaction() as s:
            user = get_or_fail(s, UserAccount, account_id, "account")
            user.password_hash = hash_password(password)
            audit.record(
                s,
                actor,
                "password",
                "user_account",
                user.id,
                f"Password changed for {user.username}",
            )

    def unlock(self, actor: Actor, account_id: int) -> None:
        actor.require(Permission.MANAGE_ACCOUNTS)
        with self.db.transaction() as s:
            user = get_or_fail(s, UserAccount, account_id, "account")
            user.locked_until = None
            user.failed_attempts = 0
            audit.record(s, actor, "unlock", "user_account", user.id, f"Unlocked {user.username}")


def _actor(user: UserAccount) -> Actor:
    return Actor(user.id, user.username, user.display_name, user.role, user.staff_member_id)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real password")


def _hasher_dummy_verify(password: str) -> None:
    """Spend the same time as a real check so timing does not reveal unknown usernames."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_dummy_hash(), password)
