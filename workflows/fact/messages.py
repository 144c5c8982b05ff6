"""Messages between a dossier's holder and the Mission Fact: a thread kept with the dossier.

A message is appended to the dossier's `messages` in one step, with its attached file (checked
as pieces are) and the mail that tells the other side, which leads to the dossier's page. The
holder writes from their dossier's page; the Mission Fact answers from its own page of the
dossier, and its mails go to the call's staff address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError, Notice
from engine.models import Instance
from engine.scripting import Document

from .attachments import checked_file
from .mails import MESSAGE_KIND

HOLDER, STAFF = "holder", "staff"
MAX_CHARS = 5000
# What a message mail carries of the dossier: enough to say which one, nothing more.
MAIL_KEYS = ("call_id", "call_title", "dossier_id", "title", "holder_name", "holder_email",
             "contact")  # fmt: skip


@dataclass(frozen=True)
class Message:
    side: str  # HOLDER or STAFF
    author: str
    at: str
    body: str
    file: dict[str, Any] | None  # {document, filename, size, mimetype}

    @property
    def from_holder(self) -> bool:
        return self.side == HOLDER


def thread(dossier: Instance) -> list[Message]:
    """The dossier's messages, oldest first."""
    return [Message(**m) for m in dossier.variables.get("messages") or []]


def post(
    engine: Engine,
    dossier: Instance,
    *,
    side: str,
    author: str,
    body: str,
    file: tuple[str, bytes] | None = None,
) -> Message:
    """Add a message (and its file) to the dossier and mail the other side, in one step."""
    body = body.strip()
    if not body:
        raise InvalidInputError("écrivez votre message", field="body")
    if len(body) > MAX_CHARS:
        raise InvalidInputError(f"{MAX_CHARS} caractères au plus", field="body")
    now = engine.clock.now()
    documents, record = [], None
    if file is not None:
        filename, content = file
        name = f"message-{now:%Y%m%d%H%M%S%f}"
        record = {**checked_file(filename, content, fallback=name), "document": name}
        documents.append(Document(name, content, record["mimetype"]))
    message = Message(side, author, now.isoformat(), body, record)
    v = dossier.variables
    to = v["holder_email"] if side == STAFF else v.get("staff_email") or v["contact"]["email"]
    data = {key: v[key] for key in MAIL_KEYS if key in v} | {"message": message.__dict__}
    notice = Notice(
        "email",
        MESSAGE_KIND,
        to,
        {"kind": MESSAGE_KIND, "to": to, "business_key": dossier.business_key, "data": data},
    )
    engine.runtime.update_variables(
        dossier.id,
        lambda current: {"messages": [*(current.get("messages") or []), message.__dict__]},
        actor=author,
        documents=documents,
        notices=[notice],
    )
    return message
