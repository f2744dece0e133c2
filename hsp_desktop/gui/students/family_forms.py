"""The parts of the family dialogs: a carer's details and needs, a link, an address.

Each form loads an input dataclass, gives one back from ``values()``, takes a user's changes
back with ``apply()`` after a conflict, and names its widgets by the field labels the
services use in their messages.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop.gui.common.language_picker import LanguagePicker, written_only
from hsp_desktop.model.enums import ContactMethod, Relationship, Restriction
from hsp_desktop.services.families import CarerInput, HouseholdInput, LinkInput, stored_phone
from hsp_desktop.services.students import display_phone

RESTRICTION_STYLE = "color: #b71c1c; font-weight: 600;"


def _set(widget: QWidget, value: Any) -> None:
    if isinstance(widget, LanguagePicker):
        widget.set_code(str(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


class CarerForm(QWidget):
    LABELS = {
        "title": "Title",
        "first_name": "First name",
        "last_name": "Last name",
        "mobile": "Mobile",
        "home_phone": "Home phone",
        "work_phone": "Work phone",
        "email": "Email",
        "preferred_contact": "Preferred contact",
        "spoken_language": "Spoken language",
        "spoken_dialect": "Dialect",
        "written_language": "Written language",
        "needs_interpreter": "Needs an interpreter",
        "needs_translation": "Needs translated documents",
        "literacy_support": "Letters read aloud",
        "large_print": "Large print",
        "interpreter_notes": "Interpreter notes",
    }
    PHONES = ("mobile", "home_phone", "work_phone")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLineEdit()
        self.title.setMaxLength(20)
        self.title.setPlaceholderText("Mrs, Mr, Ms, Dr…")
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.mobile = QLineEdit()
        self.home_phone = QLineEdit()
        self.work_phone = QLineEdit()
        for phone in (self.mobile, self.home_phone, self.work_phone):
            phone.setPlaceholderText("07700 900123 or +48 …")
        self.email = QLineEdit()
        self.preferred_contact = QComboBox()
        for method in ContactMethod:
            self.preferred_contact.addItem(method.label, method)
        self.spoken_language = LanguagePicker()
        self.spoken_dialect = QLineEdit()
        self.spoken_dialect.setPlaceholderText("e.g. Sylheti, Mirpuri, Pothwari")
        self.written_language = LanguagePicker(include=written_only)
        self.needs_interpreter = QCheckBox("Needs an &interpreter")
        self.needs_translation = QCheckBox("Needs translated do&cuments")
        self.literacy_support = QCheckBox("Letters read alo&ud (literacy support)")
        self.large_print = QCheckBox("Lar&ge print")
        self.interpreter_notes = QPlainTextEdit()
        self.interpreter_notes.setTabChangesFocus(True)
        self.interpreter_notes.setPlaceholderText(
            "e.g. prefers a female interpreter; never a family member"
        )
        self.interpreter_notes.setFixedHeight(60)
        for name in self.LABELS:
            getattr(self, name).setObjectName(name)

        person = QGroupBox("Carer")
        person_form = QFormLayout(person)
        person_form.addRow("&Title:", self.title)
        person_form.addRow("&First name:", self.first_name)
        person_form.addRow("&Last name:", self.last_name)
        person_form.addRow("&Mobile:", self.mobile)
        person_form.addRow("&Home phone:", self.home_phone)
        person_form.addRow("&Work phone:", self.work_phone)
        person_form.addRow("&Email:", self.email)
        person_form.addRow("&Preferred contact:", self.preferred_contact)

        access = QGroupBox("Language and access")
        access_form = QFormLayout(access)
        access_form.addRow("&Speaks:", self.spoken_language)
        access_form.addRow("&Dialect:", self.spoken_dialect)
        access_form.addRow("Letters i&n:", self.written_language)
        for box in (
            self.needs_interpreter,
            self.needs_translation,
            self.literacy_support,
            self.large_print,
        ):
            access_form.addRow(box)
        access_form.addRow("Interpreter n&otes:", self.interpreter_notes)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(person, 1)
        layout.addWidget(access, 1)
        self.load(CarerInput("", ""))

    def widgets(self) -> list[QWidget]:
        return [getattr(self, name) for name in self.LABELS]

    def field_widgets(self) -> dict[str, QWidget]:
        return {label: getattr(self, name) for name, label in self.LABELS.items()}

    def load(self, data: CarerInput) -> None:
        for name in self.LABELS:
            value = getattr(data, name)
            _set(getattr(self, name), display_phone(value) if name in self.PHONES else value)

    def apply(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name in self.LABELS:
                _set(getattr(self, name), value)

    def values(self) -> CarerInput:
        return CarerInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            title=self.title.text(),
            mobile=self.mobile.text(),
            home_phone=self.home_phone.text(),
            work_phone=self.work_phone.text(),
            email=self.email.text(),
            preferred_contact=ContactMethod(self.preferred_contact.currentData()),
            spoken_language=self.spoken_language.code(),
            spoken_dialect=self.spoken_dialect.text(),
            written_language=self.written_language.code(),
            needs_interpreter=self.needs_interpreter.isChecked(),
            needs_translation=self.needs_translation.isChecked(),
            literacy_support=self.literacy_support.isChecked(),
            large_print=self.large_print.isChecked(),
            interpreter_notes=self.interpreter_notes.toPlainText(),
        )

    def comparable(self) -> dict[str, Any]:
        """The values with phones as they would be stored, to set beside stored values."""
        values = dataclasses.asdict(self.values())
        for name in self.PHONES:
            values[name] = stored_phone(values[name])
        return values


class LinkForm(QGroupBox):
    LABELS = {
        "relationship_to_student": "Relationship",
        "parental_responsibility": "Parental responsibility",
        "lives_with_student": "Lives with student",
        "receives_correspondence": "Receives correspondence",
        "contact_order": "Contact order",
        "restriction": "Restriction",
        "restriction_note": "Restriction note",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("How this carer stands to the student", parent)
        self.relationship_to_student = QComboBox()
        for relation in Relationship:
            self.relationship_to_student.addItem(relation.label, relation)
        self.parental_responsibility = QCheckBox("Parental responsi&bility")
        self.lives_with_student = QCheckBox("Li&ves with the student")
        self.receives_correspondence = QCheckBox("Receives letters and reports")
        self.contact_order = QSpinBox()
        self.contact_order.setRange(1, 99)
        self.contact_order.setToolTip("1 is contacted first")
        self.restriction = QComboBox()
        self.restriction.addItem("None", Restriction.NONE)
        self.restriction.addItem("No contact", Restriction.NO_CONTACT)
        self.restriction.addItem("Court order", Restriction.COURT_ORDER)
        self.restriction_note = QPlainTextEdit()
        self.restriction_note.setTabChangesFocus(True)
        self.restriction_note.setFixedHeight(60)
        self.restriction_note.setPlaceholderText(
            "What the restriction says and where it is recorded"
        )
        for name in self.LABELS:
            getattr(self, name).setObjectName(name)
        form = QFormLayout(self)
        form.addRow("Rel&ationship:", self.relationship_to_student)
        checks = QVBoxLayout()
        for box in (
            self.parental_responsibility,
            self.lives_with_student,
            self.receives_correspondence,
        ):
            checks.addWidget(box)
        form.addRow(checks)
        form.addRow("Contact order:", self.contact_order)
        form.addRow("&Restriction:", self.restriction)
        form.addRow("Restriction note:", self.restriction_note)
        self.restriction.currentIndexChanged.connect(self._show_restriction)
        self.load(LinkInput())

    def _show_restriction(self, *_args: object) -> None:
        restricted = self.restriction.currentData() != Restriction.NONE
        style = RESTRICTION_STYLE if restricted else ""
        self.restriction.setStyleSheet(style)
        self.restriction_note.setStyleSheet(style)

    def widgets(self) -> list[QWidget]:
        return [getattr(self, name) for name in self.LABELS]

    def field_widgets(self) -> dict[str, QWidget]:
        return {label: getattr(self, name) for name, label in self.LABELS.items()}

    def load(self, data: LinkInput) -> None:
        for name in self.LABELS:
            _set(getattr(self, name), getattr(data, name))
        self._show_restriction()

    def apply(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name in self.LABELS:
                _set(getattr(self, name), value)

    def comparable(self) -> dict[str, Any]:
        return dataclasses.asdict(self.values())

    def values(self) -> LinkInput:
        return LinkInput(
            relationship_to_student=Relationship(self.relationship_to_student.currentData()),
            parental_responsibility=self.parental_responsibility.isChecked(),
            lives_with_student=self.lives_with_student.isChecked(),
            receives_correspondence=self.receives_correspondence.isChecked(),
            contact_order=self.contact_order.value(),
            restriction=Restriction(self.restriction.currentData()),
            restriction_note=self.restriction_note.toPlainText(),
        )


class HouseholdForm(QWidget):
    LABELS = {
        "address_line1": "Address line 1",
        "address_line2": "Address line 2",
        "town": "Town",
        "postcode": "Postcode",
        "home_phone": "Home phone",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.address_line1 = QLineEdit()
        self.address_line2 = QLineEdit()
        self.town = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(10)
        self.home_phone = QLineEdit()
        for name in self.LABELS:
            getattr(self, name).setObjectName(name)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Address:", self.address_line1)
        form.addRow("", self.address_line2)
        form.addRow("T&own:", self.town)
        form.addRow("Post&code:", self.postcode)
        form.addRow("Household p&hone:", self.home_phone)

    def widgets(self) -> list[QWidget]:
        return [getattr(self, name) for name in self.LABELS]

    def field_widgets(self) -> dict[str, QWidget]:
        return {label: getattr(self, name) for name, label in self.LABELS.items()}

    def load(self, data: HouseholdInput) -> None:
        for name in self.LABELS:
            value = getattr(data, name)
            _set(getattr(self, name), display_phone(value) if name == "home_phone" else value)

    def apply(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name in self.LABELS:
                _set(getattr(self, name), value)

    def values(self) -> HouseholdInput:
        return HouseholdInput(
            address_line1=self.address_line1.text(),
            address_line2=self.address_line2.text(),
            town=self.town.text(),
            postcode=self.postcode.text(),
            home_phone=self.home_phone.text(),
        )

    def comparable(self) -> dict[str, Any]:
        values = dataclasses.asdict(self.values())
        values["home_phone"] = stored_phone(values["home_phone"])
        values["postcode"] = " ".join(values["postcode"].upper().split())
        return values
