"""Writing a dossier message from a page's form, for either side."""

from __future__ import annotations

from flask import request

from engine import InvalidInputError
from engine.models import Instance
from workflows.fact import messages

from ..engine_access import current_engine


def post_from_form(dossier: Instance, side: str, author: str) -> dict[str, list[str]]:
    """Post the form's message; the errors by field (none when it was sent)."""
    upload = request.files.get("file")
    file = (upload.filename, upload.read()) if upload is not None and upload.filename else None
    try:
        messages.post(current_engine(), dossier, side=side, author=author,
                      body=request.form.get("body", ""), file=file)  # fmt: skip
    except InvalidInputError as exc:
        return {exc.field or "body": [str(exc)]}
    return {}
