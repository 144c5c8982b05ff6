"""Host code that diagrams call by name from service tasks."""

from engine import Dispatcher, Service

from .budget import check_budget
from .email import log_email, send_email
from .reminders import plan_reminders
from .variables import share_variables

# Services that need nothing from a kind of call; `document.render` is composed with the
# call's renderer in `workflows.build_engine`.
SERVICES: dict[str, Service] = {
    "email.send": send_email,
    "budget.check": check_budget,
    "reminders.plan": plan_reminders,
    "variables.share": share_variables,
}

# Outbox topics and what delivers them.
DISPATCHERS: dict[str, Dispatcher] = {
    "email": log_email,
    "task": log_email,  # a user task given to someone
    "account": log_email,  # a person's account: confirmation, password reset
}

__all__ = ["DISPATCHERS", "SERVICES"]
