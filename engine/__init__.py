"""Generic BPMN runtime on SpiffWorkflow; knows nothing of Flask, calls for projects or email."""

from .clock import Clock, FrozenClock, SystemClock
from .engine import Engine, EngineConfig
from .errors import (
    ConflictError,
    DeploymentError,
    EngineError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ProcessError,
)
from .scripting import Service, ServiceContext

__all__ = [
    "Clock",
    "ConflictError",
    "DeploymentError",
    "Engine",
    "EngineConfig",
    "EngineError",
    "ForbiddenError",
    "FrozenClock",
    "InvalidInputError",
    "NotFoundError",
    "ProcessError",
    "Service",
    "ServiceContext",
    "SystemClock",
]
