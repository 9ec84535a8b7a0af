"""What changed since the last edition: the comparison, the page box, changes.json and the index paragraph."""

import json

import pytest

from analysis import headline, runlog
from truce.publish import changes, manifest

PREVIOUS = {"as_of": "2026-10-31", "compiled": "2026-11-01",
            "recorded": {"probability": 0.88, "status": "88% chance that the truce lasts another 90 days.", "index": 52,
                         "pledge_status": "on track"}}


def test_a_first_edition_has_nothing_to_compare_with():
    diff = changes.compare(None, {"probability": 0.8})
    assert diff["previous"] is None and diff["changed"] == [] and not diff["status_changed"]
    assert "First edition" in changes.box_html(diff)


def test_changed_added_removed_and_unchanged_values_are_told_apart():
    now = {"probability": 0.79, "status": "79% chance that the truce lasts another 90 days.", "index": None,
           "pledge_status": "on track", "index_low": 36}
    diff = changes.compare(PREVIOUS, now)
    assert [c["name"] for c in diff["changed"]] == ["index", "probability", "status"]
    assert diff["added"] == ["index_low"] and diff["removed"] == [] and diff["unchanged"] == ["pledge_status"]
    assert diff["status_changed"]  # the status sentence changed
    box = changes.box_html(diff)
    assert "as of 2026-10-31, compiled 2026-11-01" in box
    assert "<strong>probability</strong>: 88% &rarr; 79%" in box and "<strong>index</strong>: 52 &rarr; none" in box
    assert "now reads: 79% chance" in box and "new in this edition" in box


def test_nothing_changed_says_so_and_raises_no_alert():
    diff = changes.compare(PREVIOUS, dict(PREVIOUS["recorded"]))
    assert not diff["status_changed"] and "No headline value changed" in changes.box_html(diff)


def test_only_a_status_value_raises_the_alert_flag():
    assert not changes.compare(PREVIOUS, {**PREVIOUS["recorded"], "probability": 0.5})["status_changed"]
    assert changes.compare(PREVIOUS, {**PREVIOUS["recorded"], "pledge_status": "behind"})["status_changed"]


def test_changes_json_and_the_index_paragraph():
    old = {"reports": {"durability": PREVIOUS}}
    entries = {"durability": {"as_of": "2026-12-03", "compiled": "2026-12-03", "title": "Dashboard",
                              "recorded": {**PREVIOUS["recorded"], "status": "79% chance <b>."}}}
    written = json.loads(changes.dumps(changes.site_changes(old, entries)))
    assert written["reports"]["durability"]["status_changed"] is True
    assert written["reports"]["durability"]["previous"] == {"as_of": "2026-10-31", "compiled": "2026-11-01"}
    page = manifest.index_html({"reports": entries})
    assert "Where things stand." in page and "79% chance &lt;b&gt;." in page  # escaped, quoted once


def test_record_keeps_json_scalars_and_refuses_the_rest(tmp_path, monkeypatch):
    import numpy as np

    log = tmp_path / "run.jsonl"
    monkeypatch.setenv(runlog.RUN_LOG_ENV, str(log))
    headline.record("probability", np.float64(0.79))
    headline.record_all({"status": "ok", "missing": float("nan"), "count": np.int64(3)})
    headline.record("probability", 0.8)  # a second value for a name replaces the first
    assert runlog.read(log)["recorded"] == {"probability": 0.8, "status": "ok", "missing": None, "count": 3}
    with pytest.raises(ValueError, match="lower_snake_case"):
        headline.record("Probability", 1)
    with pytest.raises(TypeError, match="not a number"):
        headline.record("table", [1, 2])


def test_record_outside_a_build_does_nothing(monkeypatch):
    monkeypatch.delenv(runlog.RUN_LOG_ENV, raising=False)
    assert headline.record("probability", 0.5) == 0.5


def test_a_rebuild_at_a_new_date_tells_what_moved_and_the_notebook_keeps_its_values(tmp_path):
    import nbformat

    from support import run_truce

    out = tmp_path / "site"
    first = run_truce("build", "rare_earths", "-p", "as_of", "2026-03-31", "--out", out)
    assert first.returncode == 0, first.stderr
    entry = json.loads((out / "manifest.json").read_text())["reports"]["rare_earths"]
    nb = nbformat.read(out / "rare_earths.ipynb", as_version=4)
    assert nb.metadata["truce"]["recorded"] == entry["recorded"] and entry["recorded"]["status"]
    second = run_truce("build", "rare_earths", "-p", "as_of", "2026-10-31", "--out", out)
    assert second.returncode == 0, second.stderr
    page = (out / "rare_earths.html").read_text(encoding="utf-8")
    assert "Since the last edition" in page and "as of 2026-03-31" in page
    diff = json.loads((out / "changes.json").read_text())["reports"]["rare_earths"]
    assert diff["previous"]["as_of"] == "2026-03-31" and diff["changed"]
    assert "Where things stand." in (out / "index.html").read_text(encoding="utf-8")
