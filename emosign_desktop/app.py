"""The ``emosign-desktop`` entry point: open a project (or the demo) in the main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from emosign_desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emosign-desktop",
                                     description="Annotate sign-language video for emotion.")
    parser.add_argument("project", nargs="?", help="project folder to open")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo project (created in your data folder if needed)")
    parser.add_argument("--annotator", metavar="NAME",
                        help="who is annotating (remembered; asked on first launch otherwise)")
    parser.add_argument("--high-contrast", action="store_true", help="start in high contrast")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the window once it is shown, then quit")
    parser.add_argument("--version", action="version", version=f"emosign-desktop {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the application."""
    args = build_parser().parse_args(argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from emosign_desktop.core.errors import EmoSignError
    from emosign_desktop.ui.main_window import MainWindow
    from emosign_desktop.ui.messages import install_excepthook, show_error

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EmoSign Desktop")
    app.setApplicationVersion(__version__)
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
    if not window.workspace.annotator and not args.screenshot:
        QTimer.singleShot(0, window.ask_annotator)  # first launch: who is annotating?
    if args.screenshot:
        def snap() -> None:
            window.grab().save(args.screenshot)
            window.close()

        QTimer.singleShot(800, snap)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
