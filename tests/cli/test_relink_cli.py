"""``emosign relink DIR VIDEO FILE``: a moved or renamed file with the video's content is
linked (exit 0); a file with other content is refused with one line (exit 2, nothing
changed) unless ``--accept-changed``; ``add`` of a renamed file points to relinking."""

from __future__ import annotations

import os

from tests.cli.run import emosign
from tests.conftest import dump_project
from tests.generate import make_video


def test_relink_a_renamed_file_then_refuse_and_accept_another(tmp_path):
    folder = tmp_path / "proj"
    clip = make_video(tmp_path / "slp_asl_house.mp4", frames=20)
    assert emosign("init", folder).returncode == 0
    r = emosign("add", folder, clip, "--copy")
    assert r.returncode == 0, r.stderr
    media = folder / "media"
    (media / "slp_asl_house.mp4").rename(media / "house.mp4")

    r = emosign("add", folder, media / "house.mp4")  # the old way: refused, with a pointer
    assert r.returncode == 2
    assert "same content as slp_asl_house (media/slp_asl_house.mp4; its file is missing: " \
           "relink it to this file instead)" in r.stderr

    r = emosign("relink", folder, "slp_asl_house", media / "house.mp4")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "relinked slp_asl_house to media/house.mp4 (same content)\n"

    other = make_video(tmp_path / "other.mp4", frames=9, size=(80, 60))
    os.replace(other, media / "house.mp4")  # another recording under the same name
    before = dump_project(folder / "project.emosign")
    r = emosign("relink", folder, "slp_asl_house", media / "house.mp4")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"emosign relink: error: {media / 'house.mp4'}: not the file the labels of "
        f"'slp_asl_house' were made on (its content differs: "
        f"{(media / 'house.mp4').stat().st_size:,} bytes); nothing was changed "
        "(--accept-changed takes it as the video's new content)"]
    assert dump_project(folder / "project.emosign") == before
    r = emosign("info", folder)  # info checks the content too, not only that a file is there
    assert "(0 found)" in r.stdout and "[media changed: media/house.mp4 is not the file" \
        in r.stdout, r.stdout

    r = emosign("relink", folder, "slp_asl_house", media / "house.mp4", "--accept-changed")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("slp_asl_house: took the new content of media/house.mp4: 9 frames "
                        "(was 20), 12 fps, 80x60\n")

    r = emosign("relink", folder, "no_such_video", media / "house.mp4")
    assert r.returncode == 2 and "no video named 'no_such_video'" in r.stderr
    r = emosign("relink", folder, "slp_asl_house", tmp_path / "nowhere.mp4")
    assert r.returncode == 2 and "nowhere.mp4: file not found" in r.stderr
