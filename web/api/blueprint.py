"""The API's blueprint: flask-smorest's, with a pagination parser that keeps its schemas.

flask-smorest hands its pagination-parameters schema to webargs as a class, which webargs
instantiates on every listing; here each such schema is built once.
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
