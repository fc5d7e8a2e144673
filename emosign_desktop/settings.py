"""The user's own settings (not the project's): who is annotating, recent projects, text size,
contrast, where each project was left.  A small JSON file in the user's config folder,
written atomically."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

MAX_RECENT = 8


def config_dir() -> Path:
    """The user's config folder for EmoSign Desktop (``EMOSIGN_CONFIG_DIR`` overrides)."""
    override = os.environ.get("EMOSIGN_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("EmoSign Desktop", appauthor=False))


@dataclass
class UserSettings:
    """Everything remembered between sessions."""

    annotator: str = ""
    recent_projects: list[str] = field(default_factory=list)
    text_scale: int = 100  # percent, 100..200
    high_contrast: bool = False
    positions: dict[str, dict[str, object]] = field(default_factory=dict)  # project -> place
    window_state: str = ""  # Qt's saveState, base64
    reviewer: bool = False  # sees everything in blind mode (a role, not a security boundary)

    @classmethod
    def load(cls) -> UserSettings:
        """The saved settings (defaults when there are none or the file is damaged)."""
        path = config_dir() / "settings.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            settings = cls(**known)
        except TypeError:
            return cls()
        settings.text_scale = min(200, max(100, int(settings.text_scale or 100)))
        return settings

    def save(self) -> None:
        """Write the settings (silently keeps the old file if the folder is not writable)."""
        folder = config_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / "settings.json.part"
            tmp.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
            tmp.replace(folder / "settings.json")
        except OSError:
            pass

    def remember_project(self, folder: Path) -> None:
        key = str(Path(folder).resolve())
        self.recent_projects = [key, *[p for p in self.recent_projects if p != key]][:MAX_RECENT]

    def remember_position(self, folder: Path, video: str, frame: int) -> None:
        self.positions[str(Path(folder).resolve())] = {"video": video, "frame": int(frame)}

    def position(self, folder: Path) -> tuple[str, int] | None:
        place = self.positions.get(str(Path(folder).resolve()))
        if isinstance(place, dict):
            video = place.get("video")
            if isinstance(video, str):
                # a JSON number as remember_position wrote it (or a hand-edited string)
                return video, int(cast("int | float | str", place.get("frame", 0) or 0))
        return None
