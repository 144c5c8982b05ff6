"""What is specific to a kind of call, and the composition root that wires the engine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import handlers
from engine import Clock, Engine, EngineConfig, RetryPolicy, SystemClock
from handlers import DISPATCHERS
from handlers.documents import DocumentRenderer
from handlers.email import EmailDispatcher
from handlers.smtp import SmtpSettings, YagmailMailer

from .fact.documents import render_document
from .fact.summaries import SUMMARIES
from .paths import PROJECT_ROOT
from .signing import secret_key

DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'concerto.db'}"

# Every service the FACT diagrams call, with the call's own document renderer.
SERVICES = {**handlers.SERVICES, "document.render": DocumentRenderer(render_document)}
__all__ = ["PROJECT_ROOT", "SERVICES", "SUMMARIES", "build_engine"]


def build_engine(settings: Mapping[str, Any], *, clock: Clock | None = None) -> Engine:
    """The single place where handlers are registered into the engine."""
    url = settings.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = Engine(
        EngineConfig(
            database_url=url,
            clock=clock or SystemClock(),
            services=SERVICES,
            dispatchers=DISPATCHERS,
            retries=RetryPolicy(
                attempts=int(settings.get("RETRY_ATTEMPTS") or 5),
                base_delay=float(settings.get("RETRY_BASE_DELAY") or 10.0),
                max_delay=float(settings.get("RETRY_MAX_DELAY") or 3600.0),
            ),
            script_time_limit=float(settings.get("SCRIPT_TIME_LIMIT") or 1.0),
            summaries=SUMMARIES,
        )
    )
    if settings.get("SMTP_HOST"):  # otherwise mails go to the log
        smtp = SmtpSettings.from_env(settings)
        _deliver_by_smtp(engine, smtp, settings.get("BASE_URL"), secret_key(settings))
    return engine


def _deliver_by_smtp(engine: Engine, smtp: SmtpSettings, base_url: str | None, secret: str) -> None:
    from .changes import TOPIC as CHANGE_TOPIC
    from .changes import render_change_mail
    from .fact.accounts import render_account_mail
    from .fact.delivery import (
        recipients_for,
        render_task_mail,
        renderer_for,
        task_recipients_for,
    )

    mailer = YagmailMailer(smtp)
    engine.outbox.register(
        "email",
        EmailDispatcher(
            mailer,
            render=renderer_for(engine, base_url, secret),
            recipients=recipients_for(engine),
            sender=smtp.mail_from,
        ),
    )
    engine.outbox.register(
        "account",
        EmailDispatcher(
            mailer,
            render=lambda message: render_account_mail(message.payload),
            recipients=lambda message: [message.recipient or ""],
            sender=smtp.mail_from,
        ),
    )
    engine.outbox.register(
        CHANGE_TOPIC,
        EmailDispatcher(
            mailer,
            render=lambda message: render_change_mail(message.payload, base_url),
            recipients=lambda message: [message.recipient or ""],
            sender=smtp.mail_from,
        ),
    )
    engine.outbox.register(
        "task",
        EmailDispatcher(
            mailer,
            render=render_task_mail,
            recipients=task_recipients_for(engine),
            sender=smtp.mail_from,
        ),
    )
