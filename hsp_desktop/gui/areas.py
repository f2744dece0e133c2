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


def _students(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.students.area import StudentsArea

    return StudentsArea(ctx)


def _administration(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.admin.accounts import AccountsPage
    from hsp_desktop.gui.admin.school import SchoolPage

    tabs = QTabWidget()
    tabs.addTab(SchoolPage(ctx), "School details")
    tabs.addTab(AccountsPage(ctx), "Accounts and roles")
    from hsp_desktop.gui.contacts.areas import term_dates_page

    tabs.addTab(term_dates_page(ctx), "Term dates")
    from hsp_desktop.gui.admin.mail import MailSettingsPage

    tabs.addTab(MailSettingsPage(ctx), "Email")
    return tabs


def _my_class(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.contacts.areas import my_class_area

    return my_class_area(ctx)


def _school_contact(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.contacts.areas import school_area

    return school_area(ctx)


def _import(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.imports.page import ImportPage

    return ImportPage(ctx)


def _letters(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.letters.area import LettersArea

    return LettersArea(ctx)


def _returns(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.returns.area import ReturnsArea

    return ReturnsArea(ctx)


def _meetings(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.meetings.area import meetings_area

    return meetings_area(ctx)


def _family_support(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.casework.area import family_support_area

    return family_support_area(ctx)


def _events(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.events.area import events_area

    return events_area(ctx)


def all_areas() -> list[Area]:
    return [
        Area("home", "Home", _home),
        Area("students", "Students", _students),
        Area(
            "my_class",
            "My class",
            _my_class,
            lambda actor: actor.can(Permission.LOG_CONTACTS),
        ),
        Area(
            "school_contact",
            "Termly contact",
            _school_contact,
            lambda actor: actor.can(Permission.VIEW_ALL_CLASSES),
        ),
        Area(
            "meetings",
            "Meetings",
            _meetings,
            lambda actor: actor.can(Permission.MANAGE_MEETINGS),
        ),
        Area(
            "family_support",
            "Family support",
            _family_support,
            lambda actor: actor.can(Permission.MANAGE_VISITS),
        ),
        Area("events", "Events", _events, lambda actor: actor.can(Permission.MANAGE_MEETINGS)),
        Area("import", "Import", _import, lambda actor: actor.can(Permission.IMPORT_DATA)),
        Area(
            "letters",
            "Letters",
            _letters,
            lambda actor: (
                actor.can(Permission.SEND_LETTERS) or actor.can(Permission.REVIEW_TRANSLATIONS)
            ),
        ),
        Area(
            "returns",
            "Returns",
            _returns,
            lambda actor: (
                actor.can(Permission.SEND_LETTERS) or actor.can(Permission.RESOLVE_SLIP_CONFLICTS)
            ),
        ),
        Area(
            "admin",
            "Administration",
            _administration,
            lambda actor: actor.can(Permission.MANAGE_ACCOUNTS),
        ),
    ]
