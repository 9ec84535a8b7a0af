"""The project's error types: one for bad data, one for bad parameters.

Both carry enough context (file, line, column or parameter name) for the
message alone to tell an analyst what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One validation finding, printed as ``file:line: column: message``."""

    path: Path
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        column = f" {self.column}:" if self.column else ""
        return f"{self.path}:{self.line}:{column} {self.message}"


class DataError(ValueError):
    """A dataset failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} data problem(s):\n{shown}{tail}")


class ParameterError(ValueError):
    """A report parameter is unknown, of the wrong type or out of range."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"parameter {name!r}: {message}")


class NotebookPairError(ValueError):
    """A report's ``.ipynb`` and its jupytext ``.py`` twin say different things.

    The build and papermill read the ``.ipynb``; an edit made to the ``.py``
    alone would be silently ignored, so the build refuses until the pair is synced.
    """

    def __init__(self, notebook: Path, twin: Path, where: str):
        self.notebook, self.twin = Path(notebook), Path(twin)
        newer = self.twin if self.twin.stat().st_mtime > self.notebook.stat().st_mtime else self.notebook
        super().__init__(
            f"{self.notebook.name} and {self.twin.name} differ ({where}); {newer.name} is newer. "
            f"Sync them with: jupytext --sync {newer}"
        )
