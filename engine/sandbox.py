"""Script environment for SpiffWorkflow: restricted Python with a time limit.

Every expression (gateway conditions, timers, DMN cells, payloads, service parameters) and every
script task runs here instead of in SpiffWorkflow's stock ``TaskDataEnvironment``, which uses plain
``eval``/``exec`` with full builtins. Code is compiled with RestrictedPython, sees only a builtin
whitelist, the host functions it was given and the task data, and is stopped after a time limit.

The module is generic: it knows nothing of the application that supplies functions and services.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import json
import re
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

from RestrictedPython import compile_restricted
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .sandbox_guards import GUARDS

SCRIPT_FILENAME = "<script>"
_COMPILE_CACHE_SIZE = 1024


class ScriptError(Exception):
    """A script or expression failed to compile or to run; the message says what and where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class ScriptTimeoutError(ScriptError):
    """A script or expression ran longer than the sandbox's time limit."""


# Exceptions scripts may raise and catch. The timeout must never be catchable, so it derives
# from none of them and scripts may not rebind these names (see _SandboxPolicy).
_CATCHABLE: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "KeyError": KeyError,
    "TypeError": TypeError,
}

_SAFE_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "range", "reversed", "round", "set", "sorted", "str",
    "sum", "tuple", "zip",
)  # fmt: skip

_BUILTINS: dict[str, Any] = {
    **{name: getattr(builtins, name) for name in _SAFE_NAMES},
    "True": True,
    "False": False,
    "None": None,
    **_CATCHABLE,
}


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened so that a timeout cannot be caught or outlived.

    The time limit raises from a trace function, and CPython then switches tracing off for the
    thread. Any script code that runs after the exception (a bare `except`, a `finally`, a
    context manager's exit) would therefore run without a limit, so those constructs are refused.
    """

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> Any:
        # Would fail at run time anyway (no __import__); saying so at compile time is clearer.
        self.error(node, "import statements are not allowed.")
        return node

    visit_ImportFrom = visit_Import

    def visit_Try(self, node: ast.Try) -> Any:
        if node.finalbody:
            self.error(node, "try/finally is not allowed.")
        for handler in node.handlers:
            if not _names_only_catchable(handler.type):
                self.error(handler, f"except may only name {', '.join(_CATCHABLE)}.")
        return super().visit_Try(node)

    def visit_While(self, node: ast.While) -> Any:
        node = super().visit_While(node)
        # `while True: pass` compiles to a jump onto itself, which CPython 3.11 does not report
        # as a line event, so the time limit would never be checked. Loading a name first makes
        # the loop jump backwards to an earlier instruction, which is reported.
        tick = ast.Expr(ast.Name("_loop_", ast.Load()))
        ast.copy_location(tick, node)
        ast.fix_missing_locations(tick)
        node.body.insert(0, tick)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = super().visit_BinOp(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            # Through a guard, which the engine's in-process sandbox bounds (sandbox_bounds).
            call = ast.Call(ast.Name("_mul_", ast.Load()), [node.left, node.right], [])
            return ast.fix_missing_locations(ast.copy_location(call, node))
        return node

    def visit_TryStar(self, node: ast.AST) -> Any:
        # RestrictedPython < 8.0 allowed `except*`, a known escape (CVE-2025-22153).
        self.error(node, "try/except* is not allowed.")
        return node

    def visit_With(self, node: ast.With) -> Any:
        self.error(node, "with statements are not allowed.")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        # RestrictedPython needs a __metaclass__ we do not provide; refuse it up front.
        self.error(node, "class definitions are not allowed.")
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("print", "printed"):
            # Checked before RestrictedPython rewrites it into a print collector we do not have.
            self.error(node, "print is not available in scripts.")
            return node
        if not isinstance(node.ctx, ast.Load):
            self._check_not_catchable(node, node.id)
        return super().visit_Name(node)

    def visit_arg(self, node: ast.arg) -> Any:
        self._check_not_catchable(node, node.arg)
        return super().visit_arg(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        self._check_not_catchable(node, node.name)
        return super().visit_FunctionDef(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.name is not None:
            self._check_not_catchable(node, node.name)
        return super().visit_ExceptHandler(node)

    def _check_not_catchable(self, node: ast.AST, name: str) -> None:
        # Rebinding e.g. ValueError to a base class would let `except ValueError` catch anything.
        if name in _CATCHABLE:
            self.error(node, f'"{name}" cannot be assigned to.')


def _names_only_catchable(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Name):
        return node.id in _CATCHABLE
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_names_only_catchable(elt) for elt in node.elts)
    return False  # bare `except:` or an arbitrary expression


@functools.lru_cache(maxsize=_COMPILE_CACHE_SIZE)
def _compile(source: str, mode: str) -> types.CodeType:
    # Process definitions repeat the same few sources; failures are not cached (nor costly).
    try:
        return compile_restricted(
            source, filename=SCRIPT_FILENAME, mode=mode, policy=_SandboxPolicy
        )
    except SyntaxError as exc:
        raise _compile_error(exc) from exc
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise ScriptError(f"cannot compile: {exc}") from exc


def compile_script(source: str, mode: str) -> None:
    """Compile a script (`exec`) or an expression (`eval`) as the sandbox would run it; raises
    ScriptError when the sandbox would refuse it."""
    _compile(source.strip() if mode == "eval" else source, mode)


def _compile_error(exc: SyntaxError) -> ScriptError:
    # compile_restricted raises SyntaxError(tuple_of_messages), each "Line N: ..."; a plain
    # SyntaxError (e.g. `return` outside a function) comes from the final compile() call.
    if exc.args and isinstance(exc.args[0], (tuple, list)):
        messages = [str(message) for message in exc.args[0]]
        found = re.match(r"Line (\d+):", messages[0]) if messages else None
        line = int(found.group(1)) if found else None
        return ScriptError("; ".join(messages) or "invalid script", line)
    return ScriptError(f"Line {exc.lineno}: SyntaxError: {exc.msg}", exc.lineno)


def _script_line(exc: BaseException) -> int | None:
    # The innermost sandboxed frame is where the script went wrong.
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _public(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    # Names starting with "_" are unreachable from restricted code anyway, and dropping them
    # keeps task data from shadowing the guards or __builtins__.
    if not mapping:
        return {}
    return {k: v for k, v in mapping.items() if isinstance(k, str) and not k.startswith("_")}


class Sandbox(BasePythonScriptEngineEnvironment):
    """Runs expressions and scripts with restricted Python, host functions and a time limit.

    `functions` are exposed by name and never copied into task data; `services` answers service
    tasks as ``services(operation_name, params, task_data)``; `time_limit` is in seconds per call.
    """

    # What RestrictedPython's rewritten code calls (attribute reads, subscripts, `*`...).
    GUARDS: Mapping[str, Any] = GUARDS

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        *,
        services: Callable[[str, dict[str, Any], dict[str, Any]], Any] | None = None,
        time_limit: float = 1.0,
    ) -> None:
        super().__init__()
        functions = dict(functions or {})
        for name in functions:
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"host function name {name!r} is not usable from scripts")
        if not time_limit > 0:
            raise ValueError("time_limit must be positive")
        self._functions = functions
        self._services = services
        self._time_limit = time_limit

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate one expression against the task data and return its value."""
        code = _compile(_require_source(expression).strip(), "eval")
        # A shallow copy: expressions are evaluated very often (every DMN cell) and assign nothing.
        return self._run(code, self._scope(_public(context), external_context))

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script; `context` gets the data names it assigned and loses those it deleted.

        Returns True, which SpiffWorkflow reads as "the task ran" (None would leave it waiting).
        """
        code = _compile(_require_source(script), "exec")
        data = _public(context)
        # A deep copy, so a script that fails halfway leaves the task data untouched.
        try:
            copied = copy.deepcopy(data)
        except Exception as exc:
            raise ScriptError(f"task data cannot be copied: {exc}") from exc
        scope = self._scope(copied, external_context)
        self._run(code, scope)
        self._write_back(context, data, scope, external_context)
        return True

    def call_service(
        self,
        context: dict[str, Any],
        operation_name: str,
        operation_params: Mapping[str, Mapping[str, Any]],
        **kwargs: Any,
    ) -> str:
        """Call the services callable for a service task and return its result as JSON.

        Exceptions from the services callable propagate unchanged.
        """
        if self._services is None:
            raise ScriptError(f"no services are configured; cannot call {operation_name!r}")
        # SpiffWorkflow passes {name: {"value": v, "type": t}}; services only need the values.
        params = {name: param["value"] for name, param in operation_params.items()}
        result = self._services(operation_name, params, context)
        try:
            return json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise ScriptError(
                f"service {operation_name!r} returned a value that is not JSON: {exc}"
            ) from exc

    def _scope(
        self, data: dict[str, Any], external_context: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        scope: dict[str, Any] = {**self._functions, **_public(external_context), **data}
        # Set last and copied per run: without "__builtins__", exec would add the real ones.
        scope["__builtins__"] = {**_BUILTINS, **self.GUARDS}
        return scope

    def _run(self, code: types.CodeType, scope: dict[str, Any]) -> Any:
        try:
            return self._run_with_time_limit(code, scope)
        except ScriptError:
            raise
        except Exception as exc:
            line = _script_line(exc)
            where = f" (line {line})" if line is not None else ""
            raise ScriptError(f"{type(exc).__name__}: {exc}{where}", line) from exc

    def _run_with_time_limit(self, code: types.CodeType, scope: dict[str, Any]) -> Any:
        # A trace function, not a signal or a watchdog thread: it works in any thread and only
        # this thread is traced. Only sandboxed frames are checked; host frames are handed to
        # whatever tracer was installed before (coverage, a debugger), or left untraced.
        # The limit is on this thread's CPU time: a script that loops uses it up, while a busy
        # machine that leaves the thread waiting (a loaded CI, a GC pause) does not count.
        limit = self._time_limit
        deadline = time.thread_time() + limit
        previous = sys.gettrace()

        def check(frame: types.FrameType, event: str, arg: Any) -> Any:
            if time.thread_time() > deadline:
                # CPython drops the trace function after this raises; `finally` restores it.
                raise ScriptTimeoutError(
                    f"time limit of {limit:g} s exceeded (line {frame.f_lineno})", frame.f_lineno
                )
            return check

        def on_call(frame: types.FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename == SCRIPT_FILENAME:
                return check(frame, event, arg)
            return previous(frame, event, arg) if previous is not None else None

        sys.settrace(on_call)
        try:
            return eval(code, scope)  # restricted code object, guarded globals
        finally:
            sys.settrace(previous)

    def _write_back(
        self,
        context: MutableMapping[str, Any],
        before: Mapping[str, Any],
        scope: Mapping[str, Any],
        external_context: Mapping[str, Any] | None,
    ) -> None:
        not_data = {*self._functions, *_BUILTINS, *(external_context or {})}
        updates: dict[str, Any] = {}
        for name, value in scope.items():
            if name.startswith("_") or (name in not_data and name not in before):
                continue
            if callable(value) or isinstance(value, types.ModuleType):
                continue  # functions the script defined are not task data
            if isinstance(value, Iterator):
                # zip(), map(), generators...: single-use and not serializable; fail here, with
                # the name, rather than later in the workflow serializer.
                raise ScriptError(
                    f"{name!r} holds a one-shot {type(value).__name__} object; store list(...)"
                )
            updates[name] = value
        for name in before:
            if name not in scope:  # `del name` in the script
                del context[name]
        context.update(updates)


def _require_source(source: Any) -> str:
    if not isinstance(source, str):
        raise ScriptError(f"expected script text, got {type(source).__name__}")
    return source
