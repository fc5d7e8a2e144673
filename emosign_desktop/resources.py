"""Where the app's resources (demo clips, schema, styles) are."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resource_dir() -> Path:
    """The ``resources/`` folder: ``EMOSIGN_RESOURCES``, a frozen bundle, or the source tree."""
    override = os.environ.get("EMOSIGN_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def user_data_dir() -> Path:
    """The user's data folder for EmoSign Desktop (``EMOSIGN_DATA_DIR`` overrides)."""
    override = os.environ.get("EMOSIGN_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir("EmoSign Desktop", appauthor=False))


def user_cache_dir(kind: str) -> Path:
    """A folder for derived data of one ``kind`` (frame indices, landmarks): safe to delete,
    kept apart from projects (``EMOSIGN_CACHE_DIR`` overrides the root)."""
    override = os.environ.get("EMOSIGN_CACHE_DIR")
    if override:
        return Path(override) / kind
    from platformdirs import user_cache_dir as _user_cache_dir

    return Path(_user_cache_dir("EmoSign Desktop", appauthor=False)) / kind
