"""Helpers for the letter tests: real PDFs read back with poppler, families built with the
real services, pictures of pages kept for the docs when asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.families import CarerInput, HouseholdInput, LinkInput
from tests.tools import need

DOCS_ENV = "HSP_DOCS_DIR"  # set to the repository's docs folder to refresh its pictures


def untranslated_language() -> tuple[str, str]:
    """A written language with no letter catalog (translators add catalogs all the time)."""
    from hsp_desktop.i18n import catalogs, languages

    found = {*catalogs.catalogs(), languages.ENGLISH.code}
    for lang in languages.all_languages():
        if lang.category == "language" and lang.is_written and lang.code not in found:
            return lang.code, lang.english_name
    pytest.skip("every language has a catalog")


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "letter.pdf") -> str:
    need("pdftotext")
    source = tmp_path / name
    source.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    need("pdfinfo")
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def script_letters(text: str, script: str) -> int:
    """How many letters of a script ("ARABIC", "BENGALI", "LATIN") the text holds."""
    return sum(1 for ch in text if unicodedata.name(ch, "").startswith(script + " "))


def page_picture(pdf: bytes, tmp_path: Path, name: str, page: int = 1) -> Path:
    """The page as a PNG at 80 dpi; copied into the docs folder when HSP_DOCS_DIR is set."""
    need("pdftoppm")
    source = tmp_path / f"{name}.pdf"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(pdf)
    stem = tmp_path / name
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", "80", *pages, "-png", "-singlefile", str(source), str(stem)], check=True
    )
    picture = stem.with_suffix(".png")
    keep_for_docs(picture, name + ".png")
    return picture


def keep_for_docs(picture: Path, name: str) -> None:
    docs = os.environ.get(DOCS_ENV)
    if docs:
        target = Path(docs) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, target)


def add_family_apart(
    services: Services,
    student_id: int,
    *,
    mother_language: str = "URD",
    father_language: str = "ENG",
    father_email: str = "",
    actor: Actor = SYSTEM,
) -> tuple[int, int]:
    """Replace the student's carers with parents who live apart: the mother at one address
    reading ``mother_language``, the father at another (emailed if ``father_email``)."""
    families = services.families
    for member in families.family(actor, student_id):
        families.unlink_carer(actor, member.link.id, member.link.version)
    mother = families.add_carer(
        actor,
        student_id,
        CarerInput(
            title="Mrs",
            first_name="Nasreen",
            last_name="Akhtar",
            written_language=mother_language,
            spoken_language=mother_language,
            preferred_contact="letter",
        ),
        LinkInput(relationship_to_student="mother", contact_order=1),
        new_household=HouseholdInput(
            address_line1="12 Linden Road", town="Sevenoaks", postcode="TN13 1AA"
        ),
    )
    father = families.add_carer(
        actor,
        student_id,
        CarerInput(
            title="Mr",
            first_name="Tariq",
            last_name="Akhtar",
            written_language=father_language,
            spoken_language=father_language,
            email=father_email,
            preferred_contact="email" if father_email else "letter",
        ),
        LinkInput(relationship_to_student="father", lives_with_student=False, contact_order=2),
        new_household=HouseholdInput(
            address_line1="3 Mill Street", town="Tonbridge", postcode="TN9 1BB"
        ),
    )
    return mother.carer.id, father.carer.id


def class_and_students(services: Services) -> tuple[int, str, list[int]]:
    """The first class with at least three students on roll: (id, name, student ids)."""
    rows = services.students.list_rows(SYSTEM)
    for option in services.students.classes(SYSTEM):
        ids = [r.id for r in rows if r.class_id == option.id and r.status.value == "on_roll"]
        if len(ids) >= 3:
            return option.id, option.label, ids
    raise AssertionError("the demo school has no class of three")


def change_carer(services: Services, carer_id: int, **changes: object) -> None:
    from dataclasses import replace

    view = services.families.carer(SYSTEM, carer_id)
    services.families.update_carer(
        SYSTEM, carer_id, view.version, replace(view.as_input(), **changes)
    )


def change_link(services: Services, student_id: int, carer_id: int, **changes: object) -> None:
    from dataclasses import replace

    member = next(m for m in services.families.family(SYSTEM, student_id) if m.carer.id == carer_id)
    services.families.update_link(
        SYSTEM, member.link.id, member.link.version, replace(member.link.as_input(), **changes)
    )


# -- mail servers on loopback ---------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailSink:
    """A real SMTP server (aiosmtpd) on loopback keeping what it receives."""

    def __init__(self, *, refuse: bool = False, password: str | None = None) -> None:
        import email.policy

        self.refuse = refuse
        self.password = password
        self.messages: list[object] = []
        self._policy = email.policy.default
        self.port = free_port()
        self.controller: object | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        import email

        self.messages.append(email.message_from_bytes(envelope.content, policy=self._policy))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> MailSink:
        from aiosmtpd.controller import Controller

        options: dict[str, object] = {}
        if self.password is not None:
            options = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        controller.start()
        self.controller = controller
        return self

    def __exit__(self, *exc: object) -> None:
        if self.controller is not None:
            self.controller.stop()  # type: ignore[attr-defined]


class SilentServer:
    """Accepts connections and never says a word: the client's time limit runs out."""

    def __enter__(self) -> SilentServer:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


class HangUpServer:
    """Speaks SMTP until the message starts, then closes the connection mid-send."""

    def __enter__(self) -> HangUpServer:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.hung_up = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        import socket

        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"220 hang-up test server\r\n")
                reader = conn.makefile("rb")
                for line in reader:
                    word = line.strip().upper()
                    if word.startswith((b"EHLO", b"HELO")):
                        conn.sendall(b"250 hang-up\r\n")
                    elif word.startswith(b"DATA"):
                        conn.sendall(b"354 go ahead\r\n")
                        reader.readline()  # the first line of the message, then gone
                        self.hung_up += 1
                        conn.shutdown(socket.SHUT_RDWR)
                        break
                    elif word.startswith(b"QUIT"):
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 OK\r\n")
                reader.close()

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        self._thread.join(timeout=5)


class MemoryKeyring:
    """A keyring backend in memory, standing in for the operating system's own store."""

    @staticmethod
    def install() -> object:
        import keyring
        from keyring.backend import KeyringBackend

        class _Backend(KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def __init__(self) -> None:
                super().__init__()
                self.store: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.store.pop((service, username), None)

        previous = keyring.get_keyring()
        backend = _Backend()
        keyring.set_keyring(backend)
        return previous, backend
