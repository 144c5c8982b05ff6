"""Attachments (pièces jointes) of a dossier: which the deposit form asks for, and the files
applicants send for them.

The deposit form declares each piece as a `filepicker` (its key, label, whether it is
required). A file is checked by its content, not its name (PDF, JPEG or PNG), and its size; it
is stored with the dossier in the same step that records it in the dossier's `pieces`, and the
deposit then names each piece's document in the form data (the form requires them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine import ConflictError, Engine, InvalidInputError, NotFoundError
from engine.models import Instance
from engine.scripting import Document

from ..french import size_fr
from .deadlines import check_on_time

MAX_BYTES = 10_000_000  # 10 Mo, as the page says it
# What a file's first bytes say it is: only these are taken.
SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)
# What a file input offers to choose (the content decides).
ACCEPTED = ",".join(ext for _, mimetype, exts in SIGNATURES for ext in (*exts, mimetype))
# What no file system takes in a name, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


@dataclass(frozen=True)
class Piece:
    key: str
    label: str
    required: bool
    description: str = ""


def pieces_of(form: Mapping[str, Any]) -> list[Piece]:
    """The pieces a form asks for, in its order."""
    found: list[Piece] = []
    stack = list(reversed(form.get("components") or []))
    while stack:
        component = stack.pop()
        if component.get("type") == "filepicker" and component.get("key"):
            required = bool((component.get("validate") or {}).get("required"))
            label = component.get("label") or component["key"]
            found.append(Piece(component["key"], label, required, component.get("description", "")))
        stack.extend(reversed(component.get("components") or []))
    return found


def document_name(key: str) -> str:
    """The name a piece's file is kept under with the dossier (a new file replaces it)."""
    return f"piece-{key}"


def sniff(content: bytes) -> tuple[str, tuple[str, ...]]:
    """The mimetype a file's content shows and the extensions its name may end with;
    InvalidInputError otherwise."""
    for signature, mimetype, extensions in SIGNATURES:
        if content.startswith(signature):
            return mimetype, extensions
    raise InvalidInputError("ce fichier n'est ni un PDF, ni une image JPEG ou PNG", field="file")


def checked_file(filename: str, content: bytes, *, fallback: str) -> dict[str, Any]:
    """A file a person sent, checked by its content and size: the name it is kept under (its
    real kind shows in it), its size and mimetype; InvalidInputError otherwise."""
    if not content:
        raise InvalidInputError("le fichier est vide", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidInputError(f"le fichier dépasse {size_fr(MAX_BYTES)}", field="file")
    mimetype, extensions = sniff(content)
    stem = _UNSAFE.sub("_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip() or fallback
    shown = stem if stem.lower().endswith(extensions) else stem + extensions[0]
    return {"filename": shown[:120], "size": len(content), "mimetype": mimetype}


def attach(
    engine: Engine,
    dossier: Instance,
    form: Mapping[str, Any],
    key: str,
    filename: str,
    content: bytes,
    *,
    actor: str,
) -> dict[str, Any]:
    """Keep one piece of a draft: checked, stored with the dossier, recorded in `pieces`."""
    piece = next((p for p in pieces_of(form) if p.key == key), None)
    if piece is None:
        raise NotFoundError(f"ce formulaire ne demande pas de pièce {key!r}")
    check_on_time(dossier.variables, engine.clock.now())
    record = {"label": piece.label, "document": document_name(key),
              **checked_file(filename, content, fallback=key)}  # fmt: skip
    try:
        engine.runtime.update_variables(
            dossier.id,
            lambda variables: {"pieces": {**(variables.get("pieces") or {}), key: record}},
            actor=actor,
            documents=[Document(document_name(key), content, record["mimetype"])],
        )
    except ConflictError as exc:  # the dossier was closed meanwhile
        raise ConflictError("ce dossier n'accepte plus de pièces") from exc
    return record


@dataclass(frozen=True)
class SentPiece:
    """A piece as a page lists it: what is asked, and the file sent for it if any."""

    key: str
    label: str
    required: bool
    description: str
    document: str | None
    filename: str | None
    size: str | None


def listed(dossier: Instance, asked: list[Piece] | None = None) -> list[SentPiece]:
    """The pieces a draft's form asks for with what was sent; without a form, what was sent."""
    sent = dossier.variables.get("pieces") or {}
    if asked is None:
        asked = [Piece(key, record.get("label") or key, False) for key, record in sent.items()]
    rows = []
    for piece in asked:
        record = sent.get(piece.key) or {}
        rows.append(
            SentPiece(
                piece.key,
                piece.label,
                piece.required,
                piece.description,
                record.get("document"),
                record.get("filename"),
                size_fr(record["size"]) if record.get("size") else None,
            )
        )
    return rows


def download_name(dossier: Instance, document: str) -> str:
    """The name a document is downloaded under: a file a person sent (a piece, a message's)
    keeps the name it was sent with."""
    v = dossier.variables
    sent = [*(v.get("pieces") or {}).values(), *(m.get("file") for m in v.get("messages") or [])]
    for record in sent:
        if record and record.get("document") == document and record.get("filename"):
            return str(record["filename"])
    return document


def is_sent_file(document: str) -> bool:
    """A file a person sent (a piece, or a message's), not a document the process made."""
    return document.startswith((document_name(""), "message-"))


def references(dossier: Instance) -> dict[str, str]:
    """Each piece's document, as the deposit form's data names it."""
    return {
        key: piece["document"] for key, piece in (dossier.variables.get("pieces") or {}).items()
    }
