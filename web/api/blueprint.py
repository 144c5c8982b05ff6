"""The API's blueprint: flask-smorest's, with strict JSON bodies and a pagination parser that
keeps its schemas.

flask-smorest hands its pagination-parameters schema to webargs as a class, which webargs
instantiates on every listing; here each such schema is built once.

An upload is one multipart/form-data body of files and text fields, which webargs reads from
two locations (`files`, `form`) that OpenAPI 3 cannot both document on one operation: the
`multipart` location reads both, and is documented as one `requestBody`.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from .. import json_input


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


class _BodyParser(_Parser):
    __location_map__ = {**_Parser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Any, schema: ma.Schema) -> Any:
        """A multipart body's text fields and files together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            # A form or text body sent where JSON is expected: say so, rather than reporting
            # every field of the schema as missing.
            if req.mimetype or req.get_data(cache=True):
                abort(415, messages={"json": ["le corps doit être du JSON (Content-Type: "
                                              "application/json)"]})  # fmt: skip
            return core.missing
        try:
            return json_input.loads(req.get_data(cache=True))
        except json_input.JSONInputError as error:
            abort(error.status, messages={"json": [str(error)]})


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = _BodyParser()
    PAGINATION_ARGUMENTS_PARSER = _Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }
