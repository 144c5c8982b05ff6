"""`email.send`: queue a milestone email in the outbox; delivery happens after the commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from engine import InvalidInputError, OutboxMessage, ServiceContext

from .smtp import Mailer, OutgoingMail, build_message

log = logging.getLogger(__name__)

# Task data that never belongs in a mail (large or internal values).
_PRIVATE_PREFIXES = ("spiff__",)


def send_email(
    ctx: ServiceContext, kind: str, to: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write one outbox row (topic `email`) with the mail's kind, recipient and data; `extra`
    adds values the diagram computes for this mail only (e.g. which reminder it is)."""
    if not kind:
        raise InvalidInputError("email.send needs a kind", field="kind")
    if not to:
        raise InvalidInputError(f"email {kind!r} has no recipient", field="to")
    if extra is not None and not isinstance(extra, dict):
        raise InvalidInputError("email.send extra must be an object", field="extra")
    data = {k: v for k, v in ctx.data.items() if not k.startswith(_PRIVATE_PREFIXES)}
    data.update(extra or {})
    ctx.emit(
        "email",
        {"kind": kind, "to": to, "business_key": ctx.business_key, "data": data},
        kind=kind,
        recipient=to,
    )
    return {"kind": kind, "to": to, "queued_at": ctx.now.isoformat()}


def log_email(message: OutboxMessage) -> None:
    """Deliver an `email` outbox row to the log (the SMTP dispatcher replaces it when set up)."""
    log.info(
        "mail %s #%s to %s (%s)", message.kind, message.id, message.recipient, message.instance_id
    )


class EmailDispatcher:
    """Delivers `email` outbox rows: render, resolve recipients, send through the Mailer.

    The Message-ID derives from the outbox row, so a retried delivery carries the same one and
    a receiving server (or person) can tell a retry from a new mail.
    """

    def __init__(
        self,
        mailer: Mailer,
        *,
        render: Callable[[OutboxMessage], OutgoingMail],
        recipients: Callable[[OutboxMessage], list[str]] | None = None,
        sender: str,
    ) -> None:
        self._mailer = mailer
        self._render = render
        self._recipients = recipients
        self._sender = sender
        self._domain = sender.rpartition("@")[2] or "localhost"

    def message_id(self, message: OutboxMessage) -> str:
        return f"<{message.instance_id or 'engine'}.{message.id}@{self._domain}>"

    def __call__(self, message: OutboxMessage) -> None:
        targets = self._recipients(message) if self._recipients else None
        if targets == []:
            log.info("mail %s #%s has nobody to go to", message.kind, message.id)
            return
        mail = self._render(message)
        targets = targets or [mail.to]
        self._mailer.send(
            build_message(
                mail,
                sender=self._sender,
                recipients=targets,
                message_id=self.message_id(message),
                # lets mail filters (and the simulation) sort mails by milestone
                headers={"X-Concerto-Kind": message.kind or "mail"},
            )
        )
