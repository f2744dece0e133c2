"""Dialogs of the family editor: add or edit a carer, edit a link, an address, move a carer,
link a carer already known (a sibling's parent).

Each dialog saves when OK is pressed and stays open, with the faulty fields marked, when the
service refuses; a record changed meanwhile on another computer goes through the conflict
dialog. ``saved`` is emitted after a successful save.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.conflict import handle_conflict
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.lazy_table import LazyColumn, LazyRowsModel, RowFilterProxy
from hsp_desktop.gui.students.family_forms import CarerForm, HouseholdForm, LinkForm
from hsp_desktop.model.enums import Relationship
from hsp_desktop.services.families import CarerChoice, FamilyMember, HouseholdView
from hsp_desktop.services.search import matches, search_words
from hsp_desktop.services.students import display_phone


class _SaveDialog(QDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.errors = ErrorBanner()
        self.layout_.addWidget(self.errors)

    def _finish(self) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def field_widgets(self) -> dict[str, QWidget]:
        return {}

    def resolve_conflict(self, conflict: errors.ConflictError) -> bool:
        """True when the conflict was settled by saving."""
        self.errors.show_error(conflict)
        return False

    def accept(self) -> None:
        try:
            self.submit()
        except errors.ConflictError as exc:
            if not self.resolve_conflict(exc):
                return
        except errors.KnownError as exc:
            self.errors.show_error(exc, self.field_widgets())
            return
        self.errors.clear()
        self.saved.emit()
        super().accept()


class AddCarerDialog(_SaveDialog):
    """A new carer for this student: details and needs, the link, and where they live."""

    def __init__(
        self,
        ctx: AppContext,
        student_id: int,
        family: tuple[FamilyMember, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, "Add a parent or carer", parent)
        self.student_id = student_id
        self.carer = CarerForm()
        self.link = LinkForm()
        self.link.contact_order.setValue(len(family) + 1)
        self.address = _AddressChoice(family, "Lives at", allow_none=True)
        self.layout_.addWidget(self.carer)
        lower = QHBoxLayout()
        lower.addWidget(self.link, 1)
        lower.addWidget(self.address, 1)
        self.layout_.addLayout(lower)
        self._finish()
        self.carer.first_name.setFocus()

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            **self.carer.field_widgets(),
            **self.link.field_widgets(),
            **self.address.form.field_widgets(),
        }

    def submit(self) -> None:
        household_id, new_household = self.address.choice()
        self.ctx.services.families.add_carer(
            self.ctx.actor,
            self.student_id,
            self.carer.values(),
            self.link.values(),
            household_id=household_id,
            new_household=new_household,
        )


class _RecordDialog(_SaveDialog):
    """Edits one versioned record through a form with ``load``, ``apply``, ``values``,
    ``comparable`` and ``LABELS``; a conflict offers reload or re-apply."""

    form: CarerForm | LinkForm | HouseholdForm

    def _start(self, form: CarerForm | LinkForm | HouseholdForm, version: int, data: Any) -> None:
        self.form = form
        self.layout_.addWidget(form)
        self._finish()
        self._show(version, data)

    def _show(self, version: int, data: Any) -> None:
        self.version = version
        self.form.load(data)
        self._baseline = self.form.comparable()

    def field_widgets(self) -> dict[str, QWidget]:
        return self.form.field_widgets()

    def fetch(self) -> tuple[int, Any]:
        """The record as saved now: (version, input dataclass)."""
        raise NotImplementedError

    def reload(self) -> None:
        self._show(*self.fetch())

    def resolve_conflict(self, conflict: errors.ConflictError) -> bool:
        saved: list[bool] = []

        def reapply(changes: dict[str, Any]) -> None:
            self.reload()
            self.form.apply(changes)
            try:
                self.submit()
            except errors.KnownError as exc:
                self.errors.show_error(exc, self.field_widgets())
                return
            saved.append(True)

        handle_conflict(
            self,
            conflict,
            base=self._baseline,
            mine=self.form.comparable(),
            reload=self.reload,
            reapply=reapply,
            labels=self.form.LABELS,
        )
        return bool(saved)


class EditCarerDialog(_RecordDialog):
    """A carer's details and needs. One record: siblings' files show the same."""

    def __init__(
        self, ctx: AppContext, member: FamilyMember, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, f"Edit {member.carer.full_name}", parent)
        self.carer_id = member.carer.id
        others = [s.name for s in member.carer.students if s.student_id != member.link.student_id]
        if others:
            note = QLabel("Also the carer of " + ", ".join(others) + ": changes show there too.")
            note.setWordWrap(True)
            self.layout_.addWidget(note)
        self._start(CarerForm(), member.carer.version, member.carer.as_input())

    def fetch(self) -> tuple[int, Any]:
        fresh = self.ctx.services.families.carer(self.ctx.actor, self.carer_id)
        return fresh.version, fresh.as_input()

    def submit(self) -> None:
        assert isinstance(self.form, CarerForm)
        self.ctx.services.families.update_carer(
            self.ctx.actor, self.carer_id, self.version, self.form.values()
        )


class EditLinkDialog(_RecordDialog):
    def __init__(
        self, ctx: AppContext, member: FamilyMember, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, f"{member.carer.full_name} and the student", parent)
        self.link_id = member.link.id
        self._start(LinkForm(), member.link.version, member.link.as_input())

    def fetch(self) -> tuple[int, Any]:
        fresh = self.ctx.services.families.link(self.ctx.actor, self.link_id)
        return fresh.version, fresh.as_input()

    def submit(self) -> None:
        assert isinstance(self.form, LinkForm)
        self.ctx.services.families.update_link(
            self.ctx.actor, self.link_id, self.version, self.form.values()
        )


class EditAddressDialog(_RecordDialog):
    """Change the address of a household: it changes for everyone who lives there."""

    def __init__(
        self, ctx: AppContext, household: HouseholdView, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, "Edit the address", parent)
        self.household_id = household.id
        names = ", ".join(name for _, name in household.members)
        shared = QLabel(f"Lives here: {names}. The address changes for each of them.")
        shared.setWordWrap(True)
        self.layout_.addWidget(shared)
        self._start(HouseholdForm(), household.version, household.as_input())

    def fetch(self) -> tuple[int, Any]:
        fresh = self.ctx.services.families.household(self.ctx.actor, self.household_id)
        return fresh.version, fresh.as_input()

    def submit(self) -> None:
        assert isinstance(self.form, HouseholdForm)
        self.ctx.services.families.update_household(
            self.ctx.actor, self.household_id, self.version, self.form.values()
        )


class _AddressChoice(QWidget):
    """Where a carer lives: an address of someone else in the family, a new one, or none."""

    def __init__(
        self,
        family: tuple[FamilyMember, ...],
        caption: str,
        *,
        allow_none: bool,
        exclude_household: int | None = None,
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{caption}</b>"))
        self.group = QButtonGroup(self)
        self.households: dict[int, int] = {}  # button id -> household id
        seen: set[int] = set()
        for member in family:
            household = member.carer.household
            if household is None or household.id in seen or household.id == exclude_household:
                continue
            seen.add(household.id)
            names = ", ".join(name for _, name in household.members)
            button = QRadioButton(f"{household.one_line}  (with {names})")
            button.setObjectName(f"household{household.id}")
            self.households[len(self.households)] = household.id
            self.group.addButton(button, len(self.households) - 1)
            layout.addWidget(button)
        self.new_button = QRadioButton("A &new address")
        self.new_button.setObjectName("newAddress")
        self.group.addButton(self.new_button, 1000)
        layout.addWidget(self.new_button)
        self.form = HouseholdForm()
        layout.addWidget(self.form)
        self.none_button = QRadioButton("No address yet")
        self.none_button.setObjectName("noAddress")
        if allow_none:
            self.group.addButton(self.none_button, 1001)
            layout.addWidget(self.none_button)
        first = self.group.button(0) if self.households else self.new_button
        first.setChecked(True)
        self.group.idToggled.connect(lambda _id, _on: self._show_form())
        self._show_form()

    def _show_form(self) -> None:
        self.form.setEnabled(self.new_button.isChecked())

    def choose_household(self, household_id: int) -> None:
        for button_id, known in self.households.items():
            if known == household_id:
                self.group.button(button_id).setChecked(True)

    def choice(self) -> tuple[int | None, Any]:
        """(household id, None), (None, HouseholdInput) or (None, None)."""
        chosen = self.group.checkedId()
        if chosen in self.households:
            return self.households[chosen], None
        if chosen == 1000:
            return None, self.form.values()
        return None, None


class MoveCarerDialog(_SaveDialog):
    def __init__(
        self,
        ctx: AppContext,
        member: FamilyMember,
        family: tuple[FamilyMember, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, f"Move {member.carer.full_name}", parent)
        self.carer_id = member.carer.id
        self.version = member.carer.version
        now = member.carer.household
        self.layout_.addWidget(QLabel(f"Lives now at: {now.one_line if now else '(no address)'}"))
        self.address = _AddressChoice(
            family,
            "Moves to",
            allow_none=True,
            exclude_household=now.id if now else None,
        )
        self.layout_.addWidget(self.address)
        self._finish()

    def field_widgets(self) -> dict[str, QWidget]:
        return self.address.form.field_widgets()

    def submit(self) -> None:
        household_id, new_household = self.address.choice()
        self.ctx.services.families.move_carer(
            self.ctx.actor,
            self.carer_id,
            self.version,
            household_id=household_id,
            new_household=new_household,
        )


_CHOICE_COLUMNS: tuple[LazyColumn[CarerChoice], ...] = (
    LazyColumn("name", "Name", lambda c: c.name),
    LazyColumn("phone", "Phone", lambda c: display_phone(c.phone)),
    LazyColumn("postcode", "Postcode", lambda c: c.postcode),
    LazyColumn("students", "Carer of", lambda c: c.students),
    LazyColumn(
        "restrictions",
        "Restriction",
        lambda c: c.restrictions,
        alert=lambda c: bool(c.restrictions),
    ),
)


class LinkExistingCarerDialog(_SaveDialog):
    """Link a carer already on record (a brother's or sister's parent) to this student."""

    def __init__(
        self,
        ctx: AppContext,
        student_id: int,
        linked: set[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, "Link a carer already on record", parent)
        self.student_id = student_id
        self.search = QLineEdit()
        self.search.setObjectName("carerSearch")
        self.search.setPlaceholderText("Name, phone, postcode or a child's name")
        label = QLabel("&Find:")
        label.setBuddy(self.search)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.search)
        choices = [c for c in ctx.services.families.carer_choices(ctx.actor) if c.id not in linked]
        self.model: LazyRowsModel[int, CarerChoice] = LazyRowsModel(
            _CHOICE_COLUMNS, key=lambda c: c.id, parent=self
        )
        self.model.set_rows(choices)
        self.proxy: RowFilterProxy[int, CarerChoice] = RowFilterProxy(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("carerChoices")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(180)
        self.layout_.addWidget(self.table, 1)
        self.search.textChanged.connect(self._filter)
        self.link = LinkForm()
        self.link.relationship_to_student.setCurrentIndex(
            self.link.relationship_to_student.findData(Relationship.MOTHER)
        )
        self.layout_.addWidget(self.link)
        self._finish()
        self.resize(760, 640)

    def _filter(self, text: str) -> None:
        words = search_words(text)
        self.proxy.set_predicate((lambda c: matches(c.search_key, words)) if words else None)
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def chosen(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.id_at(rows[0].row()) if rows else None

    def field_widgets(self) -> dict[str, QWidget]:
        return {"Carer": self.table, **self.link.field_widgets()}

    def submit(self) -> None:
        carer_id = self.chosen()
        if carer_id is None:
            raise errors.ValidationError("Carer", "choose the carer to link")
        self.ctx.services.families.link_carer(
            self.ctx.actor, self.student_id, carer_id, self.link.values()
        )
