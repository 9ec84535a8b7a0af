"""Plain papermill, run from an unrelated working directory, gives the same outputs as `truce build`.

For every report at three dates (one in the 12 Mt pledge's final weeks, where a Timestamp once reached
a chart spec and broke every path but the build's), the executed notebooks' outputs must be equal:
the same prose, tables and chart specs. The compiled date is pinned on both paths.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import run_truce

from analysis import config
from analysis.data.evidence import COMPILED_ENV
from analysis.views.charts import VEGA_MIME

DATES = ["2025-06-30", "2026-01-15", "2026-11-30"]
COMPILED = "2026-12-01"
REPORTS = ["durability", "history", "purchases", "rare_earths", "tariffs"]


def outputs(path: Path) -> list:
    """Every cell's outputs, without what papermill records about the run itself."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [[{k: v for k, v in out.items() if k != "execution_count"} for out in cell.get("outputs", [])]
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("as_of", DATES)
def test_papermill_from_any_directory_matches_the_build(tmp_path, as_of):
    site = tmp_path / "site"
    built = run_truce("build", *REPORTS, "-p", "as_of", as_of, "--compiled", COMPILED, "--out", site)
    assert built.returncode == 0, built.stderr
    papermill = Path(sys.executable).with_name("papermill")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def execute(report: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(papermill), str(config.NOTEBOOKS_DIR / f"{report}.ipynb"),
                               str(elsewhere / f"{report}.ipynb"), "-k", config.KERNEL_NAME, "-p", "as_of", as_of,
                               "--no-progress-bar"],
                              cwd=elsewhere, capture_output=True, text=True, timeout=600,
                              env={**os.environ, COMPILED_ENV: COMPILED})

    # Two papermill runs at a time (each its own kernel process): the machine's two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(REPORTS, pool.map(execute, REPORTS)))
    # The published notebooks keep each chart as Vega 5, which JupyterLab draws when one is opened.
    drawn = sum(VEGA_MIME in output.get("data", {}) for report in REPORTS for cell in outputs(site / f"{report}.ipynb")
                for output in cell)
    assert drawn >= len(REPORTS), f"only {drawn} charts in the published notebooks"
    for report, run in runs.items():
        assert run.returncode == 0, f"{report} at {as_of}: {run.stderr[-2000:]}"
        published = outputs(site / f"{report}.ipynb")
        assert sum(map(len, published)) >= 5, f"{report}: the published notebook should keep its outputs"
        assert outputs(elsewhere / f"{report}.ipynb") == published, f"{report} at {as_of} differs"
