"""What an import would do (the plan of a dry run) and what it did: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hsp_desktop.services.imports.source import SourceKind


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {
            "create": "New",
            "update": "Update",
            "unchanged": "Unchanged",
            "refused": "Refused",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # "Class", "Contact 1 (Mrs Amina Khan) mobile"
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old or '(blank)'} → {self.new or '(blank)'}"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One pupil of the file: what happens to it, and why."""

    where: str  # "row 14", "pupil 3 (line 120)"
    upn: str
    name: str
    action: Action
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()  # "new carer Mrs Amina Khan", "carer shared with row 3"
    reasons: tuple[str, ...] = ()  # why it is refused, each naming the row and the field

    @property
    def details(self) -> str:
        if self.action is Action.REFUSED:
            return "; ".join(self.reasons)
        return "; ".join([str(c) for c in self.changes] + list(self.notes))


@dataclass(frozen=True, slots=True)
class ImportPlan:
    source_name: str
    kind: SourceKind
    items: tuple[PlanItem, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # the whole file cannot be imported
    new_classes: tuple[str, ...] = ()

    def count(self, action: Action) -> int:
        return sum(1 for item in self.items if item.action is action)

    @property
    def refused(self) -> tuple[PlanItem, ...]:
        return tuple(item for item in self.items if item.action is Action.REFUSED)

    @property
    def has_changes(self) -> bool:
        return any(item.action in (Action.CREATE, Action.UPDATE) for item in self.items)

    @property
    def can_apply(self) -> bool:
        return not self.problems and self.has_changes

    @property
    def all_refused(self) -> bool:
        return bool(self.items) and self.count(Action.REFUSED) == len(self.items)

    def summary(self) -> str:
        if self.problems:
            return " ".join(self.problems)
        if not self.items:
            return "The file holds no pupils."
        counts = ", ".join(
            f"{self.count(action)} {word}"
            for action, word in (
                (Action.CREATE, "new"),
                (Action.UPDATE, "to update"),
                (Action.UNCHANGED, "unchanged"),
                (Action.REFUSED, "refused"),
            )
        )
        text = f"{plural(len(self.items), 'pupil')}: {counts}."
        if self.new_classes:
            text += f" New classes: {', '.join(self.new_classes)}."
        return text


@dataclass(frozen=True, slots=True)
class ImportResult:
    plan: ImportPlan  # as applied, against the data at the moment of writing
    students_created: int = 0
    students_updated: int = 0
    carers_created: int = 0
    carers_updated: int = 0
    households_created: int = 0
    links_created: int = 0
    classes_created: int = 0

    @property
    def written(self) -> bool:
        return bool(
            self.students_created
            or self.students_updated
            or self.carers_created
            or self.carers_updated
            or self.households_created
            or self.links_created
            or self.classes_created
        )

    def summary(self) -> str:
        if not self.written:
            text = "Nothing needed changing."
        else:
            text = (
                f"Imported: {plural(self.students_created, 'student')} created, "
                f"{self.students_updated} updated; {plural(self.carers_created, 'carer')} "
                f"created, {self.carers_updated} updated; "
                f"{plural(self.households_created, 'household')} and "
                f"{plural(self.classes_created, 'class', 'classes')} created."
            )
        refused = self.plan.count(Action.REFUSED)
        if refused:
            text += f" {refused} refused (not imported): correct them and import the file again."
        return text


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"
