"""GUI fixtures: the real services over a real SQLite file, a signed-in main window."""

from __future__ import annotations

import os

import pytest
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hsp_desktop.gui.application import make_main_window
from hsp_desktop.gui.common.context import AppContext, ChangeHub
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.settings import Settings
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import DEMO_PASSWORD
from hsp_desktop.store import Database


@pytest.fixture
def gui_services(sqlite_demo_db: Database) -> Services:
    return Services.build(sqlite_demo_db)


def sign_in(services: Services, username: str) -> Actor:
    return services.accounts.login(username, DEMO_PASSWORD)


@pytest.fixture
def make_context(gui_services: Services):  # type: ignore[no-untyped-def]
    def make(username: str = "admin") -> AppContext:
        return AppContext(gui_services, sign_in(gui_services, username), Settings(), ChangeHub())

    return make


@pytest.fixture
def main_window(qtbot: QtBot, gui_services: Services):  # type: ignore[no-untyped-def]
    def make(username: str = "admin") -> MainWindow:
        window = make_main_window(gui_services, sign_in(gui_services, username), Settings())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
