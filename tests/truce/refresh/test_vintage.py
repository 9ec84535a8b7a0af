"""Dated vintages: a report rebuilt from a vintage reproduces the original page byte for byte."""

import shutil

import pytest

from truce import cli
from analysis import config
from support import run_truce as truce

VINTAGE = "2026-11-01"



@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A data folder with one saved vintage, a build from it, then a change to the current data."""
    root = tmp_path_factory.mktemp("vintage")
    data = root / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("schema", "README.md", "vintages"))
    snapshot = data / "vintages" / VINTAGE / "data"
    snapshot.mkdir(parents=True)
    for csv in data.glob("*.csv"):
        shutil.copy2(csv, snapshot / csv.name)
    original = root / "original"
    result = truce("build", "purchases", "--out", original, data_dir=data)
    assert result.returncode == 0, result.stderr
    # Later, the current data moves on (a source's accessed date changes).
    sources = (data / "sources.csv").read_text(encoding="utf-8")
    assert ",2026-11-23," in sources
    (data / "sources.csv").write_text(sources.replace(",2026-11-23,", ",2026-11-24,", 1), encoding="utf-8")
    return root, data, original


def test_the_original_build_names_the_vintage_it_matches(history):
    page = (history[2] / "purchases.html").read_text(encoding="utf-8")
    assert f"data vintage <strong>{VINTAGE}</strong>" in page
    assert f" --vintage {VINTAGE} -p as_of" in page


def test_vintage_build_reproduces_the_original_bytes(history):
    root, data, original = history
    assert (data / "sources.csv").read_bytes() != (data / "vintages" / VINTAGE / "data" / "sources.csv").read_bytes()
    rebuilt = root / "rebuilt"
    result = truce("build", "purchases", "--vintage", VINTAGE, "--out", rebuilt, data_dir=data)
    assert result.returncode == 0, result.stderr
    assert (rebuilt / "purchases.html").read_bytes() == (original / "purchases.html").read_bytes()
    assert (rebuilt / "purchases.ipynb").read_bytes() == (original / "purchases.ipynb").read_bytes()


def test_unknown_vintage_lists_the_ones_that_exist(history, capsys, monkeypatch):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(history[1]))
    assert cli.main(["build", "purchases", "--vintage", "2020-01-01", "--out", str(history[0] / "x")]) == 2
    err = capsys.readouterr().err
    assert "parameter '--vintage': no vintage '2020-01-01'" in err and f"available: {VINTAGE}" in err


def test_current_data_after_the_change_matches_no_vintage(history):
    root, data, _ = history
    result = truce("build", "purchases", "--out", root / "now", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "data vintage" not in (root / "now" / "purchases.html").read_text(encoding="utf-8")


def test_refresh_command_passes_its_options(monkeypatch):
    from truce.refresh import run as refresh

    calls = []
    monkeypatch.setattr(refresh, "run", lambda **kw: calls.append(kw) or 3)
    assert cli.main(["refresh", "--source", "census", "--dry-run"]) == 3
    assert calls == [{"source": "census", "dry_run": True}]
    with pytest.raises(SystemExit) as stop:
        cli.main(["refresh", "--source", "comtrade"])
    assert stop.value.code == 2
