"""Edit the project's tiers: add a tier, rename one, change its vocabulary (undoable)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.errors import EmoSignError, NotSavedError
from emosign_desktop.core.model import Tier, TierKind
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.dialog_size import fit_to_screen, room
from emosign_desktop.ui.writing import write

KIND_NAMES = {TierKind.FACIAL_GRAMMAR: "facial grammar", TierKind.EMOTION_CUE: "emotion cue",
              TierKind.FREE: "free"}


class TiersDialog(QDialog):
    """The tiers of the project, each with its name, kind and vocabulary (one per line)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tiers and vocabularies")
        self.workspace = workspace
        self.list = QListWidget()
        self.list.setAccessibleName("Tiers")
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # the full name: its tooltip
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit()
        self.name.setAccessibleName("Tier name")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Tier kind")
        for kind, text in KIND_NAMES.items():
            self.kind.addItem(text, kind)
        self.vocabulary = QPlainTextEdit()
        self.vocabulary.setAccessibleName("Vocabulary, one value per line")
        self.vocabulary.setTabChangesFocus(True)
        metrics = self.fontMetrics()
        self.vocabulary.setMinimumSize(metrics.averageCharWidth() * 32,
                                       metrics.lineSpacing() * 8)
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton("&Save this tier")
        save.clicked.connect(self.save)
        add = QPushButton("&Add a tier")
        add.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Kind:", self.kind)
        words = QLabel("&Vocabulary (one per line; empty: free text):")
        words.setWordWrap(True)
        words.setBuddy(self.vocabulary)
        form.addRow(words)  # above its box, which keeps the form's width for the words
        form.addRow(self.vocabulary)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(save)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.message)
        main = QHBoxLayout()
        main.addWidget(self.list)
        main.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(main)
        layout.addWidget(close)
        self.tiers: list[Tier] = []
        self.reload()

    def setVisible(self, visible: bool) -> None:
        """Sized to its content at the text size in use, within the screen, when it opens."""
        if visible and not self.isVisible():
            self._fit_list()
            fit_to_screen(self, self.sizeHint().expandedTo(QSize(640, 420)))
        super().setVisible(visible)

    def _fit_list(self) -> None:
        """The tier list as wide as its longest name, up to a third of the screen's room
        (a longer name is elided, whole in its tooltip)."""
        metrics = self.list.fontMetrics()
        names = [metrics.horizontalAdvance(t.name) for t in self.tiers] or [0]
        chrome = (2 * self.list.frameWidth() + self.list.verticalScrollBar().sizeHint().width()
                  + 4 * self.list.spacing() + metrics.averageCharWidth() * 2)
        wanted = max(max(names), metrics.averageCharWidth() * 10) + chrome
        self.list.setFixedWidth(min(wanted, room(self).width() // 3))

    def reload(self, select: int = 0) -> None:
        self.tiers = self.workspace.queries.tiers(editable=True)
        self.list.clear()
        for tier in self.tiers:
            item = QListWidgetItem(tier.name)
            item.setToolTip(tier.name)
            self.list.addItem(item)
        if self.isVisible():
            self._fit_list()
        if self.tiers:
            self.list.setCurrentRow(min(select, len(self.tiers) - 1))

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.tiers):
            return
        tier = self.tiers[row]
        self.name.setText(tier.name)
        self.kind.setCurrentIndex(list(KIND_NAMES).index(tier.kind))
        self.vocabulary.setPlainText("\n".join(tier.vocabulary))

    def _values(self) -> tuple[str, TierKind, tuple[str, ...]]:
        words = [w.strip() for w in self.vocabulary.toPlainText().splitlines()]
        vocab = tuple(dict.fromkeys(w for w in words if w))  # unique, in order
        return self.name.text().strip(), TierKind(self.kind.currentData()), vocab

    def save(self) -> None:
        """Store the shown tier's name, kind and vocabulary (one undo step)."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.tiers):
            return
        name, kind, vocab = self._values()
        changed = dataclasses.replace(self.tiers[row], name=name, kind=kind, vocabulary=vocab)

        def saved(_changes: object) -> None:
            self.message.setText(f"Saved '{name}'.")
            self.reload(row)

        write(self, self.workspace, lambda s: s.editing.update_tier(changed), initiator=self,
              done=saved, failed=self._refused)

    def _refused(self, exc: BaseException) -> bool:
        """A refusal is said under the form (other errors in a message box)."""
        if not isinstance(exc, EmoSignError) or isinstance(exc, NotSavedError):
            return False
        self.message.setText(str(exc))
        return True

    def add(self) -> None:
        name = "New tier"
        n = 2
        existing = {t.name for t in self.tiers}
        while name in existing:
            name, n = f"New tier {n}", n + 1

        def added(_tier: object) -> None:
            self.reload(len(self.tiers))
            self.name.setFocus()
            self.name.selectAll()

        write(self, self.workspace, lambda s: s.editing.add_tier(name, TierKind.FREE, ()),
              initiator=self, done=added, failed=self._refused)
