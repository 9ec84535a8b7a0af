"""Validate a dataset CSV against its schema, which is also its data dictionary.

Each dataset ``data/<name>.csv`` has a schema ``data/schema/<name>.yaml``
(a small subset of Frictionless Table Schema, in YAML) listing its columns
with type, requiredness, allowed values, range and unit, plus table-level
rules: primary key, one preferred row per group, and row rules.

Validation never stops at the first finding: it returns every problem with
its file, line and column, so ``truce validate`` can list them all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from analysis import config
from analysis.errors import Problem

TYPES = ("string", "number", "integer", "date", "boolean")
BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Field:
    """One column of a dataset as its schema describes it."""

    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
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
def load_schema(name: str) -> Schema:
    """Read ``data/schema/<name>.yaml`` into a :class:`Schema`.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"soybeans"``.

    Returns
    -------
    Schema
    """
    path = config.schema_path(name)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = []
    for f in spec["fields"]:
        if f["type"] not in TYPES:
            raise ValueError(f"{path}: field {f['name']!r} has unknown type {f['type']!r}")
        fields.append(
            Field(
                name=f["name"],
                type=f["type"],
                required=bool(f.get("required", False)),
                enum=tuple(str(v) for v in f["enum"]) if "enum" in f else None,
                minimum=f.get("minimum"),
                maximum=f.get("maximum"),
                pattern=f.get("pattern"),
                unit=f.get("unit"),
                description=f.get("description", ""),
            )
        )
    return Schema(
        name=spec["name"],
        title=spec.get("title", name),
        description=spec.get("description", ""),
        fields=tuple(fields),
        primary_key=tuple(spec.get("primary_key", ())),
        one_preferred_per=tuple(spec.get("one_preferred_per", ())),
        row_rules=tuple(spec.get("row_rules", ())),
        references=dict(spec.get("references", {})),
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
    while True:
        try:
            raw_row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            table.problems.append(Problem(path, start, "", f"malformed CSV: {err}"))
            break
        line, start = start, reader.line_num + 1
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
