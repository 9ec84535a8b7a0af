"""The Truce Durability Index: each component, the weights and the backtest, worked out by hand (arithmetic in comments)."""

import numpy as np
import pandas as pd
import pytest

from analysis.domain import durability as du
from analysis.views import durability as dr
from analysis.domain import purchases
from analysis.errors import ParameterError
from support import notebook_defaults


def ts(text):
    return pd.Timestamp(text)


def events_frame(rows):
    """Events from (date, reported, type, severity, source_id) tuples."""
    return pd.DataFrame({
        "event_id": [f"e{i}" for i in range(len(rows))],
        "date": pd.to_datetime([r[0] for r in rows]),
        "reported": pd.to_datetime([r[1] for r in rows]),
        "actor": "US",
        "type": [r[2] for r in rows],
        "description": [f"event {i}" for i in range(len(rows))],
        "severity": pd.array([r[3] for r in rows], dtype="Int64"),
        "source_id": [r[4] if len(r) > 4 else f"s{i}" for i, r in enumerate(rows)],
    })


# ---- Event balance ------------------------------------------------------------------------------

EVENTS = events_frame([
    ("2025-03-10", None, "escalation", 3),  # E = 3
    ("2025-03-20", None, "de-escalation", 2),  # D = 2
    ("2025-03-25", None, "threat", 1),  # E = 3 + 1 = 4
    ("2025-03-26", None, "talks", 3),  # neither side
    ("2025-04-10", "2025-03-28", "escalation", 3),  # announced in the window: E = 4 + 3 = 7
    ("2025-03-30", None, "commitment", 1),  # D = 2 + 1 = 3
    ("2025-02-15", None, "de-escalation", 3),  # before the window
    ("2025-03-01", None, "de-escalation", 3),  # exactly 30 days before as_of: outside (the window is 30 days up to as_of)
    ("2025-05-01", None, "de-escalation", 3),  # not yet known on 31 Mar
])


def test_event_balance_is_severity_weighted():
    c = du.event_component(EVENTS, "2025-03-31", 30)
    # D = 3, E = 7: 50 + 50 * (3 - 7) / (3 + 7) = 50 - 20 = 30.
    assert c.score == pytest.approx(30.0)
    assert ("De-escalatory events (severity sum)", "2 (3)") in c.inputs
    assert ("Escalatory events (severity sum)", "3 (7)") in c.inputs
    assert ("Events counted for neither side", "1") in c.inputs


def test_event_window_includes_as_of_itself():
    c = du.event_component(EVENTS, "2025-03-10", 1)
    # Only the escalation on 10 Mar: 50 + 50 * (0 - 3) / 3 = 0.
    assert c.score == pytest.approx(0.0)


def test_event_balance_without_directional_events_is_missing_not_calm():
    c = du.event_component(EVENTS, "2025-03-26", 1)  # only talks that day
    assert c.missing and "no escalation or de-escalation" in c.reason
    assert du.event_component(EVENTS, "2024-01-01", 90).missing


# ---- Tariffs ------------------------------------------------------------------------------------

def tariff_rows(rows):
    """Headline rows from (effective, direction, layer, rate, in_stack) tuples."""
    return pd.DataFrame({
        "effective": pd.to_datetime([r[0] for r in rows]),
        "direction": [r[1] for r in rows], "layer": [r[2] for r in rows], "rate": [float(r[3]) for r in rows],
        "kind": "headline", "in_stack": [r[4] for r in rows], "preferred": True,
        "source_id": [f"t{i}" for i in range(len(rows))],
    })


TARIFFS = tariff_rows([
    ("2025-02-04", "us_on_china", "fent", 10, True),
    ("2025-03-04", "us_on_china", "fent", 20, True),
    ("2025-04-10", "us_on_china", "recip", 125, True),
    ("2025-05-14", "us_on_china", "recip", 10, True),
    ("2019-05-10", "us_on_china", "s301", 25, False),  # product-specific: never in the stack
    ("2025-04-12", "china_on_us", "retal", 125, True),
    ("2025-05-14", "china_on_us", "retal", 10, True),
])


def test_tariffs_below_peak_in_both_directions():
    c = du.tariff_component(TARIFFS, "2025-06-01")
    # US: peak 20 + 125 = 145 on 10 Apr, now 20 + 10 = 30: 100 * 115 / 145 = 79.31.
    # China: peak 125, now 10: 100 * 115 / 125 = 92. Mean: (79.31 + 92) / 2 = 85.66.
    assert c.score == pytest.approx((100 * 115 / 145 + 92) / 2)
    assert ("US tariffs on China", "now 30 points, peak 145 from 10 Apr 2025") in [(k, dr.words(v)) for k, v in c.inputs]


def test_tariffs_at_their_peak_score_zero_and_only_directions_with_a_peak_count():
    # 11 Apr: the US is at its peak (0); China has no layer yet, so only the US counts.
    assert du.tariff_component(TARIFFS, "2025-04-11").score == pytest.approx(0.0)


def test_tariffs_without_a_stack_are_missing():
    assert du.tariff_component(TARIFFS, "2020-01-01").missing  # only the product-specific layer exists
    c = du.tariff_component(TARIFFS, "2025-06-01", unsourced_after=ts("2025-05-20"))
    assert c.missing and "no source says what happened" in dr.words(c.reason)


# ---- Commitments --------------------------------------------------------------------------------

def test_fulfilment_score_is_capped_and_undefined_before_anything_is_due():
    assert du.fulfilment_score(45, 60) == pytest.approx(75.0)
    assert du.fulfilment_score(90, 60) == 100.0
    assert du.fulfilment_score(5, 0) is None


def commitment_rows(rows):
    """Commitments from (id, agreement, announced, start, deadline, target, unit, supersedes) tuples."""
    return pd.DataFrame({
        "commitment_id": [r[0] for r in rows], "agreement": [r[1] for r in rows],
        "announced": pd.to_datetime([r[2] for r in rows]), "start": pd.to_datetime([r[3] for r in rows]),
        "deadline": pd.to_datetime([r[4] for r in rows]), "target": [r[5] for r in rows],
        "unit": [r[6] for r in rows], "supersedes": [r[7] for r in rows],
        # Tonnage pledges here are soybean pledges; the others have no metric the index measures.
        "metric": ["us_soybean_purchases" if r[6] == "t" else "other" for r in rows],
        "source_id": [f"c{i}" for i in range(len(rows))], "status": "unknown",
        "status_as_of": pd.NaT, "evidence_source_id": None,
    })


COMMITMENTS = commitment_rows([
    ("old", "deal", "2026-01-01", "2026-01-01", "2026-03-31", 100.0, "t", None),
    ("soy", "deal", "2026-02-01", "2026-01-01", "2026-04-30", 120.0, "t", "old"),  # replaces "old" from 1 Feb
    ("later", "deal", "2026-01-01", "2026-06-01", "2026-12-31", 50.0, "t", None),  # not started in March
    ("unannounced", "deal", "2026-04-01", "2026-01-01", "2026-12-31", 50.0, "t", None),
    ("past", "earlier", "2025-01-01", "2025-01-01", "2025-06-30", 10.0, "usd", None),  # due before the truce began
    ("pledge", "deal", "2026-01-01", "2026-01-01", None, None, None, None),  # no deadline, no target
])


def test_commitments_in_scope_follow_what_was_known():
    scope = du.commitments_in_scope(COMMITMENTS, "2026-03-01", truce_start="2026-01-01")
    assert scope["commitment_id"].tolist() == ["soy", "pledge"]
    # Before "soy" was announced, "old" was the live version.
    early = du.commitments_in_scope(COMMITMENTS, "2026-01-15", truce_start="2026-01-01")
    assert early["commitment_id"].tolist() == ["old", "pledge"]


def test_a_pledge_due_during_the_truce_keeps_counting_but_not_between_truces():
    # On 30 Jun "soy" (due 30 Apr) is past its deadline: it counts while its truce (from 1 Jan) is in force...
    assert "soy" in du.commitments_in_scope(COMMITMENTS, "2026-06-30", truce_start="2026-01-01")["commitment_id"].tolist()
    # ...and not when no truce is in force.
    assert "soy" not in du.commitments_in_scope(COMMITMENTS, "2026-06-30")["commitment_id"].tolist()


SERIES = "usda_sales_to_cn"  # a "since the truce" series: rows are running totals from the commitment start
SOY = pd.DataFrame({
    "period_start": pd.to_datetime(["2026-01-01", "2026-01-01"]),
    "period_end": pd.to_datetime(["2026-01-30", "2026-03-01"]),
    "value": [20.0, 45.0],
    "source_id": ["u1", "u2"],
    # The columns of soybeans.csv rows that USDA's re-basing reads.
    "series": SERIES, "bound": "exact", "unit": "t", "derived": False, "derivation": None, "preferred": True,
    "note": None,
})


def test_soybean_progress_in_memory_hand_worked():
    record = COMMITMENTS.set_index("commitment_id").loc["soy"].copy()
    record["commitment_id"] = "soy"
    progress, used = du.soybean_progress(record, SOY, "2026-03-01", None, SERIES)
    # 120 t over 1 Jan - 30 Apr (31 + 28 + 31 + 30 = 120 days); by 1 Mar 60 days have passed: 120 * 60 / 120 = 60 due.
    assert progress.achieved == 45.0 and progress.expected == pytest.approx(60.0)
    assert used["source_id"].tolist() == ["u1", "u2"]
    # On 15 Feb only the 30 Jan total (20 t) was known.
    assert du.soybean_progress(record, SOY, "2026-02-15", None, SERIES)[0].achieved == 20.0
    assert du.soybean_progress(record, SOY, "2025-12-31", None, SERIES)[0] is None


def test_commitment_component_averages_measured_pledges_and_lists_unmeasured_ones():
    scope = du.commitments_in_scope(COMMITMENTS, "2026-03-01", truce_start="2026-01-01")
    scope = pd.concat([scope, COMMITMENTS[COMMITMENTS["commitment_id"] == "later"].assign(start=ts("2026-02-01"))])
    component, table = du.commitment_component(scope, SOY, PHASE_ONE.iloc[0:0], "2026-03-01", None, SERIES)
    # "soy": 45 of 60 due = 75. "later" (from 1 Feb) has no figure: listed, not scored as zero.
    assert component.score == pytest.approx(75.0)
    assert table.set_index("commitment_id")["score"].isna().tolist() == [False, True]
    assert component.sources == frozenset({"u1", "u2"})


def test_commitment_component_is_missing_without_a_measured_pledge():
    scope = du.commitments_in_scope(COMMITMENTS, "2026-03-01", truce_start="2026-01-01")
    component, _ = du.commitment_component(scope, SOY.iloc[0:0], PHASE_ONE.iloc[0:0], "2026-03-01", None, SERIES)
    assert component.missing and "no commitment in scope has a measured figure" in component.reason


def phase_one_rows(rows):
    """PIIE snapshots from (as_of, basis, measure, value) tuples."""
    return pd.DataFrame({
        "category": "goods_total", "period": "2020", "measure": [r[2] for r in rows], "value": [r[3] for r in rows],
        "unit": "usd", "basis": [r[1] for r in rows], "as_of": pd.to_datetime([r[0] for r in rows]),
        "preferred": True, "source_id": [f"p{i}" for i in range(len(rows))],
    })


PHASE_ONE = phase_one_rows([
    ("2020-03-31", "cn_imports", "ytd_purchased", 10.0), ("2020-03-31", "cn_imports", "ytd_target", 40.0),
    ("2020-04-30", "cn_imports", "ytd_purchased", 30.0), ("2020-04-30", "cn_imports", "ytd_target", 60.0),
    ("2020-04-30", "us_exports", "ytd_purchased", 30.0), ("2020-04-30", "us_exports", "ytd_target", 40.0),
    ("2020-05-31", "cn_imports", "ytd_purchased", 35.0),  # no target sourced for May: not a usable snapshot
])


def test_phase_one_snapshot_takes_the_latest_pair_dated_by_as_of():
    snap = du.phase_one_snapshot(PHASE_ONE, "2020-06-30")
    # 30 Apr: China imports 30 / 60 = 50; US exports 30 / 40 = 75 (capped at 100 only above target).
    assert snap["as_of"].unique().tolist() == [ts("2020-04-30")]
    assert snap.set_index("basis")["score"].to_dict() == pytest.approx({"cn_imports": 50.0, "us_exports": 75.0})
    # On 15 Apr only March is known: 10 / 40 = 25.
    assert du.phase_one_snapshot(PHASE_ONE, "2020-04-15")["score"].tolist() == pytest.approx([25.0])
    assert du.phase_one_snapshot(PHASE_ONE, "2020-01-31").empty


def test_phase_one_snapshot_scores_the_mean_of_its_bases():
    scope = commitment_rows([("p1", du.PHASE_ONE_AGREEMENT, "2020-01-15", "2020-01-01", "2021-12-31", 1.0, "usd", None)])
    component, _ = du.commitment_component(scope, SOY.iloc[0:0], PHASE_ONE, "2020-06-30", None, SERIES)
    assert component.score == pytest.approx((50.0 + 75.0) / 2)


# ---- Expiry calendar ----------------------------------------------------------------------------

SCHED_EVENTS = events_frame([
    ("2026-02-24", "2026-02-20", "escalation", 2, "s122"),  # a measure whose source also gives its end date
    ("2026-07-24", None, "expiry", 2, "s122"),  # known when its source was first cited: 20 Feb
    ("2026-11-10", None, "expiry", 3, "lonely"),  # a commitment falls due that day: a truce expiry
    ("2027-06-23", None, "scheduling", 2, "pub"),  # known from its source's publication date
])
SCHED_COMMITMENTS = commitment_rows([
    ("susp", "deal", "2025-11-01", "2025-11-10", "2026-11-10", None, None, None),
])
SCHED_SOURCES = pd.DataFrame({"source_id": ["s122", "lonely", "pub"], "publisher": ["A", "B", "C"],
                              "published": pd.to_datetime([None, None, "2025-12-26"])})


def test_scheduled_dates_become_known_from_their_sources_or_commitments():
    items = du.scheduled_items(SCHED_EVENTS, SCHED_COMMITMENTS, SCHED_SOURCES)
    known = dict(zip(items["date"].dt.strftime("%Y-%m-%d"), items["known_from"].dt.strftime("%Y-%m-%d")))
    assert known == {"2026-07-24": "2026-02-20", "2026-11-10": "2025-11-01", "2027-06-23": "2025-12-26"}


def test_expiry_component_counts_days_to_the_next_truce_expiry():
    items = du.scheduled_items(SCHED_EVENTS, SCHED_COMMITMENTS, SCHED_SOURCES)
    view = du.expiry_view(items, SCHED_COMMITMENTS, "2026-06-15", through=ts("2026-06-15"))
    assert view["truce_expiry"].tolist() == [False, True, False]  # only 10 Nov is a commitment's deadline
    c = du.expiry_component(view, 365)
    # 15 Jun -> 10 Nov 2026: 15 + 31 + 31 + 30 + 31 + 10 = 148 days; 100 * 148 / 365 = 40.55.
    assert c.score == pytest.approx(100 * 148 / 365)
    assert du.expiry_component(view, 100).score == 100.0  # 148 days is beyond a 100-day scale


def test_expiry_unknown_before_it_was_announced_is_missing():
    items = du.scheduled_items(SCHED_EVENTS, SCHED_COMMITMENTS, SCHED_SOURCES)
    view = du.expiry_view(items, SCHED_COMMITMENTS, "2025-10-01", through=ts("2025-09-30"))
    assert view.empty
    assert du.expiry_component(view, 365).missing


def test_a_passed_expiry_without_a_sourced_outcome_is_said_and_never_scored():
    items = du.scheduled_items(SCHED_EVENTS, SCHED_COMMITMENTS, SCHED_SOURCES)
    # The evidence ends on 15 Jun; on 23 Nov both 24 Jul and 10 Nov have passed with nothing recorded after them.
    view = du.expiry_view(items, SCHED_COMMITMENTS, "2026-11-23", through=ts("2026-06-15"))
    assert view.set_index(view["date"].dt.strftime("%Y-%m-%d"))["passed"].to_dict() == {
        "2026-07-24": True, "2026-11-10": True, "2027-06-23": False}
    c = du.expiry_component(view, 365)
    assert c.missing and "10 Nov 2026 has passed and no source says what happened" in dr.words(c.reason)


def test_a_scheduled_date_passes_unremarked_only_after_the_evidence_ends():
    items = du.scheduled_items(SCHED_EVENTS, SCHED_COMMITMENTS, SCHED_SOURCES)
    # The evidence reaches 12 Nov: 10 Nov has a sourced outcome, so it is neither ahead nor passed.
    view = du.expiry_view(items, SCHED_COMMITMENTS, "2026-11-23", through=ts("2026-11-12"))
    assert view["date"].dt.strftime("%Y-%m-%d").tolist() == ["2027-06-23"]
    assert not view["passed"].any()


def test_a_note_dated_the_day_it_was_made_never_passes_unremarked():
    events = events_frame([("2026-03-25", None, "scheduling", 1, "note")])  # "the summit is set for May"
    sources = pd.DataFrame({"source_id": ["note"], "publisher": ["N"], "published": pd.to_datetime(["2026-03-25"])})
    items = du.scheduled_items(events, SCHED_COMMITMENTS, sources)
    # Known from its own date (its source's publication): the note is its own record, not a deadline.
    view = du.expiry_view(items, SCHED_COMMITMENTS, "2026-03-31", through=ts("2026-03-16"))
    assert view.empty


# ---- Base rate ----------------------------------------------------------------------------------

def test_base_rate_component_from_the_truces_known_at_as_of():
    from analysis.domain import survival as history

    truces = pd.DataFrame({
        "truce_id": ["a", "b", "c"], "name": ["A", "B", "C"],
        "start": pd.to_datetime(["2019-01-01", "2019-03-01", "2020-01-01"]),
        "end": pd.to_datetime(["2019-01-31", "2019-12-27", None]),
        "ended_by": ["escalation", "expiry", "unknown"], "source_id": ["a", "b", "c"],
    })
    table = history.spells(truces, "2020-01-11")
    c, rate = du.base_rate_component(table, 20)
    # Durations 30 (breakdown), 301+ (expired), 10+ (C, 1 Jan - 11 Jan). S(10) = 1, S(30) = 1 - 1/2 = 0.5.
    # C is 10 days old: S(10 + 20) / S(10) = 0.5 -> 50.
    assert c.score == pytest.approx(50.0) and rate.age == 10
    c, rate = du.base_rate_component(table, 400)
    assert c.missing and "410 days lies beyond the longest duration observed (301 days)" in c.reason
    between = history.spells(truces, "2019-02-15")
    assert du.base_rate_component(between, 20)[0].reason == "no truce is in force on this date"


# ---- Weights, re-normalisation, sensitivity -----------------------------------------------------

WEIGHTS = {"commitments": 0.25, "events": 0.25, "tariffs": 0.2, "expiry": 0.15, "base_rate": 0.15}


def test_missing_component_weights_are_shared_out():
    scores = {"commitments": 80.0, "events": None, "tariffs": 50.0, "expiry": 20.0, "base_rate": 100.0}
    used = du.effective_weights(scores, WEIGHTS)
    # Scored weights sum to 0.75: 0.25 / 0.75 = 1/3, 0.2 / 0.75 = 0.2667, 0.15 / 0.75 = 0.2 (twice); events 0.
    assert used == pytest.approx({"commitments": 1 / 3, "events": 0.0, "tariffs": 0.2 / 0.75, "expiry": 0.2,
                                  "base_rate": 0.2})
    # 80 / 3 + 50 * 0.2667 + 20 * 0.2 + 100 * 0.2 = 26.67 + 13.33 + 4 + 20 = 64.
    assert du.combine(scores, WEIGHTS) == pytest.approx(64.0)


def test_index_with_every_component_scored_is_the_weighted_mean():
    scores = {"commitments": 100.0, "events": 80.0, "tariffs": 50.0, "expiry": 40.0, "base_rate": 0.0}
    # 25 + 20 + 10 + 6 + 0 = 61 (the weights already sum to one).
    assert du.combine(scores, WEIGHTS) == pytest.approx(61.0)


def test_no_index_when_every_weighted_component_is_missing():
    scores = {"commitments": None, "events": 70.0, "tariffs": None, "expiry": None, "base_rate": None}
    assert du.combine(scores, dict(WEIGHTS, events=0.0)) is None


# ---- Coverage rule, bounds, monotone in information ----------------------------------------------

def test_reading_hand_worked():
    scores = {"commitments": None, "events": 80.0, "tariffs": 50.0, "expiry": 20.0, "base_rate": 100.0}
    r = du.reading(scores, WEIGHTS)
    # Missing share 0.25 <= 0.4: published. Floor: 0.25 * 80 + 0.2 * 50 + 0.15 * 20 + 0.15 * 100 = 20 + 10 + 3 + 15 = 48.
    assert r.published and r.value == pytest.approx(48.0) and r.low == pytest.approx(48.0)
    # Ceiling: 48 + 0.25 * 100 = 73. Re-normalised: 48 / 0.75 = 64.
    assert r.high == pytest.approx(73.0) and r.renormalised == pytest.approx(64.0)
    assert r.missing == ("commitments",) and r.share == pytest.approx(0.25)


def test_the_coverage_rule_withholds_the_index_past_the_stated_share():
    assert du.MAX_MISSING_WEIGHT_SHARE == 0.4
    # Tariffs (0.2) and expiry (0.15) missing: 0.35 <= 0.4, published.
    ok = du.reading({"commitments": 60.0, "events": 80.0, "tariffs": None, "expiry": None, "base_rate": 100.0}, WEIGHTS)
    assert ok.published and ok.share == pytest.approx(0.35)
    # Commitments (0.25) and tariffs (0.2) missing: 0.45 > 0.4, withheld; the bounds remain.
    # Floor: 0.25 * 80 + 0.15 * 40 + 0.15 * 100 = 20 + 6 + 15 = 41; ceiling 41 + 45 = 86.
    no = du.reading({"commitments": None, "events": 80.0, "tariffs": None, "expiry": 40.0, "base_rate": 100.0}, WEIGHTS)
    assert not no.published and no.value is None
    assert (no.low, no.high) == (pytest.approx(41.0), pytest.approx(86.0))
    # Exactly at the share: weights 0.4 and 0.6, the 0.4 missing -> published (at most, not less than).
    assert du.reading({"a": None, "b": 50.0}, {"a": 0.4, "b": 0.6}).published


def test_hand_worked_the_old_rule_rose_when_a_component_went_missing_the_published_index_cannot():
    # The 9 to 23 Nov 2026 pattern: expiry at 1 (days to the expiry almost nil) then missing.
    before = {"commitments": None, "events": 80.0, "tariffs": 90.0, "expiry": 1.0, "base_rate": 100.0}
    after = dict(before, expiry=None)
    # Re-normalised: before (20 + 18 + 0.15 + 15) / 0.75 = 53.15 / 0.75 = 70.87; after 53 / 0.6 = 88.33: rose 17.5.
    assert du.combine(before, WEIGHTS) == pytest.approx(53.15 / 0.75)
    assert du.combine(after, WEIGHTS) == pytest.approx(53.0 / 0.6)
    # Floor: before 53.15 (published: 0.25 missing); after 53.0, but 0.4 missing -> still published at 53.0.
    r0, r1 = du.reading(before, WEIGHTS), du.reading(after, WEIGHTS)
    assert r0.value == pytest.approx(53.15) and r1.value == pytest.approx(53.0) and r1.value <= r0.value
    # The ceiling widens instead: 53.15 + 25 = 78.15 before, 53 + 40 = 93 after.
    assert (r0.high, r1.high) == (pytest.approx(78.15), pytest.approx(93.0))


def _published_or_floor(r):
    """What the page shows as the lowest reading: the published value, or the lower bound when withheld."""
    return r.value if r.published else r.low


SCORE_SETS = [
    {"commitments": 100.0, "events": 80.0, "tariffs": 50.0, "expiry": 40.0, "base_rate": 0.0},
    {"commitments": 0.0, "events": 0.0, "tariffs": 100.0, "expiry": 1.0, "base_rate": 100.0},
    {"commitments": None, "events": 83.3, "tariffs": 91.7, "expiry": 1.1, "base_rate": 100.0},  # 23 Nov 2026
    {"commitments": 100.0, "events": 100.0, "tariffs": 100.0, "expiry": 100.0, "base_rate": 100.0},
]


@pytest.mark.parametrize("scores", SCORE_SETS)
@pytest.mark.parametrize("weights", [WEIGHTS, {"commitments": 1.0, "events": 0.0, "tariffs": 3.0, "expiry": 0.5,
                                               "base_rate": 2.0}])
def test_a_component_going_missing_never_raises_what_is_published(scores, weights):
    # Remove each scored component in turn, then every pair, from each starting set.
    import itertools
    scored = [k for k, s in scores.items() if s is not None]
    for drop in [*itertools.combinations(scored, 1), *itertools.combinations(scored, 2)]:
        before, after = du.reading(scores, weights), du.reading(dict(scores, **{k: None for k in drop}), weights)
        if before.renormalised is None or after.renormalised is None:
            continue
        assert _published_or_floor(after) <= _published_or_floor(before) + 1e-9, drop
        if before.published and after.published:
            assert after.value <= before.value + 1e-9, drop
        # Less information never turns a withheld index into a published one, and only widens the bounds.
        assert not (after.published and not before.published), drop
        assert after.low <= before.low + 1e-9 and after.high >= before.high - 1e-9, drop


def test_a_component_going_missing_never_raises_the_real_index():
    frames = du.load_frames()
    settings = du.Settings(WEIGHTS, 90, 180, 365, du.COMMITMENT_SERIES, 90)
    for as_of in ["2025-06-30", "2026-03-31", "2026-11-23"]:
        scores = du.snapshot(frames, as_of, settings).scores
        before = du.reading(scores, WEIGHTS)
        for key in [k for k, s in scores.items() if s is not None]:
            after = du.reading(dict(scores, **{key: None}), WEIGHTS)
            assert _published_or_floor(after) <= _published_or_floor(before) + 1e-9, (as_of, key)


# ---- Specification range ------------------------------------------------------------------------

def test_weight_grid_is_every_combination_of_the_factors():
    grid, labels = du.weight_grid(WEIGHTS)
    assert grid.shape == (3 ** 5, 5)  # 0.5, 1 and 1.5 for each of five weights
    assert labels[0] == dict.fromkeys(WEIGHTS, 0.5) and grid[0].tolist() == pytest.approx([w / 2 for w in WEIGHTS.values()])


def test_index_matrix_matches_the_loop_for_every_rule():
    scores = {"commitments": None, "events": 80.0, "tariffs": 50.0, "expiry": 20.0, "base_rate": 100.0}
    grid, labels = du.weight_grid(WEIGHTS)
    row = np.array([[np.nan if s is None else s for s in scores.values()]])
    for rule, expect in [("zero", lambda w: du.filled(scores, w, 0.0)), ("hundred", lambda w: du.filled(scores, w, 100.0)),
                         ("renormalised", lambda w: du.combine(scores, w))]:
        values = du.index_matrix(row, grid, rule)[0]
        loop = [expect(dict(zip(WEIGHTS, g))) for g in grid]
        assert values.tolist() == pytest.approx(loop), rule


def test_specification_range_hand_worked():
    weights = {"a": 1.0, "b": 1.0}
    table = du.specification_range({"s1": {"a": 60.0, "b": None}, "s2": {"a": 60.0, "b": 20.0}}, weights, (0.5, 1.5))
    # 2 variants x 3 rules x 4 weight sets.
    assert len(table) == 24
    s1 = table[table["variant"] == "s1"]
    # s1, rule zero: a weight 0.5 / b 1.5 -> 60 * 0.5 / 2 = 15 (lowest); a 1.5 / b 0.5 -> 90 / 2 = 45.
    zero = s1[s1["rule"] == "zero"]["value"]
    assert zero.min() == pytest.approx(15.0) and zero.max() == pytest.approx(45.0)
    # s1, rule hundred: a 0.5 / b 1.5 -> (30 + 150) / 2 = 90 (highest of all).
    assert table["value"].max() == pytest.approx(90.0)
    assert table.loc[table["value"].idxmax(), ["variant", "rule"]].tolist() == ["s1", "hundred"]
    # s1 renormalised: 60 whatever the weights; s2 has nothing missing: every rule gives (60 w_a + 20 w_b) / (w_a + w_b).
    assert s1[s1["rule"] == "renormalised"]["value"].tolist() == pytest.approx([60.0] * 4)
    s2 = table[table["variant"] == "s2"]
    by_rule = [s2[s2["rule"] == rule]["value"].tolist() for rule in du.MISSING_RULES]
    assert set(s2["missing"]) == {""}
    assert by_rule[0] == pytest.approx(by_rule[1]) and by_rule[0] == pytest.approx(by_rule[2])
    # Weights a 0.5, b 1.5: (30 + 30) / 2 = 30.
    assert min(by_rule[0]) == pytest.approx(30.0)


def test_last_full_reading_takes_the_latest_published_month_end():
    frames = None  # never reached: the series holds a published month end
    series = pd.DataFrame({"date": pd.to_datetime(["2026-09-30", "2026-10-31", "2026-11-30"]),
                           "index": [50.0, 52.0, float("nan")], "components": [4, 4, 2]})
    full = du.last_full_reading(frames, "2026-12-03", None, series, ts("2018-01-01"))
    assert (full.date, full.value, full.components) == (ts("2026-10-31"), 52.0, 4)


def test_weights_are_checked_by_name():
    with pytest.raises(ParameterError, match="'weight_events': -0.1 is negative"):
        du.check_weights(dict(WEIGHTS, events=-0.1))
    with pytest.raises(ParameterError, match="all weights are zero"):
        du.check_weights(dict.fromkeys(WEIGHTS, 0.0))
    with pytest.raises(ParameterError, match="'weight_tariffs': 'high' is not a number"):
        du.check_weights(dict(WEIGHTS, tariffs="high"))
    assert du.check_weights(dict(WEIGHTS, expiry=1)) == dict(WEIGHTS, expiry=1.0)



def dashboard(**changes):
    """The dashboard computed with the notebook's default parameters, ``changes`` applied."""
    p = notebook_defaults("durability") | changes
    weights = du.Weights(**{k: p.pop(f"weight_{k}") for k in du.COMPONENTS})
    return du.compute(weights=weights, **p)


def test_other_parameters_are_checked_by_name():
    defaults = notebook_defaults("durability")
    with pytest.raises(ParameterError, match="'event_window_days'"):
        du.check_parameters(**{**defaults, "event_window_days": 0})
    with pytest.raises(ParameterError, match="'reference_months': 3 must be more than warning_months"):
        du.check_parameters(**{**defaults, "warning_months": 3, "reference_months": 3})
    with pytest.raises(ParameterError, match="'commitment_series': 'rumours' is not one of"):
        du.check_parameters(**{**defaults, "commitment_series": "rumours"})
    with pytest.raises(ParameterError, match="'weight_base_rate'"):
        dashboard(weight_base_rate=-1.0)


# ---- Backtest -----------------------------------------------------------------------------------

def test_month_ends_run_to_as_of():
    assert list(du.month_ends("2019-01-15", "2019-03-30").strftime("%m-%d")) == ["01-31", "02-28"]


def test_breakdowns_are_truces_ended_by_escalation_within_the_period():
    truces = pd.DataFrame({"truce_id": ["a", "b", "c"], "name": ["A", "B", "C"],
                           "end": pd.to_datetime(["2019-05-05", "2021-12-31", "2030-01-01"]),
                           "ended_by": ["escalation", "expiry", "escalation"], "source_id": ["a", "b", "c"]})
    assert du.breakdowns(truces, "2018-01-01", "2026-06-15")["truce_id"].tolist() == ["a"]


# ---- Against the real data ----------------------------------------------------------------------

def test_in_memory_commitment_measure_matches_the_purchases_report():
    frames = du.load_frames()
    pledge = frames.commitments[frames.commitments["commitment_id"] == "soy-12mmt"]
    weights = frames.soy_weights(pledge, "2026-01-31")["soy-12mmt"]
    mine, _ = du.soybean_progress(pledge.iloc[0], frames.soy_rows[du.COMMITMENT_SERIES], "2026-01-31", weights)
    # The series' own reading (the report's headline may also take "met" from another source).
    theirs = purchases.compute(**{**notebook_defaults("purchases"), "as_of": "2026-01-31",
                                  "commitment": "soy-12mmt"}).by_series[du.COMMITMENT_SERIES]
    assert (mine.achieved, mine.expected, mine.status) == (theirs.achieved, theirs.expected, theirs.status)


def test_index_on_30_june_2019_rests_on_the_event_balance_alone():
    d = dashboard(as_of="2019-06-30", backtest_from="2019-01-01")
    # Known in the 90 days to 30 Jun 2019: the 5 May threat (2), the 10 May escalation announced on 5 May (3),
    # the Osaka truce on 29 Jun (3). 50 + 50 * (3 - 5) / (3 + 5) = 37.5. Nothing else has data then.
    assert d.now.reading.renormalised == pytest.approx(37.5)
    assert [k for k, c in d.now.components.items() if not c.missing] == ["events"]
    # Events carry 0.25 of the weight, so 0.75 is missing (> 0.4): withheld. Bounds 0.25 * 37.5 = 9.375 and 9.375 + 75.
    assert d.now.index is None and not d.now.reading.published
    assert (d.now.reading.low, d.now.reading.high) == (pytest.approx(9.375), pytest.approx(84.375))
    assert d.series["date"].max() == ts("2019-06-30")
    # Commitments announced after 30 Jun 2019 are not on the scorecard.
    assert dr.scorecard_table(d).empty


# ---- Dates, defaults and pages before their subject -----------------------------------------------

@pytest.mark.parametrize("as_of, expected", [
    ("2026-12-03", "2018-01-01"),  # 1 January of the year the first truce (1 Dec 2018) began
    ("2018-06-30", "2018-01-01"),
    ("2017-09-30", "2017-09-01"),  # as_of before that: the first of its own month
])
def test_backtest_from_auto_follows_the_first_truce_and_as_of(as_of, expected):
    truces = pd.DataFrame({"start": pd.to_datetime(["2019-06-29", "2018-12-01"])})
    assert du.resolve_backtest_from("auto", ts(as_of), truces) == ts(expected)
    assert du.resolve_backtest_from("2016-03-01", ts(as_of), truces) == ts("2016-03-01")  # explicit dates pass through


@pytest.mark.parametrize("value, message", [
    ("2019-07-01", "'backtest_from': '2019-07-01' must be on or before as_of (2019-06-30)"),
    ("soon", "'backtest_from': 'soon' is not an ISO date (YYYY-MM-DD) or 'auto'"),
    (2019, "'backtest_from': 2019 is not an ISO date"),
])
def test_a_backtest_start_that_cannot_work_is_refused_by_name(value, message):
    defaults = notebook_defaults("durability")
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        du.check_parameters(**{**defaults, "as_of": "2019-06-30", "backtest_from": value})
    with pytest.raises(ParameterError, match="'backtest_from'"):
        dashboard(as_of="2019-06-30", backtest_from=value)


def test_the_evidence_date_of_every_snapshot_is_the_evidence_modules():
    from analysis.data import evidence

    frames = du.load_frames()
    keys = du.evidence_keys()
    for as_of in ["2018-06-30", "2019-05-31", "2021-01-31", "2025-06-30", "2026-11-30"]:
        assert frames.evidence_through(as_of, keys) == evidence.report_dates(keys, as_of).evidence_through, as_of


def test_soybean_pledges_are_weighted_with_the_purchases_reports_default_baseline():
    # The 2026 pledge starts on 1 Jan 2026, so the purchases report weights it by 2025, not by 2024.
    frames = du.load_frames()
    pledge = frames.commitments[frames.commitments["commitment_id"] == "soy-25mmt-2026"]
    record = pledge.iloc[0].copy()
    series, as_of = "reported_purchases_to_cn", "2026-10-31"
    weights = frames.soy_weights(pledge, as_of)
    mine, _ = du.soybean_progress(record, frames.soy_rows[series], as_of, weights["soy-25mmt-2026"], series)
    theirs = purchases.compute(**{**notebook_defaults("purchases"), "as_of": as_of, "commitment": "soy-25mmt-2026",
                                  "flow_series": series})
    assert theirs.baseline_year == 2025
    assert (mine.achieved, mine.expected, mine.status) == (theirs.progress.achieved, theirs.progress.expected,
                                                           theirs.progress.status)


def test_before_the_first_truce_the_dashboard_says_so_and_draws_no_chart():
    d = dashboard(as_of="2018-06-30")
    assert dr.headline_text(d).startswith(
        "No truce in force on 30 Jun 2018: the first, the Buenos Aires G20 truce, began on 1 Dec 2018. "
        "As of 30 Jun 2018, the Truce Durability Index **cannot be computed**")
    assert d.now.index is None and d.backtest_from == ts("2018-01-01")
    for chart in (dr.contributions_chart(d), dr.backtest_chart(d)):
        assert chart.data.startswith("*No chart: ")
    why = dr.backtest_chart(d).data
    assert "no component had data at any of the 6 month ends from 31 Jan 2018 to 30 Jun 2018" in why
    assert "the events ledger has no entry by then" in dr.timeline_text(d)


def test_between_truces_the_dashboard_names_the_last_one():
    d = dashboard(as_of="2019-05-31", backtest_from="2019-01-01")
    assert dr.headline_text(d).startswith(
        "No truce in force on 31 May 2019: the last, the Buenos Aires G20 truce, broke down on 5 May 2019.")
    # Only the breakdown of 5 May lies in the backtest: every drawn layer has rows.
    spec = dr.backtest_chart(d).to_dict()
    assert all(len(rows) for rows in spec["datasets"].values())


def test_an_extended_deadline_does_not_pass_and_names_the_next_cliff():
    d = dashboard(as_of="2026-11-23", backtest_from="2026-06-01")
    # 10 Nov 2026 fell after the evidence ends, but the September extension, known by then, moved it.
    assert d.now.through == d.dates.evidence_through < ts("2026-11-10")
    assert d.now.truce_status_known and d.now.unknown_after is None
    # The gallium-germanium suspension, not extended, falls due first.
    assert "The next cliff is **27 Nov 2026**, 4 days after the as-of date" in dr.headline_text(d)
    assert "**10 Nov 2026** is no longer a cliff" in dr.expiry_text(d)
    assert set(dr.expiry_table(d).query("Date == '10 Nov 2026'")["Outcome"]) == {
        "deadline moved to 10 Jan 2027 by an extension"}


def test_a_truce_of_unknown_status_is_said_from_the_pages_evidence_date():
    d = dashboard(as_of="2026-12-03", backtest_from="2026-06-01")
    # The gallium-germanium suspension was due on 27 Nov 2026, after the evidence ends, and no extension is known.
    assert not d.now.truce_status_known and d.now.unknown_after == d.dates.evidence_through
    assert ("the scheduled expiry of 27 Nov 2026 has passed since with no sourced outcome, so whether it is still in "
            "force is not known") in dr.headline_text(d)
    assert ("The next cliff is **10 Jan 2027**, 38 days after the as-of date: the deadline of 5 suspensions"
            in dr.headline_text(d))
    assert "as extended on 23 Sep 2026 from 10 Nov 2026" in dr.headline_text(d)
    assert d.now.components["tariffs"].missing and d.now.components["expiry"].missing
