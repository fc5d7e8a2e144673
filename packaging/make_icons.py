"""Rasterize packaging/icons/emosign-desktop.svg with Qt into the icon files installers need.

    python packaging/make_icons.py OUT_DIR

writes OUT_DIR/hicolor/<n>x<n>/apps/emosign-desktop.png for the usual freedesktop sizes,
OUT_DIR/emosign-desktop.png (256 px, carried by the bundle for the window icon) and
OUT_DIR/emosign-desktop.ico (Windows).  Runs offscreen (no display needed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent / "icons" / "emosign-desktop.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int):  # -> QImage
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for size in SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "emosign-desktop.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(target), "PNG"):
            raise SystemExit(f"{target}: could not write")
    scalable = out / "hicolor" / "scalable" / "apps" / "emosign-desktop.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    render(256).save(str(out / "emosign-desktop.png"), "PNG")
    _write_ico(out / "emosign-desktop.ico")
    print(f"icons in {out}: {', '.join(map(str, SIZES))} px, .ico, .svg")
    return 0


def _write_ico(path: Path) -> None:
    """A Windows .ico holding PNG images (Vista and later read them)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    images = []
    for size in ICO_SIZES:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        render(size).save(buffer, "PNG")
        images.append((size, bytes(data.data())))
    header = (0).to_bytes(2, "little") + (1).to_bytes(2, "little") + \
        len(images).to_bytes(2, "little")
    entries, blobs = b"", b""
    offset = 6 + 16 * len(images)
    for size, png in images:
        side = 0 if size >= 256 else size
        entries += bytes([side, side, 0, 0]) + (1).to_bytes(2, "little") + \
            (32).to_bytes(2, "little") + len(png).to_bytes(4, "little") + \
            offset.to_bytes(4, "little")
        blobs += png
        offset += len(png)
    path.write_bytes(header + entries + blobs)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")))
