"""Skip reports whose inputs have not changed since they were published.

A report's cache key hashes everything that can change its output: the
notebook, the parameters (and vintage), the code that shapes a page
(``analysis/``, which notebooks import, and the publisher in ``truce/publish/``;
not the command line, the build machinery or the API refresh),
the versions of the packages that render it, and the data files the report read last time (recorded by the
loaders in the manifest). The published files are the cache: a report is
skipped only if its manifest entry has the same key and every file it lists
still has the recorded sha256. Anything malformed or missing means rebuild.

This module imports nothing heavy, so a no-change build stays fast.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from analysis import config
from truce.files import sha256


# Packages whose version can change a page's bytes (rendering, charts, tables, execution).
OUTPUT_PACKAGES = ("altair", "vl-convert-python", "nbconvert", "nbformat", "pandas", "papermill", "ipykernel")


def environment_version() -> str:
    """The versions of the packages that shape the output, as one string."""
    from importlib import metadata

    return ";".join(f"{name}={metadata.version(name)}" for name in OUTPUT_PACKAGES)


# The code that shapes a page, relative to the project: what notebooks import, and the publisher
# that renders them. The command line, the build machinery and the API refresh are not here:
# editing them rebuilds nothing.
CODE_ROOTS = ("analysis", "truce/publish")


def code_version(project: Path | None = None) -> str:
    """Hash of the code and templates that shape a report, plus the versions of the packages that render it."""
    project = Path(project or config.PROJ_ROOT)
    digest = hashlib.sha256()
    for label in CODE_ROOTS:
        root = project / label
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{label}/{path.relative_to(root).as_posix()}\0{sha256(path)}\n".encode())
    digest.update(environment_version().encode())
    return digest.hexdigest()


def cache_key(notebook: Path, parameters: dict, vintage: str | None, data_dir: Path, inputs: list[str],
              code: str) -> str | None:
    """The cache key of one report build, or ``None`` when an input is missing.

    Parameters
    ----------
    notebook : Path
        The report notebook.
    parameters : dict
        Overrides passed to it (already type-checked).
    vintage : str or None
    data_dir : Path
        The data folder this build reads.
    inputs : list of str
        Names of the data files the last build read (``soybeans.csv``).
    code : str
        :func:`code_version` (computed once per build).
    """
    digest = hashlib.sha256()
    digest.update(sha256(notebook).encode())
    digest.update(json.dumps({"parameters": parameters, "vintage": vintage}, sort_keys=True, default=str).encode())
    digest.update(code.encode())
    for name in sorted(inputs):
        path = Path(data_dir) / name
        if not path.is_file():
            return None
        digest.update(f"{name}\0{sha256(path)}\n".encode())
    return digest.hexdigest()


def previous_inputs(entry: dict) -> list[str] | None:
    """Names of the data files a manifest entry says the report read; ``None`` if the entry is unusable."""
    inputs = entry.get("inputs") if isinstance(entry, dict) else None
    if not isinstance(inputs, list) or not all(isinstance(i, dict) and isinstance(i.get("path"), str) for i in inputs):
        return None
    return [Path(i["path"]).name for i in inputs]


def is_fresh(entry: dict, key: str | None, out_dir: Path) -> bool:
    """True when ``entry`` was built with ``key`` and its published files are intact."""
    if key is None or not isinstance(entry, dict) or entry.get("cache_key") != key:
        return False
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    for rel, digest in outputs.items():
        path = Path(out_dir) / rel
        if not path.is_file() or sha256(path) != digest:
            return False
    return True
