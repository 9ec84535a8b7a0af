"""The dashboard's prose under the coverage rule, on the real data (numbers worked out in comments)."""

import pandas as pd
import pytest
from support import notebook_defaults

from analysis.domain import durability as du
from analysis.views import durability as dr


def dashboard(**changes):
    """The dashboard computed with the notebook's default parameters, ``changes`` applied."""
    p = notebook_defaults("durability") | changes
    weights = du.Weights(**{k: p.pop(f"weight_{k}") for k in du.COMPONENTS})
    return du.compute(weights=weights, **p)


@pytest.fixture(scope="module")
def withheld():
    return dashboard(as_of="2026-12-03", backtest_from="2026-06-01")


@pytest.fixture(scope="module")
def published():
    return dashboard(as_of="2026-11-23", backtest_from="2026-06-01")


def test_with_too_much_missing_the_headline_gives_bounds_and_the_last_full_reading(withheld):
    d, r = withheld, withheld.now.reading
    # Commitments (0.25), tariffs (0.2) and expiry (0.15) missing: 0.6 of the weight, more than 0.4.
    assert r.missing == ("commitments", "tariffs", "expiry") and r.share == pytest.approx(0.6)
    assert not r.published and d.now.index is None
    # Floor: 0.25 * events + 0.15 * base rate; ceiling adds 0.6 * 100.
    scores = d.now.scores
    assert r.low == pytest.approx(0.25 * scores["events"] + 0.15 * scores["base_rate"])
    assert r.high == pytest.approx(r.low + 60.0)
    head = dr.headline_text(d)
    assert "the Truce Durability Index **is not published as a single number**" in head
    assert ("*commitment fulfilment*, *tariffs below their peak* and *time to the next scheduled expiry* have no data"
            in head)
    assert "carry 60% of the weight, more than the 40% the coverage rule allows" in head
    assert f"counted as 0 the index would read **{r.low:.0f}**, with each counted as 100 **{r.high:.0f}**" in head
    # 30 Nov 2026 is past the 27 Nov expiry too; 31 Oct 2026 met the rule.
    assert d.last_full.date == pd.Timestamp("2026-10-31")
    assert f"The last month end that met the rule was **31 Oct 2026**, when the index read **{d.last_full.value:.0f}**" in head
    assert "stands at" not in head


def test_the_last_full_reading_is_the_published_index_on_that_month_end(withheld):
    frames = withheld.frames
    snap = du.snapshot(frames, withheld.last_full.date, withheld.settings)
    assert snap.reading.published and snap.reading.value == pytest.approx(withheld.last_full.value)


def test_within_the_rule_the_floor_is_published_with_its_ceiling(published):
    d, r = published, published.now.reading
    # Only commitments (0.25) missing: the floor is the weighted sum of the others, the ceiling 25 points more.
    assert r.published and r.missing == ("commitments",)
    assert r.high == pytest.approx(r.value + 25.0)
    head = dr.headline_text(d)
    assert f"stands at **{r.value:.0f} out of 100**, built from **4 of 5 components**" in head
    assert f"(*commitment fulfilment*, 25% of the weight) counts as 0, so this is a floor: with it at 100 the index would read {r.high:.0f}" in head
    assert "so the floor is published" in dr.missing_text(d)


def test_the_specification_range_is_beside_the_headline_with_what_gives_each_end(published):
    d = published
    t = d.specification
    # 4 soybean series x the endings codings (as recorded, 3 recodings, every ending) x 3 rules x 3 ** 5 weight sets.
    codings = t["coding"].unique().tolist()
    assert codings[0] == "as recorded" and codings[-1] == "every ending counted as a breakdown" and len(codings) == 5
    assert len(t) == 4 * 5 * 3 * 243
    lo, hi = t["value"].min(), t["value"].max()
    assert f"it runs from {lo:.0f} to {hi:.0f}" in dr.headline_text(d)
    said = dr.sensitivity_text(d)
    assert f"from **{lo:.1f}** (" in said and f"to **{hi:.1f}** (" in said
    # The published value is one of the specifications (series as set, missing at 0, weights as set).
    assert d.now.index == pytest.approx(t[(t["series"] == du.COMMITMENT_SERIES) & (t["rule"] == "zero")
                                          & (t["coding"] == "as recorded")
                                          & pd.Series([all(f == 1 for f in x.values()) for x in t["factors"]], index=t.index)]["value"].iloc[0])
    assert lo <= d.now.reading.low <= d.now.reading.high <= hi


def test_components_table_points_add_up_to_the_published_index(published):
    table = dr.components_table(published)
    points = [float(p) for p in table["Points of the index"] if p != "0 (missing)"]
    assert sum(points) == pytest.approx(published.now.index, abs=0.3)  # each point rounded to 0.1
