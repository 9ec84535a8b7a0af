"""Run report notebooks with papermill and publish them atomically.

For each report: check the parameters against its parameters cell, execute
it in the project kernel, then write ``<out>/<report>.ipynb`` and
``<out>/<report>.html``, each through a temporary file and a rename, so a
reader never sees a half-written page and a failed build leaves the last
published report in place. A failed run's notebook goes to ``<out>/_failed/``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.errors import ParameterError
from analysis.params import read_parameters, resolve


@dataclass(frozen=True)
class Report:
    """A report notebook: its name is the file stem."""

    name: str
    path: Path

    @property
    def parameters(self):
        return read_parameters(self.path)

    @property
    def meta(self) -> dict:
        import json

        notebook = json.loads(self.path.read_text(encoding="utf-8"))
        return notebook.get("metadata", {}).get("truce", {})

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)


def discover(notebooks_dir: Path | None = None) -> dict[str, Report]:
    """All report notebooks in ``notebooks/``, by name."""
    base = notebooks_dir or config.NOTEBOOKS_DIR
    return {p.stem: Report(p.stem, p) for p in sorted(base.glob("*.ipynb"))}


def select(names: list[str]) -> list[Report]:
    """The named reports (all when ``names`` is empty); error on an unknown name."""
    reports = discover()
    if not names:
        return list(reports.values())
    unknown = [n for n in names if n not in reports]
    if unknown:
        raise ParameterError("REPORT", f"unknown report {', '.join(unknown)}; known: {', '.join(reports)}")
    return [reports[n] for n in names]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; published files are not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Outcome:
    """What happened to one report."""

    report: str
    ok: bool
    seconds: float
    message: str = ""


def _execute(report: Report, parameters: dict, workdir: Path):
    """Execute the notebook in the project kernel; return the executed notebook."""
    import nbformat
    import papermill

    from analysis.charts import BUILD_ENV

    os.environ[BUILD_ENV] = "1"  # the kernel inherits it: charts keep only their spec
    executed = workdir / f"{report.name}.ipynb"
    papermill.execute_notebook(
        str(report.path),
        str(executed),
        parameters=parameters,
        kernel_name=config.KERNEL_NAME,
        cwd=str(config.NOTEBOOKS_DIR),
        progress_bar=False,
        request_save_on_cell_execute=False,
    )
    return nbformat.read(executed, as_version=4)


def _failure_message(err) -> str:
    source = "\n".join("    " + line for line in str(err.source).splitlines())
    return f"cell {err.cell_index} failed:\n{source}\n  {err.ename}: {err.evalue}"


def build_one(report: Report, overrides: dict, out_dir: Path, from_cli: frozenset = frozenset()) -> Outcome:
    """Build one report into ``out_dir``; never raises for a notebook error.

    Raises
    ------
    ParameterError
        Before anything runs, for an unknown parameter or a wrongly typed value.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from analysis import publish

    parameters = resolve(report.parameters, overrides, from_cli)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="truce-build-") as tmp:
        try:
            nb = _execute(report, parameters, Path(tmp))
        except PapermillExecutionError as err:
            failed = Path(tmp) / f"{report.name}.ipynb"
            failed_dir = out_dir / "_failed"
            atomic_write(failed_dir / f"{report.name}.ipynb", failed.read_bytes())
            return Outcome(report.name, False, time.monotonic() - started,
                           f"{_failure_message(err)}\n  executed notebook kept at {failed_dir / (report.name + '.ipynb')}")
    nb = publish.strip_volatile_metadata(nb)
    page = publish.to_html(nb, report.title)
    # The HTML goes last: a reader who sees a new page can rely on its notebook being there too.
    atomic_write(out_dir / f"{report.name}.ipynb", nbformat.writes(nb).encode("utf-8"))
    atomic_write(out_dir / f"{report.name}.html", page.encode("utf-8"))
    return Outcome(report.name, True, time.monotonic() - started, f"{len(page) / 1e6:.2f} MB")


def overrides_by_report(reports: list[Report], overrides: dict, from_cli: frozenset = frozenset()) -> dict:
    """Give each report the overrides it declares, checking all before anything runs.

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
        per_report[report.name] = mine
        resolve(report.parameters, mine, from_cli)
    return per_report


def build(names: list[str], overrides: dict, out_dir: Path, from_cli: frozenset = frozenset(), echo=print) -> int:
    """Build the named reports (all when empty); return a process exit code.

    Returns
    -------
    int
        0 when every report was published, 1 when any failed. Parameter
        errors raise before any notebook runs.
    """
    reports = select(names)
    per_report = overrides_by_report(reports, overrides, from_cli)
    out_dir = Path(out_dir).resolve()
    failures = 0
    for i, report in enumerate(reports, 1):
        echo(f"[{i}/{len(reports)}] {report.name}: running")
        outcome = build_one(report, per_report[report.name], out_dir, from_cli)
        if outcome.ok:
            echo(f"[{i}/{len(reports)}] {report.name}: published {out_dir / (report.name + '.html')} "
                 f"({outcome.message}, {outcome.seconds:.1f} s)")
        else:
            failures += 1
            print(f"[{i}/{len(reports)}] {report.name}: FAILED after {outcome.seconds:.1f} s; "
                  f"the previously published report is unchanged\n  {outcome.message}", file=sys.stderr)
    return 1 if failures else 0
