"""The ``emosign-desktop`` entry point: open a project (or the demo) in the main window, or
show the welcome screen when none is given; ``--self-test`` checks the installation."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from emosign_desktop import __version__

if TYPE_CHECKING:
    from emosign_desktop.selftest import Context


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emosign-desktop",
                                     description="Annotate sign-language video for emotion.")
    parser.add_argument("project", nargs="?",
                        help="project folder (or its project.emosign file) to open")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo project (created in your data folder if needed)")
    parser.add_argument("--annotator", metavar="NAME",
                        help="who is annotating (remembered; asked on first launch otherwise)")
    parser.add_argument("--high-contrast", action="store_true", help="start in high contrast")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the window once it is shown, then quit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (demo project, exact frames, playback, "
                             "MediaPipe, saving, agreement, evaluation, ELAN, the window) "
                             "offline and without a screen; one line per check, exit 0 when "
                             "all pass")
    parser.add_argument("--startup-time", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"emosign-desktop {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the application (or its self-test)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.annotator:
        from emosign_desktop.core.names import name_problem

        problem = name_problem(args.annotator.strip())
        if problem is not None:
            parser.error(f"--annotator: the name {problem}")  # exit 2, before any window
    if args.self_test:
        return self_test()
    try:
        return _run(args)
    except Exception as exc:  # a crash before the window could say it: log it, say where
        return _crashed(exc)


def _crashed(exc: BaseException) -> int:
    from emosign_desktop.crashlog import write_crash_log

    log = write_crash_log(exc)
    message = (f"EmoSign Desktop could not go on: {exc}\n\nYour projects are safe: every edit "
               f"was saved when you made it. A report of what went wrong was written to\n"
               f"{log}\nPlease send that file to whoever gave you EmoSign Desktop.")
    print(message, file=sys.stderr)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            QMessageBox.critical(None, "EmoSign Desktop", message)
    except Exception:
        pass
    return 1


def _process_age() -> float:
    """Seconds since this process started (Linux: from /proc; elsewhere since Python's
    start, which misses the time before it)."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - started
    except (OSError, ValueError, IndexError):
        return time.perf_counter()


def _run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.core.errors import EmoSignError
    from emosign_desktop.resources import resource_dir
    from emosign_desktop.ui.main_window import MainWindow
    from emosign_desktop.ui.messages import install_excepthook, show_error

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EmoSign Desktop")
    app.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("emosign-desktop")  # the menu entry: its icon and name
    icon = resource_dir() / "icons" / "emosign-desktop.png"
    if icon.is_file():
        QApplication.setWindowIcon(QIcon(str(icon)))
    install_excepthook()
    from emosign_desktop.settings import UserSettings

    settings = UserSettings.load()
    if args.annotator:
        settings.annotator = args.annotator.strip()
    if args.high_contrast:
        settings.high_contrast = True
    settings.save()
    window = MainWindow(settings)
    window.show()
    folder = args.project
    if args.demo:
        from emosign_desktop.services.demo import ensure_demo_project

        try:
            folder = ensure_demo_project()
        except EmoSignError as exc:
            show_error(window, "Cannot create the demo project", exc)
    if folder:
        window.open_project(folder)
    quiet = args.screenshot or args.startup_time
    if not window.workspace.annotator and not quiet:
        QTimer.singleShot(0, window.ask_annotator)  # first launch: who is annotating?
    if args.screenshot:
        def snap() -> None:
            window.grab().save(args.screenshot)
            window.close()

        QTimer.singleShot(800, snap)
    if args.startup_time:
        def shown() -> None:  # the first event-loop turn: the window has been painted
            window.repaint()
            print(f"first window after {_process_age():.2f} s", flush=True)
            window.close()

        QTimer.singleShot(0, shown)
    return app.exec()


# -- the self-test -----------------------------------------------------------------------------
def self_test(only: Sequence[str] | None = None) -> int:
    """Run every check (``emosign_desktop.selftest``) and the window's; offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from emosign_desktop import selftest

    print(f"EmoSign Desktop {__version__} self-test ({'bundle' if _frozen() else 'source'}, "
          f"{sys.platform}, Qt platform {os.environ['QT_QPA_PLATFORM']})", flush=True)
    return selftest.run([("window", check_window), ("about", check_about)], only=only)


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def check_window(ctx: Context) -> str:
    """The window on the welcome screen, then on the demo project with a video in the
    player, a pyqtgraph curve drawn inside a slot; any error raised in a slot fails it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.settings import UserSettings
    from emosign_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    errors: list[str] = []
    previous = sys.excepthook

    def catch(kind: type[BaseException], exc: BaseException, _tb: object) -> None:
        errors.append(f"{kind.__name__}: {exc}")

    sys.excepthook = catch
    try:
        window = MainWindow(UserSettings(annotator="self-test"))
        window.show()
        app.processEvents()
        on_welcome = window.welcome.isVisible()
        window.open_project(ctx.demo_project())
        app.processEvents()
        video = window.workspace.video
        drawn: list[int] = []

        def draw() -> None:  # inside a slot, as the signal plot draws
            import numpy as np
            import pyqtgraph as pg

            plot = pg.PlotWidget()
            plot.plot(np.arange(50.0), np.sin(np.arange(50.0) / 5))
            plot.resize(320, 200)
            drawn.append(plot.grab().width())
            plot.close()

        QTimer.singleShot(0, draw)
        deadline = time.monotonic() + 10
        while not drawn and not errors and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        picture = window.grab()
        window.close()
        app.processEvents()
    finally:
        sys.excepthook = previous
    if errors:
        raise AssertionError("error raised in a slot: " + "; ".join(errors))
    if not on_welcome:
        raise AssertionError("the window did not open on the welcome screen")
    if video is None:
        raise AssertionError("no video became current on the demo project")
    if not drawn:
        raise AssertionError("the plot was not drawn")
    return (f"welcome screen, then the demo project with {video.name} in the player "
            f"({picture.width()}x{picture.height()}); a curve drawn in a slot")


def check_about(_ctx: Context) -> str:
    """The About box: version, playback backends, MediaPipe, libpq, licence notices."""
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.ui.about import AboutDialog, notices_text

    app = QApplication.instance() or QApplication(sys.argv[:1])
    dialog = AboutDialog()
    dialog.show()
    app.processEvents()
    facts = dialog.facts.text()
    dialog.close()
    notices = notices_text()
    wanted = [__version__, "PyAV", "MediaPipe", "PostgreSQL server: libpq"]
    if _frozen():
        wanted += ["PySide6", "LGPL", "FFmpeg", "MediaPipe", "Apache", "NOTICE.md"]
        if "libVLC (in this installation)" in facts:
            wanted.append("VLC")
    missing = [w for w in wanted if w not in facts and w not in notices]
    if missing:
        raise AssertionError(f"the About box does not mention {missing}")
    backends = [line.strip().split(":")[0] for line in facts.splitlines()
                if "present" in line or "not found" in line]
    return (f"About box: version {__version__}; {'; '.join(backends)}; "
            f"{len(notices.splitlines())} lines of licence notices")


if __name__ == "__main__":
    sys.exit(main())
