"""The sidebar areas and student-file sections this feature adds."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from hsp_desktop.gui.common.context import AppContext


def my_class_area(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.contacts.daily import AttendancePage, FollowUpsPage
    from hsp_desktop.gui.contacts.myclass import MyClassPage
    from hsp_desktop.gui.homebook.class_day import ClassDayPage

    tabs = MyClassTabs()
    tabs.addTab(MyClassPage(ctx), "&Termly contact")
    tabs.addTab(ClassDayPage(ctx), "&Home-school book")
    tabs.addTab(FollowUpsPage(ctx), "&Follow-ups")
    tabs.addTab(AttendancePage(ctx), "&Absence calls")
    return tabs


class MyClassTabs(QTabWidget):
    def may_close(self) -> bool:
        for i in range(self.count()):
            check = getattr(self.widget(i), "may_close", None)
            if check is not None and not check():
                return False
        return True


def school_area(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.contacts.school import SchoolContactPage

    return SchoolContactPage(ctx)


def term_dates_page(ctx: AppContext) -> QWidget:
    from hsp_desktop.gui.terms.page import TermDatesPage

    return TermDatesPage(ctx)


def contacts_tab(ctx: AppContext, student_id: int) -> QWidget:
    from hsp_desktop.gui.contacts.student_tab import StudentContactsTab

    return StudentContactsTab(ctx, student_id)


def homebook_tab(ctx: AppContext, student_id: int) -> QWidget:
    from hsp_desktop.gui.homebook.student_tab import StudentHomebookTab

    return StudentHomebookTab(ctx, student_id)
