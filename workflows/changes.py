"""Concerted change: a version of a process people work in is deployed only once accepted.

The exchange runs as an instance of `version_change` (bpmn/changes): staff propose a saved
version; observers (the staff representatives), chosen colleagues and staff comment on its
elements while the proposal is open; an approver (admin, never the proposer) accepts it or sends
it back by completing the decision task. The instance's variables are the record of it all,
found again by its business key `version-<id>/<n>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from engine import ConflictError, Engine, ForbiddenError, InvalidInputError, NotFoundError
from engine.dates import parse_datetime
from engine.models import Instance, Notice, ProcessVersion

from .fact.roles import ADMIN, MANAGERS, OBSERVER
from .mailing import Mail, compose, environment
from .paths import PROJECT_ROOT
from .templates import TEMPLATES

BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CHANGE_PROCESS = "version_change"
CHANGE_DIR = PROJECT_ROOT / "bpmn" / "changes"
DECISION_TASK = "decide_task"
ACCEPT, SEND_BACK = "accept", "send_back"
MAX_COMMENT = 2000
MAX_INVITEES = 50
TOPIC = "change"  # the outbox topic of the mails of a concertation


@dataclass(frozen=True)
class Comment:
    at: datetime
    author: str
    element_id: str
    element_name: str | None
    text: str


@dataclass(frozen=True)
class Proposal:
    id: str  # the instance of version_change
    version_id: int
    base_version_id: int | None  # the version in service when it was proposed
    process_id: str
    proposer: str
    note: str
    invitees: tuple[str, ...]
    proposed_at: datetime
    state: str  # open, accepted, sent_back
    comments: tuple[Comment, ...]
    decided_by: str | None
    decision_reason: str | None
    decision_task: str | None  # the open decision task while the proposal is open


def propose(
    engine: Engine, version_id: int, *, actor: str, note: str = "", invitees: Sequence[str] = ()
) -> Proposal:
    """Open the concertation on a draft version (one open proposal per version)."""
    version = engine.repository.get(version_id)
    if version.state != "draft":
        raise InvalidInputError(
            "seule une version enregistrée et pas encore déployée se propose", field="version_id"
        )
    if any(p.state == "open" for p in proposals(engine, version_id)):
        raise ConflictError("cette version a déjà une proposition ouverte")
    invited = _invitees(engine, invitees)
    if len(note) > MAX_COMMENT:
        raise InvalidInputError(f"la note tient en {MAX_COMMENT} caractères au plus", field="note")
    _deploy_change_process(engine)
    count = len(proposals(engine, version_id))
    try:  # what the proposal changes is read against the version in service when proposed
        base = engine.repository.latest(version.process_id).id
    except NotFoundError:
        base = None
    instance = engine.runtime.start(
        CHANGE_PROCESS,
        business_key=f"version-{version_id}/{count + 1}",
        variables={"version_id": version_id, "changed_process": version.process_id,
                   "proposer": actor, "note": note.strip(), "invitees": invited,
                   "comments": [], "proposed_at": engine.clock.now().isoformat(),
                   "base_version_id": base},
        actor=actor,
    )  # fmt: skip
    observers = [u.username for u in engine.identity.list() if OBSERVER in u.roles and u.active]
    readers = invited + [username for username in observers if username not in invited]
    data = {"version": version.version, "process_name": version.name or version.process_id,
            "proposer": actor, "note": note.strip(),
            "link": proposal_path(instance.id)}  # fmt: skip
    notices = _notices(engine, "proposal_invitation", readers, data)
    if notices:
        instance = engine.runtime.update_variables(
            instance.id, lambda _: {"invited": readers}, actor=actor, notices=notices
        )
    return _proposal(engine, instance)


def proposal_path(proposal_id: str) -> str:
    """Where people read a proposal, under the service's address."""
    return f"/modeles/propositions/{proposal_id}"


def _notices(
    engine: Engine, kind: str, usernames: Sequence[str], data: Mapping[str, Any]
) -> list[Notice]:
    people = [engine.identity.get(username) for username in usernames]
    return [
        Notice(TOPIC, kind, person.email,
               {"kind": kind, "to": person.email, "data": {**data, "name": person.display_name}})
        for person in people
        if person.email
    ]  # fmt: skip


_ENV = environment(TEMPLATES / "changes", TEMPLATES / "accounts")  # the accounts' layout
KINDS = frozenset({"proposal_invitation", "proposal_decided"})


def render_change_mail(payload: Mapping[str, Any], base_url: str | None = None) -> Mail:
    """The mail of a `change` outbox row; its link leads to the proposal at `base_url`."""
    kind, to = payload.get("kind"), str(payload.get("to") or "")
    if kind not in KINDS or not to:
        raise InvalidInputError(f"unknown change mail {kind!r}", field="kind")
    data = dict(payload.get("data") or {})
    data["link"] = f"{(base_url or '').rstrip('/')}{data.get('link', '')}"
    subject, text, html = compose(_ENV, kind, to, data, prefix="")
    return Mail(to=to, subject=subject, html=html, text=text, attachments=())


def proposals(engine: Engine, version_id: int | None = None) -> list[Proposal]:
    """The proposals of a version (or of every version), by version, oldest first."""
    query = engine.runtime.query().process(CHANGE_PROCESS)
    if version_id is not None:
        query = query.business_key_prefix(f"version-{version_id}/")

    def order(instance: Instance) -> tuple[int, int]:  # version, then n of `version-<id>/<n>`
        version, n = (instance.business_key or "version-0/0").removeprefix("version-").split("/")
        return int(version), int(n)

    return [_proposal(engine, instance) for instance in sorted(query.list(), key=order)]


def get(engine: Engine, proposal_id: str) -> Proposal:
    instance = engine.runtime.get(proposal_id)
    if instance.process_id != CHANGE_PROCESS:
        raise NotFoundError(f"no proposal {proposal_id}")
    return _proposal(engine, instance)


def may_read(roles: Sequence[str], username: str, proposal: Proposal) -> bool:
    return bool({*MANAGERS, OBSERVER} & set(roles)) or username in proposal.invitees


def comment(
    engine: Engine, proposal_id: str, element_id: str, text: str, *, actor: str,
    roles: Sequence[str],
) -> Proposal:  # fmt: skip
    """Add a comment anchored to an element of the proposed diagram, while the proposal is
    open; concurrent comments are all kept."""
    proposal = get(engine, proposal_id)
    if not may_read(roles, actor, proposal):
        raise ForbiddenError("seuls les observateurs, les invités et la Mission Fact commentent")
    if proposal.state != "open":
        raise ConflictError("la proposition est close : la décision est prise")
    text = text.strip()
    if not text:
        raise InvalidInputError("écrivez le commentaire avant de l'envoyer", field="text")
    if len(text) > MAX_COMMENT:
        raise InvalidInputError(
            f"un commentaire tient en {MAX_COMMENT} caractères au plus", field="text"
        )
    names = elements(engine, proposal.version_id)
    if element_id not in names:
        raise InvalidInputError(
            f"le diagramme proposé n'a pas d'élément « {element_id} »", field="element_id"
        )
    note = {"at": engine.clock.now().isoformat(), "author": actor, "element_id": element_id,
            "text": text}  # fmt: skip

    def add(variables: Mapping[str, Any]) -> dict[str, Any]:
        return {"comments": [*(variables.get("comments") or []), note]}

    return _proposal(engine, engine.runtime.update_variables(proposal_id, add, actor=actor))


def decide(
    engine: Engine, proposal_id: str, decision: str, reason: str, *, actor: str,
    roles: Sequence[str],
) -> Proposal:  # fmt: skip
    """The approver's answer: accept, or send back to the author, with a reason."""
    proposal = get(engine, proposal_id)
    if ADMIN not in roles:
        raise ForbiddenError("seul un approbateur (administrateur) décide d'une proposition")
    if actor == proposal.proposer:
        raise ForbiddenError("l'auteur d'une proposition ne l'approuve pas lui-même")
    if proposal.decision_task is None:
        raise ConflictError("la proposition est close : la décision est prise")
    version = engine.repository.get(proposal.version_id)
    data = {"version": version.version, "process_name": version.name or version.process_id,
            "decided_by": actor, "accepted": decision == ACCEPT, "reason": reason,
            "link": proposal_path(proposal_id)}  # fmt: skip
    engine.tasks.complete(
        proposal.decision_task, {"decision": decision, "decision_reason": reason}, actor=actor,
        notices=_notices(engine, "proposal_decided", [proposal.proposer], data),
    )  # fmt: skip
    return get(engine, proposal_id)


def deploy(engine: Engine, version_id: int, *, actor: str) -> ProcessVersion:
    """Make a saved version current. A draft of a process people work in (one with running
    instances) must have been accepted; a version deployed before may be made current again."""
    version = engine.repository.get(version_id)
    if (
        version.state == "draft"
        and in_service(engine, version.process_id)
        and not any(p.state == "accepted" for p in proposals(engine, version_id))
    ):
        raise ConflictError(
            f"la version {version.version} de {version.process_id} n'a pas été acceptée : "
            "proposez-la, l'approbateur décide avant tout déploiement"
        )
    return engine.repository.deploy_version(version_id, actor=actor)


def deploy_files(
    engine: Engine, process_id: str, files: Mapping[str, bytes], *, actor: str, comment: str
) -> ProcessVersion:
    """Files deployed at once: only for a process nobody works in yet; others take a draft,
    proposed and accepted."""
    if in_service(engine, process_id):
        raise ConflictError(
            f"des instances de {process_id} sont en cours : enregistrez un brouillon et "
            "proposez-le, il sera déployé une fois accepté"
        )
    return engine.repository.deploy(process_id, files, author=actor, comment=comment)


def in_service(engine: Engine, process_id: str) -> bool:
    return engine.runtime.query().process(process_id).status("running").count() > 0


def elements(engine: Engine, version_id: int) -> dict[str, str]:
    """The elements of a version's diagrams by id, with their names (id when unnamed)."""
    names: dict[str, str] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name, content in engine.repository.files(version_id).items():
        if name.endswith(".bpmn"):
            root = etree.fromstring(content.encode(), parser)
            names.update(
                (e.get("id"), e.get("name") or e.get("id"))
                for e in root.iter(f"{{{BPMN_MODEL}}}*")
                if e.get("id") and e.tag != f"{{{BPMN_MODEL}}}definitions"
            )
    return names


def _invitees(engine: Engine, usernames: Sequence[str]) -> list[str]:
    invited = sorted({u.strip() for u in usernames if u.strip()})
    if len(invited) > MAX_INVITEES:
        raise InvalidInputError(f"{MAX_INVITEES} invités au plus", field="invitees")
    for username in invited:
        try:
            engine.identity.get(username)
        except NotFoundError:
            raise InvalidInputError(
                f"aucun compte ne s'appelle « {username} »", field="invitees"
            ) from None
    return invited


def _deploy_change_process(engine: Engine) -> None:
    files = {path.name: path.read_bytes() for path in sorted(CHANGE_DIR.iterdir())}
    engine.repository.deploy(CHANGE_PROCESS, files, author="system",
                             comment="concertation des versions, bpmn/changes")  # fmt: skip


def _proposal(engine: Engine, instance: Instance) -> Proposal:
    values = instance.variables
    version_id = int(values["version_id"])
    names = elements(engine, version_id) if values.get("comments") else {}
    decision = values.get("decision")
    state = "open" if instance.status != "completed" else (
        "accepted" if decision == ACCEPT else "sent_back"
    )  # fmt: skip
    # Open: the decision task waits; decided: who completed it. Each is read only then.
    tasks: list[Any] = []
    decided: list[str | None] = []
    if state == "open":
        tasks = engine.tasks.query().instance(instance.id).element(DECISION_TASK).list()
    else:
        decided = [a.actor for a in engine.history.activities(instance.id)
                   if a.element_id == DECISION_TASK and a.state == "completed"]  # fmt: skip
    return Proposal(
        id=instance.id,
        version_id=version_id,
        base_version_id=values.get("base_version_id"),
        process_id=values["changed_process"],
        proposer=values["proposer"],
        note=values.get("note") or "",
        invitees=tuple(values.get("invitees") or ()),
        proposed_at=parse_datetime(values["proposed_at"]),
        state=state,
        comments=tuple(
            Comment(
                parse_datetime(c["at"]),
                c["author"],
                c["element_id"],
                names.get(c["element_id"]),
                c["text"],
            )
            for c in values.get("comments") or []
        ),
        decided_by=decided[-1] if decided else None,
        decision_reason=values.get("decision_reason"),
        decision_task=tasks[0].id if tasks else None,
    )
