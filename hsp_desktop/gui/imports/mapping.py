"""Which CSV column holds which field: the mapping dialog, with the recognised headings preset."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop.services.imports.csv_import import CsvTable
from hsp_desktop.services.imports.fields import REQUIRED_PUPIL_KEYS, all_fields, recognise

NOT_IMPORTED = "(not imported)"


def missing_required(mapping: Mapping[str, str]) -> list[str]:
    """Labels of the fields an import needs that no column gives."""
    given = set(mapping.values())
    return [all_fields()[k].label for k in REQUIRED_PUPIL_KEYS if k not in given]


class MappingDialog(QDialog):
    """One row per CSV heading: sample values and the field it goes to (each field once)."""

    def __init__(
        self, table: CsvTable, mapping: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {table.name}")
        self.resize(760, 520)
        self.table = table
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose the field each column of the file goes to. Headings the usual MIS exports "
            "use are recognised; your choices are remembered for the next file, here and on "
            "the command line."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.grid = QTableWidget(len(table.headings), 3)
        self.grid.setHorizontalHeaderLabels(["Column in the file", "First values", "Field"])
        self.grid.verticalHeader().hide()
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.combos: dict[str, QComboBox] = {}
        for row, heading in enumerate(table.headings):
            name = QTableWidgetItem(heading)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            samples = QTableWidgetItem(" · ".join(table.samples(row)))
            samples.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.grid.setItem(row, 0, name)
            self.grid.setItem(row, 1, samples)
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {heading}")
            combo.addItem(NOT_IMPORTED, "")
            for field in all_fields().values():
                combo.addItem(field.label, field.key)
            combo.currentIndexChanged.connect(lambda _i, h=heading: self._chosen(h))
            self.grid.setCellWidget(row, 2, combo)
            self.combos[heading] = combo
        layout.addWidget(self.grid, 1)
        self.needed = QLabel()
        self.needed.setObjectName("mappingNeeded")
        self.needed.setStyleSheet("color: #b00020;")
        self.needed.setWordWrap(True)
        layout.addWidget(self.needed)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Use these columns")
        self.recognised_button = QPushButton("&Recognised headings")
        self.recognised_button.setToolTip("Go back to the fields the headings suggest")
        self.recognised_button.clicked.connect(
            lambda: self.set_mapping(recognise(self.table.headings))
        )
        buttons.addButton(self.recognised_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._updating = False
        self.set_mapping(mapping)

    def set_mapping(self, mapping: Mapping[str, str]) -> None:
        self._updating = True
        try:
            for heading, combo in self.combos.items():
                index = combo.findData(mapping.get(heading, ""))
                combo.setCurrentIndex(max(index, 0))
        finally:
            self._updating = False
        self._show_needed()

    def set_field(self, heading: str, key: str) -> None:
        combo = self.combos[heading]
        combo.setCurrentIndex(max(combo.findData(key), 0))

    def mapping(self) -> dict[str, str]:
        return {heading: str(combo.currentData()) for heading, combo in self.combos.items()}

    def _chosen(self, heading: str) -> None:
        if self._updating:
            return
        key = self.combos[heading].currentData()
        if key:
            # A field comes from one column only: take it away from any other.
            self._updating = True
            try:
                for other, combo in self.combos.items():
                    if other != heading and combo.currentData() == key:
                        combo.setCurrentIndex(0)
            finally:
                self._updating = False
        self._show_needed()

    def _show_needed(self) -> None:
        missing = missing_required(self.mapping())
        self.needed.setText(f"Still needed: a column for {', '.join(missing)}." if missing else "")
        self.needed.setVisible(bool(missing))
        self.ok_button.setEnabled(not missing)
