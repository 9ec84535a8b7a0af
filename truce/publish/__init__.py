"""Publishing executed notebooks: offline HTML pages, their stamp, the manifest and the index page."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
