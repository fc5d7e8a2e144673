"""Alembic environment: always run on the connection (and transaction) the app hands over."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
    transactional_ddl=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
