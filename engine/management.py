"""ManagementService: the schema (alembic migrations) and engine-wide figures."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine as SqlEngine

from .storage.records import Base

MIGRATIONS = Path(__file__).parent / "migrations"


class ManagementService:
    def __init__(self, sql_engine: SqlEngine) -> None:
        self._sql = sql_engine

    def create_schema(self) -> None:
        """Create or upgrade the tables to the latest migration."""
        with self._sql.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")

    def drop_schema(self) -> None:
        with self._sql.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _alembic_config(connection) -> Config:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def make_revision(database_url: str, message: str) -> None:
    """Autogenerate a migration against an up-to-date database (developer tool)."""
    from .commands import make_sql_engine

    sql = make_sql_engine(database_url)
    with sql.begin() as connection:
        config = _alembic_config(connection)
        command.revision(config, message=message, autogenerate=True)
