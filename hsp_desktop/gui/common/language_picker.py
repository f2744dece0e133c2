"""Choosing a language: a combo whose completer searches the DfE code, the English name and
the name in the language itself ("urdu", "URD" and "اردو" all find Urdu; accents optional)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from hsp_desktop.i18n import languages
from hsp_desktop.i18n.languages import Language
from hsp_desktop.services.search import fold


def language_label(lang: Language) -> str:
    native = lang.native_name
    if native and fold(native) != fold(lang.english_name):
        return f"{lang.english_name} — {native} ({lang.code})"
    return f"{lang.english_name} ({lang.code})"


def written_only(lang: Language) -> bool:
    """For "letters in": languages letters can be written in."""
    return lang.is_written and lang.category != "status"


class LanguagePicker(QComboBox):
    """``code()`` is the chosen DfE code. Text that names no language is returned as typed,
    so the service can refuse it with a message naming the field."""

    code_changed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        include: Callable[[Language], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self._languages = [
            lang for lang in languages.all_languages() if include is None or include(lang)
        ]
        self._labels = {lang.code: language_label(lang) for lang in self._languages}
        for lang in self._languages:
            self.addItem(self._labels[lang.code], lang.code)
        self._matches = QStringListModel(self)
        completer = QCompleter(self._matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self._completer = completer
        completer.activated.connect(self._choose_label)
        line = self.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText("Type a language, its own name or its code")
        line.textEdited.connect(self._update_matches)
        line.editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(lambda _i: self.code_changed.emit(self.code()))

    def matching_labels(self, text: str) -> list[str]:
        allowed = {lang.code for lang in self._languages}
        return [self._labels[lang.code] for lang in languages.search(text) if lang.code in allowed]

    def _update_matches(self, text: str) -> None:
        self._matches.setStringList(self.matching_labels(text))
        if text.strip():
            self._completer.complete()

    def _choose_label(self, label: str) -> None:
        index = self.findText(label, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.setCurrentIndex(index)
            self.setEditText(label)

    def _settle(self) -> None:
        code = self.code()
        if code in self._labels:
            self.set_code(code)

    def code(self) -> str:
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.itemData(index))
        found = self._resolve(text)
        return found.code if found else text

    def _resolve(self, text: str) -> Language | None:
        if not text:
            return None
        allowed = {lang.code: lang for lang in self._languages}
        try:
            lang = languages.get(text)
        except languages.UnknownLanguageError:
            lang = None
        if lang is not None and lang.code in allowed:
            return lang
        folded = fold(text)
        exact = [
            lang
            for lang in self._languages
            if folded in (fold(lang.english_name), fold(lang.native_name))
        ]
        if len(exact) == 1:
            return exact[0]
        found = [lang for lang in languages.search(text) if lang.code in allowed]
        return found[0] if len(found) == 1 else None

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index < 0:
            # Not offered here (an old or unusual code): show it as typed.
            self.setCurrentIndex(-1)
            self.setEditText(code)
            return
        self.setCurrentIndex(index)
        self.setEditText(self.itemText(index))
