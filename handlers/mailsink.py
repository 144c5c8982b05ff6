"""A local SMTP server for development that keeps every mail it receives in a Maildir.

`concerto run` starts one so a newcomer sees every mail the service sends, with nothing to
configure; the staff page "Courriels" reads the same Maildir.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def start_sink(maildir: Path, *, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """Start the server in a background thread; call `.stop()` on the result to end it."""
    ensure_maildir(maildir)
    controller = Controller(Mailbox(str(maildir)), hostname=host, port=port)
    controller.start()
    return controller


def ensure_maildir(maildir: Path) -> None:
    """The Maildir's tmp, new and cur folders, made if missing. `mailbox.Maildir` makes them
    only with a folder it creates itself: in a folder that already exists (made by hand, or by
    an older start), every mail delivered would fail to be written."""
    if maildir.exists() and not maildir.is_dir():
        raise NotADirectoryError(f"{maildir} existe et n'est pas un dossier")
    for folder in ("tmp", "new", "cur"):
        (maildir / folder).mkdir(mode=0o700, parents=True, exist_ok=True)


@dataclass(frozen=True)
class StoredMail:
    key: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def recipients(self) -> str:
        return str(self.message["To"] or "")

    @property
    def sent_at(self) -> str:
        date = self.message["Date"]
        return parsedate_to_datetime(str(date)).isoformat() if date else ""

    def text(self) -> str:
        body = self.message.get_body(("plain",))
        return body.get_content() if body is not None else ""

    def html(self) -> str:
        body = self.message.get_body(("html",))
        return body.get_content() if body is not None else ""

    def attachments(self) -> list[tuple[str, str, int]]:
        """(file name, content type, size in bytes) of each attachment."""
        return [
            (part.get_filename() or "", part.get_content_type(), len(part.get_payload(decode=True)))
            for part in self.message.iter_attachments()
        ]


def read_sink(maildir: Path) -> list[StoredMail]:
    """Every mail the sink kept, newest first."""
    if not maildir.exists():
        return []
    box = mailbox.Maildir(str(maildir), create=False)
    mails = [
        StoredMail(key, message_from_bytes(box.get_bytes(key), policy=policy.default))
        for key in box.iterkeys()
    ]
    return sorted(mails, key=lambda m: m.sent_at, reverse=True)
