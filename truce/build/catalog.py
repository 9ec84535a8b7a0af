"""The report catalog: which notebooks are reports, their metadata, parameters and parameter rules.

A report is a notebook in ``notebooks/`` (or ``$TRUCE_NOTEBOOKS_DIR``) whose
metadata has a ``truce`` entry with a title. Its name is the file stem.

The ``.ipynb`` is what the build and papermill run. Its jupytext twin
(``<name>.py``, the readable diff) must say the same thing: a report whose pair
differs is refused (:func:`check_pair`), so an edit to one file alone is never
silently ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.errors import NotebookPairError, ParameterError
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


def _contents(path: Path) -> tuple[list[tuple], str]:
    """What a notebook file says, as jupytext reads it: each cell's kind, source and tags; the report metadata."""
    import jupytext

    notebook = jupytext.read(path)
    cells = [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in notebook.cells]
    return cells, json.dumps(notebook.metadata.get("truce", {}), sort_keys=True)


_CELL_MARKER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def _quick_contents(path: Path) -> tuple[list[tuple], str] | None:
    """The same as :func:`_contents` without jupytext, for the plain files the build writes; None if unsure.

    Importing jupytext takes seconds, and ``truce list`` and a no-change build must stay instant, so the
    pair is first compared this way: an ``.ipynb`` is JSON, and a percent-format ``.py`` is a YAML header
    and cells opened by ``# %%`` lines (Markdown lines commented). Anything this reader cannot place
    returns None, and the pair is then read with jupytext.
    """
    import yaml

    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = [(c["cell_type"], "".join(c["source"]).strip(), tuple(c.get("metadata", {}).get("tags", ())))
                 for c in notebook["cells"]]
        return cells, json.dumps(notebook.get("metadata", {}).get("truce", {}), sort_keys=True)
    lines = path.read_text(encoding="utf-8").split("\n")
    if not lines or lines[0] != "# ---":
        return None
    end = lines.index("# ---", 1)
    header = yaml.safe_load("\n".join(line[2:] for line in lines[1:end])) or {}
    cells, current = [], None
    for line in lines[end + 1:]:
        marker = _CELL_MARKER.match(line)
        if marker:
            tags = tuple(json.loads(marker["tags"])) if marker["tags"] else ()
            current = ["markdown" if marker["markdown"] else "code", [], tags]
            cells.append(current)
        elif current is None:
            if line.strip():
                return None
        elif current[0] == "markdown":
            if line and not line.startswith("#"):
                return None
            current[1].append(line[2:] if line.startswith("# ") else line[1:])
        else:
            current[1].append(line)
    found = [(kind, "\n".join(body).strip(), tags) for kind, body, tags in cells]
    return found, json.dumps(header.get("jupyter", {}).get("truce", {}), sort_keys=True)


def check_pair(path: Path) -> None:
    """Refuse a report whose jupytext twin ``<name>.py`` differs from ``<name>.ipynb``.

    Raises
    ------
    NotebookPairError
        Naming both files, the first cell that differs and the sync command.
    """
    twin = path.with_suffix(".py")
    if not twin.exists():
        return
    quick = _quick_contents(path), _quick_contents(twin)
    if None not in quick and quick[0] == quick[1]:
        return
    (cells, meta), (twin_cells, twin_meta) = _contents(path), _contents(twin)
    if len(cells) != len(twin_cells):
        raise NotebookPairError(path, twin, f"cell count {len(cells)} and {len(twin_cells)}")
    differ = [i for i, (a, b) in enumerate(zip(cells, twin_cells), 1) if a != b]
    if differ:
        raise NotebookPairError(path, twin, f"cell {differ[0]}")
    if meta != twin_meta:
        raise NotebookPairError(path, twin, "report metadata")


def discover(notebooks_dir: Path | None = None, echo=None) -> dict[str, Report]:
    """All report notebooks in ``notebooks/``, by name.

    A notebook without report metadata (a scratch ``Untitled.ipynb``) is
    passed over, with a one-line note to ``echo`` when given.

    Raises
    ------
    NotebookPairError
        If a report's ``.ipynb`` and ``.py`` differ.
    """
    base = notebooks_dir or config.notebooks_dir()
    reports = {}
    for path in sorted(base.glob("*.ipynb")):
        if is_report(path):
            check_pair(path)
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
