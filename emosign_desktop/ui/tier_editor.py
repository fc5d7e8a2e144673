"""The current annotator's segments on the current video.

I marks the in-frame, O the out-frame and creates the segment on the chosen tier, then opens
its value list (a value is never chosen for the annotator: until one is, the segment shows
"value not chosen"); Delete removes it; R draws its region on the video.  Every
edit goes through the editing service: committed at once, undoable.  The editor follows the
workspace (current video and annotator) and refreshes itself when their segments or the
tiers changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal, TypeVar, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.changes import Changes
from emosign_desktop.core.model import Region, Segment, Tier
from emosign_desktop.media.playhead import Playhead
from emosign_desktop.services.session import Session
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.fitting import ElidedLabel, FlowLayout
from emosign_desktop.ui.read_back import show_stored
from emosign_desktop.ui.writing import write

T = TypeVar("T")

#: How a segment without a value shows.
NOT_CHOSEN = "(value not chosen)"


def _combo() -> QComboBox:
    """A combo box whose width does not follow its longest entry (it elides)."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    return box


class TierEditor(QWidget):
    """Create, choose, change and delete the current annotator's segments."""

    region_mode = Signal(bool)

    def __init__(self, workspace: Workspace, playhead: Playhead,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.playhead = playhead
        self.in_mark: int | None = None
        self.tiers: list[Tier] = []
        self.tier = _combo()
        self.tier.setAccessibleName("Tier for new segments")
        self.tier.currentIndexChanged.connect(lambda _i: self._fill_values())
        self.marks = ElidedLabel()
        self.marks.setAccessibleName("In and out marks")
        self.segments = QListWidget()
        self.segments.setAccessibleName("My segments on this video")
        self.segments.currentItemChanged.connect(lambda *_: self._on_selected())
        self.segments.itemActivated.connect(
            lambda item: self.playhead.seek(item.data(Qt.ItemDataRole.UserRole).start_frame))
        self.value = _combo()
        self.value.setAccessibleName("Value of the selected segment")
        self.value.activated.connect(lambda _i: self._change("value", self._chosen_value()))
        self.note = QLineEdit()
        self.note.setAccessibleName("Note on the selected segment")
        self.note.editingFinished.connect(lambda: self._change("note", self.note.text()))
        bar = QWidget()
        buttons = FlowLayout(bar)
        self.in_button = self._button("Mark in", "Mark in at this frame (I)", self.mark_in)
        self.out_button = self._button("Mark out", "Mark out and create the segment (O)",
                                       self.mark_out)
        self.region_button = self._button("Dra&w region", "Draw where the cue is on the "
                                          "video (R)", self.draw_region)
        self.region_button.setCheckable(True)
        self.delete_button = self._button("Delete", "Delete the selected segment (Delete)",
                                          self.delete)
        for b in (self.in_button, self.out_button, self.region_button, self.delete_button):
            buttons.addWidget(b)
        form = QFormLayout()
        form.addRow("Tie&r:", self.tier)
        form.addRow("Marks:", self.marks)
        form.addRow("Va&lue:", self.value)
        form.addRow("Note:", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(bar)
        layout.addWidget(self.segments, 1)
        self._show_marks()
        workspace.on_video(self.rebind)
        workspace.on_annotator(self.rebind)
        workspace.on_changes(self._on_changes)
        self.rebind()

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _ready(self) -> bool:
        ws = self.workspace
        return ws.has_project and ws.video is not None and bool(ws.annotator)

    def rebind(self) -> None:
        """Edit the current annotator's segments of the current video."""
        self.in_mark = None
        self._show_marks()
        self._load_tiers()
        self.setEnabled(self._ready() and self.workspace.read_only is None)
        self.refresh()

    def _load_tiers(self) -> None:
        self.tiers = self.workspace.queries.tiers(editable=True) \
            if self.workspace.has_project else []
        current = self.tier.currentText()
        self.tier.blockSignals(True)
        self.tier.clear()
        self.tier.addItems([t.name for t in self.tiers])
        if current in [t.name for t in self.tiers]:
            self.tier.setCurrentText(current)
        self.tier.blockSignals(False)
        self._fill_values()

    def _on_changes(self, changes: Changes) -> None:
        video = self.workspace.video
        if changes.project:
            self.rebind()
        elif changes.tiers:
            self._load_tiers()
            self.refresh()
        elif video is not None and video.id in changes.segments_of:
            self.refresh()

    def _current_tier(self) -> Tier | None:
        i = self.tier.currentIndex()
        return self.tiers[i] if 0 <= i < len(self.tiers) else None

    def _fill_values(self, selected: str | None = None) -> None:
        """The tier's vocabulary, after a first entry that says no value is chosen yet."""
        tier = self._current_tier()
        seg = self.selected()
        if seg is not None:
            tier = next((t for t in self.tiers if t.id == seg.tier_id), tier)
        self.value.clear()
        if tier is not None:
            self.value.addItem(NOT_CHOSEN if tier.vocabulary else "(free tier: no values)", "")
            for word in tier.vocabulary:
                self.value.addItem(word, word)
        index = self.value.findData(selected or "")
        self.value.setCurrentIndex(max(index, 0))

    def _chosen_value(self) -> str:
        data = self.value.currentData()
        return data if isinstance(data, str) else ""

    def refresh(self) -> None:
        """Show the segments the project holds (keeping the selection)."""
        keep = self.selected()
        self.segments.blockSignals(True)
        self.segments.clear()
        ws = self.workspace
        if self._ready():
            assert ws.video is not None
            names = {t.id: t.name for t in self.tiers}
            for s in ws.queries.my_segments(ws.video.id, ws.annotator):
                text = (f"{names.get(s.tier_id, '?')}: {s.start_frame}–{s.end_frame} "
                        f"{s.value or NOT_CHOSEN}" + (" [region]" if s.region else "")
                        + (f" — {s.note}" if s.note else ""))
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s)
                self.segments.addItem(item)
                if keep is not None and s.id == keep.id:
                    self.segments.setCurrentItem(item)
        self.segments.blockSignals(False)
        self._on_selected()

    def selected(self) -> Segment | None:
        item = self.segments.currentItem()
        return cast(Segment, item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select(self, segment_id: int) -> None:
        for i in range(self.segments.count()):
            if self.segments.item(i).data(Qt.ItemDataRole.UserRole).id == segment_id:
                self.segments.setCurrentRow(i)
                return

    def _on_selected(self) -> None:
        seg = self.selected()
        self._fill_values(seg.value if seg else None)
        self.note.setText(seg.note if seg else "")
        for w in (self.value, self.note, self.region_button, self.delete_button):
            w.setEnabled(seg is not None)

    def _show_marks(self) -> None:
        self.marks.setText(f"in {self.in_mark}" if self.in_mark is not None
                           else "press I at the first frame, O at the last")

    # -- edits --------------------------------------------------------------------------------
    def mark_in(self) -> None:
        self.in_mark = self.playhead.current
        self._show_marks()

    def mark_out(self) -> None:
        """Create a segment from the in-mark to this frame (exact frames, either order)."""
        tier = self._current_tier()
        video = self.workspace.video
        if not self._ready() or tier is None or video is None:
            return
        out = self.playhead.current
        start = out if self.in_mark is None else self.in_mark
        a, b = sorted((start, out))
        self.in_mark = None
        self._show_marks()
        annotator = self.workspace.annotator

        def made(seg: Segment) -> None:
            self.select(seg.id)
            if tier.vocabulary:  # ask for the value now: never a silent first entry
                self.value.setFocus(Qt.FocusReason.OtherFocusReason)
                self.value.showPopup()

        self._write(lambda s: s.editing.add_segment(video.id, annotator, tier.id, a, b), made)

    def _write(self, work: Callable[[Session], T],
               done: Callable[[T], None] | None = None) -> None:
        """Run an edit on the background writer; refused, the editor shows what is stored
        (when the project can be read: not while its server is away)."""
        write(self, self.workspace, work, initiator=self, done=done,
              failed=lambda exc: show_stored(self.workspace, exc, self.refresh))

    def _change(self, field: Literal["value", "note"], value: str) -> None:
        seg = self.selected()
        if not self._ready() or seg is None or getattr(seg, field) == value:
            return
        changed = (dataclasses.replace(seg, value=value) if field == "value"
                   else dataclasses.replace(seg, note=value))
        self._write(lambda s: s.editing.update_segment(changed, f"segment {field} = {value}"))

    def delete(self) -> None:
        seg = self.selected()
        if self._ready() and seg is not None:
            self._write(lambda s: s.editing.delete_segment(seg.id))

    def draw_region(self) -> None:
        on = self.region_button.isChecked() if self.sender() is self.region_button else \
            not self.region_button.isChecked()
        self.region_button.setChecked(on and self.selected() is not None)
        self.region_mode.emit(self.region_button.isChecked())

    def set_region(self, region: Region) -> None:
        """Store ``region`` on the selected segment (one undo step)."""
        self.region_button.setChecked(False)
        self.region_mode.emit(False)
        seg = self.selected()
        if self._ready() and seg is not None:
            changed = dataclasses.replace(seg, region=region)
            self._write(lambda s: s.editing.update_segment(changed, "draw region"))
