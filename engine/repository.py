"""RepositoryService: deploy BPMN/DMN/form files as immutable, numbered process versions."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from .bpmn import SERIALIZER, ParsedProcess, parse_process
from .catalogue import Catalogue, catalogue
from .clock import Clock
from .commands import CommandExecutor
from .errors import DeploymentError, InvalidInputError
from .models import ProcessVersion
from .storage.records import ProcessVersionRecord
from .storage.stores import VersionStore
from .version_diff import VersionDiff, diff_files, diff_specs

ALLOWED_SUFFIXES = (".bpmn", ".dmn", ".json", ".form")  # .form: a form-js schema (JSON)


# Diagrams, decision tables and forms of one version together: a few hundred KB in practice.
MAX_VERSION_BYTES = 5 * 2**20


class RepositoryService:
    def __init__(
        self,
        executor: CommandExecutor,
        clock: Clock,
        services: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self._executor = executor
        self._clock = clock
        self._services = dict(services or {})  # what service tasks may call, by name

    def validate(self, process_id: str, files: Mapping[str, bytes | str]) -> ParsedProcess:
        """Check files as a deployment would, storing nothing: DeploymentError lists every
        problem by element (`errors`, keyed by element id)."""
        contents = {name: _bytes(name, content) for name, content in files.items()}
        return parse_process(process_id, contents, services=self._services)

    def deploy(
        self,
        process_id: str,
        files: Mapping[str, bytes | str],
        *,
        author: str,
        comment: str = "",
        draft: bool = False,
    ) -> ProcessVersion:
        """Validate the files and store them as the next version of `process_id`: current at
        once for new instances, or with `draft` kept as a draft (listed, comparable, started
        by nobody until `deploy_version`). Storing exactly the files of the current version
        (of the last version saved, for a draft) returns that version unchanged."""
        contents = {name: _bytes(name, content) for name, content in files.items()}
        total = sum(len(content) for content in contents.values())
        if total > MAX_VERSION_BYTES:
            raise DeploymentError(
                f"the files weigh {total} bytes, more than the {MAX_VERSION_BYTES} a version may",
                field="files",
            )
        if not any(name.endswith(".bpmn") for name in contents):
            raise DeploymentError("a deployment needs at least one .bpmn file", field="files")
        # Raises before anything is stored.
        parsed = parse_process(process_id, contents, services=self._services)

        def command(session: Session) -> ProcessVersion:
            store = VersionStore(session)
            latest = store.find_latest(process_id, drafts=draft)
            if latest is not None and latest.checksum == parsed.checksum:
                return to_model(latest)
            now = self._clock.now()
            record = store.add(
                ProcessVersionRecord(
                    process_id=process_id,
                    version=store.next_number(process_id),
                    name=parsed.name,
                    checksum=parsed.checksum,
                    author=author,
                    comment=comment,
                    saved_at=now,
                    deployed_at=None if draft else now,
                    deployment=None if draft else store.next_deployment(process_id),
                    files={name: content.decode() for name, content in contents.items()},
                    spec=parsed.spec,
                    message_starts=parsed.message_starts,
                    signal_starts=parsed.signal_starts,
                )
            )
            return to_model(record)

        return self._executor.execute(command)

    def deploy_version(self, version_id: int, *, actor: str) -> ProcessVersion:
        """Make a saved version (a draft, or an earlier one) current for new instances;
        running instances stay on theirs."""

        def command(session: Session) -> ProcessVersion:
            store = VersionStore(session)
            record = store.get(version_id)
            record.deployment = store.next_deployment(record.process_id)
            record.deployed_at = self._clock.now()
            return to_model(record)

        return self._executor.execute(command)

    def get(self, version_id: int) -> ProcessVersion:
        return self._executor.read(lambda s: to_model(VersionStore(s).get(version_id)))

    def latest(self, process_id: str) -> ProcessVersion:
        return self._executor.read(lambda s: to_model(VersionStore(s).latest(process_id)))

    def list(self, process_id: str | None = None) -> list[ProcessVersion]:
        return self._executor.read(
            lambda s: [to_model(r) for r in VersionStore(s).list(process_id)]
        )

    def diff(self, from_version: int, to_version: int) -> VersionDiff:
        """What changed from one version of a process to another: its elements (added,
        removed, changed with the properties that changed) and its other files."""

        def read(session: Session) -> VersionDiff:
            store = VersionStore(session)
            old, new = store.get(from_version), store.get(to_version)
            if old.process_id != new.process_id:
                raise InvalidInputError(
                    f"les versions {from_version} et {to_version} sont celles de deux "
                    "processus différents",
                    field="to_version",
                )
            specs = [
                SERIALIZER.specs(r.process_id, r.checksum, lambda r=r: store.spec(r.id))
                for r in (old, new)
            ]
            return VersionDiff(
                from_version, to_version, diff_specs(specs[0], specs[1]),
                diff_files(dict(old.files), dict(new.files)),
            )  # fmt: skip

        return self._executor.read(read)

    def catalogue(self, version_id: int) -> Catalogue:
        """What the diagrams of a version may name: its forms and decisions, the services."""
        return catalogue(self.files(version_id), self._services)

    def files(self, version_id: int) -> dict[str, str]:
        """The files of a version as deployed, for editing and download."""
        return self._executor.read(lambda s: dict(VersionStore(s).get(version_id).files))


def _bytes(name: str, content: bytes | str) -> bytes:
    if not name.endswith(ALLOWED_SUFFIXES) or "/" in name or "\\" in name:
        raise DeploymentError(
            f"{name}: only plain .bpmn, .dmn, .form and .json file names are accepted",
            field=name,
        )
    data = content.encode() if isinstance(content, str) else bytes(content)
    try:
        text = data.decode()
        if name.endswith((".json", ".form")):
            json.loads(text)
    except UnicodeDecodeError as exc:
        raise DeploymentError(f"{name}: not UTF-8 text", field=name) from exc
    except json.JSONDecodeError as exc:
        raise DeploymentError(f"{name}: invalid JSON: {exc}", field=name) from exc
    return data


def to_model(record: ProcessVersionRecord) -> ProcessVersion:
    return ProcessVersion(
        id=record.id,
        process_id=record.process_id,
        version=record.version,
        name=record.name,
        checksum=record.checksum,
        author=record.author,
        comment=record.comment,
        deployed_at=record.deployed_at,
        files=tuple(sorted(record.files)),
        state="draft" if record.deployment is None else "deployed",
        saved_at=record.saved_at,
    )
