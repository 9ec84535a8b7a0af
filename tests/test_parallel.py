"""Parallel builds publish the same bytes as serial ones; a data change rebuilds only its readers."""

import shutil

import pytest

from analysis import config
from support import run_truce

REPORTS = ("purchases", "rare_earths")


def truce(*args, data_dir):
    result = run_truce(*args, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return result.stdout

@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("parallel")
    data = root / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("vintages"))
    log = truce("build", *REPORTS, "--jobs", "2", "--out", root / "parallel", data_dir=data)
    assert "with 2 worker(s)" in log
    truce("build", *REPORTS, "--jobs", "1", "--out", root / "serial", data_dir=data)
    return root, data


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "manifest.json"}


def test_parallel_and_serial_builds_write_the_same_bytes(sites):
    root, _ = sites
    parallel, serial = files(root / "parallel"), files(root / "serial")
    assert sorted(parallel) == sorted(serial)
    assert "figures/rare_earths/fig-1.svg" in parallel
    assert [name for name in parallel if parallel[name] != serial[name]] == []


def test_changing_one_data_file_rebuilds_only_the_reports_that_read_it(sites):
    root, data = sites
    target = data / "rare_earths.csv"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes, same rows
    log = truce("build", *REPORTS, "--out", root / "parallel", data_dir=data)
    assert "purchases: up to date, skipped" in log
    assert "rare_earths: published" in log
