"""`email.send`: queue a milestone email in the outbox; delivery happens after the commit."""

from __future__ import annotations

import logging
from typing import Any

from engine import InvalidInputError, OutboxMessage, ServiceContext

log = logging.getLogger(__name__)

# Task data that never belongs in a mail (large or internal values).
_PRIVATE_PREFIXES = ("spiff__",)


def send_email(ctx: ServiceContext, kind: str, to: str) -> dict[str, Any]:
    """Write one outbox row (topic `email`) with the mail's kind, recipient and data."""
    if not kind:
        raise InvalidInputError("email.send needs a kind", field="kind")
    if not to:
        raise InvalidInputError(f"email {kind!r} has no recipient", field="to")
    data = {k: v for k, v in ctx.data.items() if not k.startswith(_PRIVATE_PREFIXES)}
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
