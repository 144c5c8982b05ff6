"""Where the project's files are: the diagrams, the forms, the default database and mail folder."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
