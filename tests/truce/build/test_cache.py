"""The build cache: unchanged inputs skip, every kind of change rebuilds, damage is not trusted."""

import os
import shutil
import subprocess
import sys

import pytest

from truce import files
from truce.build import cache
from analysis import config
from support import run_truce

# --- cache keys (unit) -------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path):
    nb = tmp_path / "r.ipynb"
    nb.write_text('{"cells": []}')
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    return nb, data


def key(nb, data, params=None, vintage=None, code="c1", names=("a.csv",)):
    return cache.cache_key(nb, params or {}, vintage, data, list(names), code)


def test_key_is_stable_for_the_same_inputs(inputs):
    nb, data = inputs
    assert key(nb, data) == key(nb, data) and len(key(nb, data)) == 64


@pytest.mark.parametrize("change", ["notebook", "parameter", "vintage", "data", "code"])
def test_each_kind_of_change_changes_the_key(inputs, change):
    nb, data = inputs
    before = key(nb, data)
    if change == "notebook":
        nb.write_text('{"cells": [1]}')
        assert key(nb, data) != before
    elif change == "parameter":
        assert key(nb, data, params={"as_of": "2026-01-31"}) != before
    elif change == "vintage":
        assert key(nb, data, vintage="2026-10-01") != before
    elif change == "data":
        (data / "a.csv").write_text("x\n2\n")
        assert key(nb, data) != before
    else:
        assert key(nb, data, code="c2") != before


def test_missing_input_means_no_key(inputs):
    nb, data = inputs
    assert key(nb, data, names=("a.csv", "gone.csv")) is None


@pytest.fixture
def project(tmp_path):
    """A copy of the project's two packages, free to edit."""
    for package in ("analysis", "truce"):
        shutil.copytree(config.PROJ_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_code_version_covers_what_notebooks_import_and_the_page_templates(project):
    before = cache.code_version(project)
    (project / "truce" / "publish" / "templates" / "truce" / "report.css").write_text("/* changed */")
    after_template = cache.code_version(project)
    (project / "analysis" / "views" / "text.py").write_text("# changed\n")
    after_view = cache.code_version(project)
    (project / "analysis" / "domain" / "commitments.py").write_text("# changed\n")
    assert len({before, after_template, after_view, cache.code_version(project)}) == 4


def test_editing_the_refresh_client_the_command_line_or_the_build_machinery_changes_no_key(project):
    before = cache.code_version(project)
    for tool in ("refresh/esr.py", "refresh/census.py", "refresh/run.py", "cli.py", "build/runner.py",
                 "build/engine.py"):
        (project / "truce" / tool).write_text("# edited\n")
    assert cache.code_version(project) == before


def test_a_new_version_of_a_rendering_package_changes_the_key(monkeypatch):
    from importlib import metadata

    before = cache.code_version()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "altair" else real(name))
    assert "altair=99.0" in cache.environment_version()
    assert cache.code_version() != before


def test_fresh_only_with_the_same_key_and_intact_outputs(tmp_path):
    (tmp_path / "r.html").write_text("page")
    digest = files.sha256(tmp_path / "r.html")
    entry = {"cache_key": "k", "outputs": {"r.html": digest}}
    assert cache.is_fresh(entry, "k", tmp_path)
    assert not cache.is_fresh(entry, "other", tmp_path)
    assert not cache.is_fresh(entry, None, tmp_path)
    (tmp_path / "r.html").write_text("tampered")
    assert not cache.is_fresh(entry, "k", tmp_path)
    for broken in [{}, {"cache_key": "k"}, {"cache_key": "k", "outputs": []}, "not a dict"]:
        assert not cache.is_fresh(broken, "k", tmp_path)


def test_previous_inputs_refuses_malformed_entries():
    assert cache.previous_inputs({"inputs": [{"path": "data/a.csv"}]}) == ["a.csv"]
    for broken in [{}, {"inputs": "a.csv"}, {"inputs": [{"name": "a"}]}, None]:
        assert cache.previous_inputs(broken) is None


# --- builds (end to end) -----------------------------------------------------------------------


def truce(*args, data_dir=None):
    result = run_truce(*args, data_dir=data_dir)
    return result.returncode, result.stdout + result.stderr

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One build of the purchases report from a private copy of the data."""
    root = tmp_path_factory.mktemp("cache")
    data = root / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("vintages"))
    out = root / "out"
    code, log = truce("build", "purchases", "--out", out, data_dir=data)
    assert code == 0, log
    return out, data


@pytest.fixture
def built(published, tmp_path):
    """A private copy of the published site and its data, free to change."""
    out, data = tmp_path / "out", tmp_path / "data"
    shutil.copytree(published[0], out)
    shutil.copytree(published[1], data)
    return out, data


def test_each_kind_of_change_rebuilds_and_only_then(built):
    out, data = built
    code, log = truce("build", "purchases", "-p", "method", "linear", "--out", out, data_dir=data)
    assert code == 0 and "[1/1] purchases: published" in log  # a parameter changed

    code, log = truce("build", "purchases", "-p", "method", "linear", "--out", out, data_dir=data)
    assert "purchases: up to date, skipped" in log  # the same parameter again

    sources = data / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace(",2026-11-23,", ",2026-11-24,", 1),
                       encoding="utf-8")
    code, log = truce("build", "purchases", "-p", "method", "linear", "--out", out, data_dir=data)
    assert code == 0 and "[1/1] purchases: published" in log  # a data file it reads changed

    code, log = truce("build", "purchases", "-p", "method", "linear", "--force", "--out", out, data_dir=data)
    assert "[1/1] purchases: published" in log


def test_damaged_cache_entries_are_not_trusted(built):
    out, data = built
    page = out / "purchases.html"
    page.write_bytes(page.read_bytes()[:1000])  # a truncated page
    code, log = truce("build", "purchases", "--out", out, data_dir=data)
    assert "[1/1] purchases: published" in log and page.stat().st_size > 100_000

    (out / "manifest.json").write_text("{corrupt")
    code, log = truce("build", "purchases", "--out", out, data_dir=data)
    assert "[1/1] purchases: published" in log


HEAVY = ("pandas", "papermill", "nbconvert", "altair", "nbformat")


def run_cli(code: str, env=None) -> tuple[list, str]:
    """Run CLI calls in a fresh interpreter; return the heavy modules it imported and its output."""
    script = (f"import sys\nfrom truce import cli\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
              f"print('IMPORTED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=full_env, cwd="/")
    assert result.returncode == 0, result.stderr
    imported = result.stdout.rsplit("IMPORTED:", 1)[1].strip()
    return [m for m in imported.split(",") if m], result.stdout


def test_help_and_list_import_nothing_heavy():
    assert run_cli("cli.main(['--help'])")[0] == []
    assert run_cli("cli.main(['list'])")[0] == []


def test_no_change_build_skips_and_imports_nothing_heavy(published):
    out, data = published
    imported, output = run_cli(f"cli.main(['build', 'purchases', '--out', {str(out)!r}])",
                               env={config.DATA_DIR_ENV: str(data)})
    assert "purchases: up to date, skipped" in output
    assert imported == []
