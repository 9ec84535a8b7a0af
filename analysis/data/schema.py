"""Read and validate a dataset CSV against the Data Package ``data/datapackage.json``.

The descriptor is a Frictionless Data Package: one tabular resource per dataset,
whose Table Schema lists every column's type, constraints (required, enum,
minimum, maximum, pattern) and description (with the unit), the primary key,
and the foreign keys to ``sources.source_id``. The project's own rules, which
Table Schema cannot express, sit in each resource's ``truce:rules``: the
columns that group conflicting rows (exactly one ``preferred`` row per group)
and row rules (date order, a derived value needs its derivation, ...).

Two paths use it:

* :func:`read_table` reads a CSV typed by the descriptor, with the structural,
  type and constraint checks the descriptor states plus the project's rules. It is
  fast (a few milliseconds), so every loader can afford it.
* :func:`frictionless_problems` runs the ``frictionless`` library on the same
  resource; :func:`analysis.data.loaders.validate_all` (``truce validate``) adds
  what it finds. Importing frictionless costs seconds in a fresh process, which is
  why loaders do not call it.

Validation never stops at the first finding: every problem names its file, its
physical line (a quoted field may span lines) and its column.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis import config
from analysis.errors import Problem

TYPES = ("string", "number", "integer", "date", "boolean")
BOOLEANS = {"true": True, "false": False}
RULES_KEY = "truce:rules"
_UNIT = re.compile(r"\s*Unit: (?P<unit>.*)\.$")


@dataclass(frozen=True)
class Field:
    """One column of a dataset as its schema describes it."""

    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | date | None = None
    maximum: float | date | None = None
    pattern: str | None = None
    unit: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Schema:
    """A dataset's columns and table-level rules."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    one_preferred_per: tuple[str, ...] = ()
    row_rules: tuple[dict, ...] = ()
    references: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


@lru_cache(maxsize=None)
def load_package() -> dict:
    """The Data Package descriptor ``data/datapackage.json`` as a dict."""
    return json.loads(config.schema_path().read_text(encoding="utf-8"))


def resource_descriptor(name: str) -> dict:
    """The descriptor of dataset ``name``'s resource (raises ``KeyError`` if unknown)."""
    for resource in load_package()["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"{config.schema_path()}: no resource named {name!r}")


def _bound(value, type_: str):
    if value is None:
        return None
    return date.fromisoformat(value) if type_ == "date" else value


def _field(spec: dict) -> Field:
    if spec["type"] not in TYPES:
        raise ValueError(f"{config.schema_path()}: field {spec['name']!r} has unknown type {spec['type']!r}")
    constraints = spec.get("constraints", {})
    description = spec.get("description", "")
    unit = None
    match = _UNIT.search(description)
    if match:
        unit, description = match["unit"], description[: match.start()]
    return Field(
        name=spec["name"],
        type=spec["type"],
        required=bool(constraints.get("required", False)),
        enum=tuple(str(v) for v in constraints["enum"]) if "enum" in constraints else None,
        minimum=_bound(constraints.get("minimum"), spec["type"]),
        maximum=_bound(constraints.get("maximum"), spec["type"]),
        pattern=constraints.get("pattern"),
        unit=unit,
        description=description,
    )


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


_ROW_RULES = {"dateOrder": "date_order", "requiredIf": "required_if", "emptyIff": "empty_iff"}


def _row_rule(rule: dict) -> dict:
    kind = _ROW_RULES.get(rule["rule"])
    if kind == "date_order":
        return {"kind": kind, "start": rule["start"], "end": rule["end"]}
    if kind == "required_if":
        return {"kind": kind, "column": rule["field"], "when": dict(rule["when"])}
    if kind == "empty_iff":
        return {"kind": kind, "column": rule["field"], "other": rule["other"]}
    raise ValueError(f"{config.schema_path()}: unknown row rule {rule['rule']!r}")


@lru_cache(maxsize=None)
def load_schema(name: str) -> Schema:
    """Read dataset ``name``'s resource from ``data/datapackage.json`` into a :class:`Schema`.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"soybeans"``.

    Returns
    -------
    Schema
    """
    resource = resource_descriptor(name)
    table_schema = resource["schema"]
    rules = resource.get(RULES_KEY, {})
    references = {}
    for key in table_schema.get("foreignKeys", []):
        (column,), (target_key,) = _as_list(key["fields"]), _as_list(key["reference"]["fields"])
        target = key["reference"]["resource"] or name  # "" is the resource itself
        references[column] = {"dataset": target, "key": target_key}
    return Schema(
        name=resource["name"],
        title=resource.get("title", name),
        description=resource.get("description", ""),
        fields=tuple(_field(f) for f in table_schema["fields"]),
        primary_key=tuple(_as_list(table_schema.get("primaryKey", []))),
        one_preferred_per=tuple(rules.get("onePreferredPer", ())),
        row_rules=tuple(_row_rule(r) for r in rules.get("rowRules", ())),
        references=references,
    )


def parse_value(raw: str, fld: Field):
    """Convert one CSV cell to its Python value, or raise ``ValueError``.

    Empty cells become ``None``. Dates must be ISO ``YYYY-MM-DD``; booleans
    must be ``true`` or ``false``.
    """
    if raw == "":
        return None
    if fld.type == "string":
        return raw
    if fld.type == "number":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{raw!r} is not a finite number")
        return value
    if fld.type == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(raw)
    if fld.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(f"{raw!r} is not an ISO date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a valid calendar date") from None
    if raw not in BOOLEANS:
        raise ValueError(f"{raw!r} is not a boolean (true or false)")
    return BOOLEANS[raw]


def _check_field(value, raw: str, fld: Field) -> str | None:
    """Return a message if a parsed value breaks the field's constraints."""
    if value is None:
        return "is required but empty" if fld.required else None
    if fld.enum is not None and raw not in fld.enum:
        return f"{raw!r} is not one of: {', '.join(fld.enum)}"
    if fld.minimum is not None and value < fld.minimum:
        return f"{raw} is below the minimum {_literal(fld.minimum)}"
    if fld.maximum is not None and value > fld.maximum:
        return f"{raw} is above the maximum {_literal(fld.maximum)}"
    if fld.pattern is not None and not re.fullmatch(fld.pattern, raw):
        return f"{raw!r} does not match the pattern {fld.pattern}"
    return None


@dataclass
class Table:
    """A validated (or partly valid) dataset: typed rows and their line numbers."""

    name: str
    path: Path
    schema: Schema
    rows: list[dict]
    lines: list[int]
    problems: list[Problem]
    # Physical line on which each CSV record starts (header first), blank records
    # included: frictionless row number ``n`` is ``record_lines[n - 1]``.
    record_lines: list[int] = field(default_factory=lambda: [1])
    # True when the file is structurally sound (found, UTF-8, header as the schema,
    # well-formed CSV), so a cell-level validator can read it.
    readable: bool = False


def _decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(path, line, "", f"file is not UTF-8 (byte 0x{data[err.start]:02x})")]
    return text.removeprefix("\ufeff"), []


def read_table(name: str, path: Path | None = None) -> Table:
    """Read and validate one dataset, collecting every problem.

    Parameters
    ----------
    name : str
        Dataset name; selects the schema.
    path : pathlib.Path, optional
        CSV to read; defaults to ``data/<name>.csv`` under :func:`config.data_dir`.

    Returns
    -------
    Table
        Rows that parsed are kept (bad cells become ``None``); ``problems``
        is empty only when the whole file is valid.
    """
    schema = load_schema(name)
    path = Path(path) if path is not None else config.dataset_path(name)
    table = Table(name, path, schema, [], [], [])
    if not path.exists():
        table.problems.append(Problem(path, 0, "", "file not found"))
        return table
    text, table.problems = _decode(path, path.read_bytes())
    if text is None:
        return table
    if not text.strip():
        table.problems.append(Problem(path, 1, "", "file is empty (expected a header row)"))
        return table

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as err:
        table.problems.append(Problem(path, 1, "", f"header is not valid CSV: {err}"))
        return table
    fields = {f.name: f for f in schema.fields}
    for missing in [c for c in schema.columns if c not in header]:
        table.problems.append(Problem(path, 1, missing, "required column is missing"))
    for extra in [c for c in header if c not in fields]:
        table.problems.append(Problem(path, 1, extra, "column is not in the schema"))
    if len(set(header)) != len(header):
        table.problems.append(Problem(path, 1, "", "header repeats a column name"))
    if any(p.line == 1 for p in table.problems):
        return table

    start = reader.line_num + 1
    table.readable = True
    while True:
        try:
            raw_row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            table.problems.append(Problem(path, start, "", f"malformed CSV: {err}"))
            table.readable = False
            break
        line, start = start, reader.line_num + 1
        table.record_lines.append(line)
        if not raw_row:
            continue
        if len(raw_row) != len(header):
            table.problems.append(
                Problem(path, line, "", f"expected {len(header)} fields, found {len(raw_row)}")
            )
            continue
        row = {}
        for column, raw in zip(header, raw_row):
            fld = fields[column]
            try:
                row[column] = parse_value(raw, fld)
            except ValueError as err:
                table.problems.append(Problem(path, line, column, str(err)))
                row[column] = None
                continue
            message = _check_field(row[column], raw, fld)
            if message:
                table.problems.append(Problem(path, line, column, message))
        table.problems.extend(_check_row_rules(row, schema, path, line))
        table.rows.append(row)
        table.lines.append(line)
    table.problems.extend(_check_table_rules(table))
    return table


def _cell_message(raw: str, fld: Field) -> str | None:
    """The project's wording for a bad cell (``None`` if our checks accept it)."""
    try:
        value = parse_value(raw, fld)
    except ValueError as err:
        return str(err)
    return _check_field(value, raw, fld)


def frictionless_problems(table: Table) -> list[Problem]:
    """Validate the table's file with the ``frictionless`` library against its resource.

    Row numbers are mapped to physical lines, and problems :func:`read_table`
    already reported for the same cell (or, for whole-row errors, the same line)
    are not repeated; cell problems keep the project's wording when our checks
    can phrase them. Foreign keys are left to :func:`check_references`, which checks
    them against the tables actually read, so a broken ``sources.csv`` is reported
    once, in that file. Returns nothing for a file :func:`read_table` could not read.
    """
    if not table.readable:
        return []
    from frictionless import FrictionlessException, Resource  # slow to import; only validation needs it

    descriptor = copy.deepcopy(resource_descriptor(table.name))
    descriptor.pop(RULES_KEY, None)
    descriptor["schema"].pop("foreignKeys", None)
    descriptor["path"] = table.path.name
    try:
        report = Resource(descriptor, basepath=str(table.path.parent)).validate()
    except FrictionlessException as err:
        return [Problem(table.path, 0, "", f"frictionless could not validate the file: {err}")]

    fields = {f.name: f for f in table.schema.fields}
    seen_cells = {(p.line, p.column) for p in table.problems}
    seen_lines = {p.line for p in table.problems}
    first_of: dict[int, int] = {}
    problems = []
    errors = list(report.errors) + [e for task in report.tasks for e in task.errors]
    for error in errors:
        row_number = getattr(error, "row_number", None)
        if row_number is not None and 0 < row_number <= len(table.record_lines):
            line = table.record_lines[row_number - 1]
        else:
            line = 1 if error.type.endswith("-label") or error.type == "header-error" else 0
        column = getattr(error, "field_name", "") or ""
        message = error.note or error.message
        if error.type in ("type-error", "constraint-error") and column in fields:
            message = _cell_message(str(error.cell), fields[column]) or f"{str(error.cell)!r}: {error.note}"
        elif error.type == "primary-key":
            column = ",".join(table.schema.primary_key)
            match = re.search(r"row at position (\d+)", error.note or "")
            if match:
                earlier = int(match[1])
                first = first_of.get(earlier, earlier)
                first_of[row_number] = first
                message = f"duplicate key (first on line {table.record_lines[first - 1]})"
        if (line, column) in seen_cells or (not column and line in seen_lines):
            continue
        seen_cells.add((line, column))
        problems.append(Problem(table.path, line, column, message))
    return problems


def _check_row_rules(row: dict, schema: Schema, path: Path, line: int) -> list[Problem]:
    """Apply the schema's per-row rules (date order, conditional requiredness)."""
    problems = []
    for rule in schema.row_rules:
        kind = rule["kind"]
        if kind == "date_order":
            first, second = row.get(rule["start"]), row.get(rule["end"])
            if first is not None and second is not None and second < first:
                problems.append(
                    Problem(path, line, rule["end"], f"{second} is before {rule['start']} {first}")
                )
        elif kind == "required_if":
            when_column, when_value = next(iter(rule["when"].items()))
            if row.get(when_column) == when_value and row.get(rule["column"]) is None:
                problems.append(
                    Problem(path, line, rule["column"], f"is required when {when_column} is {_literal(when_value)}")
                )
        elif kind == "empty_iff":
            a, b = rule["column"], rule["other"]
            if (row.get(a) is None) != (row.get(b) is None):
                problems.append(Problem(path, line, a, f"must be empty exactly when {b} is empty"))
        else:
            raise ValueError(f"schema {schema.name}: unknown row rule {kind!r}")
    return problems


def _check_table_rules(table: Table) -> list[Problem]:
    """Primary-key uniqueness and exactly one preferred row per group."""
    problems = []
    schema = table.schema
    if schema.primary_key:
        seen: dict[tuple, int] = {}
        for row, line in zip(table.rows, table.lines):
            key = tuple(row.get(c) for c in schema.primary_key)
            if key in seen:
                problems.append(
                    Problem(
                        table.path, line, ",".join(schema.primary_key),
                        f"duplicate key {_show(key)} (first on line {seen[key]})",
                    )
                )
            else:
                seen[key] = line
    if schema.one_preferred_per:
        groups: dict[tuple, list[int]] = {}
        first_line: dict[tuple, int] = {}
        unreadable = set()  # a group with an unparseable flag was reported already; don't guess
        for row, line in zip(table.rows, table.lines):
            key = tuple(row.get(c) for c in schema.one_preferred_per)
            groups.setdefault(key, [])
            first_line.setdefault(key, line)
            if row.get("preferred") is None:
                unreadable.add(key)
            elif row["preferred"]:
                groups[key].append(line)
        for key in unreadable:
            groups.pop(key)
        for key, preferred_lines in groups.items():
            if len(preferred_lines) != 1:
                where = preferred_lines[1] if len(preferred_lines) > 1 else first_line[key]
                problems.append(
                    Problem(
                        table.path, where, "preferred",
                        f"{len(preferred_lines)} preferred rows for {_show(key)}; exactly one must be true",
                    )
                )
    return problems


def _literal(value) -> str:
    """Spell a value the way it is written in the CSV (booleans as true/false, 0.0 as 0)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _show(key: tuple) -> str:
    return "(" + ", ".join("" if v is None else str(v) for v in key) + ")"


def check_references(table: Table, targets: dict[str, set]) -> list[Problem]:
    """Check the table's foreign keys (e.g. ``source_id``) against known ids.

    Parameters
    ----------
    table : Table
    targets : dict
        Maps a referenced dataset name (``"sources"``) to its set of ids.
    """
    problems = []
    for column, target in table.schema.references.items():
        known = targets.get(target["dataset"], set())
        for row, line in zip(table.rows, table.lines):
            value = row.get(column)
            if value is not None and value not in known:
                problems.append(
                    Problem(table.path, line, column, f"{value!r} is not a {target['key']} in {target['dataset']}.csv")
                )
    return problems
