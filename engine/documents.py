"""DocumentService: the documents processes produced, kept with their instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .errors import NotFoundError
from .storage.records import DocumentRecord


@dataclass(frozen=True)
class DocumentInfo:
    name: str
    mimetype: str
    created_at: datetime


class DocumentService:
    def __init__(self, executor: CommandExecutor) -> None:
        self._executor = executor

    def list(self, instance_id: str) -> list[DocumentInfo]:
        query = (
            select(DocumentRecord.name, DocumentRecord.mimetype, DocumentRecord.created_at)
            .where(DocumentRecord.instance_id == instance_id)
            .order_by(DocumentRecord.created_at, DocumentRecord.name)
        )
        return self._executor.read(lambda s: [DocumentInfo(*row) for row in s.execute(query)])

    def get(self, instance_id: str, name: str) -> tuple[DocumentInfo, bytes]:
        def query(session: Session) -> tuple[DocumentInfo, bytes]:
            record = session.scalar(
                select(DocumentRecord).where(
                    DocumentRecord.instance_id == instance_id, DocumentRecord.name == name
                )
            )
            if record is None:
                raise NotFoundError(f"no document {name!r} for instance {instance_id}")
            info = DocumentInfo(record.name, record.mimetype, record.created_at)
            return info, record.content

        return self._executor.read(query)
