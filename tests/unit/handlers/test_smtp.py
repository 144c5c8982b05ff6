"""handlers.smtp: a mail to many keeps its recipients out of its headers, and every header
line stays short, whatever the subject and the number of recipients."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_string
from email.policy import default
from typing import Any

from handlers.smtp import build_message, envelope_recipients


@dataclass
class Mail:
    to: str
    subject: str
    html: str = "<p>Bonjour</p>"
    text: str = "Bonjour"
    attachments: list[Any] = field(default_factory=list)
    reply_to: str = "infofact@anact.fr"


SUBJECT = "[FACT 2020-01] Décision de la commission sur le projet « " + "é" * 120 + " » " * 5


def test_a_mail_to_many_has_short_header_lines_and_names_nobody() -> None:
    recipients = [f"porteur{n}@exemple-de-structure-longue.fr" for n in range(500)]
    message = build_message(Mail("applicants", SUBJECT), sender="ne-pas-repondre@anact.fr",
                            recipients=recipients, message_id="<m@anact.fr>")  # fmt: skip
    assert sorted(envelope_recipients(message)) == sorted(recipients)
    del message["Bcc"]  # as the mailer sends it: the envelope carries them
    sent = message.as_string()
    headers = sent.split("\n\n", 1)[0]
    assert max(len(line) for line in headers.splitlines()) <= 78
    assert "porteur1@" not in headers
    parsed = message_from_string(sent, policy=default)
    assert str(parsed["Subject"]) == SUBJECT  # folded, and read back whole
    assert str(parsed["To"]) == "undisclosed-recipients:;"


def test_a_mail_to_one_names_them_alone() -> None:
    message = build_message(Mail("lea@x.fr", "Accusé de réception"), sender="n@anact.fr",
                            recipients=["lea@x.fr"], message_id="<m2@anact.fr>")  # fmt: skip
    assert str(message["To"]) == "lea@x.fr" and message["Bcc"] is None
