"""The columns the students list can show; the user picks which, and the choice is kept."""

from __future__ import annotations

import datetime as dt
from functools import cache

from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.i18n import languages
from hsp_desktop.model.enums import SenStatus, StudentStatus
from hsp_desktop.services.students import StudentRow, display_phone

_YEAR_ORDER = {name: i for i, name in enumerate(("N1", "N2", "R", *map(str, range(1, 15))))}


@cache
def language_name(code: str) -> str:
    try:
        return languages.get(code).english_name
    except languages.UnknownLanguageError:
        return code


def _date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _family_languages(row: StudentRow) -> str:
    names = sorted(language_name(c) for c in row.family_languages if c != "ENG")
    return ", ".join(names)


def _sen(row: StudentRow) -> str:
    return "" if row.sen_status is SenStatus.NONE else row.sen_status.label


def _review_overdue(row: StudentRow) -> bool:
    return bool(
        row.next_review_due
        and row.status is StudentStatus.ON_ROLL
        and row.next_review_due < dt.date.today()
    )


def _yes(flag: bool, text: str = "Yes") -> str:
    return text if flag else ""


COLUMNS: tuple[LazyColumn[StudentRow], ...] = (
    LazyColumn("last_name", "Surname", lambda r: r.last_name),
    LazyColumn("first_name", "First name", lambda r: r.first_name),
    LazyColumn("preferred_name", "Preferred name", lambda r: r.preferred_name),
    LazyColumn("upn", "UPN", lambda r: r.upn),
    LazyColumn(
        "date_of_birth",
        "Date of birth",
        lambda r: _date(r.date_of_birth),
        sort_key=lambda r: r.date_of_birth,
    ),
    LazyColumn(
        "year_group",
        "Year",
        lambda r: r.year_group,
        sort_key=lambda r: _YEAR_ORDER.get(r.year_group),
        align_right=True,
    ),
    LazyColumn("class_name", "Class", lambda r: r.class_name),
    LazyColumn(
        "status", "Status", lambda r: "Left" if r.status is StudentStatus.LEFT else "On roll"
    ),
    LazyColumn("sen_status", "SEN", _sen),
    LazyColumn(
        "next_review_due",
        "Next review",
        lambda r: _date(r.next_review_due),
        sort_key=lambda r: r.next_review_due,
        alert=_review_overdue,
        tooltip=lambda r: "Review overdue" if _review_overdue(r) else "",
    ),
    LazyColumn("first_language", "Home language", lambda r: language_name(r.first_language)),
    LazyColumn("family_languages", "Family languages", _family_languages),
    LazyColumn(
        "needs_interpreter",
        "Interpreter",
        lambda r: _yes(r.needs_interpreter, "Needed"),
    ),
    LazyColumn("needs_translation", "Translated letters", lambda r: _yes(r.needs_translation)),
    LazyColumn("literacy_support", "Literacy support", lambda r: _yes(r.literacy_support)),
    LazyColumn(
        "has_restriction",
        "Restriction",
        lambda r: _yes(r.has_restriction, "⚠ Restricted"),
        alert=lambda r: r.has_restriction,
        tooltip=lambda r: (
            "A carer has a contact restriction: open the file before contacting the family"
            if r.has_restriction
            else ""
        ),
    ),
    LazyColumn("main_contact", "Main contact", lambda r: r.main_contact),
    LazyColumn("contact_phone", "Phone", lambda r: display_phone(r.contact_phone)),
    LazyColumn("key_worker", "Key worker", lambda r: r.key_worker),
    LazyColumn("tutor", "Tutor", lambda r: r.tutor),
    LazyColumn("carers", "Carers", lambda r: str(r.carers), lambda r: r.carers, True),
)

DEFAULT_COLUMNS = (
    "last_name",
    "first_name",
    "preferred_name",
    "upn",
    "class_name",
    "year_group",
    "sen_status",
    "first_language",
    "needs_interpreter",
    "has_restriction",
)
