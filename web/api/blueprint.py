"""The API's blueprint: flask-smorest's, with pagination that does not rebuild schemas per request.

flask-smorest hands its pagination-parameters schema to webargs as a class and dumps the
pagination header through a fresh schema: both are built on every listing. The parameters'
schema is built once per endpoint here, and the header (plain integers) is written directly.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


class _Parser(FlaskParser):
    def __init__(self) -> None:
        super().__init__()
        self._schemas: dict[type[ma.Schema], ma.Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> ma.Schema:
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            if argmap not in self._schemas:
                self._schemas[argmap] = argmap()
            return self._schemas[argmap]
        return super()._get_schema(argmap, req)


class Blueprint(SmorestBlueprint):
    PAGINATION_ARGUMENTS_PARSER = _Parser()

    @staticmethod
    def _make_pagination_metadata(page: int, page_size: int, item_count: int) -> dict[str, int]:
        if item_count == 0:
            return {"total": 0, "total_pages": 0}
        last = (item_count - 1) // page_size + 1
        metadata = {"total": item_count, "total_pages": last, "first_page": 1, "last_page": last}
        if page <= last:
            metadata["page"] = page
            if page > 1:
                metadata["previous_page"] = page - 1
            if page < last:
                metadata["next_page"] = page + 1
        return metadata
