"""`document.render`: the content of a document produced by a process (e.g. the convention)."""

from __future__ import annotations

from typing import Any

from engine import InvalidInputError, ServiceContext

TEMPLATES = {
    "convention": (
        "call_id",
        "dossier_id",
        "holder_name",
        "siret",
        "title",
        "amount_granted",
    ),
}


def render_document(ctx: ServiceContext, template: str) -> dict[str, Any]:
    """The document's fields taken from the process data, with a stable reference."""
    fields = TEMPLATES.get(template)
    if fields is None:
        raise InvalidInputError(f"unknown document template {template!r}", field="template")
    missing = [name for name in fields if ctx.data.get(name) in (None, "")]
    if missing:
        raise InvalidInputError(
            f"document {template!r} lacks {', '.join(missing)}", field=missing[0]
        )
    return {
        "template": template,
        "reference": f"{template.upper()}-{ctx.data['dossier_id']}",
        "rendered_at": ctx.now.isoformat(),
        "fields": {name: ctx.data[name] for name in fields},
    }
