"""Email through the school's own SMTP server.

The server's settings (host, port, STARTTLS or SSL, user name, sender) are kept in the
database so every PC sends the same way. The password never is: it goes into the operating
system's keyring (Windows Credential Manager, macOS Keychain, the Secret Service on Linux)
through ``keyring``. On a PC without a keyring the password can be given for the session
only; it is then held in memory until the program closes.

:class:`SmtpMailer` sends messages over one connection, reconnecting after a failure; each
failure is reported as a :class:`MailError` naming what went wrong, so a letter that could
not be emailed goes on the print pile instead of being lost.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol

from sqlalchemy import select

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.model import MailSettings, rules
from hsp_desktop.model.letters import MailSecurity
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version
from hsp_desktop.store import Database

KEYRING_SERVICE = "hsp-desktop smtp"


class MailError(KnownError):
    """An email could not be sent; ``retry_later`` when the server itself is unreachable."""

    title = "Email not sent"

    def __init__(self, message: str, *, server_down: bool = False) -> None:
        super().__init__(message)
        self.server_down = server_down


class PasswordStoreUnavailable(KnownError):
    title = "No password store"


@dataclass(frozen=True, slots=True)
class MailSettingsView:
    host: str
    port: int
    security: MailSecurity
    username: str
    from_address: str
    from_name: str
    timeout_seconds: int
    enabled: bool
    version: int  # 0 when nothing was saved yet

    @property
    def configured(self) -> bool:
        return bool(self.enabled and self.host and self.from_address)

    @property
    def account(self) -> str:
        """The keyring entry's name: one password per user and server."""
        return f"{self.username}@{self.host}:{self.port}"


_DEFAULTS = MailSettingsView("", 587, MailSecurity.STARTTLS, "", "", "", 30, False, 0)


def _view(row: MailSettings | None) -> MailSettingsView:
    if row is None:
        return _DEFAULTS
    return MailSettingsView(
        row.host,
        row.port,
        row.security,
        row.username,
        row.from_address,
        row.from_name,
        row.timeout_seconds,
        row.enabled,
        row.version,
    )


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


# -- the keyring --------------------------------------------------------------------------------


def keyring_usable() -> bool:
    """True when the operating system offers a keyring this program can store a password in."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    try:
        from keyring.backends import chainer

        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return False
    except ImportError:
        pass
    return True


NO_KEYRING = (
    "This computer has no password store (keyring) the program can use, so the email password "
    "cannot be saved. It is kept only until the program closes, and never written to the "
    "database."
)


class MailService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._session_passwords: dict[str, str] = {}

    # -- settings ----------------------------------------------------------------------------
    def settings(self, actor: Actor) -> MailSettingsView:
        actor.require(Permission.SEND_LETTERS)
        with self.db.read() as s:
            return _view(s.scalar(select(MailSettings)))

    def save_settings(
        self,
        actor: Actor,
        read_version: int,
        *,
        host: str,
        port: int | str,
        security: MailSecurity | str,
        username: str = "",
        from_address: str,
        from_name: str = "",
        timeout_seconds: int | str = 30,
        enabled: bool = True,
    ) -> MailSettingsView:
        actor.require(Permission.MANAGE_SCHOOL)
        values = {
            "host": rules.optional_text("Server", host, 200),
            "port": _number("Port", port, 1, 65535),
            "security": MailSecurity(security),
            "username": rules.optional_text("User name", username, 200),
            "from_address": rules.email("Sender address", from_address),
            "from_name": rules.optional_text("Sender name", from_name, 200),
            "timeout_seconds": _number("Time limit", timeout_seconds, 1, 600),
            "enabled": bool(enabled),
        }
        if values["enabled"] and not values["host"]:
            raise ValidationError("Server", "is needed to send email")
        if values["enabled"] and not values["from_address"]:
            raise ValidationError("Sender address", "is needed to send email")
        with self.db.transaction() as s:
            row = s.scalar(select(MailSettings))
            if row is None:
                if read_version != 0:
                    raise ValidationError("Email settings", "were removed; reload them")
                row = MailSettings(**values)
                s.add(row)
                s.flush()
                audit.record(
                    s,
                    actor,
                    "create",
                    "mail_settings",
                    row.id,
                    "Email server",
                    after=values_of(row),
                )
                return _view(row)
            check_version(row, read_version, "email settings")
            before = values_of(row)
            for key, value in values.items():
                setattr(row, key, value)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "mail_settings",
                row.id,
                "Email server",
                before=before,
                after=values_of(row),
            )
            return _view(row)

    # -- the password ------------------------------------------------------------------------
    def password_state(self, actor: Actor) -> str:
        """ "stored" (in the keyring), "session", "none" or "not needed"."""
        view = self.settings(actor)
        if not view.username:
            return "not needed"
        if view.account in self._session_passwords:
            return "session"
        if keyring_usable():
            import keyring

            try:
                if keyring.get_password(KEYRING_SERVICE, view.account):
                    return "stored"
            except Exception:  # a locked or broken keyring: treat as nothing stored
                return "none"
        return "none"

    def set_password(self, actor: Actor, password: str, *, session_only: bool = False) -> str:
        """Keep the password in the keyring (or in memory for this session). Returns the state.

        Raises :class:`PasswordStoreUnavailable` when asked to store it and there is no keyring.
        """
        actor.require(Permission.MANAGE_SCHOOL)
        view = self.settings(actor)
        if not view.username:
            raise ValidationError("User name", "is needed before a password")
        if not password:
            raise ValidationError("Password", "must not be empty")
        if session_only:
            self._session_passwords[view.account] = password
            return "session"
        if not keyring_usable():
            raise PasswordStoreUnavailable(NO_KEYRING)
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, view.account, password)
        except Exception as exc:
            raise PasswordStoreUnavailable(f"The password store refused it: {exc}") from exc
        self._session_passwords.pop(view.account, None)
        with self.db.transaction() as s:
            audit.record(s, actor, "update", "mail_settings", None, "Email password stored")
        return "stored"

    def _password(self, view: MailSettingsView) -> str | None:
        if view.account in self._session_passwords:
            return self._session_passwords[view.account]
        if keyring_usable():
            import keyring

            try:
                return keyring.get_password(KEYRING_SERVICE, view.account)
            except Exception:
                return None
        return None

    # -- sending -----------------------------------------------------------------------------
    def mailer(self, actor: Actor) -> SmtpMailer:
        """A mailer for the school's server; raises when email is not set up."""
        view = self.settings(actor)
        if not view.configured:
            raise KnownError(
                "Email is not set up. An administrator can set it up under Administration, Email."
            )
        password = self._password(view) if view.username else None
        if view.username and not password:
            raise KnownError(
                "The email password is not stored on this computer. An administrator can enter "
                "it under Administration, Email."
            )
        return SmtpMailer(view, password)

    def usable(self, actor: Actor) -> tuple[bool, str]:
        """Whether letters can be emailed now from this PC, and if not why."""
        try:
            self.mailer(actor).close()
        except KnownError as exc:
            return False, exc.message
        return True, ""

    def test_connection(self, actor: Actor) -> str:
        mailer = self.mailer(actor)
        try:
            mailer.connect()
        finally:
            mailer.close()
        view = mailer.settings
        return f"Connected to {view.host}:{view.port} and signed in."


def values_of(row: MailSettings) -> dict[str, object]:
    return {
        "host": row.host,
        "port": row.port,
        "security": row.security.value,
        "username": row.username,
        "from_address": row.from_address,
        "from_name": row.from_name,
        "timeout_seconds": row.timeout_seconds,
        "enabled": row.enabled,
    }


def _number(field: str, value: int | str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ValidationError(field, f"must be between {low} and {high}")
    return number


class SmtpMailer:
    """Sends over one SMTP connection; after a failure the next message reconnects."""

    def __init__(self, settings: MailSettingsView, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def sender(self) -> str:
        return formataddr((self.settings.from_name, self.settings.from_address))

    def connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        view = self.settings
        timeout = view.timeout_seconds
        try:
            smtp: smtplib.SMTP
            if view.security is MailSecurity.SSL:
                smtp = smtplib.SMTP_SSL(
                    view.host, view.port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(view.host, view.port, timeout=timeout)
                if view.security is MailSecurity.STARTTLS:
                    smtp.starttls(context=ssl.create_default_context())
            if view.username:
                smtp.login(view.username, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"The email server refused the user name or password ({_reply(exc)}).",
                server_down=True,
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(_explain(exc, view), server_down=True) from exc
        self._smtp = smtp
        return smtp

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.sender()
        if "Message-ID" not in message:
            message["Message-ID"] = make_msgid(domain=self.settings.from_address.split("@")[-1])
        smtp = self.connect()
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(
                "The server refused the address: "
                + "; ".join(f"{who} ({_code_text(r)})" for who, r in exc.recipients.items())
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise MailError(f"The server refused the email ({_reply(exc)}).") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise MailError(_explain(exc, self.settings), server_down=True) from exc
        if refused:
            raise MailError(
                "The server refused some addresses: "
                + "; ".join(f"{who} ({_code_text(r)})" for who, r in refused.items())
            )

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                smtp.close()


def _code_text(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {text.decode('utf-8', 'replace')}".strip()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()


def _explain(exc: BaseException, view: MailSettingsView) -> str:
    where = f"{view.host}:{view.port}"
    timed_out = isinstance(exc.__context__, TimeoutError) or "timed out" in str(exc)
    if isinstance(exc, TimeoutError | socket.timeout) or timed_out:
        return f"The email server {where} did not answer within {view.timeout_seconds} seconds."
    if isinstance(exc, ConnectionRefusedError):
        return f"The email server {where} refused the connection."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"The email server {where} closed the connection before the email was sent."
    if isinstance(exc, ssl.SSLError):
        return f"A secure connection to {where} could not be made ({exc.reason})."
    if isinstance(exc, socket.gaierror):
        return f"The email server {view.host} could not be found."
    return f"The email server {where} could not be used ({exc})."
