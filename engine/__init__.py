"""Generic BPMN runtime on SpiffWorkflow; knows nothing of Flask, calls for projects or email."""

from .clock import Clock, FrozenClock, SystemClock
from .engine import Engine, EngineConfig
from .errors import (
    ConcurrencyError,
    ConflictError,
    DeploymentError,
    DuplicateError,
    EngineError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ProcessError,
)
from .models import Notice, OutboxMessage
from .outbox import Dispatcher
from .retries import RetryPolicy
from .scripting import Service, ServiceContext
from .summaries import Summarizer, Summary, SummaryRow

__all__ = [
    "Clock",
    "ConcurrencyError",
    "ConflictError",
    "DeploymentError",
    "Dispatcher",
    "DuplicateError",
    "Engine",
    "EngineConfig",
    "EngineError",
    "ForbiddenError",
    "FrozenClock",
    "InvalidInputError",
    "NotFoundError",
    "Notice",
    "OutboxMessage",
    "ProcessError",
    "RetryPolicy",
    "Service",
    "ServiceContext",
    "Summarizer",
    "Summary",
    "SummaryRow",
    "SystemClock",
]
