"""The areas of the sidebar. A feature adds its area here; roles decide who sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QTabWidget, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.services.actor import Actor, Permission


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    make: Callable[[AppContext], QWidget]
    visible: Callable[[Actor], bool] = lambda actor: True


def _home(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.home.page import HomePage

    return HomePage(ctx)


def _administration(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.admin.accounts import AccountsPage
    from hsp_desktop.gui.admin.school import SchoolPage

    tabs = QTabWidget()
    tabs.addTab(SchoolPage(ctx), "School details")
    tabs.addTab(AccountsPage(ctx), "Accounts and roles")
    return tabs


def all_areas() -> list[Area]:
    return [
        Area("home", "Home", _home),
        Area(
            "admin",
            "Administration",
            _administration,
            lambda actor: actor.can(Permission.MANAGE_ACCOUNTS),
        ),
    ]
