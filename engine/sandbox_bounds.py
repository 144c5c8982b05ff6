"""Which scripts and expressions may run in the engine's own process: those that can neither
run long nor build a large value from a small one (see engine.sandbox_pool), checked on their
syntax before they run, and for `*` on their operands while they run."""

from __future__ import annotations

import ast
import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .dates import script_functions
from .sandbox_guards import GUARDS

MAX_PRODUCT_BITS = 4096  # a product of two numbers this large is still instant


class NotBounded(BaseException):
    """Raised in process by `*` on operands it cannot bound (a sequence, two huge integers):
    the caller runs the code in the pool instead. A BaseException, so that nothing on the way
    (the sandbox's error wrapping, SpiffWorkflow's) turns it into a script error."""


def bounded_mul(left: Any, right: Any) -> Any:
    # Numbers only: `[0] * n` or `"x" * n` builds n items from one, and needs the pool's limits.
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        both_int = isinstance(left, int) and isinstance(right, int)
        if not both_int or left.bit_length() + right.bit_length() <= MAX_PRODUCT_BITS:
            return left * right
    raise NotBounded


IN_PROCESS_GUARDS = {**GUARDS, "_mul_": bounded_mul}

# Nodes of an expression that cannot run long nor build a large value from a small one.
_BOUNDED = (
    ast.Expression, ast.Name, ast.Load, ast.Constant, ast.BoolOp, ast.And, ast.Or,
    ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.IfExp, ast.Subscript,
    ast.Slice, ast.Attribute, ast.Tuple, ast.List, ast.Dict, ast.keyword,
)  # fmt: skip
_BOUNDED_OPERATORS = (ast.Add, ast.Sub, ast.Div, ast.FloorDiv, ast.Mult)  # `*`: see bounded_mul
# Builtins whose cost is at most linear in their argument, which task data bounds (16 MB):
# `round(x, -10**9)` or `sorted(...)` are not among them.
_CHEAP_BUILTINS = frozenset(
    {"bool", "len", "abs", "min", "max", "str", "int", "float", "isinstance"}
)
_FUNCTIONS = frozenset(script_functions(datetime.now, ZoneInfo("UTC"))) | _CHEAP_BUILTINS


@functools.lru_cache(maxsize=2048)
def runs_in_process(source: str, mode: str) -> bool:
    """Whether an expression (`eval`), or a script of plain assignments (`exec`), is of the
    kinds that cannot run long nor build a large value (see the module). In a script, an
    operation joins a value with a constant only: `a = a + a` repeated would double each time."""
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False  # the pool's sandbox says what is wrong
    if mode == "eval":
        return _bounded(tree.body, join_values=True)
    for statement in tree.body:  # type: ignore[attr-defined]
        if isinstance(statement, ast.Assign):
            if not all(isinstance(t, ast.Name) for t in statement.targets):
                return False
            if not _bounded(statement.value, join_values=False):
                return False
        elif isinstance(statement, ast.Delete):
            if not all(isinstance(t, ast.Name) for t in statement.targets):
                return False
        elif not isinstance(statement, ast.Pass):
            return False
    return True


def _bounded(expression: ast.AST, *, join_values: bool) -> bool:
    for node in ast.walk(expression):
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BOUNDED_OPERATORS):
                return False
            constant = isinstance(node.left, ast.Constant) or isinstance(node.right, ast.Constant)
            if not (join_values or constant):
                return False
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS):
                return False
        elif isinstance(node, ast.operator):
            continue  # checked with its BinOp
        elif not isinstance(node, _BOUNDED):
            return False
    return True
