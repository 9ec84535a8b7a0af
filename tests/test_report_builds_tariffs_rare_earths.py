"""End-to-end: the tariff and rare-earth reports build through the CLI, with defaults and as of a past date."""

import json

import pytest
from support import run_truce as truce



@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    out = tmp_path_factory.mktemp("defaults")
    return out, truce("build", "tariffs", "rare_earths", "--out", out)


@pytest.fixture(scope="module")
def past(tmp_path_factory):
    out = tmp_path_factory.mktemp("past")
    result = truce("build", "tariffs", "rare_earths", "-p", "as_of", "2025-06-30", "-p", "scenario", "custom",
                   "-p", "custom_rate_us_on_china", "50", "-p", "custom_rate_china_on_us", "40",
                   "-p", "chart_from", "2025-01-01", "--out", out)
    return out, result


def page(out, name):
    return (out / f"{name}.html").read_text(encoding="utf-8")


def test_default_builds_publish_both_reports(defaults):
    out, result = defaults
    assert result.returncode == 0, result.stderr
    for name in ("tariffs", "rare_earths"):
        assert (out / f"{name}.html").stat().st_size > 100_000
        assert (out / f"{name}.ipynb").exists()


def test_default_tariff_report_names_the_extended_cliff(defaults):
    html = page(defaults[0], "tariffs")
    # The September 2026 extension moved the next cliff to 10 Jan 2027; the US suspension is moot.
    assert "due to expire on <strong>10 Jan 2027</strong>" in html
    assert "not a forecast" in html and "moot" in html
    assert 'id="fig-1"' in html and 'id="fig-2"' in html
    assert "ts.compute(" not in html  # code is hidden


def test_default_rare_earth_report_lists_gaps_and_regimes(defaults):
    html = page(defaults[0], "rare_earths")
    assert "Jan-Feb 2026" in html and "no data" in html
    assert "2025-04-04-china-rare-earth-export-controls" in html
    assert 'id="fig-1"' in html and 'id="fig-2"' in html


def test_past_builds_use_the_parameters(past):
    out, result = past
    assert result.returncode == 0, result.stderr
    tariffs, magnets = page(out, "tariffs"), page(out, "rare_earths")
    assert "As of 30 Jun 2025" in tariffs and "As of 30 Jun 2025" in magnets
    assert "Scenario shown: custom." in tariffs and "Custom (shown)" in tariffs and "<td>50%</td>" in tariffs
    assert "12 Aug 2025" in tariffs  # the expiry known then was Geneva's
    nb = json.loads((out / "tariffs.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["custom_rate_us_on_china"] == 50.0
