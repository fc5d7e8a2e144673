"""Project format 7: several annotators at once (projects on a PostgreSQL server).

``video_annotation``, ``segment`` and ``tier`` gain ``version``, which every write raises:
an edit built from what a client read earlier is refused when the row has changed since in
what the edit touches.  ``edit_log`` gains ``client`` (who wrote the line), so a client
polling the log for what others changed skips its own lines.

Revision ID: f0007
Revises: f0006
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0007"
down_revision = "f0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the row versions and the edit log's client."""
    for table in ("video_annotation", "segment", "tier"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer, nullable=False,
                                       server_default="1"))
    with op.batch_alter_table("edit_log") as batch:
        batch.add_column(sa.Column("client", sa.String, nullable=True))
    set_meta("format_version", "7")
