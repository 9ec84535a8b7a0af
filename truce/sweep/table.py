"""A sweep's record of its runs: ``sweep.json`` (what a rerun may skip) and ``sweep.csv`` (the results).

``sweep.json`` keeps, for each run of the last sweep into a folder, its
parameters, status, recorded values and seconds, and the fields the build's
cache reads from a manifest entry: ``cache_key``, ``inputs`` (the data files it
read) and ``outputs`` (its notebook's sha256). A rerun skips a run whose key is
unchanged and whose notebook is intact with :func:`truce.build.cache.is_fresh`,
as ``truce build`` skips a report; anything missing or malformed means run again.

``sweep.csv`` has one row per run of the grid, in grid order. Its columns, in
this order: ``run_id``; the parameters set by any run (in the notebook's
order); the recorded values (sorted by name); ``run_status`` (ok, failed,
skipped: up to date from an earlier sweep, values carried over, or not run:
the sweep was interrupted first); ``run_error``; ``run_seconds``. A recorded
name that clashes with one of those columns is written ``recorded_<name>``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

STATE = "sweep.json"
TABLE = "sweep.csv"
RUNS_DIR = "runs"
OK, FAILED, SKIPPED, NOT_RUN = "ok", "failed", "skipped", "not run"
RUN_COLUMNS = ("run_status", "run_error", "run_seconds")


def notebook_rel(run_id: str) -> str:
    """A run's notebook, relative to the sweep folder (as a manifest entry's ``outputs`` name files)."""
    return f"{RUNS_DIR}/{run_id}.ipynb"


def notebook_path(out_dir: Path, run_id: str) -> Path:
    return Path(out_dir) / notebook_rel(run_id)


def load_state(out_dir: Path) -> dict[str, dict]:
    """The runs of the last sweep into ``out_dir``, by id; empty when there is none or it is unreadable."""
    path = Path(out_dir) / STATE
    if not path.is_file():
        return {}
    try:
        runs = json.loads(path.read_text(encoding="utf-8")).get("runs")
    except (ValueError, AttributeError):  # a damaged record only costs a rerun of every run
        return {}
    return runs if isinstance(runs, dict) else {}


def is_fresh(entry: dict | None, key: str | None, out_dir: Path) -> bool:
    """True when the run last succeeded under ``key`` and its notebook is intact (the build's own rule)."""
    from truce.build import cache

    return isinstance(entry, dict) and entry.get("status") == OK and cache.is_fresh(entry, key, out_dir)


def state_bytes(report: str, grid: str, entries: dict[str, dict]) -> bytes:
    """``sweep.json`` for the runs in ``entries`` (sorted keys, so equal sweeps write equal bytes)."""
    return (json.dumps({"report": report, "grid": grid, "runs": entries}, indent=1, sort_keys=True) + "\n").encode()


def columns(parameter_names: list[str], rows: list[dict]) -> tuple[list[str], dict[str, str]]:
    """The CSV's columns, and the column of each recorded name (renamed when it clashes)."""
    recorded = sorted({name for row in rows for name in row["recorded"]})
    taken = {"run_id", *parameter_names, *RUN_COLUMNS}
    column_of = {name: f"recorded_{name}" if name in taken else name for name in recorded}
    return ["run_id", *parameter_names, *column_of.values(), *RUN_COLUMNS], column_of


def csv_bytes(parameter_names: list[str], rows: list[dict]) -> bytes:
    """``sweep.csv``: one line per row (``run_id``, ``parameters``, ``recorded``, ``status``, ``error``, ``seconds``)."""
    header, column_of = columns(parameter_names, rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        line = {"run_id": row["run_id"], "run_status": row["status"], "run_error": row["error"],
                "run_seconds": "" if row["seconds"] is None else f"{row['seconds']:.1f}"}
        line.update({name: _cell(row["parameters"].get(name)) for name in parameter_names})
        line.update({column_of[name]: _cell(value) for name, value in row["recorded"].items()})
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def _cell(value) -> str:
    """A value as CSV text: empty for None, JSON-style true/false, numbers and strings as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
