"""A dossier's document as a download, under the name its holder knows it by."""

from __future__ import annotations

import io

from flask import Response, send_file

from engine.models import Instance
from workflows.fact.attachments import download_name

from .engine_access import current_engine


def dossier_document(dossier: Instance, name: str) -> Response:
    """The document, for a caller already allowed to read the dossier (NotFoundError if none)."""
    info, content = current_engine().documents.get(dossier.id, name)
    return send_file(
        io.BytesIO(content),
        mimetype=info.mimetype,
        as_attachment=True,
        download_name=download_name(dossier, info.name),
    )
