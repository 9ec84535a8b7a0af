"""A sweep run whose worker is killed, or whose cell never returns, fails alone; the other runs still finish.
A sweep on a running Dask scheduler uses it as it is and stops its kernels after.

A tiny report stands in for the real ones: it records twice its parameter
``x``, and when given a ``pid_file`` it writes its kernel's parent (the worker
running it) there and sleeps.
"""

import csv
import time

import distributed
import nbformat
import pytest

from analysis import config
from support import kill_worker_once_started, run_truce, truce_process

NAME = "doubling"
BODY = """\
import os, time
from analysis.headline import record
record("double", x * 2)
if pid_file:
    open(pid_file, "w").write(str(os.getppid()))
    time.sleep(10**6)
"""


def notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python (truce-monitor)",
                                 "language": "python"}
    nb.metadata["truce"] = {"title": "Doubling"}
    params = nbformat.v4.new_code_cell('x = 1  # the number to double\n'
                                       'pid_file = ""  # where the run writes its worker\'s process id, then hangs')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(BODY)]
    nbformat.write(nb, folder / f"{NAME}.ipynb")
    return {config.NOTEBOOKS_DIR_ENV: str(folder)}


def rows(folder):
    with open(folder / "sweep.csv", encoding="utf-8", newline="") as handle:
        return {(row["x"], row["pid_file"]): row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_killing_the_worker_of_a_run_fails_only_that_run(tmp_path, executor):
    env = notebooks(tmp_path)
    pid_file = tmp_path / "worker.pid"
    grid = tmp_path / "grid.yaml"
    # The hanging run comes first; with one worker the other two run after the kill, on a new worker.
    grid.write_text(f"runs:\n  - {{x: 1, pid_file: '{pid_file}'}}\n  - {{x: 2}}\n  - {{x: 3}}\n", encoding="utf-8")
    process = truce_process("sweep", NAME, "--grid", grid, "--out", tmp_path / "out", "--executor", executor,
                            "-j", "1", "--timeout", "300", env=env)
    stdout, stderr = kill_worker_once_started(process, pid_file)
    assert process.returncode == 1, stderr
    assert "its worker process died" in stderr
    assert "ok 2, failed 1, skipped 0" in stdout
    table = rows(tmp_path / "out")
    assert table[("1", str(pid_file))]["run_status"] == "failed"
    assert "its worker process died" in table[("1", str(pid_file))]["run_error"]
    assert [(table[(x, "")]["run_status"], table[(x, "")]["double"]) for x in ("2", "3")] == [("ok", "4"), ("ok", "6")]


def test_a_run_whose_cell_never_returns_fails_at_the_limit_on_dask(tmp_path):
    env = notebooks(tmp_path)
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"runs:\n  - {{x: 1, pid_file: '{tmp_path / 'worker.pid'}'}}\n  - {{x: 2}}\n", encoding="utf-8")
    started = time.monotonic()
    result = run_truce("sweep", NAME, "--grid", grid, "--out", tmp_path / "out", "--executor", "dask", "-j", "1",
                       "--timeout", "5", env=env)
    assert result.returncode == 1, result.stderr
    assert f"{NAME}: timed out after 5 s (a cell ran past the limit)" in result.stderr
    assert "ok 1, failed 1, skipped 0" in result.stdout
    assert time.monotonic() - started < 120
    # The failed run's notebook is not kept (the kernel was stopped mid-cell); the other run's is.
    assert len(list((tmp_path / "out" / "runs").glob("*.ipynb"))) == 1


@pytest.fixture
def scheduler():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield cluster.scheduler_address, client


def test_a_sweep_uses_a_running_scheduler_and_stops_its_kernels_after(tmp_path, scheduler):
    address, client = scheduler
    grid = tmp_path / "grid.yaml"
    grid.write_text("x: [1, 2]\n", encoding="utf-8")
    result = run_truce("sweep", NAME, "--grid", grid, "--out", tmp_path / "out", "--executor", "dask",
                       "--scheduler", address, env=notebooks(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"using the Dask scheduler at {address}" in result.stdout
    assert "ok 2, failed 0, skipped 0" in result.stdout
    with open(tmp_path / "out" / "sweep.csv", encoding="utf-8", newline="") as handle:
        assert [(row["x"], row["double"]) for row in csv.DictReader(handle)] == [("1", "2"), ("2", "4")]
    # The worker plugin's teardown stopped the warm kernel the runs used; the worker itself lives on.
    kernels = client.run(lambda: len(__import__("importlib").import_module("truce.build.dask_executor")._all_kernels))
    assert list(kernels.values()) == [0]
