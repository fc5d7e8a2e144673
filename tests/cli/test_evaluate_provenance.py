"""``emosign evaluate --json --html``: both state the app's version, the time (UTC), the
project and the prediction files with their SHA-256."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

from emosign_desktop import __version__
from emosign_desktop.cli import main
from tests.generate import write_released

NAMES = [f"clip{i:02d}" for i in range(5)]


def test_json_and_html_state_their_provenance(tmp_path: Path, capsys):
    folder = tmp_path / "proj"
    assert main(["init", str(folder)]) == 0
    rows = [[n, str(i - 2), *(["4"] + ["1"] * 9), "", "", ""] for i, n in enumerate(NAMES)]
    assert main(["import-csv", str(folder), str(write_released(tmp_path / "r.csv", rows))]) == 0
    preds = tmp_path / "p.csv"
    preds.write_text("video_name,sentiment,emotion\n" + "".join(
        f"{n},1,happiness\n" for n in NAMES), encoding="utf-8")
    assert main(["predictions", "import", str(folder), str(preds), "--model", "m",
                 "--setting", "caption"]) == 0
    capsys.readouterr()
    page = tmp_path / "report.html"
    assert main(["evaluate", str(folder), "--json", "--html", str(page)]) == 0
    p = json.loads(capsys.readouterr().out)["provenance"]
    assert p["app_version"] == __version__
    assert datetime.fromisoformat(p["created_at"]).utcoffset() == timedelta(0)
    assert p["project"]["folder"] == str(folder.resolve())
    assert p["project"]["file"] == str(folder.resolve() / "project.emosign")
    [f] = p["prediction_files"]
    digest = hashlib.sha256(preds.read_bytes()).hexdigest()
    assert (f["model"], f["setting"], f["file"], f["sha256"]) == (
        "m", "caption", str(preds.resolve()), digest)
    html = page.read_text(encoding="utf-8")
    for text in (f"EmoSign Desktop {__version__}", p["project"]["file"], str(preds.resolve()),
                 digest, f["imported_at"]):
        assert text in html
