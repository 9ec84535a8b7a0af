"""Builds are identical whatever the path: serial with a cold cache, parallel, parallel again.

The first two builds start with empty cache folders and a new HOME, as on a
new machine, where a warm cache once hid a hang. Every published page is
then read for stray output: no ``ERROR!``, traceback or warning text.
"""

import shutil

import pytest

from analysis import config
from support import STRAY, run_truce, visible_text

REPORTS = ("durability", "history", "purchases", "rare_earths", "tariffs")


def cold_environment(root):
    """A new HOME and empty cache, IPython and Jupyter data folders."""
    home = root / "home"
    home.mkdir()
    return {"HOME": str(home), "XDG_CACHE_HOME": str(root / "cache"), "IPYTHONDIR": str(root / "ipython"),
            "JUPYTER_DATA_DIR": str(root / "jupyter-data")}


def truce(*args, data_dir, env=None):
    result = run_truce(*args, data_dir=data_dir, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("determinism")
    data = root / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("vintages"))
    cold_serial, cold_parallel = root / "cold-serial", root / "cold-parallel"
    cold_serial.mkdir(), cold_parallel.mkdir()
    truce("build", "--force", "--jobs", "1", "--out", root / "serial", data_dir=data,
          env=cold_environment(cold_serial))
    log = truce("build", "--force", "--jobs", "2", "--out", root / "parallel", data_dir=data,
                env=cold_environment(cold_parallel))
    assert "with 2 worker(s)" in log
    truce("build", "--force", "--jobs", "2", "--out", root / "parallel-again", data_dir=data)
    return root, data


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "manifest.json"}


def test_a_cold_parallel_build_publishes_every_report(sites):
    root, _ = sites
    assert {f"{name}.html" for name in REPORTS} <= {p.name for p in (root / "parallel").glob("*.html")}


def test_serial_cold_parallel_and_parallel_again_write_the_same_bytes(sites):
    root, _ = sites
    serial, parallel, again = files(root / "serial"), files(root / "parallel"), files(root / "parallel-again")
    assert sorted(parallel) == sorted(serial) == sorted(again)
    assert "figures/rare_earths/fig-1.svg" in parallel
    assert [name for name in parallel if parallel[name] != serial[name]] == []
    assert [name for name in parallel if parallel[name] != again[name]] == []


def test_no_page_shows_errors_tracebacks_or_warnings(sites):
    root, _ = sites
    for page in sorted((root / "parallel").glob("*.html")):
        found = STRAY.findall(visible_text(page.read_text(encoding="utf-8")))
        assert found == [], (page.name, found)


def test_the_scan_finds_stray_output():
    page = '<p>Fine</p><pre>ERROR! Session/line number was not unique</pre><script>var Warning = 1;</script>'
    assert STRAY.findall(visible_text(page)) == ["ERROR!"]


def test_changing_one_data_file_rebuilds_only_the_reports_that_read_it(sites):
    root, data = sites
    target = data / "rare_earths.csv"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes, same rows
    log = truce("build", "purchases", "rare_earths", "--out", root / "parallel", data_dir=data)
    assert "purchases: up to date, skipped" in log
    assert "rare_earths: published" in log
