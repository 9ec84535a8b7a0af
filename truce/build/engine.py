"""Run report notebooks with papermill and publish them atomically.

For each report: check the parameters against its parameters cell, execute
it in the project kernel, render its page, and return every file to publish
as bytes. The worker that runs a report may be another process or another
machine (see :mod:`truce.build.executors`), so only this process writes into
the output folder: the static figures, the executed ``<out>/<report>.ipynb``
and finally ``<out>/<report>.html``, each through a temporary file and a
rename, so a reader never sees a half-written page and a failed or interrupted
build leaves the last published report in place. A failed run's notebook (and
a readable copy with the code shown) goes to ``<out>/_failed/``. After the
reports, ``manifest.json`` and ``index.html`` are rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from truce.files import atomic_write, sha256
from analysis.errors import ParameterError
from truce.build.catalog import Report, select
from truce.build.parameters import check_not_future, overrides_by_report, pin_today, resolve

# Seconds a cell may run before its report fails (`truce build --timeout`).
DEFAULT_TIMEOUT = 600


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files a killed build left behind (never a published file)."""
    for tmp in Path(out_dir).rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)


@dataclass
class Outcome:
    """What happened to one report, and the files to publish for it."""

    report: str
    ok: bool
    seconds: float
    message: str = ""
    entry: dict = field(default_factory=dict)  # its manifest record when published
    # Path relative to the output folder -> bytes: the page, notebook and figures of a published
    # report, or the ``_failed/`` copies of a failed run. The worker fills it; the build writes it.
    files: dict[str, bytes] = field(default_factory=dict)


def _execute(report: Report, parameters: dict, workdir: Path, data_dir: Path | None, kernel, timeout: float,
             compiled: str):
    """Execute the notebook in the warm project kernel; return it and what it recorded.

    ``timeout`` limits each cell (nbclient's execution timeout); the runner
    also holds the whole report to a wall-clock deadline.
    """
    import nbformat
    import papermill

    from analysis import runlog
    from analysis.data.evidence import COMPILED_ENV

    log = workdir / "run.jsonl"
    executed = workdir / f"{report.name}.ipynb"
    # What the notebook's code must see: the run log collects facts, and the loaders read the
    # vintage's data (or the default data when unset).
    manager = kernel.manager(report.path.parent, {
        runlog.RUN_LOG_ENV: str(log),
        COMPILED_ENV: compiled,
        config.DATA_DIR_ENV: str(data_dir) if data_dir is not None else os.environ.get(config.DATA_DIR_ENV),
    })
    papermill.execute_notebook(
        str(report.path),
        str(executed),
        parameters=parameters,
        kernel_name=config.KERNEL_NAME,
        km=manager,
        cwd=str(report.path.parent),
        progress_bar=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
    )
    return nbformat.read(executed, as_version=4), runlog.read(log)


def normalise(nb, report: Report, output_path: str):
    """Make the executed notebook independent of where and when it was built."""
    from truce.publish import html as publish

    nb = publish.strip_volatile_metadata(nb)
    papermill_meta = nb.metadata.get("papermill", {})
    papermill_meta["input_path"] = f"notebooks/{report.name}.ipynb"
    papermill_meta["output_path"] = output_path
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id each run
    return nb


def _failure_message(err) -> str:
    source = "\n".join("    " + line for line in str(err.source).splitlines())
    return f"cell {err.cell_index} failed:\n{source}\n  {err.ename}: {err.evalue}"


class RunFailed(Exception):
    """A notebook run that did not finish: why, and the executed notebook when one was saved."""

    def __init__(self, message: str, notebook: Path | None):
        super().__init__(message)
        self.message, self.notebook = message, notebook


def run_notebook(report: Report, parameters: dict, workdir: Path, data_dir: Path | None, kernel, timeout: float,
                 compiled: str):
    """Execute a report notebook in ``workdir``; return it (normalised later) and what its run recorded.

    Used by ``truce build`` and ``truce sweep`` alike, so a run means the same in both.

    Raises
    ------
    RunFailed
        When a cell raised (the executed notebook, with the error, is kept in
        ``workdir``), or a cell ran past ``timeout`` or the kernel died (these
        two stop the kernel, so the next run gets a fresh one).
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    try:
        return _execute(report, parameters, workdir, data_dir, kernel, timeout, compiled)
    except PapermillExecutionError as err:
        raise RunFailed(_failure_message(err), workdir / f"{report.name}.ipynb") from None
    except CellTimeoutError:
        kernel.shutdown()  # it is still running the cell; the next run gets a fresh kernel
        raise RunFailed(f"{report.name}: timed out after {timeout:g} s (a cell ran past the limit)", None) from None
    except DeadKernelError as err:
        kernel.shutdown()
        raise RunFailed(f"{report.name}: the kernel died: {err}", None) from None


FAILED_DIR = "_failed"


def _failure_files(report: Report, executed: Path) -> dict[str, bytes]:
    """A failed run's notebook, and a copy with code and error shown, to keep under ``_failed/``."""
    import nbformat

    from truce.publish import html as publish

    nb = nbformat.read(executed, as_version=4)
    page = publish.to_html(nb, f"FAILED: {report.title}", show_code=True)
    return {f"{FAILED_DIR}/{report.name}.ipynb": executed.read_bytes(),
            f"{FAILED_DIR}/{report.name}.html": page.encode("utf-8")}


def build_one(report: Report, overrides: dict, from_cli: frozenset = frozenset(),
              data_dir: Path | None = None, vintage: str | None = None,
              vintages_root: Path | None = None, kernel=None, timeout: float = DEFAULT_TIMEOUT,
              compiled: str | None = None, previous: dict | None = None) -> Outcome:
    """Build one report and return its files as bytes; a notebook error is reported, not raised.

    Nothing is written outside a private temporary folder: the worker running
    this may share no filesystem with the build, which writes
    :attr:`Outcome.files` (see :func:`publish_files`).

    Parameters
    ----------
    kernel : truce.build.kernel.WarmKernel, optional
        Kernel shared with other builds in this process; a private one is
        started and stopped when not given.
    timeout : float
        Seconds any one cell may run; a cell past it fails the report.
    compiled : str, optional
        The build's date (ISO), stated on the page as *compiled*; today when not given.
    previous : dict, optional
        The report's manifest entry before this build (its previous edition), for the
        page's "Since the last edition" box; None for a first edition.

    Raises
    ------
    ParameterError
        Before anything runs, for an unknown parameter or a wrongly typed value.
    """
    if kernel is None:
        from truce.build.kernel import WarmKernel

        private = WarmKernel()
        try:
            return build_one(report, overrides, from_cli, data_dir, vintage, vintages_root, private, timeout,
                             compiled, previous)
        finally:
            private.shutdown()
    import nbformat

    from truce.publish import changes
    from truce.publish import html as publish
    from truce.publish import stamp

    params = report.parameters
    parameters = resolve(params, overrides, from_cli)
    compiled = compiled or dt.date.today().isoformat()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="truce-build-") as tmp:
        try:
            nb, facts = run_notebook(report, parameters, Path(tmp), data_dir, kernel, timeout, compiled)
        except RunFailed as failed:
            files = _failure_files(report, failed.notebook) if failed.notebook is not None else {}
            return Outcome(report.name, False, time.monotonic() - started, failed.message, files=files)
    inputs = [Path(p) for p in facts["read"]]
    if vintages_root is not None:
        vintage = stamp.matching_vintage(inputs, vintages_root) or vintage
    provenance = stamp.Stamp(
        report=report.name,
        as_of=facts.get("as_of", "not recorded"),
        compiled=facts.get("compiled", compiled),
        evidence_through=facts.get("evidence_through"),
        series=facts.get("series", []),
        data_version=stamp.data_version(inputs),
        commit=stamp.git_commit(),
        parameters=parameters,
        defaults={p.name: p.default for p in params},
        inputs=[stamp.display_path(p) for p in inputs],
        vintage=vintage,
    )
    recorded = dict(sorted(facts.get("recorded", {}).items()))
    nb = normalise(nb, report, f"{report.name}.ipynb")
    nb.metadata["truce"] = {"recorded": recorded}
    figures_rel = f"figures/{report.name}"
    since = changes.box_html(changes.compare(previous, recorded))
    page = publish.to_html(nb, report.title, provenance.header_html() + since, provenance.footer_html(), figures_rel)
    notebook_bytes = nbformat.writes(nb).encode("utf-8")
    page_bytes = page.encode("utf-8")

    files = {}
    specs = publish.chart_specs(nb)
    for number, spec in enumerate(specs, 1):
        rendered = publish.render_figures(spec)
        for kind, data in rendered.items():
            files[f"{figures_rel}/fig-{number}.{kind}"] = data
        named = publish.dataset_name(spec)
        if named is not None:
            files[f"{figures_rel}/{named}.csv"] = rendered["csv"]
    files[f"{report.name}.ipynb"] = notebook_bytes
    files[f"{report.name}.html"] = page_bytes
    outputs = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    entry = {
        "title": report.title,
        "summary": report.meta.get("summary", ""),
        "as_of": provenance.as_of,
        "evidence_through": provenance.evidence_through,
        "compiled": provenance.compiled,
        "parameters": parameters,
        "data_version": provenance.data_version,
        "commit": provenance.commit,
        "vintage": vintage,
        "inputs": [{"path": stamp.display_path(p), "sha256": sha256(p)} for p in inputs],
        "outputs": dict(sorted(outputs.items())),
        "figures": len(specs),
        "html_bytes": len(page_bytes),
        "recorded": recorded,
    }
    return Outcome(report.name, True, time.monotonic() - started, f"{len(page_bytes) / 1e6:.2f} MB", entry, files)


def publish_files(out_dir: Path, outcome: Outcome) -> None:
    """Write a report's files into ``out_dir``, each atomically, and drop figures it no longer has.

    The HTML goes last: a reader who sees a new page can rely on its notebook and figures being there.
    """
    for rel in sorted(outcome.files, key=lambda rel: rel.endswith(".html")):  # a stable sort: HTML last
        atomic_write(out_dir / rel, outcome.files[rel])
    if outcome.ok:
        figures = outcome.entry["figures"]
        for stale in (out_dir / "figures" / outcome.report).glob("fig-*.*"):
            number = stale.stem.split("-")[-1]
            if number.isdigit() and int(number) > figures:
                stale.unlink()


def publish_site(out_dir: Path, entries: dict[str, dict]) -> None:
    """Rewrite ``manifest.json``, ``changes.json`` and ``index.html`` for what is now published."""
    from truce.publish import changes, manifest

    before = manifest.load(out_dir)
    current = manifest.updated(before, entries, out_dir)
    if entries:  # a build that published nothing leaves the last comparison in place
        atomic_write(out_dir / changes.CHANGES, changes.dumps(changes.site_changes(before, entries)))
    atomic_write(out_dir / manifest.MANIFEST, manifest.dumps(current))
    atomic_write(out_dir / "index.html", manifest.index_html(current).encode("utf-8"))


def vintage_data_dir(vintage: str) -> Path:
    """The data folder of a dated vintage, ``data/vintages/<YYYY-MM-DD>/data``.

    Raises
    ------
    ParameterError
        If the date is malformed or no such vintage exists (the message lists those that do).
    """
    root = config.vintages_dir()
    folder = root / vintage / "data"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", vintage) or not folder.is_dir():
        known = sorted(p.parent.name for p in root.glob("*/data") if p.is_dir())
        raise ParameterError("--vintage", f"no vintage {vintage!r} in {root}; available: {', '.join(known) or 'none'}")
    return folder


def _plan(reports: list[Report], per_report: dict, out_dir: Path, data_dir: Path, vintage: str | None,
          force: bool) -> tuple[list[Report], dict[str, str]]:
    """Split reports into those to build and those whose published copy is fresh.

    Returns
    -------
    (list of Report, dict)
        Reports to build, and the name -> cache key of those that are up to date.
    """
    from truce.build import cache
    from truce.publish import manifest

    published = manifest.load(out_dir)["reports"]
    code = cache.code_version()
    todo, fresh = [], {}
    for report in reports:
        entry = published.get(report.name, {})
        inputs = cache.previous_inputs(entry)
        key = None if inputs is None else cache.cache_key(report.path, per_report[report.name], vintage, data_dir,
                                                          inputs, code)
        if not force and cache.is_fresh(entry, key, out_dir):
            fresh[report.name] = key
        else:
            todo.append(report)
    # Longest first (by the last build's time), so no worker is left with a long report at the end.
    todo.sort(key=lambda r: -_last_seconds(published.get(r.name)))
    return todo, fresh


def _last_seconds(entry) -> float:
    """How long a report's last build took, from its manifest entry (0 when unknown)."""
    seconds = entry.get("seconds") if isinstance(entry, dict) else None
    return float(seconds) if isinstance(seconds, (int, float)) else 0.0


def _run(pool, todo: list[Report], per_report: dict, out_dir: Path, from_cli: frozenset, data_dir: Path | None,
         vintage: str | None, vintages_root: Path, timeout: float, compiled: str):
    """Yield each report's :class:`Outcome` as it finishes, built by ``pool`` (see :mod:`truce.build.executors`).

    Nothing heavy is imported here: local workers start from a clean fork server (see
    :mod:`truce.build.runner`), so a library's threads in this process cannot hang them.
    """
    from truce.build import runner

    from truce.publish import manifest

    published = manifest.load(out_dir)["reports"]
    work = [runner.Job(r.name, build_one, (r, per_report[r.name], from_cli, data_dir, vintage, vintages_root),
                       {"timeout": timeout, "compiled": compiled, "previous": published.get(r.name)}) for r in todo]
    for job, result in pool.run(work, timeout + runner.GRACE_SECONDS):
        if isinstance(result, runner.Failure):
            yield Outcome(job.name, False, result.seconds, result.message)
        else:
            yield result


def build(names: list[str], overrides: dict, out_dir: Path, from_cli: frozenset = frozenset(), echo=print,
          vintage: str | None = None, jobs: int | None = None, force: bool = False,
          timeout: float = DEFAULT_TIMEOUT, allow_future: bool = False, compiled: dt.date | None = None,
          executor: str = "local", scheduler: str | None = None) -> int:
    """Build the named reports (all when empty); return a process exit code.

    Reports whose notebook, parameters, data and ``analysis/`` code are
    unchanged since they were published are skipped (see :mod:`truce.build.cache`).

    Parameters
    ----------
    names : list of str
        Reports to build; empty means all.
    overrides : dict
        Parameter overrides; each report gets those it declares.
    out_dir : Path
        Publication folder.
    vintage : str, optional
        Build from the data as it stood in ``data/vintages/<vintage>/data``.
    jobs : int, optional
        Reports built at once (default: the number of cores, or the Dask cluster's worker threads).
    force : bool
        Rebuild even when the published copy is up to date.
    timeout : float
        Seconds a cell may run; a report also fails when it runs past this
        plus a grace period for starting its kernel and rendering its page.
    allow_future : bool
        Accept an ``as_of`` later than today.
    compiled : date, optional
        The compiled date the pages state (default: today). A rebuild pins it,
        with the resolved ``as_of``, to reproduce a page byte for byte.
    executor : str
        ``local`` (worker processes on this machine) or ``dask`` (see :mod:`truce.build.executors`).
    scheduler : str, optional
        A Dask scheduler's address; with ``dask`` and no address, a local cluster is started.

    Returns
    -------
    int
        0 when every report is published and current, 1 when any failed.
        Parameter errors raise before any notebook runs.
    """
    from truce.build import cache, executors

    executors.check_choice(executor, scheduler)
    vintages_root = config.vintages_dir()
    data_dir = vintage_data_dir(vintage) if vintage else None
    reports = select(names, echo)
    per_report = overrides_by_report(reports, overrides, from_cli)
    from_cli = frozenset()  # the values are converted to their types now
    # One clock reading for the whole build: every page is as of (by default) and compiled on the same day.
    today = dt.date.today()
    per_report = {r.name: pin_today(per_report[r.name], r.parameters, today) for r in reports}
    for mine in per_report.values():
        check_not_future(mine, today, allow_future)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    todo, fresh = _plan(reports, per_report, out_dir, data_dir or config.data_dir(), vintage, force)
    for name in fresh:
        echo(f"{name}: up to date, skipped (use --force to rebuild)")
    if not todo:
        return 0
    # Each report's own rules (allowed values, ranges, ids in the data), here, before any kernel starts.
    for report in todo:
        report.check({**{p.name: p.default for p in report.parameters}, **per_report[report.name]})
    failures, entries, code = 0, {}, cache.code_version()
    # A Dask scheduler that cannot be reached stops the build here, before anything is written.
    with executors.open_pool(executor, scheduler, jobs, echo) as pool:
        echo(f"building {len(todo)} report(s) with {min(pool.slots, len(todo))} worker(s)")
        try:
            for done, outcome in enumerate(_run(pool, todo, per_report, out_dir, from_cli, data_dir, vintage,
                                                vintages_root, timeout, (compiled or today).isoformat()), 1):
                failures += _publish(outcome, f"[{done}/{len(todo)}] {outcome.report}", todo, per_report, out_dir,
                                     data_dir, vintage, code, entries, echo)
        finally:
            # Even when interrupted, record what did get published.
            publish_site(out_dir, entries)
    return 1 if failures else 0


def _publish(outcome: Outcome, tag: str, todo: list[Report], per_report: dict, out_dir: Path, data_dir: Path | None,
             vintage: str | None, code: str, entries: dict, echo) -> int:
    """Write one finished report's files and say how it went; add its manifest entry; return 1 if it failed."""
    from truce.build import cache

    publish_files(out_dir, outcome)
    if outcome.ok:
        report = next(r for r in todo if r.name == outcome.report)
        names_read = [Path(i["path"]).name for i in outcome.entry["inputs"]]
        outcome.entry["cache_key"] = cache.cache_key(report.path, per_report[report.name], vintage,
                                                     data_dir or config.data_dir(), names_read, code)
        outcome.entry["seconds"] = round(outcome.seconds, 1)
        entries[outcome.report] = outcome.entry
        echo(f"{tag}: published {out_dir / (outcome.report + '.html')} ({outcome.message}, {outcome.seconds:.1f} s)")
        return 0
    kept = f"\n  executed notebook kept at {out_dir / FAILED_DIR / (outcome.report + '.ipynb')}" if outcome.files else ""
    print(f"{tag}: FAILED after {outcome.seconds:.1f} s; the previously published report is unchanged"
          f"\n  {outcome.message}{kept}", file=sys.stderr)
    return 1
