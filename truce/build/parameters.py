"""Read a notebook's ``parameters`` cell and check overrides against it.

The parameters cell is plain literals (``name = value  # help``), so it is
parsed with :mod:`ast` rather than executed. Papermill only warns about an
unknown parameter; here it is an error, and so is a value whose type differs
from the default's.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import re

from analysis.errors import ParameterError


@dataclass(frozen=True)
class Parameter:
    """One entry of a parameters cell."""

    name: str
    default: object
    help: str

    @property
    def type_name(self) -> str:
        return type(self.default).__name__


def parameters_cell(notebook: dict, path: Path) -> str:
    """Source of the cell tagged ``parameters``; error if there is none."""
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            return "".join(source) if isinstance(source, list) else source
    raise ValueError(f"{path}: no cell is tagged 'parameters'")


def read_parameters(path: Path) -> list[Parameter]:
    """Parse the parameters cell of the notebook at ``path``.

    Returns
    -------
    list of Parameter
        In cell order, with the trailing ``# comment`` of each line as help.

    Raises
    ------
    ValueError
        If the cell holds anything but ``name = literal`` assignments.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    source = parameters_cell(notebook, path)
    lines = source.splitlines()
    found = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"{path}: parameters cell line {node.lineno} is not `name = literal`")
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ValueError(f"{path}: parameter {node.targets[0].id!r} is not a plain literal") from None
        rest = lines[node.end_lineno - 1][node.value.end_col_offset:]
        help_text = rest.split("#", 1)[1].strip() if "#" in rest else ""
        found.append(Parameter(node.targets[0].id, default, help_text))
    return found


# A default written as this word is resolved by the report relative to ``as_of``;
# the value that replaces it may be of any plain type, checked by the report's own rules.
AUTO = "auto"


def _coerce(param: Parameter, value, from_cli: bool):
    """Convert ``value`` to the default's type or raise :class:`ParameterError`."""
    expected = type(param.default)
    if isinstance(value, dt.date) and expected is str:
        return value.isoformat()  # YAML turns unquoted dates into dates; reports take ISO strings
    if param.default == AUTO:
        return _plain(param, value, from_cli)
    if from_cli and expected is not str:
        import yaml

        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ParameterError(param.name, f"{value!r} is not a valid {param.type_name}") from None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not expected:
        raise ParameterError(param.name, f"expected {param.type_name} like {param.default!r}, got {value!r}")
    return value


def _plain(param: Parameter, value, from_cli: bool):
    """A value for an ``auto`` parameter: ``auto``, or any plain literal (a date becomes its ISO string)."""
    if from_cli:
        import yaml

        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ParameterError(param.name, f"{value!r} is not a plain value") from None
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, (str, int, float, bool)):
        raise ParameterError(param.name, f"expected {AUTO!r} or a plain value, got {value!r}")
    return value


def resolve(params: list[Parameter], overrides: dict, from_cli: frozenset = frozenset()) -> dict:
    """Check ``overrides`` against the notebook's parameters.

    Parameters
    ----------
    params : list of Parameter
    overrides : dict
        Name to value; names in ``from_cli`` are raw command-line strings.

    Returns
    -------
    dict
        The overrides with values converted to the defaults' types.

    Raises
    ------
    ParameterError
        For an unknown name or a value of the wrong type.
    """
    known = {p.name: p for p in params}
    resolved = {}
    for name, value in overrides.items():
        if name not in known:
            raise ParameterError(name, f"unknown parameter; this report takes: {', '.join(known)}")
        resolved[name] = _coerce(known[name], value, name in from_cli)
    return resolved


def pin_today(overrides: dict, params: list[Parameter], today: dt.date) -> dict:
    """Replace an ``as_of`` of ``"today"`` (given or by default) with the build date.

    The report then runs, is cached and is stamped as of a fixed day, and its
    rebuild command names that day.
    """
    defaults = {p.name: p.default for p in params}
    if "as_of" in defaults and overrides.get("as_of", defaults["as_of"]) == "today":
        return {**overrides, "as_of": today.isoformat()}
    return overrides


def check_not_future(overrides: dict, today: dt.date, allow_future: bool) -> None:
    """Refuse an ``as_of`` after today: no evidence can be dated then.

    Raises
    ------
    ParameterError
        Naming both dates, unless ``allow_future``.
    """
    value = overrides.get("as_of")
    if allow_future or not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return  # not a date at all: the report's own rules say so
    if day > today:
        raise ParameterError("as_of", f"{value} is after today ({today.isoformat()}); "
                                      "pass --allow-future to build a report dated in the future")


def overrides_by_report(reports: list, overrides: dict, from_cli: frozenset = frozenset()) -> dict:
    """Give each report (a :class:`truce.build.catalog.Report`) the overrides it declares, checking names and types.

    A name no selected report declares is an error; with several reports, a
    parameter goes only to those that take it (``as_of`` is shared by all).

    Raises
    ------
    ParameterError
    """
    declared = {r.name: {p.name for p in r.parameters} for r in reports}
    everything = set().union(*declared.values()) if declared else set()
    for name in overrides:
        if name not in everything:
            raise ParameterError(name, f"unknown parameter; the selected reports take: {', '.join(sorted(everything))}")
    per_report = {}
    for report in reports:
        mine = {k: v for k, v in overrides.items() if k in declared[report.name]}
        per_report[report.name] = resolve(report.parameters, mine, from_cli)
    return per_report
