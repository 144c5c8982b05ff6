"""Process models for staff: versions, the diagram editor, comparison and what-if, and the
concerted change (proposal, comments on elements, decision, deployment, migration)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import ConflictError, DeploymentError, EngineError, ForbiddenError, NotFoundError
from engine.models import ProcessVersion
from workflows import changes
from workflows.fact.positions import diagram_name, process_file
from workflows.fact.roles import ADMIN, MANAGERS, OBSERVER
from workflows.fact.what_if import what_if
from workflows.imports import import_files

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("modeler", __name__, url_prefix="/modeles")

WHAT_IF_APPLICATIONS = 5
MAX_IMPORT = 5 * 2**20


def _versions_by_process() -> dict[str, list[ProcessVersion]]:
    grouped: dict[str, list[ProcessVersion]] = {}
    for version in current_engine().repository.list():
        if version.process_id != changes.CHANGE_PROCESS:
            grouped.setdefault(version.process_id, []).append(version)
    return {pid: sorted(vs, key=lambda v: -v.version) for pid, vs in sorted(grouped.items())}


def version_or_404(version_id: int) -> ProcessVersion:
    """A version, or a 404 page."""
    try:
        return current_engine().repository.get(version_id)
    except NotFoundError:
        abort(404)


def current_version(process_id: str) -> ProcessVersion | None:
    """The version new instances of a process follow (None before its first deployment)."""
    try:
        return current_engine().repository.latest(process_id)
    except NotFoundError:
        return None


def _main_file(version: ProcessVersion) -> str:
    """The .bpmn file of a version that declares its process (the one people edit)."""
    files = current_engine().repository.files(version.id)
    found = diagram_name(files, version.process_id)
    return found or next(name for name in version.files if name.endswith(".bpmn"))


@bp.get("")
@login_required
def versions() -> Any:
    only(*MANAGERS, OBSERVER)
    engine = current_engine()
    grouped = _versions_by_process()
    proposals: dict[int, list[changes.Proposal]] = {}
    for proposal in changes.proposals(engine):
        proposals.setdefault(proposal.version_id, []).append(proposal)
    current = {pid: current_version(pid) for pid in grouped}
    return render_template("modeler/versions.html", grouped=grouped, current=current,
                           proposals=proposals, main_file=_main_file)  # fmt: skip


@bp.get("/versions/<int:version_id>/editeur")
@login_required
def editor(version_id: int) -> Any:
    only(*MANAGERS)
    version = version_or_404(version_id)
    name = request.args.get("fichier") or _main_file(version)
    if name not in version.files or not name.endswith(".bpmn"):
        abort(404)
    current = current_version(version.process_id)
    catalogue = current_engine().repository.catalogue(version_id)
    return render_template(
        "modeler/editor.html", version=version, file=name, current=current,
        catalogue={"forms": catalogue.forms, "decisions": catalogue.decisions,
                   "services": {k: [asdict(p) for p in v] for k, v in catalogue.services.items()}},
    )  # fmt: skip


@bp.get("/versions/<int:version_id>/comparaison")
@login_required
def compare_current(version_id: int) -> Any:
    """A version beside the one in service."""
    only(*MANAGERS)
    current = current_version(version_or_404(version_id).process_id)
    if current is None or current.id == version_id:
        flash("Aucune autre version en service à comparer.", "warning")
        return redirect(url_for("modeler.versions"))
    return redirect(url_for("modeler.compare", from_id=current.id, to_id=version_id))


@bp.route("/versions/<int:from_id>/comparaison/<int:to_id>", methods=["GET", "POST"])
@login_required
def compare(from_id: int, to_id: int) -> Any:
    """Two versions: the diagrams coloured, the elements changed; on POST the what-if too."""
    only(*MANAGERS)
    before, after = version_or_404(from_id), version_or_404(to_id)
    try:
        changed = current_engine().repository.diff(from_id, to_id)
    except EngineError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("modeler.versions"))
    simulated = None
    if request.method == "POST":
        try:
            simulated = what_if(current_engine(), to_id, applications=WHAT_IF_APPLICATIONS)
        except EngineError as exc:
            flash(f"La simulation n'a pas pu tourner : {exc}", "warning")
    return render_template(
        "modeler/compare.html", before=before, after=after, diff=changed, simulated=simulated,
        before_file=_main_file(before), after_file=_main_file(after),
        proposals=changes.proposals(current_engine(), to_id),
        applications=WHAT_IF_APPLICATIONS,
    )  # fmt: skip


@bp.post("/versions/<int:version_id>/proposition")
@login_required
def propose(version_id: int) -> Any:
    only(*MANAGERS)
    invitees = [u for u in request.form.get("invitees", "").replace(",", " ").split() if u]
    try:
        proposal = changes.propose(
            current_engine(), version_id, actor=current_user.username,
            note=request.form.get("note", ""), invitees=invitees,
        )  # fmt: skip
    except EngineError as exc:
        flash(f"La version n'est pas proposée : {exc}", "warning")
        return redirect(url_for("modeler.compare_current", version_id=version_id))
    flash("Version proposée : les observateurs et les invités peuvent la commenter.", "success")
    return redirect(url_for("modeler.proposal", proposal_id=proposal.id))


def _next() -> str:
    """Where a form sends back to: a path of this site only."""
    target = request.form.get("next", "")
    return (
        target
        if target.startswith("/") and not target.startswith("//")
        else url_for("modeler.versions")
    )


def _readable(proposal_id: str) -> changes.Proposal:
    try:
        proposal = changes.get(current_engine(), proposal_id)
    except NotFoundError:
        abort(404)
    if not changes.may_read(current_user.user.roles, current_user.username, proposal):
        abort(403)
    return proposal


@bp.get("/propositions/<proposal_id>")
@login_required
def proposal(proposal_id: str) -> Any:
    found = _readable(proposal_id)
    engine = current_engine()
    version = version_or_404(found.version_id)
    base = version_or_404(found.base_version_id) if found.base_version_id else None
    changed = engine.repository.diff(base.id, version.id) if base else None
    counts: dict[str, int] = {}
    for comment in found.comments:
        counts[comment.element_id] = counts.get(comment.element_id, 0) + 1
    roles = current_user.user.roles
    movable = []
    if version.state == "deployed" and current_user.has_any(MANAGERS):
        movable = [i for i in engine.runtime.query().process(version.process_id)
                   .status("running").list() if i.version_id != version.id]  # fmt: skip
    return render_template(
        "modeler/proposal.html", proposal=found, version=version, base=base,
        diff=changed, counts=counts, elements=changes.elements(engine, version.id),
        may_decide=ADMIN in roles and current_user.username != found.proposer,
        may_deploy=current_user.has_any(MANAGERS) and found.state == "accepted"
        and version.state == "draft",
        movable=movable,
    )  # fmt: skip


@bp.get("/propositions/<proposal_id>/diagramme.bpmn")
@login_required
def proposal_diagram(proposal_id: str) -> Response:
    found = _readable(proposal_id)
    xml = process_file(current_engine(), found.version_id, found.process_id)
    return Response(xml, mimetype="application/xml")


@bp.post("/propositions/<proposal_id>/commentaires")
@login_required
def comment(proposal_id: str) -> Any:
    _readable(proposal_id)
    try:
        changes.comment(
            current_engine(), proposal_id, request.form.get("element_id", ""),
            request.form.get("text", ""), actor=current_user.username,
            roles=current_user.user.roles,
        )  # fmt: skip
        flash("Commentaire ajouté.", "success")
    except (ConflictError, ForbiddenError, EngineError) as exc:
        flash(f"Le commentaire n'est pas ajouté : {exc}", "warning")
    return redirect(url_for("modeler.proposal", proposal_id=proposal_id, _anchor="commentaires"))


@bp.post("/propositions/<proposal_id>/decision")
@login_required
def decide(proposal_id: str) -> Any:
    _readable(proposal_id)
    decision = request.form.get("decision", "")
    try:
        changes.decide(
            current_engine(), proposal_id, decision, request.form.get("reason", "").strip(),
            actor=current_user.username, roles=current_user.user.roles,
        )  # fmt: skip
        done = "acceptée" if decision == changes.ACCEPT else "renvoyée à son auteur"
        flash(f"Version {done}.", "success")
    except EngineError as exc:
        flash(f"La décision n'est pas enregistrée : {exc}", "warning")
    return redirect(url_for("modeler.proposal", proposal_id=proposal_id))


@bp.post("/versions/<int:version_id>/deploiement")
@login_required
def deploy(version_id: int) -> Any:
    only(*MANAGERS)
    try:
        version = changes.deploy(current_engine(), version_id, actor=current_user.username)
        flash(f"Version {version.version} déployée : les nouvelles instances la suivent ; "
              "celles en cours restent sur la leur.", "success")  # fmt: skip
    except EngineError as exc:
        flash(f"La version n'est pas déployée : {exc}", "warning")
    return redirect(_next())


@bp.post("/versions/<int:version_id>/migrations")
@login_required
def migrate(version_id: int) -> Any:
    """Move the chosen running instances to this version, each in its own transaction."""
    only(*MANAGERS)
    engine = current_engine()
    moved, refused = [], []
    for instance_id in request.form.getlist("instances")[:200]:
        try:
            instance = engine.runtime.migrate(instance_id, version_id, actor=current_user.username)
            moved.append(instance.business_key or instance.id)
        except EngineError as exc:
            refused.append(f"{instance_id} : {exc}")
    if moved:
        flash(f"Migré(s) vers cette version : {', '.join(moved)}.", "success")
    for reason in refused:
        flash(f"Non migré — {reason}", "warning")
    if not moved and not refused:
        flash("Choisissez les instances à migrer.", "warning")
    return redirect(_next())


@bp.post("/<process_id>/import")
@login_required
def import_diagram(process_id: str) -> Any:
    """A `.bpmn` drawn in Camunda Modeler or bpmn.io in place of the process's diagram, saved
    as a draft with the version's other files; the page says what was mapped or left out."""
    only(*MANAGERS)
    current = current_version(process_id)
    upload = request.files.get("fichier")
    name = (upload.filename or "") if upload else ""
    if current is None or not name.endswith(".bpmn"):
        flash("Choisissez un fichier .bpmn à importer dans un processus existant.", "warning")
        return redirect(url_for("modeler.versions"))
    content = upload.read(MAX_IMPORT + 1)
    files = {n: c.encode() for n, c in current_engine().repository.files(current.id).items()}
    files[_main_file(current)] = content  # the diagram replaced, under its name
    version, report, problems = None, [], {}
    try:
        version, report = import_files(
            current_engine(), process_id, files, actor=current_user.username,
            comment=f"importé de {name}",
        )  # fmt: skip
    except DeploymentError as exc:
        problems = {k: v for k, v in exc.errors.items() if k != "report"} or {"files": [str(exc)]}
        report = exc.errors.get("report", [])
    notes = [note if isinstance(note, dict) else asdict(note) for note in report]
    return render_template("modeler/imported.html", process_id=process_id, name=name,
                           version=version, report=notes, problems=problems,
                           current=current)  # fmt: skip
