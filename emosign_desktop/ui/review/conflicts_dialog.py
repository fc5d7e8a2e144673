"""The conflict log of merges: for each item that differed, what was kept and what was not."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("Pack", "Annotator", "Video", "Item", "Kept (edited)", "Not kept (edited)", "Kept",
           "Not kept")


class ConflictsDialog(QDialog):
    """A read-only table of the conflict log."""

    def __init__(self, conflicts: list[dict[str, object]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge conflicts")
        self.table = QTableWidget(len(conflicts), len(COLUMNS))
        self.table.setAccessibleName("Merge conflicts")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        keys = ("pack_name", "annotator", "video", "item", "kept_updated_at",
                "discarded_updated_at", "kept", "discarded")
        for r, row in enumerate(conflicts):
            for c, key in enumerate(keys):
                self.table.setItem(r, c, QTableWidgetItem(str(row[key])))
        self.table.resizeColumnsToContents()
        note = QLabel(f"{len(conflicts)} conflicts. The newer edit was kept each time; the "
                      "other version is kept here." if conflicts else "No conflicts.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(1000, 420)
