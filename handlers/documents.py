"""`document.render`: render a document from the process data and keep it with the instance."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine import ServiceContext

Renderer = Callable[[str, Mapping[str, Any]], bytes]


class DocumentRenderer:
    """The service a diagram calls; the rendering itself is given by the kind of call."""

    def __init__(self, render: Renderer) -> None:
        self._render = render

    def __call__(self, ctx: ServiceContext, template: str, version: int = 1) -> dict[str, Any]:
        """`version` > 1 for a document issued again (a receipt after a correction): the
        earlier ones are kept under their own names."""
        content = self._render(template, ctx.data)  # raises InvalidInputError naming the field
        reference = f"{template}-{ctx.business_key or ctx.instance_id}"
        if int(version) > 1:
            reference += f"-{int(version)}"
        name = f"{reference}.pdf"
        ctx.store_document(name, content, "application/pdf")
        return {
            "template": template,
            "reference": reference,
            "document": name,
            "rendered_at": ctx.now.isoformat(),
        }
