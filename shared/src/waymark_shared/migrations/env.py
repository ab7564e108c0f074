"""Alembic environment shared by every service: the backbone branch plus the service's.

``waymark migrate`` builds the Alembic config (see ``waymark_shared.db.migrations``)
and hands over the engine and the metadata through ``config.attributes``.
"""

from alembic import context

config = context.config
engine = config.attributes["engine"]
target_metadata = config.attributes.get("target_metadata")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
