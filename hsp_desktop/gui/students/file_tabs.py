"""The sections of the student file. A feature adds its section here.

Each tab is made for one student id; the student file calls ``make`` lazily when the tab is
first shown and ``refresh`` on the tab widget (if it has one) after the student changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.services.actor import Actor


@dataclass(frozen=True)
class StudentTab:
    key: str
    title: str
    make: Callable[[AppContext, int], QWidget]  # (context, student id) -> widget
    visible: Callable[[Actor], bool] = lambda actor: True


def student_tabs() -> list[StudentTab]:
    """Sections after the built-in details and family, in the order they appear."""
    from hsp_desktop.gui.contacts.areas import contacts_tab, homebook_tab
    from hsp_desktop.gui.letters.student_tab import StudentLettersTab
    from hsp_desktop.gui.meetings.student_tab import meetings_tab

    tabs = [
        StudentTab("contacts", "Contacts", contacts_tab),
        StudentTab("homebook", "Home-school book", homebook_tab),
        StudentTab("meetings", "Meetings", meetings_tab),
        StudentTab("letters", "Letters", StudentLettersTab),
    ]
    return tabs
