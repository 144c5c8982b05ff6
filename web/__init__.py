"""The Flask app: API and pages (from later issues), and the command line."""

from .app import create_app

__all__ = ["create_app"]
