"""The wire between the engine and its sandbox processes: length-prefixed JSON frames, with the
few non-JSON values task data holds (dates, times, durations, decimals) tagged.

JSON rather than pickle: what comes back from a sandbox process is data, never code to run,
even if a script got hold of that process. A value JSON cannot hold (a range, a set, an object,
a self-referencing dict, an integer of thousands of digits) is refused with its name.
"""

from __future__ import annotations

import json
import struct
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

HEADER = struct.Struct(">I")
_TAG = "__concerto_type__"


class WireError(ValueError):
    """A value cannot cross to or from a sandbox process."""


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {_TAG: "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {_TAG: "timedelta", "v": value.total_seconds()}
    if isinstance(value, Decimal):
        return {_TAG: "decimal", "v": str(value)}
    if isinstance(value, tuple):
        return list(value)
    raise WireError(f"a {type(value).__name__} value cannot be kept in the data")


def _tagged(obj: dict[str, Any]) -> Any:
    kind = obj.get(_TAG)
    if kind is None:
        return obj
    value = obj["v"]
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "timedelta":
        return timedelta(seconds=value)
    if kind == "decimal":
        return Decimal(value)
    raise WireError(f"unknown tagged value {kind!r}")


def encode(message: Any) -> bytes:
    try:
        return json.dumps(message, default=_default, allow_nan=False, separators=(",", ":"),
                          ensure_ascii=False).encode()  # fmt: skip
    except WireError:
        raise
    except (TypeError, ValueError, RecursionError) as exc:  # circular, NaN, huge int, nesting
        raise WireError(f"the data cannot be kept: {exc}") from exc


def decode(payload: bytes) -> Any:
    try:
        return json.loads(payload, object_hook=_tagged)
    except RecursionError as exc:
        raise WireError("the data is nested too deeply") from exc


def send(stream: IO[bytes], message: Any) -> None:
    payload = encode(message)
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def receive(stream: IO[bytes], limit: int) -> Any:
    """The next frame, or EOFError when the other side is gone; WireError past `limit` bytes."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError("sandbox process gone")
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise WireError(f"the result is {size} bytes, more than the {limit} allowed")
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("sandbox process gone")
    return decode(payload)
