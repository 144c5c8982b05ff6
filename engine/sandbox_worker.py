"""A sandbox process: runs the scripts and expressions the engine sends, one at a time, in the
restricted sandbox, within an address-space limit set at start and a CPU-time limit per request.

Started by `engine.sandbox_pool` as `python -m engine.sandbox_worker CONFIG`, it reads frames
from stdin and answers on stdout (`engine.sandbox_wire`); it exits when stdin closes. A request
that passes the CPU limit ends the process (SIGXCPU), and the pool starts another.
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .dates import parse_datetime, script_functions
from .sandbox import Sandbox, ScriptError, ScriptTimeoutError
from .sandbox_wire import WireError, encode, receive, send

# CPU seconds a request may use beyond its time limit before the kernel stops the process.
CPU_GRACE = 1


def main(config_json: str) -> None:
    config = json.loads(config_json)
    memory = int(config["memory_bytes"])
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # the frames' stream carries frames only
    while True:
        try:
            request = receive(stdin, int(config["input_bytes"]))
        except EOFError:
            return
        _limit_cpu(float(request["time_limit"]))
        answer = _answer(request)
        limit = int(config["output_bytes"])
        try:
            payload = encode(answer)
        except WireError as exc:
            answer = {"ok": False, "error": _culprit(answer) or str(exc)}
        else:
            if len(payload) > limit:
                answer = {"ok": False, "error": f"the result is {len(payload)} bytes, more than "
                          f"the {limit} allowed"}  # fmt: skip
        send(stdout, answer)


def _culprit(answer: dict[str, Any]) -> str | None:
    """Which variable a script left that cannot be kept, and why."""
    for name, value in (answer.get("data") or {}).items():
        try:
            encode(value)
        except WireError as exc:
            return f"variable {name!r}: {exc}"
    return None


def _limit_cpu(time_limit: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used + time_limit) + 1 + CPU_GRACE
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard < 0 else min(soft, hard), hard))


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    moment: datetime = parse_datetime(request["now"])
    sandbox = Sandbox(
        script_functions(lambda: moment, ZoneInfo(request["zone"])),
        time_limit=float(request["time_limit"]),
    )
    try:
        if request["op"] == "eval":
            value = sandbox.evaluate(request["source"], request["data"], request["external"])
            return {"ok": True, "value": value}
        data = request["data"]
        before = dict(data)  # the sandbox works on a copy: these values stay as they came
        sandbox.execute(request["source"], data, request["external"])
        changed = {k: v for k, v in data.items() if k not in before or before[k] != v}
        return {"ok": True, "data": changed, "deleted": [k for k in before if k not in data]}
    except ScriptTimeoutError as exc:
        return {"ok": False, "timeout": True, "error": str(exc), "line": exc.line}
    except ScriptError as exc:
        return {"ok": False, "error": str(exc), "line": exc.line}
    except MemoryError:
        return {"ok": False, "error": "MemoryError: the script needs more memory than allowed"}
    except Exception as exc:  # what a script can raise is reported, never fatal
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


if __name__ == "__main__":
    main(sys.argv[1])
