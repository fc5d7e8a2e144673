"""Content fingerprint of a media file, so media can be found again after a folder moves,
and the file's stamp (size, modification time), so a check need not read it every time."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from emosign_desktop.core.errors import MediaError
from emosign_desktop.core.media_check import MediaStamp

_CHUNK = 1 << 20  # 1 MiB


def fingerprint(path: str | Path) -> str:
    """``b2:`` + BLAKE2b-160 of the file size, its first and its last MiB.

    Reads at most 2 MiB whatever the file size (a 2 GB recording takes milliseconds), and
    is the hash of the whole content for files up to 2 MiB.  Renaming or moving a file keeps
    its fingerprint; re-encoding or trimming changes it.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        h = hashlib.blake2b(digest_size=20)
        h.update(size.to_bytes(8, "little"))
        with path.open("rb") as fh:
            h.update(fh.read(_CHUNK))
            if size > 2 * _CHUNK:
                fh.seek(size - _CHUNK)
            h.update(fh.read(_CHUNK))
    except OSError as exc:
        raise MediaError(f"{path}: cannot read the file ({exc.strerror})") from None
    return "b2:" + h.hexdigest()


def file_stamp(path: str | Path) -> MediaStamp:
    """The file's size and modification time (one ``stat``); raises :class:`OSError`
    (:class:`IsADirectoryError` for anything but a regular file).

    Take it *before* reading the file for its fingerprint: a file written while it is read
    then shows a newer time at the next check, and is read again.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
    return MediaStamp(st.st_size, st.st_mtime_ns)
