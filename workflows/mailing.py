"""French mails from Jinja2 templates: a subject, a plain-text part written for reading (wrapped,
French spacing before punctuation) and an HTML part; shared by every kind of mail.

A mail kind is `<kind>.txt` and `<kind>.html` in a templates folder; the subject is the
`{% block subject %}` of the text template. Templates see French formatting filters (Paris
time, Babel) and fail on any undefined variable, which becomes an `InvalidInputError`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError, select_autoescape

from engine import InvalidInputError
from engine.dates import add_duration

from .french import (
    amount_fr,
    date_fr,
    datetime_fr,
    day_fr,
    days_fr,
    deadline_fr,
    duration_fr,
    of_duration_fr,
    time_fr,
)

NBSP = "\u00a0"  # keeps "50 000 €" and "14 avril 2020" on one line; plain spaces in the output
WRAP = 76
_GLUED = re.compile(r" ([:;?!»])")  # French punctuation never starts a wrapped line
_MISSING = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


@dataclass(frozen=True)
class Attachment:
    """A file joined to a mail."""

    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Mail:
    """A finished mail, ready for delivery."""

    to: str
    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...]
    reply_to: str | None = None  # where an answer goes (the service in charge)


def glued(format_: Callable[..., str]) -> Callable[..., str]:
    """A template filter giving the same text, never broken across lines in the text part."""
    return lambda *args, **kwargs: format_(*args, **kwargs).replace(" ", NBSP)


def environment(*folders: Path) -> Environment:
    """Templates of these folders, the first first, with the French filters (more may be added
    by the caller)."""
    env = Environment(
        loader=FileSystemLoader(list(folders)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date_fr=glued(date_fr),
        day_fr=glued(day_fr),
        time_fr=glued(time_fr),
        datetime_fr=glued(datetime_fr),
        deadline_fr=glued(deadline_fr),
        amount_fr=glued(amount_fr),
        days_fr=glued(days_fr),
        duration_fr=glued(duration_fr),
        of_duration_fr=glued(of_duration_fr),
    )
    env.globals.update(add_duration=add_duration)
    return env


def compose(
    env: Environment, kind: str, to: str, context: Mapping[str, Any], *, prefix: str
) -> tuple[str, str, str]:
    """(subject, text, html) of one mail kind; the subject starts with `prefix`."""
    values = dict(context)
    try:
        template = env.get_template(f"{kind}.txt")
        block = template.blocks["subject"](template.new_context(values))
        subject = " ".join(f"{prefix}{''.join(block)}".split())
        values["subject"] = subject
        text = tidy(template.render(values))
        html = env.get_template(f"{kind}.html").render(values).replace(NBSP, " ")
    except UndefinedError as exc:
        match = _MISSING.search(exc.message or "")
        name = (match.group(1) or match.group(2)) if match else None
        raise InvalidInputError(
            f"mail {kind!r} cannot be rendered: {exc.message}",
            field=f"data.{name}" if name else "data",
        ) from exc
    return subject, text, html


def tidy(text: str) -> str:
    """Wrap long lines for reading (bullets keep a hanging indent) and trim blank runs."""
    text = _GLUED.sub(NBSP + r"\1", text).replace("« ", "«" + NBSP)
    text = text.replace("heure de Paris", NBSP.join(("heure", "de", "Paris")))
    lines: list[str] = []
    for line in text.splitlines():
        if len(line) <= WRAP:
            lines.append(line.rstrip())
            continue
        indent = " " * (len(line) - len(line.lstrip(" -")))
        lines.extend(
            textwrap.wrap(
                line,
                WRAP,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text.replace(NBSP, " ") + "\n"
