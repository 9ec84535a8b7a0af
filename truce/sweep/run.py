"""One sweep run, in a worker: execute the report notebook and return it as bytes.

No page is rendered: a sweep wants the executed notebook and the values it
recorded (``analysis.headline.record``). The worker may be on another machine,
so nothing is written outside a private temporary folder; the sweep writes
``runs/<run-id>.ipynb`` itself.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from truce.build.catalog import Report


@dataclass
class RunResult:
    """What one run produced."""

    run_id: str
    ok: bool
    seconds: float
    notebook: bytes = b""  # the executed notebook; a failed run's too, when it got as far as a cell
    recorded: dict = field(default_factory=dict)  # headline values, by name
    inputs: list[str] = field(default_factory=list)  # names of the data files it read, for the cache key
    error: str = ""


def execute_run(report: Report, parameters: dict, run_id: str, timeout: float, compiled: str,
                kernel) -> RunResult:
    """Run the report notebook with ``parameters`` in ``kernel``; a notebook error is reported, not raised.

    The executed notebook keeps the recorded values in ``metadata.truce.recorded``
    and the run's id and parameters beside them.
    """
    import nbformat

    from truce.build.engine import RunFailed, normalise, run_notebook

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="truce-sweep-") as tmp:
        try:
            nb, facts = run_notebook(report, parameters, Path(tmp), None, kernel, timeout, compiled)
        except RunFailed as failed:
            notebook = failed.notebook.read_bytes() if failed.notebook is not None else b""
            return RunResult(run_id, False, time.monotonic() - started, notebook, error=failed.message)
    recorded = dict(sorted(facts.get("recorded", {}).items()))
    nb = normalise(nb, report, f"runs/{run_id}.ipynb")
    nb.metadata["truce"] = {"recorded": recorded, "run_id": run_id, "parameters": parameters}
    return RunResult(run_id, True, time.monotonic() - started, nbformat.writes(nb).encode("utf-8"), recorded,
                     [Path(p).name for p in facts["read"]])
