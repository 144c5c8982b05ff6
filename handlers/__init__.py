"""Host code that diagrams call by name from service tasks."""

from engine import Service

from .budget import check_budget
from .documents import render_document
from .email import send_email

SERVICES: dict[str, Service] = {
    "email.send": send_email,
    "budget.check": check_budget,
    "document.render": render_document,
}

__all__ = ["SERVICES"]
