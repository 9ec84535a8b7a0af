"""The build reads the .ipynb; its jupytext .py twin must say the same, or the build refuses."""

import shutil

import pytest
from support import run_truce

from analysis import config
from analysis.errors import NotebookPairError
from truce.build.catalog import check_pair, discover


def test_every_committed_report_pair_matches():
    reports = discover()
    assert sorted(reports) == ["durability", "history", "purchases", "rare_earths", "tariffs"]
    for report in reports.values():
        check_pair(report.path)  # raises if the .py says something else


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return folder


def test_an_edit_to_the_py_twin_alone_is_refused_by_name(notebooks):
    twin = notebooks / "history.py"
    twin.write_text(twin.read_text(encoding="utf-8").replace('as_of = "today"', 'as_of = "2026-01-31"', 1),
                    encoding="utf-8")
    with pytest.raises(NotebookPairError, match=r"history\.ipynb and history\.py differ \(cell 1\)"):
        check_pair(notebooks / "history.ipynb")
    result = run_truce("list", env={config.NOTEBOOKS_DIR_ENV: str(notebooks)})
    assert result.returncode == 2
    assert "history.ipynb and history.py differ" in result.stderr and "jupytext --sync" in result.stderr


def test_a_synced_pair_builds_again(notebooks):
    import jupytext

    twin = notebooks / "history.py"
    twin.write_text(twin.read_text(encoding="utf-8") + "\n# %%\n1 + 1\n", encoding="utf-8")
    with pytest.raises(NotebookPairError, match="cell count"):
        check_pair(notebooks / "history.ipynb")
    jupytext.write(jupytext.read(twin), notebooks / "history.ipynb", fmt="ipynb")
    check_pair(notebooks / "history.ipynb")


def test_committed_notebooks_carry_no_outputs():
    import json

    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), path.name


def test_git_strips_notebook_outputs_on_commit():
    """`make` installs nbstripout as this clone's git filter for notebooks."""
    import subprocess

    root = config.NOTEBOOKS_DIR.parent
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True)
    if inside.returncode != 0:
        pytest.skip("not a git work tree (an unpacked archive): nothing is committed from here")
    attr = subprocess.run(["git", "check-attr", "filter", "notebooks/purchases.ipynb"], cwd=root,
                          capture_output=True, text=True, check=True)
    assert attr.stdout.strip().endswith("filter: nbstripout"), "run make setup: it installs the nbstripout git filter"
    clean = subprocess.run(["git", "config", "--get", "filter.nbstripout.clean"], cwd=root, capture_output=True,
                           text=True, check=True)
    assert "nbstripout" in clean.stdout
