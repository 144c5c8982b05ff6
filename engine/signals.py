"""SignalService: broadcast a named signal to every instance waiting for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .execution import ThrownMessage
from .runtime import check_variable_names
from .snapshots import SIGNAL
from .steps import Runner, Steps


class SignalService:
    def __init__(self, executor: CommandExecutor, runner: Runner) -> None:
        self._executor = executor
        self._runner = runner

    def throw(
        self,
        name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        actor: str | None = None,
    ) -> list[str]:
        """Throw `name` to every instance with a catch open for it and start every process
        whose start event waits for it, `variables` set on each; what they throw in turn
        reaches the others in the same transaction. Returns the instances reached (none is
        not an error: a signal is broadcast, not addressed)."""
        check_variable_names(variables or {})
        signal = ThrownMessage(name, dict(variables or {}), "{}", SIGNAL)

        def command(session: Session) -> list[str]:
            steps = Steps(session, self._runner)
            receivers = steps.targets(signal)
            for instance_id in receivers:
                execution = steps.load(instance_id)
                execution.deliver(name, signal.payload, variables, kind=SIGNAL)
                steps.record(execution, "signal_received", actor, name)
            steps.save()
            return receivers

        return self._executor.execute(command)
