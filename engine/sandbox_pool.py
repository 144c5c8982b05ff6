"""Scripts and expressions of diagrams run in long-lived sandbox processes, never in the
engine's own: a C-level operation (`10**10**8`, `[0] * 10**9`) cannot be interrupted by the
sandbox's time limit, so the process that runs it must be one that can be killed.

A pool keeps a few such processes (`engine.sandbox_worker`), each limited in address space and
in CPU time per request; a request that passes its time limit, or whose process dies, kills the
process, the pool starts another, and the step fails with a ScriptError. Expressions that cannot
run long (names, constants, comparisons, boolean logic, subscripts, additions, products of
numbers, calls of the date functions: what gateways, assignees and due dates mostly are) are
evaluated in process, which spares them the round trip (engine.sandbox_bounds).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .dates import script_functions
from .sandbox import Sandbox, ScriptError, ScriptTimeoutError
from .sandbox_bounds import IN_PROCESS_GUARDS, NotBounded, runs_in_process
from .sandbox_wire import WireError, receive, send

# CPU time is the limit (RLIMIT_CPU in the worker kills a runaway script). The wall clock only
# catches a process that stalls: it must not fail a script that waited for a busy machine's
# CPU, so it allows this many times the limit, plus start-up and transfer.
WALL_FACTOR = 3
GRACE = 1.0


@dataclass(frozen=True)
class PoolLimits:
    processes: int = 2
    memory_bytes: int = 512 * 2**20  # address space of each process
    input_bytes: int = 16 * 2**20  # the data sent with a request
    output_bytes: int = 4 * 2**20  # what a script leaves or an expression returns


class _Process:
    def __init__(self, limits: PoolLimits) -> None:
        config = json.dumps({"memory_bytes": limits.memory_bytes,
                             "input_bytes": limits.input_bytes,
                             "output_bytes": limits.output_bytes})  # fmt: skip
        # A bare environment: no database address or secret for a script that got out.
        env = {"PATH": os.defpath, "LANG": "C.UTF-8",
               "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # fmt: skip
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "engine.sandbox_worker", config],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.popen.kill()
        self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                stream.close()


class SandboxPool:
    """Processes that run requests one at a time each; callers wait for a free one."""

    def __init__(self, limits: PoolLimits | None = None) -> None:
        self.limits = limits or PoolLimits()
        self._idle: list[_Process] = []
        self._started = 0
        self._condition = threading.Condition()
        self.replaced = 0  # processes killed for passing a limit (for status and tests)

    def run(self, request: dict[str, Any], time_limit: float) -> dict[str, Any]:
        process = self._take()
        healthy = False
        try:
            answer = self._exchange(process, {**request, "time_limit": time_limit}, time_limit)
            healthy = True
            return answer
        finally:
            self._give_back(process, healthy)

    def _exchange(self, process: _Process, request: dict[str, Any], limit: float) -> Any:
        stdin, stdout = process.popen.stdin, process.popen.stdout
        assert stdin is not None and stdout is not None
        try:
            send(stdin, request)
        except WireError as exc:
            raise ScriptError(str(exc)) from exc
        except (BrokenPipeError, OSError) as exc:
            raise ScriptError("the sandbox process stopped before the script ran") from exc
        readable, _, _ = select.select([stdout], [], [], limit * WALL_FACTOR + GRACE)
        if not readable:
            raise ScriptTimeoutError(f"time limit of {limit:g} s exceeded")
        try:
            return receive(stdout, self.limits.output_bytes + 1024)
        except EOFError as exc:  # killed by the kernel: CPU time or memory
            raise ScriptTimeoutError(
                f"the script passed the sandbox's limits (time limit of {limit:g} s, memory)"
            ) from exc
        except WireError as exc:
            raise ScriptError(str(exc)) from exc

    def _take(self) -> _Process:
        with self._condition:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._started < self.limits.processes:
                    self._started += 1
                    break
                self._condition.wait()
        try:
            return _Process(self.limits)
        except BaseException:
            with self._condition:
                self._started -= 1
                self._condition.notify()
            raise

    def _give_back(self, process: _Process, healthy: bool) -> None:
        if not (healthy and process.alive()):
            process.kill()  # its stream may hold half a frame: never reused
            with self._condition:
                self._started -= 1
                self.replaced += 1
                self._condition.notify()
            return
        with self._condition:
            self._idle.append(process)
            self._condition.notify()

    def close(self) -> None:
        with self._condition:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for process in idle:
            process.kill()


_POOLS: dict[tuple[int, PoolLimits], SandboxPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(limits: PoolLimits | None = None) -> SandboxPool:
    """The pool of this process for these limits (a forked server worker gets its own)."""
    key = (os.getpid(), limits or PoolLimits())
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = SandboxPool(key[1])
        return pool


@atexit.register
def _close_pools() -> None:
    for (pid, _), pool in list(_POOLS.items()):
        if pid == os.getpid():
            pool.close()


class IsolatedSandbox(Sandbox):
    """The sandbox as the engine uses it: scripts and unbounded expressions run in the pool;
    bounded expressions in process, with the same functions."""

    GUARDS = IN_PROCESS_GUARDS

    def __init__(
        self,
        pool: SandboxPool,
        *,
        now: Callable[[], datetime],
        zone: ZoneInfo,
        services: Callable[[str, dict[str, Any], dict[str, Any]], Any] | None = None,
        time_limit: float = 1.0,
    ) -> None:
        super().__init__(script_functions(now, zone), services=services, time_limit=time_limit)
        self._pool = pool
        self._now = now
        self._zone = zone

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if isinstance(expression, str) and runs_in_process(expression.strip(), "eval"):
            try:
                return super().evaluate(expression, context, external_context)
            except NotBounded:
                pass  # operands the in-process guards cannot bound: the pool runs it
        answer = self._remote("eval", expression, context, external_context)
        return answer["value"]

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        if isinstance(script, str) and runs_in_process(script, "exec"):
            try:  # the context is written only once the script succeeded
                return super().execute(script, context, external_context)
            except NotBounded:
                pass
        answer = self._remote("exec", script, context, external_context)
        for name in answer["deleted"]:  # `del name` in the script
            context.pop(name, None)
        context.update(answer["data"])  # what the script set (only that crosses back)
        return True

    def _remote(
        self,
        op: str,
        source: Any,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        if not isinstance(source, str):
            raise ScriptError(f"expected script text, got {type(source).__name__}")
        public = {k: v for k, v in context.items() if isinstance(k, str) and not k.startswith("_")}
        external = {k: v for k, v in (external_context or {}).items()
                    if isinstance(k, str) and not k.startswith("_")}  # fmt: skip
        request = {"op": op, "source": source, "data": public, "external": external,
                   "now": self._now().isoformat(), "zone": self._zone.key}  # fmt: skip
        answer = self._pool.run(request, self._time_limit)
        if not answer.get("ok"):
            kind = ScriptTimeoutError if answer.get("timeout") else ScriptError
            raise kind(str(answer.get("error") or "script failed"), answer.get("line"))
        return answer
