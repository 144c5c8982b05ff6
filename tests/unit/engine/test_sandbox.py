"""engine.sandbox: what scripts may and may not do, and their time limit."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from engine.sandbox import Sandbox, ScriptError, ScriptTimeoutError

from .conftest import LIMIT, LIMIT_SLACK, T0, run

# --- refused ---------------------------------------------------------------------------------


def test_sandbox_refuses_import_statement(sandbox: Sandbox) -> None:
    for script in ("import os", "from os import path", "import os as o"):
        with pytest.raises(ScriptError, match="import statements are not allowed") as info:
            run(sandbox, script)
        assert info.value.line == 1


def test_sandbox_refuses_dunder_import(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="__import__"):
        run(sandbox, "os = __import__('os')")


def test_sandbox_refuses_open(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="name 'open' is not defined") as info:
        run(sandbox, "content = open('/etc/passwd').read()")
    assert isinstance(info.value.__cause__, NameError)


def test_sandbox_refuses_subclasses_walk(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="__subclasses__"):
        run(sandbox, "found = ().__class__.__base__.__subclasses__()")


@pytest.mark.parametrize(
    "script",
    [
        "c = getattr(x, '__class__')",
        "c = getattr(getattr(x, '__class__'), '__base__')",
        "c = x.__class__.__mro__",
        "g = double.__globals__",
        "c = type(x)",
        "v = vars()",
        "g = globals()",
        "code = compile('1', 'f', 'eval')",
    ],
)
def test_sandbox_refuses_introspection(sandbox: Sandbox, script: str) -> None:
    context = {"x": 1}
    with pytest.raises(ScriptError):
        sandbox.execute(script, context)
    assert context == {"x": 1}


@pytest.mark.parametrize("script", ["y = eval('1 + 1')", "exec('y = 2')"])
def test_sandbox_refuses_eval_and_exec(sandbox: Sandbox, script: str) -> None:
    with pytest.raises(ScriptError, match=r"(Eval|Exec) calls are not allowed"):
        run(sandbox, script)


@pytest.mark.parametrize("name", ["eval", "exec"])
def test_sandbox_refuses_eval_and_exec_as_values(sandbox: Sandbox, name: str) -> None:
    with pytest.raises(ScriptError, match=f"name '{name}' is not defined"):
        sandbox.evaluate(f"{name}", {})


def test_sandbox_refuses_str_format(sandbox: Sandbox) -> None:
    # str.format can read attributes past the guard ("{0.__class__}"); f-strings cannot.
    with pytest.raises(ScriptError, match="format"):
        sandbox.evaluate("'{0.__class__}'.format(x)", {"x": 1})
    assert sandbox.evaluate("f'{x:>3}'", {"x": 1}) == "  1"


@pytest.mark.parametrize(
    "script",
    [
        "while True: pass",
        "while 1: continue",
        "while True:\n    pass",
        "n = 0\nwhile n >= 0:\n    n += 1",
        "def spin():\n    while True: pass\nspin()",
    ],
)
def test_sandbox_times_out_endless_loop(sandbox: Sandbox, script: str) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptTimeoutError, match="time limit") as info:
        run(sandbox, script)
    elapsed = time.monotonic() - started
    assert LIMIT <= elapsed < LIMIT + LIMIT_SLACK
    assert info.value.line is not None


def test_sandbox_times_out_comprehension_busy_loop(sandbox: Sandbox) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptTimeoutError):
        sandbox.evaluate(
            "sum([i * j * k for i in range(10**4) for j in range(10**4) for k in range(10**4)])",
            {},
        )
    assert time.monotonic() - started < LIMIT + LIMIT_SLACK


def test_sandbox_times_out_generator_consumed_by_builtin(sandbox: Sandbox) -> None:
    # The generator's frames are sandboxed even while a builtin (sum) drives them.
    with pytest.raises(ScriptTimeoutError):
        sandbox.evaluate("sum(i for i in range(10**12))", {})


def test_sandbox_timeout_cannot_be_caught(sandbox: Sandbox) -> None:
    # After a timeout CPython stops tracing, so code that caught it would run unbounded.
    with pytest.raises(ScriptError, match="except may only name"):
        run(sandbox, "try:\n    y = 1\nexcept:\n    y = 2")
    with pytest.raises(ScriptError, match="except may only name"):
        run(sandbox, "try:\n    y = 1\nexcept ValueError.mro()[1]:\n    y = 2")
    with pytest.raises(ScriptError, match="try/finally is not allowed"):
        run(sandbox, "try:\n    y = 1\nfinally:\n    y = 2")
    with pytest.raises(ScriptError, match="with statements are not allowed"):
        run(sandbox, "with x:\n    y = 1", x=1)
    loop = "while True:\n    try:\n        while True: pass\n    except (ValueError, TypeError):\n"
    with pytest.raises(ScriptTimeoutError):
        run(sandbox, loop + "        pass")


def test_sandbox_refuses_except_star(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="not allowed"):
        run(sandbox, "try:\n    y = 1\nexcept* ValueError:\n    y = 2")


@pytest.mark.parametrize(
    "script",
    [
        "ValueError = ValueError.mro()[2]",
        "def f(KeyError):\n    return 1",
        "for TypeError in [1]:\n    pass",
        "try:\n    y = 1\nexcept ValueError as ValueError:\n    y = 2",
        "del ValueError",
    ],
)
def test_sandbox_refuses_rebinding_catchable_exceptions(sandbox: Sandbox, script: str) -> None:
    with pytest.raises(ScriptError, match="cannot be assigned to"):
        run(sandbox, script)


def test_sandbox_refuses_class_definitions(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="class definitions are not allowed"):
        run(sandbox, "class A:\n    pass")


def test_sandbox_refuses_print_with_clear_message(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="print is not available"):
        run(sandbox, "print('hello')")


def test_sandbox_refuses_writes_to_foreign_objects(sandbox: Sandbox) -> None:
    # Only dicts and lists may be written to; a host object's attributes may not.
    with pytest.raises(ScriptError, match="TypeError"):
        Sandbox({"clock": lambda: T0}).execute("t = clock()\nt.year = 1999", {})


# --- allowed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("x / 4", 2.5),
        ("x // 4", 2),
        ("x % 4", 2),
        ("-x ** 2", -100),
        ("x > 5 and x <= 10", True),
        ("x == 10 != 11", True),
        ("'a' in name", True),
        ("name.upper() + '!'", "ANNA!"),
        ("round(x / 3, 2)", 3.33),
        ("max(x, 20) if x else None", 20),
        ("len(items) == 3 and sorted(items, reverse=True)[0] == 3", True),
        ("sum(v for v in items if v > 1)", 5),
        ("isinstance(x, int) and not isinstance(x, str)", True),
    ],
)
def test_sandbox_evaluate_returns_values(sandbox: Sandbox, expression: str, expected: Any) -> None:
    assert sandbox.evaluate(expression, {"x": 10, "name": "anna", "items": [1, 2, 3]}) == expected


def test_sandbox_evaluate_ignores_surrounding_whitespace(sandbox: Sandbox) -> None:
    # Gateway conditions often arrive indented or on their own line in the XML.
    assert sandbox.evaluate("\n    x > 1\n  ", {"x": 2}) is True


def test_sandbox_evaluate_sees_external_context(sandbox: Sandbox) -> None:
    # DMN passes the input value this way ("dmninputexpr"); data objects arrive the same way.
    assert sandbox.evaluate("dmninputexpr < 300", {}, {"dmninputexpr": 120}) is True


def test_sandbox_builds_dicts_lists_and_comprehensions(sandbox: Sandbox) -> None:
    context = run(
        sandbox,
        "squares = [n * n for n in values]\n"
        "by_name = {p['name']: p['age'] for p in people if p['age'] >= 18}\n"
        "evens = {n for n in values if n % 2 == 0}\n"
        "pairs = list(zip(values, reversed(values)))\n"
        "numbered = [[i, v] for i, v in enumerate(values)]\n"
        "summary = {'count': len(values), 'tags': ['a', 'b'] + ['c']}\n"
        "summary['total'] = sum(values)\n"
        "for i, v in numbered:\n"
        "    summary['last'] = v\n",
        values=[1, 2, 3],
        people=[{"name": "a", "age": 20}, {"name": "b", "age": 12}],
    )
    assert context["squares"] == [1, 4, 9]
    assert context["by_name"] == {"a": 20}
    assert context["evens"] == {2}
    assert context["pairs"] == [(1, 3), (2, 2), (3, 1)]
    assert context["summary"] == {"count": 3, "tags": ["a", "b", "c"], "total": 6, "last": 3}


def test_sandbox_supports_augmented_assignment_on_names(sandbox: Sandbox) -> None:
    context = run(sandbox, "x += 1\nx *= 3\ntags += ['new']\nlabel += '!'", x=1, tags=[], label="a")
    assert context == {"x": 6, "tags": ["new"], "label": "a!"}


def test_sandbox_supports_item_updates(sandbox: Sandbox) -> None:
    context = run(sandbox, "d['k'] = d['k'] + 1\nd['new'] = [1]\nd['new'].append(2)", d={"k": 1})
    assert context == {"d": {"k": 2, "new": [1, 2]}}


def test_sandbox_refuses_augmented_item_assignment(sandbox: Sandbox) -> None:
    # RestrictedPython refuses `d['k'] += 1`; scripts write `d['k'] = d['k'] + 1`.
    with pytest.raises(ScriptError, match="Augmented assignment of object items"):
        run(sandbox, "d['k'] += 1", d={"k": 1})


def test_sandbox_calls_host_functions(sandbox: Sandbox) -> None:
    assert sandbox.evaluate("double(x)", {"x": 21}) == 42
    assert run(sandbox, "y = double(x) + 1", x=2)["y"] == 5


def test_sandbox_host_datetimes_compare_and_expose_attributes(sandbox: Sandbox) -> None:
    context = run(
        sandbox,
        "today = now()\n"
        "due = add_days(today, 30)\n"
        "late = due < today\n"
        "year = due.year\n"
        "month = due.month\n"
        "stamp = due.isoformat()\n",
    )
    assert context["today"] == T0
    assert context["due"] == T0 + timedelta(days=30)
    assert context["late"] is False
    assert (context["year"], context["month"]) == (2024, 3)
    assert context["stamp"] == "2024-03-31T09:30:00+00:00"
    assert sandbox.evaluate("now() > deadline", {"deadline": T0 - timedelta(hours=1)}) is True


def test_sandbox_del_removes_names_from_context(sandbox: Sandbox) -> None:
    context = run(sandbox, "total = a + b\ndel a", a=1, b=2)
    assert context == {"b": 2, "total": 3}


def test_sandbox_writes_back_only_data(sandbox: Sandbox) -> None:
    context = {"x": 1}
    sandbox.execute(
        "y = double(x)\n"
        "def helper(v):\n"
        "    return v + 1\n"
        "inc = lambda v: v + 1\n"
        "z = helper(inc(x))\n"
        "f = double\n"
        "double = 5\n"
        "len = 3\n"
        "outside = 'changed'\n",
        context,
        {"outside": "from the caller"},
    )
    assert context == {"x": 1, "y": 2, "z": 3}


def test_sandbox_refuses_to_store_iterators(sandbox: Sandbox) -> None:
    context = {"a": [1, 2]}
    with pytest.raises(ScriptError, match="'pairs' holds a one-shot zip"):
        sandbox.execute("total = 3\npairs = zip(a, a)", context)
    assert context == {"a": [1, 2]}
    assert run(sandbox, "pairs = list(zip(a, a))", a=[1])["pairs"] == [(1, 1)]


def test_sandbox_keeps_private_names_out_of_scripts(sandbox: Sandbox) -> None:
    context = {"_secret": 1, "x": 2}
    sandbox.execute("y = x", context)
    assert context == {"_secret": 1, "x": 2, "y": 2}


def test_sandbox_leaves_context_unchanged_when_script_fails(sandbox: Sandbox) -> None:
    context = {"d": {"k": 1}, "n": 1}
    with pytest.raises(ScriptError):
        sandbox.execute("d['k'] = 2\nn = 5\nmissing()", context)
    assert context == {"d": {"k": 1}, "n": 1}


def test_sandbox_allows_catching_whitelisted_exceptions(sandbox: Sandbox) -> None:
    context = run(
        sandbox,
        "try:\n    n = int(text)\nexcept (ValueError, TypeError):\n    n = -1\n"
        "try:\n    v = d['missing']\nexcept KeyError:\n    v = None\n",
        text="abc",
        d={},
    )
    assert context["n"] == -1
    assert context["v"] is None


def test_sandbox_scripts_may_raise_whitelisted_exceptions(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="ValueError: amount must be positive") as info:
        run(sandbox, "if amount <= 0:\n    raise ValueError('amount must be positive')", amount=0)
    assert isinstance(info.value.__cause__, ValueError)
    assert info.value.line == 2


def test_sandbox_reports_runtime_errors_with_line_and_cause(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match=r"NameError: .*'nope'.*\(line 3\)") as info:
        run(sandbox, "a = 1\nb = 2\nc = nope + 1\n")
    assert info.value.line == 3
    assert isinstance(info.value.__cause__, NameError)
    # A misspelt attribute is an error, not a silent None.
    with pytest.raises(ScriptError, match="AttributeError") as info:
        sandbox.evaluate("x.missing", {"x": 1})
    assert isinstance(info.value.__cause__, AttributeError)


def test_sandbox_reports_syntax_errors_with_line(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="Line 2: SyntaxError") as info:
        run(sandbox, "a = 1\nb = = 2")
    assert info.value.line == 2
    with pytest.raises(ScriptError, match="SyntaxError"):
        sandbox.evaluate("x >", {"x": 1})


def test_sandbox_refuses_non_text_source(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptError, match="expected script text"):
        sandbox.evaluate(None, {})  # type: ignore[arg-type]


def test_sandbox_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError, match="time_limit"):
        Sandbox(time_limit=0)
    with pytest.raises(ValueError, match="not usable"):
        Sandbox({"_hidden": len})
    with pytest.raises(ValueError, match="not usable"):
        Sandbox({"email.send": len})
