"""A change the database refuses by a constraint is told as what it is, on SQLite and
PostgreSQL: a value already stored (409, DuplicateError), a row referred to that does not exist
(409), a value the column refuses (400); never "changed concurrently", and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from engine import ConcurrencyError, ConflictError, DuplicateError, Engine, InvalidInputError
from engine.commands import CommandExecutor, make_sql_engine
from engine.storage.records import UserTaskRecord
from tests import samples
from tests.conftest import T0


@pytest.fixture
def executor(engine: Engine, database_url: str):  # type: ignore[no-untyped-def]
    sql = make_sql_engine(database_url)
    yield CommandExecutor(sessionmaker(bind=sql))
    sql.dispose()


def _task(**values: object) -> dict[str, object]:
    return {"id": "t-1", "instance_id": "nope", "process_id": "p", "element_id": "e",
            "created_at": T0, **values}  # fmt: skip


def _count(executor: CommandExecutor) -> int:
    return len(executor.read(lambda s: s.execute(select(UserTaskRecord.id)).all()))


def test_a_row_referring_to_nothing_is_a_conflict_not_a_concurrent_change(
    executor: CommandExecutor,
) -> None:
    with pytest.raises(ConflictError) as refused:
        executor.execute(lambda s: s.execute(insert(UserTaskRecord).values(**_task())))
    assert type(refused.value) is ConflictError  # neither a duplicate nor a concurrent change
    assert "n'existe pas" in str(refused.value)
    assert _count(executor) == 0


def _started(engine: Engine):  # type: ignore[no-untyped-def]
    engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="t")
    deadline = (T0 + timedelta(days=2)).isoformat()
    return engine.runtime.start("approval", variables={"x": 1, "deadline": deadline})


def test_a_missing_value_the_column_requires_is_invalid_input(
    engine: Engine, executor: CommandExecutor
) -> None:
    instance = _started(engine)
    before = _count(executor)
    with pytest.raises(InvalidInputError) as refused:
        executor.execute(
            lambda s: s.execute(
                insert(UserTaskRecord).values(**_task(instance_id=instance.id, process_id=None))
            )
        )
    assert "process_id" in str(refused.value) and "refusée par la base" in str(refused.value)
    assert _count(executor) == before


def test_two_rows_with_one_unique_value_are_a_duplicate_and_none_is_written(
    executor: CommandExecutor, engine: Engine
) -> None:
    instance = _started(engine)
    before = _count(executor)

    def twice(session) -> None:  # type: ignore[no-untyped-def]
        row = _task(id="t-9", instance_id=instance.id)
        session.execute(insert(UserTaskRecord).values(**row))
        session.execute(insert(UserTaskRecord).values(**row))

    with pytest.raises(DuplicateError) as refused:
        executor.execute(twice)
    assert refused.value.columns == ("id",)
    assert not isinstance(refused.value, ConcurrencyError)
    assert _count(executor) == before
