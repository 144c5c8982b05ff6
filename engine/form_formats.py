"""The formats of form answers the engine checks: the patterns of e-mails, phone numbers, dates
and times (as form-js validates them in the browser), the years a date may fall in, and the
length a text takes when its form gives none."""

from __future__ import annotations

from .dates import FIRST_YEAR, LAST_YEAR

BLANK_PATTERN = r"\S"
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"
PHONE_PATTERN = r"^(\+|00)[1-9][0-9 .-]{5,20}$"  # looser than form-js's country-code list
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](Z|[+-][0-9]{2}:[0-9]{2})?$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
DATETIME_PATTERNS = {"date": DATE_PATTERN, "time": TIME_PATTERN, "datetime": DATETIME_PATTERN}
DECIMAL_STRING_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
# Dates a form takes (compared on their YYYY-MM-DD part).
DATE_BOUNDS = {"formatMinimum": f"{FIRST_YEAR}-01-01", "formatMaximum": f"{LAST_YEAR}-12-31"}
# The length of a text the form leaves unbounded.
DEFAULT_MAX_LENGTH = 10_000
