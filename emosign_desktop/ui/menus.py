"""The menu bar: each entry calls one action of ``(window, workspace)``; the Edit menu names
what Undo and Redo would do, or why there is nothing to undo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui import actions
from emosign_desktop.ui.server_project import new_server_project


def add_action(window: QMainWindow, menu: QMenu, text: str, slot: Callable[[], object],
               shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
               ) -> QAction:
    """A menu entry with its shortcut named in its tooltip."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.replace('&', '').rstrip('.')} "
                          f"({action.shortcut().toString()})")
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


@dataclass
class ProjectMenus:
    """The entries that need an open project, and the Edit menu's undo and redo."""

    needs_project: list[QAction]
    undo: QAction
    redo: QAction
    edit: QMenu
    people: QMenu
    recent: QMenu
    add_videos: QAction
    relink: QAction
    import_csv: QAction
    export_csv: QAction
    export_pack: QAction
    merge: QAction
    conflicts: QAction
    tiers: QAction
    #: Entries that change the project (off while it is open read-only).
    writes: list[QAction] = field(default_factory=list)


def build_project_menus(window: QMainWindow, ws: Workspace) -> ProjectMenus:
    """File, Edit and Annotators (the window adds its own entries after them)."""
    bar = window.menuBar()
    file = bar.addMenu("&File")
    add_action(window, file, "&New Project...", lambda: actions.new_project(window, ws),
               QKeySequence.StandardKey.New)
    add_action(window, file, "New &Project on a Server...",
               lambda: new_server_project(window, ws))
    add_action(window, file, "&Open Project...", lambda: actions.open_project(window, ws),
               QKeySequence.StandardKey.Open)
    recent = file.addMenu("Open &Recent")
    file.addSeparator()
    add = add_action(window, file, "&Add Videos...", lambda: actions.add_videos(window, ws),
                     "Ctrl+Shift+A")
    relink = add_action(window, file, "Relink &Missing Media...",
                        lambda: actions.relink(window, ws))
    relink_file = add_action(window, file, "Relink Video &File...",
                             lambda: actions.relink_video_file(window, ws))
    accept_file = add_action(window, file, "Accept &Changed Video File...",
                             lambda: actions.accept_changed_file(window, ws))
    imp = add_action(window, file, "&Import EmoSign CSV...",
                     lambda: actions.import_csv(window, ws), "Ctrl+I")
    exp = add_action(window, file, "&Export EmoSign CSV...",
                     lambda: actions.export_csv(window, ws), "Ctrl+E")
    file.addSeparator()
    elan_in = add_action(window, file, "Import E&LAN File...",
                         lambda: actions.import_elan(window, ws))
    elan_out = add_action(window, file, "Export ELAN File for This &Video...",
                          lambda: actions.export_elan(window, ws))
    sign_in = add_action(window, file, "Import &SignStream File...",
                         lambda: actions.import_signstream(window, ws))
    tidy = add_action(window, file, "Export Se&gments for Analysis...",
                      lambda: actions.export_segments(window, ws))
    file.addSeparator()
    backup = add_action(window, file, "&Back Up Project Now",
                        lambda: actions.backup_now(window, ws))
    add_action(window, file, "Restore from Bac&kup...", lambda: actions.restore(window, ws))
    file.addSeparator()
    add_action(window, file, "&Quit", window.close, "Ctrl+Q")
    edit = bar.addMenu("&Edit")
    undo = add_action(window, edit, "&Undo", lambda: actions.undo(window, ws),
                      QKeySequence.StandardKey.Undo)
    redo = add_action(window, edit, "&Redo", lambda: actions.redo(window, ws), "Ctrl+Shift+Z")
    edit.addSeparator()
    tiers = add_action(window, edit, "&Tiers and Vocabularies...",
                       lambda: actions.edit_tiers(window, ws))
    people = bar.addMenu("&Annotators")
    pack = add_action(window, people, "&Export My Annotations...",
                      lambda: actions.export_pack(window, ws), "Ctrl+Shift+E")
    merge = add_action(window, people, "&Merge Annotator Packs...",
                       lambda: actions.merge_packs(window, ws), "Ctrl+Shift+M")
    conflicts = add_action(window, people, "&Conflict Log...",
                           lambda: actions.show_conflicts(window, ws))
    menus = ProjectMenus([add, relink, imp, exp, elan_in, elan_out, sign_in, tidy, tiers, pack,
                          merge, conflicts], undo, redo,
                         edit, people, recent, add, relink, imp, exp, pack, merge, conflicts, tiers)
    menus.writes = [add, relink, imp, elan_in, sign_in, tiers, merge, backup]
    menus.needs_project += [relink_file, accept_file]
    menus.writes += [relink_file, accept_file]
    ws.on_changes(lambda c: enable(menus, ws) if c.project else None)  # (opened, closed)
    ws.on_undo(lambda: show_undo(menus, ws))
    enable(menus, ws)
    show_undo(menus, ws)
    return menus


def enable(menus: ProjectMenus, ws: Workspace) -> None:
    for action in menus.needs_project:
        action.setEnabled(ws.has_project)
    if ws.read_only is not None:
        for action in menus.writes:
            action.setEnabled(False)


def show_undo(menus: ProjectMenus, ws: Workspace) -> None:
    """Name the step Undo and Redo would take ("Undo: joy = 2"), or say why none."""
    stack = ws.undo_stack
    undo = stack.undo_label if stack else None
    redo = stack.redo_label if stack else None
    menus.undo.setEnabled(undo is not None)
    menus.redo.setEnabled(redo is not None)
    if undo is not None:
        menus.undo.setText(f"&Undo: {undo}")
    elif stack is not None and stack.cleared:
        menus.undo.setText(f"Can't &Undo: {stack.cleared}")
    else:
        menus.undo.setText("&Undo")
    menus.redo.setText(f"&Redo: {redo}" if redo else "&Redo")
