"""Refresh the soybean data from official APIs: ``truce refresh [--source ...] [--dry-run]``.

:func:`run` fetches USDA's weekly export sales to China (:mod:`truce.refresh.esr`)
and the Census Bureau's monthly exports to China (:mod:`truce.refresh.census`),
turns them into ``soybeans.csv`` rows, merges them with the curated rows, checks
the result with the same validation as ``truce validate``, and only then
replaces ``soybeans.csv`` and ``sources.csv``.

Exit codes
----------
====  ==========================================================================
code  meaning
====  ==========================================================================
0     success, including "nothing new" (the data files are left byte-identical)
2     unknown ``source`` (bad usage)
3     network or HTTP failure: no connection, timeout, redirect, HTTP error, or
      still rate-limited (HTTP 429) or failing (5xx) after the retries
4     a response is not JSON or not in the documented shape (a schema change)
5     the current data, or the data merged with the new rows, fails validation
6     a source that needs an API key has none (``USDA_FAS_API_KEY`` for usda-esr)
7     a local file could not be read or written (disk full, permissions)
====  ==========================================================================

Safety
------
Any failure leaves ``data/`` as it was, and ``source="all"`` is all or
nothing: both sources are fetched and validated before anything is written,
so the two datasets never describe different refreshes. The first failure
stops the run; its message names the source, the URL (never the key) and,
for a bad response, the record index and field.

On success the run writes, under ``<data_dir>/vintages/<YYYY-MM-DD>/``:

- ``<source>/<name>.json``, the raw response bytes (``usda-esr/esr_2026.json``,
  ``census/exports_hs1201_5700.json``), and next to each
  ``<name>.provenance.json``: URL without key, access time, HTTP status, size
  and sha256 of the raw bytes;
- ``data/<dataset>.csv``, a copy of every dataset as it stands after the
  refresh, so a build can point ``TRUCE_DATA_DIR`` at that folder later.

Then it replaces ``sources.csv`` before ``soybeans.csv`` (each with
``os.replace``): the new sources only add or refresh rows, so the files
agree with each other at every instant. A re-run on the same day rewrites
that day's vintage. ``dry_run`` fetches, merges and validates in a temporary
folder, prints what would change and writes nothing under ``data_dir``.

API keys come from environment variables only. They are sent in a header
(ESR) or a query parameter added to the request (Census) and are never
written to a file, a printed message or the provenance.

Merging
-------
API rows are ``preferred=true`` in their (series, period_start, period_end,
unit) group; a curated row that was preferred there is kept, set to
``false`` and its note says which source superseded it. A row already
present (same primary key) is updated in place when the API revised it.
Rows are never deleted. The file keeps its column order and row order
(series and unit in schema order, then period_start, period_end, the
preferred row first, source_id), and its formatting (``\\n`` line ends,
``true``/``false``, ISO dates, numbers without needless decimals), so running
again with the same responses changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests

from analysis import config
from analysis.data import loaders
from analysis.data.schema import load_schema

SOURCES = ("usda-esr", "census", "all")

from truce.refresh.errors import EXIT_OK, EXIT_USAGE, EXIT_WRITE, DataInvalid, MissingKeyError, RefreshError
from truce.files import atomic_write
from truce.refresh.http import _PROGRESS, build_session, scrub


VINTAGES = "vintages"
SOYBEANS = "soybeans"
SOURCES_DATASET = "sources"


# --- CSV files ---------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows (cells as strings) of a dataset CSV."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader, [])
    return header, [dict(zip(header, row)) for row in reader if row]


def render_csv(header: list[str], rows: list[dict]) -> bytes:
    """The bytes of a dataset CSV, in the project's format (csv module, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def _enum_rank(dataset: str, column: str) -> dict[str, int]:
    fld = next(f for f in load_schema(dataset).fields if f.name == column)
    return {value: rank for rank, value in enumerate(fld.enum or ())}


def soybeans_order(row: dict) -> tuple:
    """Sort key of ``soybeans.csv``: series and unit in schema order, then the period,
    the preferred row of a conflict first, then source_id."""
    series, units = _enum_rank(SOYBEANS, "series"), _enum_rank(SOYBEANS, "unit")
    return (series.get(row["series"], len(series)), units.get(row["unit"], len(units)),
            row["period_start"], row["period_end"], row["preferred"] != "true", row["source_id"])


# --- merging -----------------------------------------------------------------------------

GROUP = ("series", "period_start", "period_end", "unit")
KEY = GROUP + ("source_id",)


@dataclass
class Changes:
    """What a merge did (or, in a dry run, would do)."""

    added: Counter = field(default_factory=Counter)  # (series, unit) -> rows
    changed: Counter = field(default_factory=Counter)
    flips: list = field(default_factory=list)  # (group, old source_id, new source_id)
    sources_added: list = field(default_factory=list)
    sources_updated: list = field(default_factory=list)

    @property
    def touched_sources(self) -> set:
        return {source for (_, _, source) in self.flips} | {
            source for counter in (self.added, self.changed) for (_, _, source) in counter}

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.flips or self.sources_added or self.sources_updated)


def merge_rows(existing: list[dict], new: list[dict], changes: Changes) -> list[dict]:
    """Merge API rows into the curated rows; record what changed in ``changes``.

    A new row is added, or updates the row with the same primary key; it is
    then the only preferred row of its group. Returns the rows in file order.
    """
    rows = [dict(row) for row in existing]
    by_key = {tuple(row[c] for c in KEY): row for row in rows}
    by_group: dict[tuple, list[dict]] = {}
    for row in rows:
        by_group.setdefault(tuple(row[c] for c in GROUP), []).append(row)
    for incoming in new:
        key = tuple(incoming[c] for c in KEY)
        tally = (incoming["series"], incoming["unit"], incoming["source_id"])
        row = by_key.get(key)
        if row is None:
            row = dict(incoming)
            rows.append(row)
            by_key[key] = row
            by_group.setdefault(key[:-1], []).append(row)
            changes.added[tally] += 1
        elif any(row.get(c) != v for c, v in incoming.items()):
            row.update(incoming)
            changes.changed[tally] += 1
        for other in by_group[key[:-1]]:
            if other is not row and other["preferred"] == "true":
                other["preferred"] = "false"
                reason = f"not preferred: superseded by {incoming['source_id']}"
                other["note"] = f"{other['note']}; {reason}" if other.get("note") else reason
                changes.flips.append((key[:-1], other["source_id"], incoming["source_id"]))
    return sorted(rows, key=soybeans_order)


def merge_sources(existing: list[dict], wanted: list[dict], touched: set, changes: Changes) -> list[dict]:
    """Add missing API source rows; refresh those whose figures changed (``accessed``, wording)."""
    rows = [dict(row) for row in existing]
    by_id = {row["source_id"]: row for row in rows}
    for source_row in wanted:
        current = by_id.get(source_row["source_id"])
        if current is None:
            rows.append(dict(source_row))
            changes.sources_added.append(source_row["source_id"])
        elif source_row["source_id"] in touched and any(current.get(c) != v for c, v in source_row.items()):
            # An unchanged figure keeps its old access date, so a re-run changes nothing.
            current.update(source_row)
            changes.sources_updated.append(source_row["source_id"])
    return sorted(rows, key=lambda row: row["source_id"])


# --- the run -----------------------------------------------------------------------------


@dataclass
class Collected:
    """Everything fetched and normalised, before any file is touched."""

    fetched: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    source_rows: list = field(default_factory=list)
    source_ids: dict = field(default_factory=dict)  # source name -> its source_id in sources.csv
    summary: list = field(default_factory=list)


def _keys(wanted: tuple[str, ...]) -> dict[str, str | None]:
    # The clients import this module's HTTP layer, so they are imported here, not at the top.
    from truce.refresh import census as census_client
    from truce.refresh import esr as esr_client

    keys = {}
    if "usda-esr" in wanted:
        keys["usda-esr"] = os.environ.get(esr_client.KEY_ENV, "").strip() or None
        if keys["usda-esr"] is None:
            raise MissingKeyError(
                f"usda-esr needs an API key: set {esr_client.KEY_ENV} (a free api.data.gov key); "
                "nothing was fetched" + (" (all is all-or-nothing; use --source census for Census alone)"
                                         if "census" in wanted else ""))
    if "census" in wanted:
        keys["census"] = os.environ.get(census_client.KEY_ENV, "").strip() or None
    return keys


def _collect(wanted, keys, session, today: date, accessed: str) -> Collected:
    from truce.refresh import census as census_client
    from truce.refresh import esr as esr_client

    out = Collected()
    if "usda-esr" in wanted:
        weeks_by_year = []
        # Next-year sales are what re-basing a calendar-year pledge across 1 September needs
        # (analysis.domain.usda_sales); they are written once the data package has their series.
        next_year = esr_client.NEXT_YEAR_SERIES in _enum_rank(SOYBEANS, "series")
        for market_year in esr_client.market_years(today):
            got = esr_client.fetch(session, market_year, keys["usda-esr"])
            weeks = esr_client.parse(got.content, got.url, market_year)
            out.fetched.append(got)
            out.rows += esr_client.rows(weeks, market_year)
            if next_year:
                out.rows += esr_client.next_year_rows(weeks, market_year)
            weeks_by_year.append(f"{esr_client.label(market_year)}: {len(weeks)} weeks"
                                 + (f" to {weeks[-1].week_ending}" if weeks else ""))
        out.source_rows.append({**esr_client.SOURCE_ROW, "accessed": accessed})
        out.source_ids[esr_client.SOURCE] = esr_client.SOURCE_ID
        out.summary.append(f"usda-esr: {', '.join(weeks_by_year)}"
                           + (" (with next-year sales)" if next_year else ""))
    if "census" in wanted:
        got = census_client.fetch(session, keys["census"])
        months = census_client.parse(got.content, got.url)
        out.fetched.append(got)
        out.rows += census_client.rows(months)
        out.source_rows.append({**census_client.SOURCE_ROW, "accessed": accessed})
        out.source_ids[census_client.SOURCE] = census_client.SOURCE_ID
        span = f" ({months[0].month} to {months[-1].month})" if months else ""
        out.summary.append(f"census: {len(months)} months{span}")
    return out


def _describe(changes: Changes, dry_run: bool) -> list[str]:
    would = "would be " if dry_run else ""
    if not changes:
        return ["nothing new: the data already hold these figures"]
    lines = []
    for series, unit in sorted({(s, u) for (s, u, _) in changes.added} | {(s, u) for (s, u, _) in changes.changed}):
        added = sum(n for (s, u, _), n in changes.added.items() if (s, u) == (series, unit))
        changed = sum(n for (s, u, _), n in changes.changed.items() if (s, u) == (series, unit))
        lines.append(f"soybeans.csv {series} ({unit}): {_rows(added)} {would}added, {changed} {would}changed")
    for (series, start, end, unit), old, new in changes.flips:
        lines.append(f"preferred {series} {start}..{end} ({unit}): {old} {would}set to false, {new} preferred")
    if changes.sources_added:
        lines.append(f"sources.csv: {would}added {', '.join(changes.sources_added)}")
    if changes.sources_updated:
        lines.append(f"sources.csv: {would}updated {', '.join(changes.sources_updated)}")
    return lines


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _problem_lines(problems, folder: Path, label: str) -> list[str]:
    out = []
    for p in problems:
        name = Path(p.path).name if Path(p.path).parent == folder else str(p.path)
        column = f" {p.column}:" if p.column else ""
        out.append(f"{label}{name}:{p.line}:{column} {p.message}")
    return out


def _write_vintage(vintage: Path, collected: Collected, staging: Path) -> None:
    for got in collected.fetched:
        folder = vintage / got.source
        atomic_write(folder / f"{got.name}.json", got.content)
        provenance = {
            "source": got.source,
            "source_id": collected.source_ids[got.source],
            "file": f"{got.name}.json",
            "url": got.url,
            "accessed": got.accessed.isoformat(timespec="seconds"),
            "http_status": got.status,
            "bytes": len(got.content),
            "sha256": got.sha256,
        }
        atomic_write(folder / f"{got.name}.provenance.json",
                      (json.dumps(provenance, indent=2) + "\n").encode("utf-8"))
    for name in loaders.DATASETS:
        atomic_write(vintage / "data" / f"{name}.csv", (staging / f"{name}.csv").read_bytes())


def run(source: str = "all", dry_run: bool = False, data_dir: Path | None = None, today: date | None = None,
        session: requests.Session | None = None, echo=print) -> int:
    """Fetch, merge, validate and (unless ``dry_run``) write the refreshed data.

    Parameters
    ----------
    source : {"all", "usda-esr", "census"}
        Which API to read; ``"all"`` reads both, all or nothing.
    dry_run : bool
        Fetch, merge and validate, print what would change, write nothing.
    data_dir : pathlib.Path, optional
        The data folder; default :func:`analysis.config.data_dir`.
    today : datetime.date, optional
        The refresh date (vintage folder, ``accessed``, current marketing
        year); default today.
    session : requests.Session, optional
        Used as given (its adapters decide retries); default
        :func:`build_session`.
    echo : callable
        Receives each line of output, failures included.

    Returns
    -------
    int
        The exit code; see the module docstring.
    """
    secrets: list[str] = []

    def say(message: str) -> None:
        echo(scrub(message, secrets))

    if source not in SOURCES:
        say(f"refresh: unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
        return EXIT_USAGE
    data_dir = Path(data_dir) if data_dir is not None else config.data_dir()
    today = today or date.today()
    wanted = ("usda-esr", "census") if source == "all" else (source,)
    try:
        keys = _keys(wanted)
        secrets += [k for k in keys.values() if k]
        problems = loaders.validate_all(data_dir)
        if problems:
            raise DataInvalid(f"the current data in {data_dir} are invalid; nothing was fetched "
                              "(truce validate lists the problems)", _problem_lines(problems, data_dir, ""))
        own = session is None
        session = session or build_session()
        _PROGRESS.set(say)
        try:
            collected = _collect(wanted, keys, session, today, today.isoformat())
        finally:
            if own:
                session.close()
        for line in collected.summary:
            say(line)
        return _apply(collected, data_dir, today, dry_run, say)
    except RefreshError as err:
        say(f"refresh failed: {err}")
        say(f"data left unchanged in {data_dir}")
        return err.code
    except OSError as err:
        say(f"refresh failed: cannot read or write {err.filename or ''}: {err.strerror or err}")
        say(f"data left unchanged in {data_dir} unless listed as written above")
        return EXIT_WRITE


def _apply(collected: Collected, data_dir: Path, today: date, dry_run: bool, say) -> int:
    changes = Changes()
    soy_path, src_path = data_dir / f"{SOYBEANS}.csv", data_dir / f"{SOURCES_DATASET}.csv"
    soy_header, soy_rows = read_csv(soy_path)
    src_header, src_rows = read_csv(src_path)
    merged = merge_rows(soy_rows, collected.rows, changes)
    touched = changes.touched_sources
    sources = merge_sources(src_rows, collected.source_rows, touched, changes)
    new_bytes = {SOYBEANS: render_csv(soy_header, merged), SOURCES_DATASET: render_csv(src_header, sources)}
    for line in _describe(changes, dry_run):
        say(line)

    # Validate the merged files next to copies of the untouched datasets. A real run
    # stages inside data_dir so the final os.replace never crosses file systems.
    staging = Path(tempfile.mkdtemp(prefix=".refresh-", dir=None if dry_run else data_dir))
    try:
        for name in loaders.DATASETS:
            target = staging / f"{name}.csv"
            if name in new_bytes:
                target.write_bytes(new_bytes[name])
            else:
                shutil.copyfile(data_dir / f"{name}.csv", target)
        problems = loaders.validate_all(staging)
        if problems:
            raise DataInvalid("the merged data fail validation; nothing was written",
                              _problem_lines(problems, staging, "merged "))
        if dry_run:
            say(f"dry run: merged data are valid; nothing written under {data_dir}")
            return EXIT_OK
        vintage = data_dir / VINTAGES / today.isoformat()
        _write_vintage(vintage, collected, staging)
        written = []
        # sources.csv first: its new rows are a superset, so the pair is valid at every instant.
        for name, path in ((SOURCES_DATASET, src_path), (SOYBEANS, soy_path)):
            if new_bytes[name] != path.read_bytes():
                os.replace(staging / f"{name}.csv", path)
                written.append(path.name)
                say(f"wrote {path}")
        if not written:
            say("data files unchanged")
        say(f"vintage: {vintage} (raw responses, provenance, and data/ with every dataset)")
        return EXIT_OK
    finally:
        shutil.rmtree(staging, ignore_errors=True)
