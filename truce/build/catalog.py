"""The report catalog: which notebooks are reports, their metadata, parameters and parameter rules.

A report is a notebook in ``notebooks/`` (or ``$TRUCE_NOTEBOOKS_DIR``) whose
metadata has a ``truce`` entry with a title. Its name is the file stem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.errors import ParameterError
from truce.build.parameters import read_parameters


@dataclass(frozen=True)
class Report:
    """A report notebook: its name is the file stem."""

    name: str
    path: Path

    @property
    def parameters(self):
        return read_parameters(self.path)

    @property
    def meta(self) -> dict:
        notebook = json.loads(self.path.read_text(encoding="utf-8"))
        return notebook.get("metadata", {}).get("truce", {})

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    def check(self, values: dict) -> None:
        """Apply the report's own parameter rules to a full set of values (defaults plus overrides).

        The notebook's metadata names the module whose ``check_parameters``
        the report's computation also calls, so the rules are written once.

        Raises
        ------
        ParameterError
        """
        import importlib

        module = self.meta.get("checks")
        if module:
            importlib.import_module(module).check_parameters(**values)


def is_report(path: Path) -> bool:
    """True for a notebook that declares itself a report (``metadata.truce`` with a title)."""
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except ValueError:
        return False
    return isinstance(meta.get("truce"), dict) and "title" in meta["truce"]


def discover(notebooks_dir: Path | None = None, echo=None) -> dict[str, Report]:
    """All report notebooks in ``notebooks/``, by name.

    A notebook without report metadata (a scratch ``Untitled.ipynb``) is
    passed over, with a one-line note to ``echo`` when given.
    """
    base = notebooks_dir or config.notebooks_dir()
    reports = {}
    for path in sorted(base.glob("*.ipynb")):
        if is_report(path):
            reports[path.stem] = Report(path.stem, path)
        elif echo is not None:
            echo(f"note: {path.name} is not a report (no 'truce' title in its metadata); ignored")
    return reports


def select(names: list[str], echo=None) -> list[Report]:
    """The named reports (all when ``names`` is empty); error on an unknown name."""
    reports = discover(echo=echo)
    if not names:
        return list(reports.values())
    unknown = [n for n in names if n not in reports]
    if unknown:
        raise ParameterError("REPORT", f"unknown report {', '.join(unknown)}; known: {', '.join(reports)}")
    return [reports[n] for n in names]
