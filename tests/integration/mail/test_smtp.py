"""yagmail delivery to real SMTP servers: parts, attachments, STARTTLS with login, failures."""

from __future__ import annotations

import pytest

from handlers.smtp import SmtpSettings, YagmailMailer, build_message
from workflows.mailing import Attachment, Mail

from .conftest import PASSWORD, USER, SmtpServer

RECEIPT = Mail(
    to="porteur@example.org",
    subject="[FACT 2020-01] Accusé de réception",
    html="<p>Votre dossier <strong>2020-01-0042</strong> a été reçu.</p>",
    text="Votre dossier 2020-01-0042 a été reçu.",
    attachments=(
        Attachment("recu.pdf", b"%PDF-1.7 fake", "application/pdf"),
        Attachment(
            "date-limite.ics",
            b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            "text/calendar; method=REQUEST",
        ),
    ),
)


def _send(settings: SmtpSettings, mail: Mail = RECEIPT, message_id: str = "<1@concerto>") -> None:
    mailer = YagmailMailer(settings)
    try:
        mailer.send(
            build_message(
                mail, sender=settings.mail_from, recipients=[mail.to], message_id=message_id
            )
        )
    finally:
        mailer.close()


def test_smtp_plain_delivery_has_text_html_and_proper_attachments(smtp: SmtpServer) -> None:
    _send(SmtpSettings(port=smtp.port, mail_from="fact@anact.test"), message_id="<r1@concerto>")
    [message] = smtp.inbox.messages
    assert message["Subject"] == RECEIPT.subject and message["To"] == "porteur@example.org"
    assert message["From"] == "fact@anact.test" and message["Message-ID"] == "<r1@concerto>"
    assert message.get_body(("plain",)).get_content().strip() == RECEIPT.text
    assert "<strong>" in message.get_body(("html",)).get_content()
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert attachments["recu.pdf"].get_content_type() == "application/pdf"
    invitation = attachments["date-limite.ics"]
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_content_disposition() == "attachment"


def test_smtp_starttls_with_login_and_a_verified_certificate(smtp_tls: SmtpServer) -> None:
    settings = SmtpSettings(
        port=smtp_tls.port, host="localhost", user=USER, password=PASSWORD,
        security="starttls", mail_from=USER, ca_file=str(smtp_tls.cert),
    )  # fmt: skip
    _send(settings)
    assert len(smtp_tls.inbox.messages) == 1


def test_smtp_refuses_an_unverified_certificate_and_a_wrong_password(smtp_tls: SmtpServer) -> None:
    import smtplib
    import ssl

    untrusted = SmtpSettings(
        port=smtp_tls.port, host="localhost", user=USER, password=PASSWORD, security="starttls"
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        _send(untrusted)
    wrong = SmtpSettings(
        port=smtp_tls.port, host="localhost", user=USER, password="nope",
        security="starttls", ca_file=str(smtp_tls.cert),
    )  # fmt: skip
    with pytest.raises(smtplib.SMTPAuthenticationError):
        _send(wrong)
    assert smtp_tls.inbox.messages == []


def test_smtp_server_down_raises_so_the_outbox_keeps_the_mail(smtp: SmtpServer) -> None:
    port = smtp.port
    smtp.stop()
    with pytest.raises(ConnectionRefusedError):
        _send(SmtpSettings(port=port))


def test_smtp_settings_from_environment() -> None:
    settings = SmtpSettings.from_env(
        {"SMTP_HOST": "smtp.anact.fr", "SMTP_SECURITY": "ssl", "MAIL_FROM": "fact@anact.fr"}
    )
    assert (settings.host, settings.port, settings.security) == ("smtp.anact.fr", 465, "ssl")
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        SmtpSettings.from_env({"SMTP_SECURITY": "tls1"})
