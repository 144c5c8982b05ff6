"""Host code that diagrams call by name from service tasks."""

from engine import Dispatcher, Service

from .budget import check_budget
from .documents import render_document
from .email import log_email, send_email

SERVICES: dict[str, Service] = {
    "email.send": send_email,
    "budget.check": check_budget,
    "document.render": render_document,
}

# Outbox topics and what delivers them.
DISPATCHERS: dict[str, Dispatcher] = {
    "email": log_email,
}

__all__ = ["DISPATCHERS", "SERVICES"]
