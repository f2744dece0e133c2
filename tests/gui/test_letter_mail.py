"""The Email page of Administration: settings saved, the password kept out of the database
(for the session only where there is no password store), the connection tested for real."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hsp_desktop.gui.admin.mail import MailSettingsPage, SessionOnly
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from tests.services.letters_world import MailSink


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_set_up_email_and_test_the_connection(
    qtbot: QtBot,
    make_context,  # type: ignore[no-untyped-def]
    gui_services: Services,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = MailSettingsPage(make_context("admin"))
    qtbot.addWidget(page)
    page.show()
    assert page.from_address.text() == "office@brookfield.example.org"  # from the school
    page.host.clear()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "Server: is needed" in page.errors.text()
    assert page.host in page.errors.marked()

    asked: list[str] = []
    monkeypatch.setattr(
        SessionOnly, "ask", staticmethod(lambda _p, message: asked.append(message) or True)
    )
    with MailSink(password="pa55-word") as sink:
        qtbot.keyClicks(page.host, "127.0.0.1")
        page.port.setValue(sink.port)
        page.security.setCurrentIndex(page.security.findData("none"))
        qtbot.keyClicks(page.username, "office")
        qtbot.keyClicks(page.password, "pa55-word")
        with qtbot.waitSignal(page.saved):
            qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        assert asked and "no password store" in asked[0]
        assert "this session only" in page.password_state.text()
        assert page.password.text() == ""
        with qtbot.waitSignal(page.tested, timeout=20_000) as tested:
            qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        assert "signed in" in tested.args[0]
    settings = gui_services.mail.settings(SYSTEM)
    assert settings.host == "127.0.0.1" and settings.username == "office" and settings.configured
