"""The repository: the one door to the project's data; it returns core dataclasses only."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from emosign_desktop.core.errors import LabelValidationError
from emosign_desktop.core.schema import LabelSchema
from emosign_desktop.storage import tables as t
from emosign_desktop.storage.annotations import AnnotationStore
from emosign_desktop.storage.merges import MergeStore
from emosign_desktop.storage.segments import SegmentStore
from emosign_desktop.storage.videos import VideoStore


class Repository(VideoStore, AnnotationStore, SegmentStore, MergeStore):
    """Videos, annotators, annotations, tiers, segments, predictions and project metadata."""

    def meta(self) -> dict[str, str]:
        """The project's metadata (format version, creator, schema as JSON...)."""
        with self._read() as conn:
            return dict(conn.execute(select(t.meta.c.key, t.meta.c.value)).all())

    def set_schema(self, schema: LabelSchema) -> None:
        """Replace the project's schema; refused if a stored value would not fit it."""
        for ann in self.annotations():
            for field in ("sentiment", "sentiment_confidence", "emotion_confidence"):
                try:
                    schema.validate(field, ann.value(field))
                except LabelValidationError as exc:
                    raise LabelValidationError(f"the new schema does not fit: {exc}") from None
            for key, value in ann.emotions.items():
                if key not in schema.emotion_keys:
                    raise LabelValidationError(
                        f"the new schema has no emotion '{key}', which annotations use"
                    )
                schema.validate(key, value)
        with self._write() as conn:
            conn.execute(t.meta.update().where(t.meta.c.key == "label_schema"),
                         {"value": json.dumps(schema.to_dict())})
            self._log(conn, "project", "label_schema", self.schema.name, schema.name)
        self.schema = schema

    def edit_count(self) -> int:
        """Number of lines in the edit log."""
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(t.edit_log)).scalar_one()
