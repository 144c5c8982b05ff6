"""FACT mails at delivery time: who receives them, and the documents they carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import Engine, NotFoundError, OutboxMessage

from ..mailing import Attachment, Mail
from .calls import DOSSIER_PROCESS
from .mails import render_mail

PENDING_REVIEWERS = "pending_reviewers"
# Mail kind -> the variable naming the stored document it carries.
DOCUMENTS = {
    "receipt": "receipt_document",
    "decision": "decision_document",
    "convention_ready": "convention",
    "convention_countersigned": "signed_convention",
}


def recipients_for(engine: Engine) -> Callable[[OutboxMessage], list[str]]:
    """Resolve the `to` of an email outbox row.

    `applicants` is every holder with a dossier on the call; `public` (the publication notice)
    goes to the fund's own contact address, where it is relayed to its mailing lists.
    """

    def resolve(message: OutboxMessage) -> list[str]:
        to, data = message.payload["to"], message.payload.get("data", {})
        if to == "applicants":
            dossiers = (
                engine.runtime.query()
                .process(DOSSIER_PROCESS)
                .business_key_prefix(f"{data['call_id']}-")
                .list()
            )
            return sorted({d.variables["holder_email"] for d in dossiers})
        if to == "public":
            return [data["contact"]["email"]]
        if to == PENDING_REVIEWERS:  # those whose review is still open when the mail leaves
            tasks = engine.tasks.query().instance(message.instance_id or "").form_key("review")
            return sorted({engine.identity.get(t.assignee).email
                           for t in tasks.list() if t.assignee})  # fmt: skip
        return [to]

    return resolve


def renderer_for(
    engine: Engine, base_url: str | None = None, secret: str | None = None
) -> Callable[[OutboxMessage], Mail]:
    """Render a mail with the documents stored for its dossier attached (receipt, convention),
    leading to its page at `base_url` (with a link signed by `secret` for the CSE's answer)."""

    def render(message: OutboxMessage) -> Mail:
        attachments = []
        variable = DOCUMENTS.get(message.kind or "")
        data: dict[str, Any] = message.payload.get("data", {})
        if variable and message.instance_id and data.get(variable):
            info, content = engine.documents.get(message.instance_id, data[variable]["document"])
            attachments.append(Attachment(info.name, content, info.mimetype))
        return render_mail(
            message.payload, attachments=attachments, base_url=base_url, secret=secret
        )

    return render


# Tasks whose holder is told by the milestone mails already (draft created, convention ready).
APPLICANT_FORMS = ("deposit", "convention_signature")


def task_recipients_for(engine: Engine) -> Callable[[OutboxMessage], list[str]]:
    """The address of the person a task was given to, if they have an account."""

    def resolve(message: OutboxMessage) -> list[str]:
        if message.payload["task"].get("form_key") in APPLICANT_FORMS or not message.recipient:
            return []
        try:
            return [engine.identity.get(message.recipient).email]
        except NotFoundError:
            return []  # e.g. a simulated reviewer: nobody to write to

    return resolve


def render_task_mail(message: OutboxMessage) -> Mail:
    payload = message.payload
    return render_mail(
        {
            "kind": "task_assigned",
            "to": message.recipient or "",
            "business_key": payload.get("business_key"),
            "data": {**payload.get("variables", {}), "task": payload["task"]},
        }
    )
