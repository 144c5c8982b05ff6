"""Templates shared by every kind of call (the accounts' mails)."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent
