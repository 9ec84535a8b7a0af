"""``truce sweep``: run one report over a grid of parameters and tabulate what each run recorded.

Order of work: read and check the whole grid (a bad parameter stops here,
exit 2, before anything runs or is written); skip runs whose cache key is
unchanged since the last sweep into the same folder; run the rest on the
chosen executor (:mod:`truce.build.executors`), writing each executed
notebook to ``runs/<run-id>.ipynb`` as it arrives; then write ``sweep.json``,
``sweep.csv`` and ``index.html``, also when interrupted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

from analysis import config
from truce.build.engine import DEFAULT_TIMEOUT
from truce.files import atomic_write
from truce.sweep import table


def default_out(report: str) -> Path:
    """Where a sweep of ``report`` goes unless ``--out`` says otherwise: ``reports/sweeps/<report>/``."""
    return config.REPORTS_DIR / "sweeps" / report


def sweep(report_name: str, grid_path: Path, out_dir: Path | None = None, executor: str = "local",
          scheduler: str | None = None, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          force: bool = False, echo=print) -> int:
    """Run ``report_name`` once per parameter set of the grid; return a process exit code.

    Parameters
    ----------
    report_name : str
    grid_path : Path
        The grid (see :mod:`truce.sweep.grid`).
    out_dir : Path, optional
        Output folder (default :func:`default_out`).
    executor, scheduler : str
        Where runs execute (see :func:`truce.build.executors.open_pool`).
    jobs : int, optional
        Runs at once.
    timeout : float
        Seconds a cell may run; a run also fails past this plus a grace period.
    force : bool
        Run every run, even those whose results are up to date.

    Returns
    -------
    int
        0 when every run succeeded or was up to date, 1 when any failed.
        Parameter errors raise before anything runs.
    """
    from truce.build import cache, executors, runner
    from truce.build.catalog import select
    from truce.sweep import grid
    from truce.sweep.run import execute_run

    executors.check_choice(executor, scheduler)
    report = select([report_name])[0]
    today = dt.date.today()
    runs = grid.check(grid_path, report, grid.read(grid_path), today)
    out_dir = Path(out_dir or default_out(report.name)).resolve()
    previous = table.load_state(out_dir)
    code, data_dir = cache.code_version(), config.data_dir()
    entries = {run.run_id: previous[run.run_id] for run in runs if not force and table.is_fresh(
        previous.get(run.run_id), _key(report, run, previous.get(run.run_id), data_dir, code), out_dir)}
    todo = [run for run in runs if run.run_id not in entries]
    varied = grid.swept(runs)
    for run in runs:
        if run.run_id in entries:
            echo(f"{run.label(varied)}: up to date, skipped (use --force to run again)")
    skipped, failed = set(entries), 0
    opened = not todo  # nothing to run: the summary is rewritten at once
    try:
        if todo:
            work = [runner.Job(run.run_id, execute_run, (report, run.parameters, run.run_id, timeout, today.isoformat()),
                               {}) for run in todo]
            by_id = {run.run_id: run for run in todo}
            with executors.open_pool(executor, scheduler, jobs, echo) as pool:
                opened = True
                out_dir.mkdir(parents=True, exist_ok=True)
                echo(f"sweeping {report.name}: {len(todo)} run(s) with {min(pool.slots, len(todo))} worker(s)")
                for done, (job, result) in enumerate(pool.run(work, timeout + runner.GRACE_SECONDS), 1):
                    entry = _entry(out_dir, report, by_id[job.name], result, data_dir, code)
                    entries[job.name] = entry
                    failed += entry["status"] == table.FAILED
                    _say(f"[{done}/{len(todo)}] {by_id[job.name].label(varied)}", entry, echo)
    finally:
        if opened:  # not when the sweep stopped before its first run (a cluster out of reach)
            _write_summary(out_dir, report, str(grid_path), runs, entries, skipped, previous, varied)
    echo(f"ok {len(entries) - len(skipped) - failed}, failed {failed}, skipped {len(skipped)}")
    return 1 if failed else 0


def _key(report, run, entry: dict | None, data_dir: Path, code: str) -> str | None:
    """The run's cache key, from the data files it read last time (None when there was no good last time)."""
    from truce.build import cache

    inputs = cache.previous_inputs(entry)
    return None if inputs is None else cache.cache_key(report.path, run.parameters, None, data_dir, inputs, code)


def _entry(out_dir: Path, report, run, result, data_dir: Path, code: str) -> dict:
    """Write a finished run's notebook; return its ``sweep.json`` record."""
    from truce.build import cache, runner

    if isinstance(result, runner.Failure):  # it timed out, its worker died, or the run itself raised
        return {"parameters": run.parameters, "status": table.FAILED, "recorded": {},
                "seconds": round(result.seconds, 1), "error": result.message.strip(), "cache_key": None,
                "inputs": None, "outputs": {}}
    if result.notebook:
        atomic_write(table.notebook_path(out_dir, run.run_id), result.notebook)
    # The key hashes the data files this run read, known only now (as for a report in `truce build`), and the
    # cache fields are named as in a manifest entry, so the build's cache rules read them.
    key = cache.cache_key(report.path, run.parameters, None, data_dir, result.inputs, code) if result.ok else None
    outputs = ({table.notebook_rel(run.run_id): hashlib.sha256(result.notebook).hexdigest()}
               if result.notebook else {})
    return {"parameters": run.parameters, "status": table.OK if result.ok else table.FAILED,
            "recorded": result.recorded, "seconds": round(result.seconds, 1), "error": result.error.strip(),
            "cache_key": key, "inputs": [{"path": name} for name in result.inputs] if result.ok else None,
            "outputs": outputs}


def _say(tag: str, entry: dict, echo) -> None:
    """One progress line: ``[k/n] id params: ok (2.1 s) probability=0.88``, or the failure on stderr."""
    if entry["status"] == table.OK:
        values = " ".join(f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
                          for name, value in entry["recorded"].items()
                          if isinstance(value, (int, float)) and not isinstance(value, bool))
        echo(f"{tag}: ok ({entry['seconds']:.1f} s) {values}".rstrip())
    else:
        print(f"{tag}: FAILED after {entry['seconds']:.1f} s\n  {entry['error']}", file=sys.stderr)


def _write_summary(out_dir: Path, report, grid_path: str, runs: list, entries: dict, skipped: set[str],
                   previous: dict, varied: list[str]) -> None:
    """Write ``sweep.json``, ``sweep.csv`` and ``index.html`` for the runs of this grid.

    Notebooks of runs the last sweep into this folder had and this grid has not are removed,
    so ``runs/`` holds this sweep's runs only.
    """
    from truce.sweep import page

    for gone in set(previous) - {run.run_id for run in runs}:
        table.notebook_path(out_dir, gone).unlink(missing_ok=True)
    rows = [_row(run, entries.get(run.run_id), run.run_id in skipped) for run in runs]
    counts = {status: sum(row["status"] == status for row in rows)
              for status in (table.OK, table.FAILED, table.SKIPPED, table.NOT_RUN)}
    names = [p.name for p in report.parameters if any(p.name in run.parameters for run in runs)]
    atomic_write(out_dir / table.STATE, table.state_bytes(report.name, grid_path, entries))
    atomic_write(out_dir / table.TABLE, table.csv_bytes(names, rows))
    atomic_write(out_dir / "index.html",
                 page.html(report.title, grid_path, rows, names, varied, counts).encode("utf-8"))


def _row(run, entry: dict | None, skipped: bool) -> dict:
    """A run's line in the table and on the page."""
    if entry is None:
        return {"run_id": run.run_id, "parameters": run.parameters, "recorded": {}, "status": table.NOT_RUN,
                "error": "", "seconds": None}
    return {"run_id": run.run_id, "parameters": run.parameters, "recorded": entry["recorded"],
            "status": table.SKIPPED if skipped else entry["status"], "error": entry["error"],
            "seconds": entry["seconds"]}
