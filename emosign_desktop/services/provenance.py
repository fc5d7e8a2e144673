"""Where a written evaluation comes from: the app and its version, when it was made, the
project (folder, file, server database, id) and the prediction files of every run with their
SHA-256 (as kept at import, :func:`~emosign_desktop.services.predictions.run_sources`).

``emosign evaluate`` puts it at the top of its JSON (``"provenance"``) and of its HTML
report, so that a report read later says what it was computed from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from emosign_desktop import __version__
from emosign_desktop.services.handle import ProjectHandle as Session
from emosign_desktop.services.predictions import CARRIED, run_sources
from emosign_desktop.storage.base import now_iso
from emosign_desktop.storage.project import PROJECT_FILE

APP = "EmoSign Desktop"


class ProjectPlace(TypedDict):
    """The project a report was computed from."""

    folder: str
    file: str
    database: str | None  # a project on a server: its database, else None
    id: str


class PredictionSource(TypedDict):
    """One file a run came from; ``file``, ``sha256``, ``bytes`` and ``imported_at`` are
    None for a run imported before the app kept them."""

    model: str
    setting: str
    carries: list[str]
    file: str | None
    sha256: str | None
    bytes: int | None
    imported_at: str | None
    imported_by: str | None  # the app version that imported it


class Provenance(TypedDict):
    """What :func:`report_provenance` returns."""

    app: str
    app_version: str
    created_at: str  # UTC, ISO 8601
    project: ProjectPlace
    prediction_files: list[PredictionSource]


def _runs_carry(predictions: int, cues: int) -> list[str]:
    return [k for k, n in zip(CARRIED, (predictions, cues), strict=True) if n]


def report_provenance(session: Session) -> Provenance:
    """The app, now (UTC), the project and the prediction files of every imported run."""
    repo = session._repo
    folder = Path(session.folder).resolve()
    server = repo.server
    files: list[PredictionSource] = []
    for model, setting, n_pred, n_cues in repo.prediction_runs():
        sources = run_sources(session, model, setting)
        for s in sources:
            files.append({"model": model, "setting": setting, "carries": list(s.carries),
                          "file": s.file, "sha256": s.sha256, "bytes": s.size,
                          "imported_at": s.imported_at, "imported_by": s.app_version or None})
        known = {k for s in sources for k in s.carries}
        rest = [k for k in _runs_carry(n_pred, n_cues) if k not in known]
        if rest:
            files.append({"model": model, "setting": setting, "carries": rest, "file": None,
                          "sha256": None, "bytes": None, "imported_at": None,
                          "imported_by": None})
    return {"app": APP, "app_version": __version__, "created_at": now_iso(),
            "project": {"folder": str(folder), "file": str(folder / PROJECT_FILE),
                        "database": server.label if server is not None else None,
                        "id": repo.project_id()},
            "prediction_files": files}
