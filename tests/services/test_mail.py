"""Email: settings, the password kept out of the database, and letters sent to real SMTP
servers on loopback — one that delivers, one that refuses, one that never answers, one that
hangs up mid-send. No letter is lost: what cannot be emailed goes on the print pile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hsp_desktop import errors
from hsp_desktop.model.letters import MailSecurity
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.letter_runs import ProducedRun, Selection
from hsp_desktop.services.mail import MailService, PasswordStoreUnavailable, keyring_usable
from tests.services.letters_world import (
    HangUpServer,
    MailSink,
    MemoryKeyring,
    SilentServer,
    add_family_apart,
    class_and_students,
    pdf_text,
)
from tests.services.test_letter_runs import TRIP

FATHER = "tariq.akhtar@example.org"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[object]:
    import keyring

    previous, backend = MemoryKeyring.install()  # type: ignore[misc]
    yield backend
    keyring.set_keyring(previous)


def use_server(services: Services, port: int, *, username: str = "", timeout: int = 5) -> None:
    current = services.mail.settings(SYSTEM)
    services.mail.save_settings(
        SYSTEM,
        current.version,
        host="127.0.0.1",
        port=port,
        security=MailSecurity.NONE,
        username=username,
        from_address="office@brookfield.example.org",
        from_name="Brookfield Special School",
        timeout_seconds=timeout,
    )


def send_trip(services: Services) -> tuple[int, ProducedRun]:
    _, _, students = class_and_students(services)
    student = students[0]
    add_family_apart(services, student, father_email=FATHER)
    plan = services.letter_runs.plan(SYSTEM, "trip_permission", Selection.student(student), TRIP)
    assert [c.channel.value for c in plan.copies] == ["print", "email"]
    produced = services.letter_runs.produce(SYSTEM, plan, services.mail.mailer(SYSTEM))
    return student, produced


def test_settings_are_checked_versioned_and_audited(demo_services: Services) -> None:
    mail = demo_services.mail
    blank = mail.settings(SYSTEM)
    assert blank.version == 0 and not blank.configured
    with pytest.raises(errors.ValidationError, match="Port"):
        mail.save_settings(
            SYSTEM,
            0,
            host="smtp.example.org",
            port="lots",
            security="starttls",
            from_address="office@example.org",
        )
    with pytest.raises(errors.ValidationError, match="Server"):
        mail.save_settings(
            SYSTEM, 0, host="", port=587, security="starttls", from_address="office@example.org"
        )
    with pytest.raises(errors.ValidationError, match="Sender address"):
        mail.save_settings(
            SYSTEM,
            0,
            host="smtp.example.org",
            port=587,
            security="ssl",
            from_address="not an address",
        )
    saved = mail.save_settings(
        SYSTEM,
        0,
        host="smtp.example.org",
        port="465",
        security="ssl",
        username="office",
        from_address="office@example.org",
    )
    assert saved.configured and saved.port == 465 and saved.version == 1
    with pytest.raises(errors.ConflictError):
        mail.save_settings(
            SYSTEM, 0, host="other", port=25, security="none", from_address="office@example.org"
        )
    office = demo_services.accounts.login("office", "hsp-demo")
    with pytest.raises(errors.PermissionDenied):
        mail.save_settings(
            office,
            saved.version,
            host="x",
            port=25,
            security="none",
            from_address="office@example.org",
        )
    assert demo_services.audit.recent(SYSTEM, entity="mail_settings")


def test_without_a_keyring_the_password_is_kept_for_the_session_only(
    demo_services: Services, no_keyring: None
) -> None:
    assert not keyring_usable()
    mail = demo_services.mail
    use_server(demo_services, 2525, username="office")
    assert mail.password_state(SYSTEM) == "none"
    with pytest.raises(errors.KnownError, match="password is not stored"):
        mail.mailer(SYSTEM)
    with pytest.raises(PasswordStoreUnavailable, match="no password store"):
        mail.set_password(SYSTEM, "s3cret-Pa55")
    assert mail.set_password(SYSTEM, "s3cret-Pa55", session_only=True) == "session"
    assert mail.password_state(SYSTEM) == "session"
    assert mail.mailer(SYSTEM) is not None
    # Another PC (another service object) has no password: nothing went to the database.
    assert MailService(mail.db).password_state(SYSTEM) == "none"
    with mail.db.engine.connect() as conn:
        dump = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM mail_settings")) for v in row
        )
        audit = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM audit_entry")) for v in row
        )
    assert "s3cret-Pa55" not in dump and "s3cret-Pa55" not in audit


def test_with_a_keyring_the_password_is_stored_there(
    demo_services: Services, memory_keyring: object
) -> None:
    mail = demo_services.mail
    use_server(demo_services, 2525, username="office")
    assert mail.set_password(SYSTEM, "s3cret-Pa55") == "stored"
    assert MailService(mail.db).password_state(SYSTEM) == "stored"  # any service on this PC
    assert "s3cret-Pa55" in memory_keyring.store.values()  # type: ignore[attr-defined]


def test_the_household_that_prefers_email_gets_the_letter_attached(
    demo_services: Services, tmp_path: Path
) -> None:
    with MailSink() as sink:
        use_server(demo_services, sink.port)
        student, produced = send_trip(demo_services)
    assert [e.sent for e in produced.emails] == [True]
    [message] = sink.messages
    assert message["To"] == FATHER  # type: ignore[index]
    assert message["From"] == "Brookfield Special School <office@brookfield.example.org>"  # type: ignore[index]
    assert "Trip or visit: permission letter" in message["Subject"]  # type: ignore[index]
    body = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert body.startswith("Dear Mr Akhtar,")
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert "Dover Castle" in pdf_text(pdf, tmp_path)
    # The emailed copy is on record at once; the printed one only once printed.
    issued = demo_services.letter_runs.issued_for_student(SYSTEM, student)
    assert [(i.channel.value, i.email_to) for i in issued] == [("email", FATHER)]
    assert [c.language for c in produced.print_copies] == ["URD"]
    demo_services.letter_runs.record_printed(SYSTEM, produced)
    channels = sorted(
        i.channel.value for i in demo_services.letter_runs.issued_for_student(SYSTEM, student)
    )
    assert channels == ["email", "print"]


def check_fell_back(services: Services, student: int, produced: ProducedRun, words: str) -> None:
    [outcome] = produced.emails
    assert not outcome.sent and words in outcome.problem
    assert len(produced.print_copies) == 2  # the email copy is on the print pile
    fallen = next(c for c in produced.print_copies if c.carers[0].name == "Mr Tariq Akhtar")
    assert any(w.startswith("Email not sent:") for w in fallen.why)
    assert services.letter_runs.issued_for_student(SYSTEM, student) == []
    services.letter_runs.record_printed(SYSTEM, produced)
    issued = services.letter_runs.issued_for_student(SYSTEM, student)
    assert sorted(i.channel.value for i in issued) == ["print", "print"]


def test_a_refusing_server_loses_no_letter(demo_services: Services) -> None:
    with MailSink(refuse=True) as sink:
        use_server(demo_services, sink.port)
        student, produced = send_trip(demo_services)
    assert not sink.messages
    check_fell_back(demo_services, student, produced, "refused the address")


def test_a_server_that_never_answers_loses_no_letter(demo_services: Services) -> None:
    with SilentServer() as server:
        use_server(demo_services, server.port, timeout=1)
        student, produced = send_trip(demo_services)
    check_fell_back(demo_services, student, produced, "did not answer within 1 seconds")


def test_a_server_that_hangs_up_mid_send_loses_no_letter(demo_services: Services) -> None:
    with HangUpServer() as server:
        use_server(demo_services, server.port)
        student, produced = send_trip(demo_services)
        assert server.hung_up == 1
    check_fell_back(demo_services, student, produced, "closed the connection")


def test_no_server_at_all_loses_no_letter(demo_services: Services) -> None:
    from tests.services.letters_world import free_port

    use_server(demo_services, free_port())
    student, produced = send_trip(demo_services)
    check_fell_back(demo_services, student, produced, "refused the connection")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_signing_in_to_the_server(demo_services: Services, no_keyring: None) -> None:
    with MailSink(password="right-one") as sink:
        use_server(demo_services, sink.port, username="office")
        demo_services.mail.set_password(SYSTEM, "wrong-one", session_only=True)
        student, produced = send_trip(demo_services)
        assert "user name or password" in produced.emails[0].problem
        assert not sink.messages
        demo_services.mail.set_password(SYSTEM, "right-one", session_only=True)
        assert "signed in" in demo_services.mail.test_connection(SYSTEM)
        plan = demo_services.letter_runs.plan(
            SYSTEM, "trip_permission", Selection.student(student), TRIP
        )
        again = demo_services.letter_runs.produce(SYSTEM, plan, demo_services.mail.mailer(SYSTEM))
        assert [e.sent for e in again.emails] == [True] and len(sink.messages) == 1


def test_after_the_server_fails_twice_the_rest_are_printed(demo_services: Services) -> None:
    from tests.services.letters_world import free_port

    _, _, students = class_and_students(demo_services)
    for n, student in enumerate(students[:3]):
        add_family_apart(demo_services, student, father_email=f"dad{n}@example.org")
    use_server(demo_services, free_port())
    plan = demo_services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.students(students[:3]), TRIP
    )
    assert len(plan.email_copies) == 3
    produced = demo_services.letter_runs.produce(SYSTEM, plan, demo_services.mail.mailer(SYSTEM))
    problems = [e.problem for e in produced.emails]
    assert "refused the connection" in problems[0] and "refused the connection" in problems[1]
    assert "could not be reached, so the rest were printed" in problems[2]
    assert len(produced.print_copies) == len(plan.copies)
