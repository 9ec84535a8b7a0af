"""Every path the project uses, resolved from the package location.

Papermill, cron and JupyterLab all start in different working directories, so
nothing here looks at the current directory. ``TRUCE_DATA_DIR`` points the
loaders at another copy of ``data/`` (a dated vintage, or a test fixture).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = PROJ_ROOT / "analysis"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
DEFAULT_DATA_DIR = PROJ_ROOT / "data"

# The Jupyter kernel `make` registers inside .venv; notebooks name it in their metadata.
KERNEL_NAME = "truce-monitor"

DATA_DIR_ENV = "TRUCE_DATA_DIR"
NOTEBOOKS_DIR_ENV = "TRUCE_NOTEBOOKS_DIR"


def notebooks_dir() -> Path:
    """The folder of report notebooks ``truce`` builds: ``$TRUCE_NOTEBOOKS_DIR`` when set, else ``notebooks/``."""
    override = os.environ.get(NOTEBOOKS_DIR_ENV)
    return Path(override).resolve() if override else NOTEBOOKS_DIR


def data_dir() -> Path:
    """Return the directory the loaders read, honouring ``TRUCE_DATA_DIR``.

    Returns
    -------
    pathlib.Path
        ``$TRUCE_DATA_DIR`` when set (resolved to an absolute path), else the
        repository's ``data/`` folder.
    """
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).resolve() if override else DEFAULT_DATA_DIR


def dataset_path(name: str) -> Path:
    """Return the CSV path of dataset ``name`` (``data/<name>.csv``)."""
    return data_dir() / f"{name}.csv"


def schema_path() -> Path:
    """Return the Data Package descriptor ``data/datapackage.json``: every dataset's schema.

    The descriptor always comes from the repository, never from a data override, so a
    vintage or a crafted test copy is checked against today's rules.
    """
    return DEFAULT_DATA_DIR / "datapackage.json"


def vintages_dir() -> Path:
    """Where dated data vintages live: ``<data>/vintages`` of the current data folder."""
    return data_dir() / "vintages"
