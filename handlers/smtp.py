"""Mail delivery over SMTP with yagmail, behind the `Mailer` protocol.

yagmail owns the connection (plain, STARTTLS or SMTPS, with login or not). The message itself
is built with the standard library so it has a real plain-text part next to the HTML, proper
attachments (a calendar invitation as text/calendar) and a Message-ID chosen by the caller,
which stays the same across retries.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

import yagmail

SECURITY = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    user: str | None = None
    password: str | None = None
    security: str = "none"  # none | starttls | ssl
    mail_from: str = "concerto@localhost.localdomain"
    verify: bool = True  # certificates are verified unless a local test server says otherwise
    ca_file: str | None = None
    timeout: float = 30.0  # a server that stops answering must not hold a worker forever

    @classmethod
    def from_env(cls, env: Mapping[str, Any]) -> SmtpSettings:
        security = (env.get("SMTP_SECURITY") or "none").lower()
        if security not in SECURITY:
            raise ValueError(f"SMTP_SECURITY must be one of {SECURITY}, not {security!r}")
        default_port = {"none": 8025, "starttls": 587, "ssl": 465}[security]
        return cls(
            host=env.get("SMTP_HOST") or "127.0.0.1",
            port=int(env.get("SMTP_PORT") or default_port),
            user=env.get("SMTP_USER") or None,
            password=env.get("SMTP_PASSWORD") or None,
            security=security,
            mail_from=env.get("MAIL_FROM") or "concerto@localhost.localdomain",
            ca_file=env.get("SMTP_CA_FILE") or None,
        )


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver the message or raise; never report success for a mail not accepted."""
        ...


class OutgoingMail(Protocol):
    """What a renderer gives for one mail."""

    to: str
    subject: str
    html: str
    text: str
    attachments: Sequence[Any]  # objects with filename, content (bytes) and mimetype


def build_message(
    mail: OutgoingMail,
    *,
    sender: str,
    recipients: Sequence[str],
    message_id: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    for name, value in (headers or {}).items():
        message[name] = value
    message["From"] = sender
    if len(recipients) == 1:
        message["To"] = recipients[0]
    else:  # a mail to many never shows them to each other: one transaction, all in Bcc
        message["To"] = "undisclosed-recipients:;"
        message["Bcc"] = ", ".join(recipients)
    reply_to = getattr(mail, "reply_to", None)
    if reply_to:  # answers reach the people in charge, not the sending address
        message["Reply-To"] = reply_to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        main, _, sub = attachment.mimetype.partition("/")
        sub, _, params = sub.partition(";")
        part_params = dict(
            p.strip().split("=", 1) for p in params.split(";") if "=" in p
        )  # e.g. method=REQUEST for an invitation
        message.add_attachment(
            attachment.content,
            maintype=main,
            subtype=sub.strip(),
            filename=attachment.filename,
            params=part_params,
        )
    return message


def envelope_recipients(message: EmailMessage) -> list[str]:
    """Every address of To, Cc and Bcc (a group such as "undisclosed-recipients:;" has none)."""
    return [
        address.addr_spec
        for name in ("To", "Cc", "Bcc")
        for header in message.get_all(name, [])
        for address in getattr(header, "addresses", ())
        if address.addr_spec and address.addr_spec != "<>"
    ]


class YagmailMailer:
    """An SMTP session is opened lazily and reused, one per thread."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._local = threading.local()  # an SMTP session belongs to one thread

    @property
    def _client(self) -> yagmail.SMTP | None:
        return getattr(self._local, "client", None)

    @_client.setter
    def _client(self, client: yagmail.SMTP | None) -> None:
        self._local.client = client

    def send(self, message: EmailMessage) -> None:
        recipients = envelope_recipients(message)
        del message["Bcc"]  # the envelope carries them; the header is never sent
        client = self._connect()
        try:
            refused = client.smtp.sendmail(self.settings.mail_from, recipients, message.as_string())
        except Exception:
            self.close()  # a broken session is never reused
            raise
        if refused:
            raise RuntimeError(f"recipients refused by the server: {sorted(refused)}")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _connect(self) -> yagmail.SMTP:
        if self._client is not None:
            return self._client
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        if not s.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        options: dict[str, Any] = {"timeout": s.timeout}
        if s.security == "ssl":
            options["context"] = context  # handed to smtplib.SMTP_SSL
        client = yagmail.SMTP(
            # {login: From}: yagmail appends "@gmail.com" to a plain string without "@"
            user={s.user or s.mail_from: s.mail_from},
            password=s.password,
            host=s.host,
            port=s.port,
            smtp_ssl=s.security == "ssl",
            # a dict is passed to starttls(): that is how the certificate gets verified
            smtp_starttls={"context": context} if s.security == "starttls" else False,
            smtp_skip_login=not s.user,
            soft_email_validation=False,
            **options,
        )
        client.login()
        self._client = client
        return client
