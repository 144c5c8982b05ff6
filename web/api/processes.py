"""Process models: list versions, validate and deploy uploaded BPMN/DMN/form files."""

from __future__ import annotations

from urllib.parse import quote

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView
from flask_smorest.fields import Upload

from engine import DeploymentError, NotFoundError
from workflows import changes
from workflows.fact.roles import MANAGERS
from workflows.fact.what_if import MAX_APPLICATIONS, what_if
from workflows.imports import import_files

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint("processes", __name__, url_prefix="/api/processes", description="Process models")

MAX_UPLOAD = 5 * 1024 * 1024


class VersionSchema(ma.Schema):
    id = ma.fields.Integer()
    process_id = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    checksum = ma.fields.String()
    author = ma.fields.String()
    comment = ma.fields.String()
    deployed_at = ma.fields.AwareDateTime(allow_none=True)
    state = ma.fields.String(metadata={"description": "draft or deployed"})
    saved_at = ma.fields.AwareDateTime(allow_none=True)
    files = ma.fields.List(ma.fields.String())


class ValidationResultSchema(ma.Schema):
    process_id = ma.fields.String()
    valid = ma.fields.Boolean()
    message_starts = ma.fields.Dict()


class ProcessFilesSchema(ma.Schema):
    """The multipart body of a validation: the process's files."""

    class Meta:
        unknown = ma.EXCLUDE  # other parts of the body are ignored

    files = ma.fields.List(
        Upload(),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata={"description": "BPMN, DMN and form files"},
    )


class DeploymentSchema(ProcessFilesSchema):
    """The multipart body of a deployment: the process's files and a comment."""

    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


def _uploaded() -> dict[str, bytes]:
    """Files from a multipart upload (field `files`), each read with a size limit."""
    files = {}
    for upload in request.files.getlist("files"):
        content = upload.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise DeploymentError(f"{upload.filename}: file too large", field=upload.filename)
        files[upload.filename or ""] = content
    if not files:
        raise DeploymentError("upload the files as multipart field 'files'", field="files")
    return files


@blp.route("")
class Processes(MethodView):
    @blp.response(200, VersionSchema(many=True))
    @requires(*MANAGERS)
    def get(self):
        """Every deployed version of every process."""
        return current_engine().repository.list()


@blp.route("/<string(maxlength=200):process_id>/validation")
class ProcessValidation(MethodView):
    @blp.arguments(ProcessFilesSchema(), location="multipart")
    @blp.response(200, ValidationResultSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, _files, process_id):
        """Check uploaded files (multipart `files`) without deploying them."""
        parsed = current_engine().repository.validate(process_id, _uploaded())
        return {"process_id": process_id, "valid": True, "message_starts": parsed.message_starts}


@blp.route("/<string(maxlength=200):process_id>/versions")
class ProcessVersions(MethodView):
    @blp.arguments(DeploymentSchema(), location="multipart")
    @blp.response(201, VersionSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, form, process_id):
        """Deploy uploaded files (multipart `files`, optional `comment`) as the next version,
        for a process without running instances (others take a draft, proposed and accepted)."""
        return changes.deploy_files(
            current_engine(), process_id, _uploaded(), actor=current_account().username,
            comment=form["comment"],
        )  # fmt: skip


class ElementChangeSchema(ma.Schema):
    element_id = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    change = ma.fields.String(metadata={"description": "added, removed or changed"})
    properties = ma.fields.List(ma.fields.String(), metadata={"description": "what changed"})


class VersionDiffSchema(ma.Schema):
    from_version = ma.fields.Integer()
    to_version = ma.fields.Integer()
    elements = ma.fields.List(ma.fields.Nested(ElementChangeSchema))
    files = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "file names added, removed and changed"},
    )  # fmt: skip


@blp.route("/versions/<int(max=2147483647):from_version>/diff/<int(max=2147483647):to_version>")
class VersionComparison(MethodView):
    @blp.response(200, VersionDiffSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def get(self, from_version, to_version):
        """What changed from one version of a process to another, element by element."""
        return current_engine().repository.diff(from_version, to_version)


class WhatIfArgsSchema(ma.Schema):
    applications = ma.fields.Integer(
        load_default=10, validate=ma.validate.Range(min=1, max=MAX_APPLICATIONS)
    )
    seed = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=0, max=2**31 - 1))


class SimulatedCallSchema(ma.Schema):
    timeline = ma.fields.List(ma.fields.Dict())
    outcomes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    mails = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    granted = ma.fields.Integer()
    late_notices = ma.fields.Integer()
    unfinished = ma.fields.List(ma.fields.String())


class WhatIfSchema(ma.Schema):
    process_id = ma.fields.String()
    version_id = ma.fields.Integer()
    current_version_id = ma.fields.Integer()
    applications = ma.fields.Integer()
    seed = ma.fields.Integer()
    current = ma.fields.Nested(SimulatedCallSchema)
    tried = ma.fields.Nested(SimulatedCallSchema)


@blp.route("/versions/<int(max=2147483647):version_id>/what-if")
class VersionWhatIf(MethodView):
    @blp.arguments(WhatIfArgsSchema(), required=False)
    @blp.response(200, WhatIfSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, args, version_id):
        """The whole call simulated in virtual time on this version and on the current one,
        with the same synthetic applicants: timelines, outcomes and mails side by side."""
        return what_if(
            current_engine(), version_id, applications=args["applications"], seed=args["seed"]
        )


_FILE_TYPES = {".bpmn": "application/xml", ".dmn": "application/xml", ".form": "application/json",
               ".json": "application/json"}  # fmt: skip


@blp.route("/<string(maxlength=200):process_id>/drafts")
class ProcessDrafts(MethodView):
    @blp.arguments(DeploymentSchema(), location="multipart")
    @blp.response(201, VersionSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, form, process_id):
        """Save uploaded files (multipart `files`, optional `comment`) as a draft version:
        validated, listed, comparable, started by nobody until deployed."""
        return current_engine().repository.deploy(
            process_id, _uploaded(), author=current_account().username, comment=form["comment"],
            draft=True,
        )  # fmt: skip


@blp.route("/versions/<int(max=2147483647):version_id>/deployment")
class VersionDeployment(MethodView):
    @blp.response(200, VersionSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, version_id):
        """Make a saved version current for new instances (running ones stay on theirs); a
        draft of a process with running instances must have been accepted (proposals)."""
        return changes.deploy(current_engine(), version_id, actor=current_account().username)


@blp.route("/versions/<int(max=2147483647):version_id>/files/<name>")
class VersionFile(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "the file itself, byte for byte as it was deployed",
                "content": {
                    "application/xml": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": {}},  # a form-js schema, any JSON
                },
            }
        }
    )
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(*MANAGERS)
    def get(self, version_id, name):
        """One file of a version, as deployed (a `.bpmn` opens in any modeler)."""
        files = current_engine().repository.files(version_id)
        if name not in files:
            raise NotFoundError(f"version {version_id} has no file {name!r}")
        kind = next(t for suffix, t in _FILE_TYPES.items() if name.endswith(suffix))
        return Response(
            files[name].encode(),
            mimetype=kind,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )


class ImportNoteSchema(ma.Schema):
    element_id = ma.fields.String()
    element_name = ma.fields.String(allow_none=True)
    attribute = ma.fields.String(metadata={"description": "e.g. camunda:formKey"})
    outcome = ma.fields.String(metadata={"description": "mapped or reported"})
    message = ma.fields.String()


class ImportResultSchema(ma.Schema):
    version = ma.fields.Nested(VersionSchema)
    report = ma.fields.List(ma.fields.Nested(ImportNoteSchema))


@blp.route("/<string(maxlength=200):process_id>/imports")
class ProcessImports(MethodView):
    @blp.arguments(DeploymentSchema(), location="multipart")
    @blp.response(201, ImportResultSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, form, process_id):
        """Import files drawn in Camunda Modeler (Camunda 7 or 8) or bpmn.io as a draft version:
        each `.bpmn` is rewritten for this engine, with a report of what was mapped and what
        was left out. A draft refused on validation lists that report under `errors.report`."""
        version, report = import_files(
            current_engine(), process_id, _uploaded(), actor=current_account().username,
            comment=form["comment"],
        )  # fmt: skip
        return {"version": version, "report": report}
