"""The only package that imports SQLAlchemy and Alembic: the project file and its repository."""

from emosign_desktop.storage.project import (
    PROJECT_FILE,
    Project,
    create_project,
    is_project,
    open_project,
)

__all__ = ["PROJECT_FILE", "Project", "create_project", "is_project", "open_project"]
