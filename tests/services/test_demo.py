from __future__ import annotations

from emosign_desktop.core.model import AnnotationStatus
from emosign_desktop.resources import resource_dir
from emosign_desktop.services.demo import DEMO_ANNOTATOR, DEMO_CLIPS, ensure_demo_project
from emosign_desktop.services.session import open_session
from emosign_desktop.services.summary import video_rows
from emosign_desktop.storage import open_project


def test_demo_clips_ship_with_their_notice():
    demo = resource_dir() / "demo"
    for name in DEMO_CLIPS:
        assert (demo / name).stat().st_size > 10_000
    notice = (demo / "NOTICE.md").read_text()
    assert "BSD-3-Clause" in notice and "MIT License" in notice
    assert "Steve Cassidy" in notice and "Amit Moryossef" in notice


def test_demo_project_is_built_then_reused(tmp_path):
    folder = ensure_demo_project(tmp_path / "demo")
    with open_session(folder) as project:
        rows = video_rows(project)
        assert len(rows) == 4 and all(r.media_found for r in rows)
        status = {r.video.name: r.status.get(DEMO_ANNOTATOR) for r in rows}
        assert status["pose_test_video"] is AnnotationStatus.DONE
        assert status["pose_sample_video"] is AnnotationStatus.IN_PROGRESS
        assert any(s.region for s in project._repo.segments())
        project.editing.set_label(rows[0].video.id, DEMO_ANNOTATOR, "anger", 3)
    (folder / "media" / "signbank_ns_1m.mp4").unlink()
    assert ensure_demo_project(folder) == folder  # reused: the edit is kept, the clip restored
    assert (folder / "media" / "signbank_ns_1m.mp4").is_file()
    with open_project(folder) as project:
        assert any(a.emotions.get("anger") == 3 for a in project.repo.annotations())
    assert not list(tmp_path.glob("*.building"))


def test_demo_default_folder_is_in_user_data(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOSIGN_DATA_DIR", str(tmp_path / "data"))
    folder = ensure_demo_project()
    assert folder == tmp_path / "data" / "demo-project"
