"""engine.sandbox_pool: which code may run in the engine's process (it cannot run long nor
build a large value), and the same answers whichever side runs it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.sandbox import ScriptError
from engine.sandbox_pool import IsolatedSandbox, runs_in_process, shared_pool

IN_PROCESS = [
    ("eligible", "eval"),
    ("not eligible and x > 2", "eval"),
    ("review_due_at or commission_at", "eval"),
    ('add_duration(review_due_at or commission_at, "-P2D")', "eval"),
    ("a + b", "eval"),  # an expression runs once: joining two values is bounded
    ('reviews[0]["scores"]', "eval"),
    ('outcome = "expired"', "exec"),
    ("corrections = corrections + 1", "exec"),
    ("convention_signed = True\ncountersigned_at = iso(now())", "exec"),
    ("del valid_reviews", "exec"),
    ("amount * 2", "eval"),  # `*` on numbers; on anything else the pool runs it (see below)
    ("bool(cse_secretary_email) and not cse_answered_at", "eval"),
    ("len(reviews) >= 2 and max(scores) - min(scores) > 3", "eval"),
    ("total = amount * 2\nshare = total * 0.8", "exec"),
]
IN_THE_POOL = [
    ("a = a * b", "exec"),  # repeated, squaring
    ("2 ** x", "eval"),
    ("sum(range(x))", "eval"),
    ("sorted(x)", "eval"),  # more than linear in its argument
    ("round(x, -1000000000)", "eval"),  # 10**(10**9) computed
    ("[r for r in reviews]", "eval"),
    ("f'{x:>99999999}'", "eval"),
    ("'%0999999999d' % 1", "eval"),
    ("a = a + a\na = a + a", "exec"),  # repeated, doubling
    ("for r in reviews:\n    n = n + 1", "exec"),
    ("x.y = 1", "exec"),
    ("y = [0] * n", "exec"),
]


@pytest.mark.parametrize(("source", "mode"), IN_PROCESS)
def test_bounded_code_runs_in_process(source: str, mode: str) -> None:
    assert runs_in_process(source, mode)


@pytest.mark.parametrize(("source", "mode"), IN_THE_POOL)
def test_other_code_runs_in_the_pool(source: str, mode: str) -> None:
    assert not runs_in_process(source, mode)


@pytest.fixture
def sandbox() -> IsolatedSandbox:
    moment = datetime(2020, 3, 1, 12, tzinfo=UTC)
    return IsolatedSandbox(shared_pool(), now=lambda: moment, zone=ZoneInfo("Europe/Paris"))


def test_both_sides_give_the_same_answers(sandbox: IsolatedSandbox) -> None:
    data = {"x": 3, "due": "2020-04-14T21:59:59+00:00", "gone": 1}
    sandbox.execute("y = x + 1\nwhen = add_duration(due, '-P7D')\ndel gone", data)  # in process
    sandbox.execute("z = [x * n for n in range(3)]\nlater = add_duration(due, 'P1M')", data)
    assert data == {
        "x": 3, "due": "2020-04-14T21:59:59+00:00", "y": 4, "z": [0, 3, 6],
        "when": "2020-04-07T21:59:59+00:00", "later": "2020-05-14T21:59:59+00:00",
    }  # fmt: skip
    assert sandbox.evaluate("x * 2 > 5 and now().year == 2020", data) is True
    with pytest.raises(ScriptError, match="NameError"):
        sandbox.evaluate("missing * 2", data)


class CountingClock:
    """The clock a sandbox reads to send a request to the pool (never for in-process code)."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        return datetime(2020, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("amount * 2", {"amount": 21}, 42),
        ("amount * 0.5 + 1", {"amount": 3}, 2.5),
        ("flag * 3", {"flag": True}, 3),
        ("n * m", {"n": 2**2000, "m": 2**2000}, 2**4000),
    ],
)
def test_products_of_numbers_stay_in_process(source: str, data: dict, expected: object) -> None:
    clock = CountingClock()
    sandbox = IsolatedSandbox(shared_pool(), now=clock, zone=ZoneInfo("UTC"))
    assert sandbox.evaluate(source, data) == expected
    assert clock.reads == 0


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("items * 3", {"items": [1]}, [1, 1, 1]),
        ("text * n", {"text": "ab", "n": 2}, "abab"),
        ("n * m", {"n": 2**3000, "m": 2**3000}, 2**6000),  # past what the guard calls instant
    ],
)
def test_other_products_go_to_the_pool_with_the_same_answer(
    source: str, data: dict, expected: object
) -> None:
    clock = CountingClock()
    sandbox = IsolatedSandbox(shared_pool(), now=clock, zone=ZoneInfo("UTC"))
    assert sandbox.evaluate(source, data) == expected
    assert clock.reads == 1


def test_a_huge_repetition_fails_in_the_pool_and_leaves_the_data_untouched() -> None:
    clock = CountingClock()
    sandbox = IsolatedSandbox(shared_pool(), now=clock, zone=ZoneInfo("UTC"))
    data = {"items": [0], "n": 10**10, "kept": 1}
    with pytest.raises(ScriptError):
        sandbox.execute("kept = 2\nbig = items * n", data)
    assert data == {"items": [0], "n": 10**10, "kept": 1}
    assert sandbox.evaluate("kept * 5", data) == 5  # the service goes on, in process
