"""Read a sweep's grid file and check every run's parameters before anything runs.

A grid is YAML in one of two shapes::

    # a product: every combination of the listed values (a single value is fixed for every run)
    as_of: [2025-12-31, 2026-03-31, 2026-06-30]
    commitment_series: [usda_sales_to_cn, us_exports_to_cn]

    # explicit runs: one parameter set each
    runs:
      - {as_of: 2026-06-30, probability_days: 90}
      - {as_of: 2026-06-30, probability_days: 180}

Each run's values go through the same checks as ``truce build``: names and
types against the notebook's parameters cell, ``as_of: today`` pinned to
today and never later, then the report's own rules. The first bad value stops
the sweep with a :class:`~analysis.errors.ParameterError` naming the grid
file, the run and the parameter.

A run's id is the first 8 hex digits of the sha256 of its checked parameters
(sorted JSON): short, the same whatever the order of the grid, and it changes
exactly when the run's parameters do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ParameterError
from truce.build.catalog import Report
from truce.build.parameters import check_not_future, overrides_by_report, pin_today

RUNS = "runs"


@dataclass(frozen=True)
class Run:
    """One parameter set of a sweep, checked."""

    run_id: str
    number: int  # 1-based, in grid order
    parameters: dict  # the overrides, converted to the defaults' types, ``as_of`` pinned

    def label(self, names: list[str]) -> str:
        """The run's id and ``name=value`` for the given parameters (those the sweep varies)."""
        return " ".join([self.run_id, *(f"{name}={self.parameters[name]}" for name in names if name in self.parameters)])


def run_id(parameters: dict) -> str:
    """The id of a run: 8 hex digits of the sha256 of its parameters as sorted JSON."""
    text = json.dumps(parameters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def read(path: Path) -> list[dict]:
    """The parameter sets a grid file describes, in order (not yet checked against a report).

    Raises
    ------
    ParameterError
        Naming ``--grid`` when the file cannot be read, is not YAML, or has neither shape.
    """
    import yaml

    try:
        grid = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ParameterError("--grid", f"cannot read {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ParameterError("--grid", f"{path} is not valid YAML: {err}") from None
    if not isinstance(grid, dict) or not grid:
        raise ParameterError("--grid", f"{path} must map parameter names to lists of values, or hold `runs:`, "
                                       "a list of parameter sets")
    if RUNS in grid:
        return _explicit_runs(path, grid)
    return _product(path, grid)


def _explicit_runs(path: Path, grid: dict) -> list[dict]:
    runs = grid[RUNS]
    if len(grid) > 1:
        raise ParameterError("--grid", f"{path}: `runs:` lists whole parameter sets; put "
                                       f"{', '.join(sorted(k for k in grid if k != RUNS))} in each run instead")
    if not isinstance(runs, list) or not runs:
        raise ParameterError("--grid", f"{path}: `runs:` must be a non-empty list of parameter sets")
    for number, run in enumerate(runs, 1):
        if not isinstance(run, dict):
            raise ParameterError("--grid", f"{path}: run {number} must be a mapping of name: value, got {run!r}")
    return [dict(run) for run in runs]


def _product(path: Path, grid: dict) -> list[dict]:
    names = list(grid)
    choices = [value if isinstance(value, list) else [value] for value in grid.values()]
    for name, values in zip(names, choices):
        if not values:
            raise ParameterError(str(name), f"{path}: the list of values is empty")
    return [dict(zip(names, combination)) for combination in itertools.product(*choices)]


def check(path: Path, report: Report, sets: list[dict], today: dt.date) -> list[Run]:
    """Check every parameter set against ``report``'s parameters and rules; return the runs.

    Raises
    ------
    ParameterError
        For the first unknown name, mistyped or disallowed value, a date after
        today, or a run that repeats an earlier one; the message names the
        grid file, the run (number and values) and the parameter.
    """
    defaults = {p.name: p.default for p in report.parameters}
    runs, seen = [], {}
    for number, values in enumerate(sets, 1):
        where = f"{path}: run {number} ({' '.join(f'{k}={v}' for k, v in values.items()) or 'defaults'})"
        try:
            parameters = overrides_by_report([report], {str(k): v for k, v in values.items()})[report.name]
            parameters = pin_today(parameters, report.parameters, today)
            check_not_future(parameters, today, allow_future=False)
            report.check({**defaults, **parameters})
        except ParameterError as err:
            raise ParameterError(err.name, f"{where}: {_reason(err)}") from None
        identity = run_id(parameters)
        if identity in seen:
            raise ParameterError("--grid", f"{where} repeats run {seen[identity]}")
        seen[identity] = number
        runs.append(Run(identity, number, parameters))
    return runs


def _reason(err: ParameterError) -> str:
    """The message of a ParameterError without its ``parameter 'name':`` prefix (the caller restates it)."""
    return str(err).removeprefix(f"parameter {err.name!r}: ")


def swept(runs: list[Run]) -> list[str]:
    """The parameters whose value differs between runs, in the order they first appear."""
    names = list(dict.fromkeys(name for run in runs for name in run.parameters))
    return [name for name in names
            if len({json.dumps(run.parameters.get(name), default=str) for run in runs}) > 1]
