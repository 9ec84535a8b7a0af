"""`truce sweep` end to end on the history report: values equal single builds, locally and on a Dask cluster.

Six runs (three as-of dates, both ways of counting endings) run once on the
local executor and once on a `distributed.LocalCluster` of two worker
processes; each run's recorded values must equal those of a single build of
the report with the same parameters, and the two sweeps must write the same
notebooks.
"""

import csv
import datetime as dt
import json
import socket

import nbformat
import pytest

from support import run_truce
from truce.build.catalog import select
from truce.build.engine import build_one
from truce.build.kernel import WarmKernel

GRID = "as_of: [2025-06-30, 2025-12-31, 2026-06-30]\nending: [breakdown, any]\n"


def sweep(*args):
    return run_truce("sweep", "history", *args)


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    (root / "grid.yaml").write_text(GRID, encoding="utf-8")
    local = sweep("--grid", root / "grid.yaml", "--out", root / "local")
    assert local.returncode == 0, local.stderr
    dask = sweep("--grid", root / "grid.yaml", "--out", root / "dask", "--executor", "dask", "-j", "2")
    assert dask.returncode == 0, dask.stderr
    return root, local, dask


def rows(folder):
    with open(folder / "sweep.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def recorded(folder):
    """Each run's parameters (sorted JSON) -> the values its notebook recorded."""
    found = {}
    for path in sorted((folder / "runs").glob("*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata["truce"]
        assert meta["run_id"] == path.stem
        found[json.dumps(meta["parameters"], sort_keys=True)] = meta["recorded"]
    return found


@pytest.fixture(scope="module")
def single_builds(sweeps):
    """The recorded values of one build of the report per parameter set of the grid, in one warm kernel."""
    root, _, _ = sweeps
    report = select(["history"])[0]
    kernel = WarmKernel()
    found = {}
    try:
        for row in rows(root / "local"):
            parameters = {"as_of": row["as_of"], "ending": row["ending"]}
            outcome = build_one(report, parameters, kernel=kernel, compiled=dt.date.today().isoformat())
            assert outcome.ok, outcome.message
            found[json.dumps(parameters, sort_keys=True)] = outcome.entry["recorded"]
    finally:
        kernel.shutdown()
    return found


def test_a_local_sweep_records_what_single_builds_record(sweeps, single_builds):
    root, result, _ = sweeps
    assert result.stdout.count(": ok (") == 6
    assert "ok 6, failed 0, skipped 0" in result.stdout
    assert recorded(root / "local") == single_builds
    assert len(single_builds) == 6 and all(single_builds.values()), "history records its headline values"


def test_the_table_has_a_row_per_run_with_parameters_values_and_status(sweeps, single_builds):
    root, _, _ = sweeps
    table = rows(root / "local")
    assert [(r["as_of"], r["ending"]) for r in table] == [
        (day, ending) for day in ("2025-06-30", "2025-12-31", "2026-06-30") for ending in ("breakdown", "any")]
    names = sorted(next(iter(single_builds.values())))
    header = list(table[0])
    assert header[:3] == ["run_id", "as_of", "ending"] and header[-3:] == ["run_status", "run_error", "run_seconds"]
    assert [n.removeprefix("recorded_") for n in header[3:-3]] == names
    for row in table:
        assert row["run_status"] == "ok" and row["run_error"] == "" and float(row["run_seconds"]) > 0
        assert (root / "local" / "runs" / f"{row['run_id']}.ipynb").is_file()


def test_the_summary_page_is_offline_with_a_table_and_charts(sweeps):
    root, _, _ = sweeps
    page = (root / "local" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<table" in page and "Sweep: How long" in page
    assert "http://" not in page.replace("http://www.w3.org/", "") and "https://" not in page
    assert "<script" not in page


def test_a_sweep_on_a_dask_local_cluster_gives_equal_values_and_notebooks(sweeps):
    root, _, result = sweeps
    assert "started a local Dask cluster of 2 worker process(es)" in result.stdout
    assert "ok 6, failed 0, skipped 0" in result.stdout
    assert recorded(root / "dask") == recorded(root / "local")
    local = {p.name: p.read_bytes() for p in (root / "local" / "runs").iterdir()}
    dask = {p.name: p.read_bytes() for p in (root / "dask" / "runs").iterdir()}
    assert local == dask


def test_a_rerun_skips_every_run_whose_key_is_unchanged(sweeps):
    root, _, _ = sweeps
    before = rows(root / "local")
    result = sweep("--grid", root / "grid.yaml", "--out", root / "local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("up to date, skipped") == 6
    assert "ok 0, failed 0, skipped 6" in result.stdout and "sweeping" not in result.stdout
    after = rows(root / "local")
    assert [r["run_status"] for r in after] == ["skipped"] * 6
    assert [{k: v for k, v in r.items() if k != "run_status"} for r in after] == \
           [{k: v for k, v in r.items() if k != "run_status"} for r in before]


def test_an_unknown_grid_parameter_exits_2_before_anything_runs(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("as_of: [2025-06-30, 2025-12-31]\nwindow_days: [30, 60]\n", encoding="utf-8")
    result = sweep("--grid", grid, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert f"parameter 'window_days': {grid}: run 1 (as_of=2025-06-30 window_days=30): unknown parameter" \
           in result.stderr
    assert not (tmp_path / "out").exists() and "sweeping" not in result.stdout


def test_a_bad_value_exits_2_naming_the_grid_the_run_and_the_parameter(tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("runs:\n  - {ending: any}\n  - {ending: sometimes}\n", encoding="utf-8")
    result = sweep("--grid", grid, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert f"parameter 'ending': {grid}: run 2 (ending=sometimes): 'sometimes' is not one of" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_scheduler_needs_the_dask_executor(tmp_path):
    (tmp_path / "grid.yaml").write_text("ending: [any]\n", encoding="utf-8")
    result = sweep("--grid", tmp_path / "grid.yaml", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.returncode == 2 and "it needs --executor dask" in result.stderr


def test_a_scheduler_out_of_reach_exits_2_and_writes_nothing(tmp_path):
    (tmp_path / "grid.yaml").write_text("ending: [any]\n", encoding="utf-8")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = sweep("--grid", tmp_path / "grid.yaml", "--out", tmp_path / "out", "--executor", "dask",
                   "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.returncode == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "out").exists()
