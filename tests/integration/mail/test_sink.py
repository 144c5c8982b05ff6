"""The local SMTP sink keeps every mail; the staff page "Courriels" lists and shows them."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handlers.mailsink import read_sink, start_sink
from handlers.smtp import SmtpSettings, YagmailMailer, build_message
from web import create_app

from .conftest import _free_port
from .test_smtp import RECEIPT


def test_sink_keeps_mails_and_staff_reads_them_on_the_page(tmp_path: Path) -> None:
    maildir, port = tmp_path / "mails", _free_port()
    sink = start_sink(maildir, port=port)
    try:
        mailer = YagmailMailer(SmtpSettings(port=port, mail_from="fact@anact.test"))
        message = build_message(
            RECEIPT, sender="fact@anact.test", recipients=[RECEIPT.to], message_id="<k1@anact.test>"
        )
        mailer.send(message)
        mailer.close()
    finally:
        sink.stop()
    [kept] = read_sink(maildir)
    assert kept.subject == RECEIPT.subject and kept.text().strip() == RECEIPT.text
    assert ("recu.pdf", "application/pdf", len(b"%PDF-1.7 fake")) in kept.attachments()

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SECRET_KEY": "t", "MAILDIR": maildir}
    )
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    engine.identity.create_user("staff", "mot-de-passe-1", roles=["staff"], email="s@x.fr")
    engine.identity.create_user("ana", "mot-de-passe-1", roles=["applicant"], email="a@x.fr")
    for username, status in (("staff", 200), ("ana", 403)):
        client = app.test_client()
        with client.session_transaction() as session:  # as signing in leaves it
            session["_user_id"] = username
            session["sid"] = engine.sessions.open(username)
        listing = client.get("/courriels")
        assert listing.status_code == status
        if status == 200:
            assert RECEIPT.subject in listing.text
            page = client.get(f"/courriels/{kept.key}")
            assert "k1@anact.test" in page.text and "recu.pdf" in page.text
            assert client.get("/courriels/nope").status_code == 404
    assert app.test_client().get("/courriels").status_code == 302  # to the sign-in page


def _send(port: int, key: str) -> None:
    mailer = YagmailMailer(SmtpSettings(port=port, mail_from="fact@anact.test"))
    message = build_message(
        RECEIPT, sender="fact@anact.test", recipients=[RECEIPT.to], message_id=f"<{key}@anact.test>"
    )
    try:
        mailer.send(message)
    finally:
        mailer.close()


def _listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the mail sink never listened")


@pytest.mark.parametrize(
    "before",
    [
        pytest.param([], id="folder-absent"),
        pytest.param(["."], id="folder-empty"),
        pytest.param([".", "new"], id="folder-partial"),
        pytest.param([".", "tmp", "new", "cur"], id="maildir-already"),
    ],
)
def test_mail_sink_command_keeps_every_mail_whatever_its_folder_held(
    tmp_path: Path, before: list[str]
) -> None:
    maildir, port = tmp_path / "mails", _free_port()
    for folder in before:
        (maildir / folder).mkdir(parents=True, exist_ok=True)
    if before:
        (maildir / "notes.txt").write_text("à garder")
    command = [sys.executable, "-m", "web.cli", "mail-sink", "--port", str(port),
               "--maildir", str(maildir)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _listening(port, process)
        _send(port, "a1")
        _send(port, "a2")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode()
    assert f"courriels gardés dans {maildir}" in out.decode()
    kept = read_sink(maildir)
    assert sorted(str(m.message["Message-ID"]) for m in kept) == [
        "<a1@anact.test>",
        "<a2@anact.test>",
    ]
    assert all(m.subject == RECEIPT.subject for m in kept)
    assert not list((maildir / "tmp").iterdir())  # delivered whole, none left half-written
    if before:
        assert (maildir / "notes.txt").read_text() == "à garder"


def test_mail_sink_on_a_file_says_so_in_french_and_keeps_the_file(tmp_path: Path) -> None:
    taken = tmp_path / "mails"
    taken.write_text("pas un dossier")
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "mail-sink", "--port", str(_free_port()),
         "--maildir", str(taken)],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "n'est pas un dossier" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    assert taken.read_text() == "pas un dossier"


def test_sink_started_twice_on_one_folder_keeps_the_mails_of_both(tmp_path: Path) -> None:
    maildir = tmp_path / "mails"
    for key in ("b1", "b2"):
        port = _free_port()
        sink = start_sink(maildir, port=port)
        try:
            _send(port, key)
        finally:
            sink.stop()
    assert len(read_sink(maildir)) == 2
