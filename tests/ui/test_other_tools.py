"""ELAN and SignStream from the File menu: export, import, reference tiers shown beside
ours (grouped, children under their parent), read-only in the tier editor."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from emosign_desktop.core.model import TierKind
from emosign_desktop.services.reference_import import SpanSpec, TierSpec, build_import
from tests.conftest import demo_copy
from tests.ui.windows import build_window


def make(qtbot, tmp_path):
    return build_window(qtbot, demo_copy(tmp_path), video="pose_test_video")


def test_reference_tiers_show_beside_ours_and_stay_read_only(qtbot, tmp_path):
    w = make(qtbot, tmp_path)
    video = w.workspace.video
    gloss = TierSpec("main gloss", TierKind.FREE, group="Glosses (reference)")
    brows = TierSpec("eye brows", TierKind.FACIAL_GRAMMAR, ("raised",),
                     "Facial grammar (reference)", parent="main gloss")
    w.workspace.writer.run("import a.xml", lambda repo: build_import(
        repo, video_id=video.id, source="signstream:a.xml", annotator="signstream",
        tiers=(gloss, brows), spans=(SpanSpec("main gloss", 0, 20, "PRO-1"),
                                     SpanSpec("eye brows", 3, 9, "raised"))))
    titles = [r.title for r in w.details.segment_rows.rows]
    assert titles[-2:] == ["Glosses (reference) · main gloss", "  ↳ eye brows"]
    assert titles[0].startswith("demo-annotator")  # ours first
    assert "eye brows" not in [w.tier_editor.tier.itemText(i)
                               for i in range(w.tier_editor.tier.count())]
    plot = w.details.landmarks.plot  # reference spans on the signal plot too
    assert plot is not None and {s.value for s in plot._segments} >= {"PRO-1", "raised"}


def test_elan_export_then_import_from_the_menu(qtbot, tmp_path, monkeypatch):
    w = make(qtbot, tmp_path)
    out = tmp_path / "pose.eaf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    w.menus.needs_project[5].trigger()  # Export ELAN File for This Video
    assert out.is_file() and "wrote" in w.statusBar().currentMessage()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    w.menus.needs_project[4].trigger()  # Import ELAN File (our own export: nothing doubled)
    w.workspace.wait_idle()  # written on the background writer
    assert "already in the project as they are" in w.statusBar().currentMessage()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    bad = tmp_path / "bad.xml"
    bad.write_text("<not-signstream/>", encoding="utf-8")
    errors: list[str] = []
    from emosign_desktop.ui import actions, messages

    for module in (actions, messages):  # (messages: what a background write refused)
        monkeypatch.setattr(module, "show_error", lambda _p, title, exc: errors.append(
            f"{title}: {exc}"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    w.menus.needs_project[6].trigger()  # Import SignStream File: a bad file is refused
    w.workspace.wait_idle()
    assert errors and "nothing was changed" in errors[0] and str(bad) in errors[0]
