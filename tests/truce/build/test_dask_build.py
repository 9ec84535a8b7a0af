"""A build through the Dask executor publishes the same bytes as a local build.

The workers of a `distributed.LocalCluster` return every file as bytes and
the build process writes them, so the two output folders must match file for
file; only ``manifest.json`` records when and how long each build ran.
"""

import json

from support import run_truce

REPORTS = ("history", "rare_earths")


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "manifest.json"}


def test_a_dask_build_is_byte_identical_to_a_local_build(tmp_path):
    local = run_truce("build", *REPORTS, "--force", "--out", tmp_path / "local")
    assert local.returncode == 0, local.stderr
    dask = run_truce("build", *REPORTS, "--force", "--executor", "dask", "-j", "2", "--out", tmp_path / "dask")
    assert dask.returncode == 0, dask.stderr
    assert "started a local Dask cluster of 2 worker process(es)" in dask.stdout
    assert "building 2 report(s) with 2 worker(s)" in dask.stdout
    assert dask.stdout.count(": published ") == 2
    by_local, by_dask = files(tmp_path / "local"), files(tmp_path / "dask")
    assert sorted(by_dask) == sorted(by_local)
    assert "figures/history/fig-1.svg" in by_dask
    assert [name for name in by_dask if by_dask[name] != by_local[name]] == []
    entries = [json.loads((tmp_path / folder / "manifest.json").read_text())["reports"] for folder in ("local", "dask")]
    for entry in entries:
        for report in entry.values():
            report.pop("seconds")
    assert entries[0] == entries[1]


def test_a_scheduler_needs_the_dask_executor(tmp_path):
    result = run_truce("build", "history", "--scheduler", "tcp://127.0.0.1:8786", "--out", tmp_path / "out")
    assert result.returncode == 2 and "it needs --executor dask" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_scheduler_address_must_look_like_one(tmp_path):
    result = run_truce("build", "history", "--executor", "dask", "--scheduler", "127.0.0.1", "--out", tmp_path / "out")
    assert result.returncode == 2 and "is not a scheduler address like tcp://HOST:8786" in result.stderr
