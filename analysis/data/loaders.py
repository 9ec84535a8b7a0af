"""One loader per dataset: read ``data/<name>.csv``, validate it, return a DataFrame.

Every loader validates the whole file against its resource in the Data Package
``data/datapackage.json`` (types, constraints, primary key), the project's rules
and its references (``source_id`` must exist in ``sources.csv``) and raises one
:class:`~analysis.errors.DataError` listing each problem as
``file:line: column: message``. Each file read is recorded in the build's run
log (:mod:`analysis.runlog`), so a build can say which data a report depended on.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import config
from analysis import runlog
from analysis.errors import DataError, Problem
from analysis.data.schema import Table, check_references, frictionless_problems, load_schema, read_table

# Order matters only for reporting: sources first, since everything points at it.
DATASETS = (
    "sources",
    "commitments",
    "soybeans",
    "rare_earths",
    "events",
    "tariffs",
    "truces",
    "phase_one",
)

def _key_ids(table: Table, key: str) -> set:
    return {row[key] for row in table.rows if row.get(key) is not None}


def validate_table(table: Table, tables: dict[str, Table] | None = None) -> list[Problem]:
    """Return the table's own problems plus those of its references.

    Parameters
    ----------
    table : Table
        A table read by :func:`analysis.data.schema.read_table`.
    tables : dict, optional
        Already-read tables by name, reused for reference targets; missing
        targets are read from the current data directory.
    """
    tables = dict(tables or {})
    tables.setdefault(table.name, table)
    targets = {}
    for ref in table.schema.references.values():
        target = ref["dataset"]
        if target not in tables:
            tables[target] = read_table(target)
        targets[target] = _key_ids(tables[target], ref["key"])
    problems = list(table.problems)
    problems += check_references(table, targets)
    for ref in table.schema.references.values():
        if ref["dataset"] != table.name and tables[ref["dataset"]].problems:
            problems += tables[ref["dataset"]].problems
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def to_frame(table: Table) -> pd.DataFrame:
    """Turn validated rows into a DataFrame with the schema's column types."""
    frame = pd.DataFrame(table.rows, columns=table.schema.columns)
    for fld in table.schema.fields:
        column = frame[fld.name]
        if fld.type == "date":
            frame[fld.name] = pd.to_datetime(column)
        elif fld.type == "number":
            frame[fld.name] = column.astype("float64")
        elif fld.type == "integer":
            frame[fld.name] = column.astype("Int64")
        elif fld.type == "boolean":
            frame[fld.name] = column.astype(bool)
    frame.attrs["dataset"] = table.name
    frame.attrs["path"] = str(table.path)
    return frame


def load(name: str, path: Path | str | None = None) -> pd.DataFrame:
    """Load and validate one dataset.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    path : path-like, optional
        Read this CSV instead of ``data/<name>.csv``.

    Returns
    -------
    pandas.DataFrame
        Typed columns in schema order.

    Raises
    ------
    DataError
        Listing every problem with its file, line and column.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    table = read_table(name, Path(path) if path is not None else None)
    problems = validate_table(table)
    if problems:
        raise DataError(problems)
    runlog.record(read=str(table.path))
    return to_frame(table)


def validate_all(data_dir: Path | None = None) -> list[Problem]:
    """Validate every dataset in ``data_dir`` (default: the current data directory).

    On top of the loaders' checks, each file is validated by the ``frictionless``
    library against its resource in ``data/datapackage.json``
    (:func:`analysis.data.schema.frictionless_problems`).

    Returns
    -------
    list of Problem
        Empty when every dataset is valid.
    """
    base = Path(data_dir) if data_dir is not None else config.data_dir()
    tables = {name: read_table(name, base / f"{name}.csv") for name in DATASETS}
    problems: list[Problem] = []
    for table in tables.values():
        problems += validate_table(table, tables)
        problems += frictionless_problems(table)
    return _unique(problems)


def describe(name: str) -> pd.DataFrame:
    """Return a dataset's data dictionary: column, type, unit, allowed values, meaning."""
    schema = load_schema(name)
    return pd.DataFrame(
        [
            {
                "column": f.name,
                "type": f.type,
                "required": f.required,
                "unit": f.unit or "",
                "allowed": ", ".join(f.enum) if f.enum else "",
                "description": f.description,
            }
            for f in schema.fields
        ]
    )


def load_sources() -> pd.DataFrame:
    """Load ``data/sources.csv``: one row per source, with its reliability grade."""
    return load("sources")


def load_commitments() -> pd.DataFrame:
    """Load ``data/commitments.csv``: purchase targets and other pledges."""
    return load("commitments")


def load_soybeans() -> pd.DataFrame:
    """Load ``data/soybeans.csv``: soybean trade observations over dated periods."""
    return load("soybeans")


def load_rare_earths() -> pd.DataFrame:
    """Load ``data/rare_earths.csv``: China's rare-earth magnet and element exports."""
    return load("rare_earths")


def load_events() -> pd.DataFrame:
    """Load ``data/events.csv``: the dated ledger of actions and talks."""
    return load("events")


def load_tariffs() -> pd.DataFrame:
    """Load ``data/tariffs.csv``: headline tariff layers and published averages."""
    return load("tariffs")


def load_truces() -> pd.DataFrame:
    """Load ``data/truces.csv``: every truce since 2018 and how it ended."""
    return load("truces")


def load_phase_one() -> pd.DataFrame:
    """Load ``data/phase_one.csv``: Phase One commitments and outcomes by category."""
    return load("phase_one")
