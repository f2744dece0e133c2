"""Pickers the letter screens share: a student found by typing part of a name or UPN."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from hsp_desktop.services.letters import StudentPick
from hsp_desktop.services.search import matches, search_words

SAMPLE = "Sample family (made-up names)"


class StudentPicker(QComboBox):
    """An editable combo: type part of a name or UPN; ``student_id()`` is None for the sample."""

    student_changed = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None, *, allow_sample: bool = True) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setMinimumContentsLength(28)
        self._allow_sample = allow_sample
        self._picks: list[StudentPick] = []
        self._labels = QStringListModel(self)
        self._filter = QSortFilterProxyModel(self)
        self._filter.setSourceModel(self._labels)
        completer = QCompleter(self)
        completer.setModel(self._filter)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(self._choose_label)
        self.setCompleter(completer)
        self._completer = completer
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type part of a name or UPN")
        line.textEdited.connect(self._filter_to)
        self.currentIndexChanged.connect(lambda _i: self.student_changed.emit(self.student_id()))

    @staticmethod
    def label(pick: StudentPick) -> str:
        klass = f" — {pick.class_name}" if pick.class_name else ""
        return f"{pick.name}{klass} ({pick.upn})"

    def set_students(self, picks: Sequence[StudentPick]) -> None:
        current = self.student_id()
        self.blockSignals(True)
        self.clear()
        self._picks = list(picks)
        if self._allow_sample:
            self.addItem(SAMPLE, None)
        for pick in self._picks:
            self.addItem(self.label(pick), pick.id)
        self._labels.setStringList([self.itemText(i) for i in range(self.count())])
        self.blockSignals(False)
        self.set_student(current)

    def _filter_to(self, text: str) -> None:
        words = search_words(text)
        wanted = {
            self.label(p) for p in self._picks if matches(p.search_key + " " + p.upn.lower(), words)
        }
        labels = [self.itemText(i) for i in range(self.count()) if self.itemText(i) in wanted]
        self._labels.setStringList(labels)
        if text.strip():
            self._completer.complete()

    def _choose_label(self, label: str) -> None:
        index = self.findText(label, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.setCurrentIndex(index)

    def student_id(self) -> int | None:
        data = self.currentData()
        return int(data) if isinstance(data, int) else None

    def set_student(self, student_id: int | None) -> None:
        index = self.findData(student_id) if student_id is not None else 0
        self.setCurrentIndex(max(0, index) if self.count() else -1)

    def pick(self, student_id: int) -> StudentPick | None:
        return next((p for p in self._picks if p.id == student_id), None)
