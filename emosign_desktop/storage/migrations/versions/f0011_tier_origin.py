"""Project format 11: what the files a reference tier came from say of it.

``tier`` gains ``origin`` (JSON, per file: e.g. an ELAN tier's id, linguistic type and
constraint, controlled vocabulary, participant and annotator), so a reference tier can be
written back to ELAN as it came.  Existing tiers get "" (nothing kept: written as plain tiers).

Revision ID: f0011
Revises: f0010
"""

import sqlalchemy as sa
from alembic import op

from emosign_desktop.storage.migrations.helpers import set_meta

revision = "f0011"
down_revision = "f0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``tier.origin`` (text, "" by default)."""
    with op.batch_alter_table("tier") as batch:
        batch.add_column(sa.Column("origin", sa.Text, nullable=False, server_default=""))
    set_meta("format_version", "11")
