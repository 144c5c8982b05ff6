"""MessageService: deliver a named message to every instance waiting for it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .errors import NotFoundError
from .execution import ThrownMessage
from .snapshots import correlation_key
from .steps import Runner, Steps


class MessageService:
    def __init__(self, executor: CommandExecutor, runner: Runner) -> None:
        self._executor = executor
        self._runner = runner

    def correlate(
        self,
        name: str,
        *,
        correlation: Mapping[str, Any] | None = None,
        payload: Any = None,
        variables: Mapping[str, Any] | None = None,
        actor: str | None = None,
        keep_for: timedelta | None = None,
    ) -> list[str]:
        """Deliver to all instances waiting for `name` with these correlation values.

        `variables` are set on each receiving instance before delivery (its date timers follow);
        an unmatched message starts the processes whose start event waits for it. Every
        delivery, and whatever the receivers throw on, commits as one transaction.
        Returns the receiving instance ids. When nobody receives it: with `keep_for`, the
        message is kept that long for the first matching catch to open (and [] returned),
        else NotFoundError is raised.
        """
        # The receiving side re-reads its correlation from the payload, so it carries the keys.
        body = {**(correlation or {}), **payload} if isinstance(payload, Mapping) else payload
        message = ThrownMessage(
            name, body if body is not None else {}, correlation_key(correlation or {})
        )

        def command(session: Session) -> list[str]:
            steps = Steps(session, self._runner)
            receivers = steps.targets(message)
            if not receivers and keep_for:
                steps.keep(message, keep_for)
            elif not receivers:
                raise NotFoundError(f"no instance is waiting for message {name!r}")
            for instance_id in receivers:
                execution = steps.load(instance_id)
                execution.deliver(name, message.payload, variables)
                steps.record(execution, "message_received", actor, name)
            steps.save()
            return receivers

        return self._executor.execute(command)
