"""End to end: the history and durability reports build through the CLI, with defaults and with parameters."""

import json
import re

import pytest
from support import run_truce as truce



def page(out, name):
    return (out / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    """Both reports with their default parameters, in one build."""
    out = tmp_path_factory.mktemp("defaults")
    return out, truce("build", "history", "durability", "--out", out)


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    """Both reports as of mid-2019, the index with changed weights."""
    out = tmp_path_factory.mktemp("early")
    result = truce("build", "history", "durability", "-p", "as_of", "2019-06-30", "-p", "weight_events", "0.5",
                   "-p", "weight_tariffs", "0", "--out", out)
    return out, result


def test_defaults_build_both_reports(defaults):
    out, result = defaults
    assert result.returncode == 0, result.stderr
    for name in ("history", "durability"):
        assert f"{name}: published" in result.stdout
        html = page(out, name)
        assert not re.search(r'<script[^>]+src="https?://', html)  # offline page
        assert "survival.compute(" not in html and "durability.compute(" not in html  # code hidden
    history, dashboard = page(out, "history"), page(out, "durability")
    assert "How long US-China truces have lasted" in history and "Kaplan-Meier" in history
    assert "Small sample." in history
    # The headline probability comes first; the index is a number only when the coverage rule allows one.
    assert "lasts another 90 days" in dashboard
    assert "the Truce Durability Index stands at" in dashboard or \
        "the Truce Durability Index <strong>is not published as a single number</strong>" in dashboard
    assert 'id="fig-1"' in dashboard and 'id="fig-2"' in dashboard  # contributions and backtest charts
    assert "Backtest: the index month by month" in dashboard and "breakdowns" in dashboard


def test_the_monthly_forecasts_are_published_under_a_stable_name(defaults):
    import csv

    out, _ = defaults
    path = out / "figures" / "durability" / "forecasts.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    # One row per month end with a truce in force, from the first truce on; each with its outcome.
    assert rows[0]["month_end"] == "2018-12-31" and rows[0]["truce_id"] == "buenos-aires-2018"
    assert {"chance", "chance_low", "chance_high", "no_cliff", "climatology", "outcome"} <= set(rows[0])
    assert {r["outcome"] for r in rows} <= {"lasted", "ended", "pending"}
    assert "figures/durability/forecasts.csv" in page(out, "durability")
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]["durability"]["recorded"]
    assert 0 < recorded["probability_low"] <= recorded["probability"] <= recorded["probability_high"] < 1


def test_as_of_is_recorded_for_the_build(defaults):
    out, _ = defaults
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name in ("history", "durability"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", manifest["reports"][name]["as_of"])


def test_non_default_parameters_reach_both_reports(early):
    out, result = early
    assert result.returncode == 0, result.stderr
    history, dashboard = page(out, "history"), page(out, "durability")
    assert "As of 30 Jun 2019" in history and "As of 30 Jun 2019" in dashboard
    # The Osaka truce is a day old and 1 + 180 days lies beyond the one completed truce (155 days).
    assert "Not estimable" in history and "181 days lies beyond the longest duration observed (155 days)" in history
    assert "weight_events = 0.5" in dashboard  # the stamp shows the parameters used
    # Only the event balance has data in mid-2019, so it carries the whole index.
    assert "Only one component has data on this date" in dashboard
    nb = json.loads((out / "durability.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["weight_tariffs"] == 0.0


def test_a_passed_expiry_is_said_plainly(tmp_path):
    result = truce("build", "durability", "-p", "as_of", "2026-12-03", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    dashboard = page(tmp_path, "durability")
    # The gallium-germanium suspension ended on 27 Nov 2026 by its schedule; no source says what followed.
    assert "27 Nov 2026 has passed and no source says what happened" in dashboard
    assert "neither an extension nor a lapse" in dashboard
    # 10 Nov 2026 did not pass unremarked: the September extension moved it, and the next cliff is named.
    assert "10 Nov 2026 has passed" not in dashboard
    assert "The next cliff is <strong>10 Jan 2027</strong>" in dashboard
