"""Help ▸ About: the version, what this installation plays with, MediaPipe's version, where
the user's own files are, and the third-party licence notices the installation carries.

An installer built by ``make bundle`` carries ``resources/THIRD-PARTY-NOTICES.txt``, collected
at build time from each bundled package's licence files and the demo clips' NOTICE.md; a
source checkout shows the demo clips' notice and says where the packages' licences are.
"""

from __future__ import annotations

import importlib.util
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop import __version__
from emosign_desktop.landmarks.mediapipe_version import mediapipe_version
from emosign_desktop.resources import resource_dir
from emosign_desktop.ui.dialog_size import fit_to_screen

NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def playback_backends() -> list[str]:
    """One line per playback backend: present or not, and which one is in use.  No
    installer carries libVLC: it is the system's, where VLC is installed."""
    from emosign_desktop.media.playback import vlc_available

    av = _version("av")
    pyav = f"PyAV {av or ''} (FFmpeg, included)".replace("  ", " ")
    if vlc_available():
        from emosign_desktop.media.vlc_playback import libvlc_description

        return [f"In use: VLC, the system's {libvlc_description()}: real-time playback",
                f"{pyav}: exact frames, and playback of rotated videos"]
    return [f"In use: {pyav}: exact frames and playback",
            "libVLC: not found on this system (install VLC to play large videos with it; "
            "frames stay exact either way)"]


def parquet_line() -> str:
    if importlib.util.find_spec("pyarrow") is not None:
        return "Export to Parquet: available"
    return ("Export to Parquet: not in this installation (pyarrow would add 140 MB); "
            "export .csv instead, or use the pip install for .parquet")


def postgresql_line() -> str:
    """Which libpq server projects use: psycopg_binary's own (installers, pip), or the
    system's where psycopg runs without it."""
    try:
        import psycopg
    except ImportError:
        return ("Projects on a PostgreSQL server: no libpq found (Debian and Ubuntu: install "
                "libpq5); projects on this computer are not affected")
    number = psycopg.pq.version()
    version = f"{number // 10000}.{number % 10000}" if number >= 100000 else str(number)
    where = "from the system" if psycopg.pq.__impl__ == "python" else "included"
    return f"Projects on a PostgreSQL server: libpq {version} ({where})"


def user_folders() -> list[tuple[str, Path]]:
    from emosign_desktop.crashlog import log_dir
    from emosign_desktop.resources import user_data_dir
    from emosign_desktop.settings import config_dir

    return [("Your data (the demo project)", user_data_dir()), ("Your settings", config_dir()),
            ("Logs and crash reports", log_dir())]


def notices_text() -> str:
    """The licence notices this installation carries."""
    found = resource_dir() / NOTICES_FILE
    if found.is_file():
        return found.read_text(encoding="utf-8", errors="replace")
    demo = resource_dir() / "demo" / "NOTICE.md"
    text = demo.read_text(encoding="utf-8") if demo.is_file() else ""
    return ("This copy runs from source (pip): each package installed with it carries its own "
            "licence in its *.dist-info folder. The installers collect them, with the notice "
            "below, into THIRD-PARTY-NOTICES.txt.\n\n" + text)


def about_lines() -> list[str]:
    """What the About box says above the notices (also printed by the self-test)."""
    lines = [f"EmoSign Desktop {__version__}",
             "Annotate and review sign-language video for emotion. Every edit is saved at "
             "once; nothing needs the network.", ""]
    lines.append("Playback:")
    lines += [f"  {line}" for line in playback_backends()]
    lines.append(f"MediaPipe {mediapipe_version() or '(not installed)'} (Holistic "
                 "landmarks and the face landmarker, models included)")
    qt = _version("PySide6_Essentials") or _version("PySide6")
    lines.append(f"Qt for Python (PySide6) {qt or ''}, LGPL-3.0".replace("  ", " "))
    lines.append(parquet_line())
    lines.append(postgresql_line())
    lines.append("")
    lines += [f"{what}: {where}" for what, where in user_folders()]
    return lines


class AboutDialog(QDialog):
    """The About box: the facts above, then the licence notices (scrollable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About EmoSign Desktop")
        self.setAccessibleName("About EmoSign Desktop")
        layout = QVBoxLayout(self)
        self.facts = QLabel("\n".join(about_lines()))
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        layout.addWidget(QLabel("Third-party licence notices:"))
        self.notices = QPlainTextEdit(notices_text())
        self.notices.setReadOnly(True)
        self.notices.setAccessibleName("Third-party licence notices")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.notices.setFont(mono)
        layout.addWidget(self.notices, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()  # the facts whole (wrapped less when wider), any text size
        fit_to_screen(self, QSize(max(720, metrics.averageCharWidth() * 90), 560))


def show_about(parent: QWidget | None = None) -> None:
    """Help ▸ About EmoSign Desktop."""
    AboutDialog(parent).exec()
