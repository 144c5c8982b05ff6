"""CommandExecutor: the only place where transactions begin, commit and roll back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from threading import RLock
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .clock import EngineClock
from .errors import (
    ConcurrencyError,
    ConflictError,
    DuplicateError,
    EngineError,
    InvalidInputError,
)

T = TypeVar("T")


# Times a command runs again when another wrote first since it began reading (SQLite).
SNAPSHOT_ATTEMPTS = 8


class CommandExecutor:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        readers: sessionmaker[Session] | None = None,
        *,
        one_writer: bool = False,
        clock: EngineClock | None = None,
    ) -> None:
        self._sessions = sessions
        self._instant = clock.standing_still if clock is not None else nullcontext
        self._readers = readers or sessions
        # SQLite lets one transaction write at a time. A command reads and computes (diagram
        # code included) without any lock, and takes the write lock at its first write only:
        # the threads of this process queue on `_writing` from there, and a command that finds
        # that another wrote since it began reading runs again (`SNAPSHOT_ATTEMPTS`), then
        # holding the lock from its start.
        self._one_writer = one_writer
        self._writing = RLock()
        self._held = threading.local()
        bind = sessions.kw.get("bind")
        if one_writer and bind is not None:
            event.listen(bind, "before_cursor_execute", self._before_statement)

    def read(self, query: Callable[[Session], T]) -> T:
        """Run a read-only query: on SQLite it takes no write lock, so it never waits on steps."""
        with self._readers() as session:
            return query(session)

    def execute(self, command: Callable[[Session], T]) -> T:
        """Run one command in one transaction: commit if it returns, roll back if it raises.
        The command sees one instant of the engine clock from start to end."""
        attempts = SNAPSHOT_ATTEMPTS if self._one_writer else 1
        for attempt in range(1, attempts + 1):
            try:
                # Once beaten to the write, a command runs again holding the lock from the
                # start: busy threads of this process cannot beat it twice.
                return self._attempt(command, lock_first=attempt > 1)
            except ConcurrencyError as exc:
                if attempt == attempts or not isinstance(exc.__cause__, DBAPIError):
                    raise
        raise AssertionError("unreachable")

    def _attempt(self, command: Callable[[Session], T], *, lock_first: bool = False) -> T:
        outer = getattr(self._held, "count", None)  # a command run from within another
        self._held.count = 0
        if lock_first:
            self._writing.acquire()
            self._held.count = 1
        try:
            with self._instant(), self._sessions.begin() as session:
                return command(session)
        except StaleDataError as exc:
            raise ConcurrencyError("the instance changed concurrently; retry") from exc
        except IntegrityError as exc:
            raise constraint_error(exc) from exc
        except DBAPIError as exc:
            if _is_serialization_failure(exc):
                raise ConcurrencyError("concurrent change; retry") from exc
            raise
        finally:
            if self._held.count:
                self._writing.release()
            self._held.count = outer

    def _before_statement(self, conn, cursor, statement, parameters, context, many):  # type: ignore[no-untyped-def]
        if getattr(self._held, "count", None) == 0 and _writes(statement):
            self._writing.acquire()
            self._held.count = 1


def _writes(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))


def constraint_error(exc: IntegrityError) -> EngineError:
    """What a constraint the database enforced says of the change (nothing was written): a
    unique value already stored, a row referred to that does not exist (any more), or a value
    the column refuses. None of them is a concurrent change of an instance."""
    code = getattr(exc.orig, "sqlstate", None)  # PostgreSQL
    text = str(exc.orig)
    diag = getattr(exc.orig, "diag", None)
    if code == "23505" or text.startswith("UNIQUE constraint failed"):
        table, columns = _unique_target(text, diag)
        where = f"{table} ({', '.join(columns)})" if columns else table
        return DuplicateError(f"valeur déjà enregistrée : {where}".rstrip(" :"), columns=columns)
    if code == "23503" or text.startswith("FOREIGN KEY constraint failed"):
        return ConflictError("refusé : l'élément auquel ce changement se rapporte n'existe pas")
    column = getattr(diag, "column_name", None) or text.rsplit(":", 1)[-1].strip()
    return InvalidInputError(f"valeur refusée par la base de données : {column}")


def _unique_target(text: str, diag: object) -> tuple[str, tuple[str, ...]]:
    # PostgreSQL: "Key (process_id, business_key)=(...) already exists." and the table apart;
    # SQLite: "UNIQUE constraint failed: instance.process_id, instance.business_key".
    detail = getattr(diag, "message_detail", None) or ""
    if detail.startswith("Key ("):
        names = detail[len("Key (") :].split(")=", 1)[0].split(",")
        return getattr(diag, "table_name", None) or "", tuple(n.strip() for n in names)
    if ":" not in text:
        return "", ()
    qualified = [name.strip() for name in text.split(":", 1)[1].split(",")]
    table = qualified[0].rsplit(".", 1)[0] if "." in qualified[0] else ""
    return table, tuple(name.rsplit(".", 1)[-1] for name in qualified)


def _is_serialization_failure(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    return code in {"40001", "40P01"} or "database is locked" in str(exc.orig)


def make_sql_engine(database_url: str, *, for_reads: bool = False) -> SqlEngine:
    from sqlalchemy import create_engine

    url = database_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine, write_lock=not for_reads)
        return engine
    return create_engine(url, pool_pre_ping=False, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: SqlEngine, *, write_lock: bool) -> None:
    # pysqlite's own transaction handling defers BEGIN; writers must take the lock up front
    # (BEGIN IMMEDIATE) so two steps on one instance serialize instead of failing late.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    if write_lock:

        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            # Deferred: the write lock is taken at the first write (see CommandExecutor).
            connection.exec_driver_sql("BEGIN")
