"""The survival probability against figures worked out by hand (arithmetic in the comments)."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.domain import hazard
from analysis.domain import survival

# a0 = 1, b0 = 365: one pseudo-ending over a year of pseudo-exposure (the hand-worked prior of these tests).
PRIOR = hazard.Prior(shape=1.0, rate_days=365.0)


def truces(rows):
    """A truces.csv-like frame from (truce_id, start, end or None, ended_by)."""
    frame = pd.DataFrame(rows, columns=["truce_id", "start", "end", "ended_by"])
    frame["name"] = frame["truce_id"]
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


# --- The Gamma distribution ---------------------------------------------------------------------------------------

def test_exponential_posterior_for_known_exposure_and_endings():
    # Gamma(a0 + e, b0 + T) = Gamma(1 + 2, 365 + 500) = Gamma(3, 865).
    a, b = hazard.exponential_posterior(2, 500, PRIOR)
    assert (a, b) == (3, 865)
    mean, low, high = hazard.exponential_survival(a, b, 90)
    # E[exp(-90 λ)] = (865 / (865 + 90)) ** 3 = 0.905759 ** 3 = 0.820400 * 0.905759 = 0.743085.
    assert mean == pytest.approx((865 / 955) ** 3) and mean == pytest.approx(0.743085, abs=1e-6)
    # 2 * 865 * λ ~ chi-square(6), whose 5% and 95% points are 1.635 and 12.592 (table):
    # λ_05 = 0.8176 / 865, λ_95 = 6.2958 / 865. High end exp(-90 * 0.8176 / 865) = exp(-0.08507) = 0.9184;
    # low end exp(-90 * 6.2958 / 865) = exp(-0.6551) = 0.5194.
    assert high == pytest.approx(0.9184, abs=2e-4)
    assert low == pytest.approx(0.5194, abs=2e-4)


def test_an_open_spell_adds_exposure_and_no_ending():
    # A: 1 Jan -> 11 Jan 2020, a breakdown: 10 days, one ending. B: open since 1 Feb 2020; on 2 Mar 2020 it is
    # 30 days old (29 days of February in 2020, plus 1). Exposure 10 + 30 = 40 days, one ending.
    ledger = truces([("a", "2020-01-01", "2020-01-11", "escalation"), ("b", "2020-02-01", None, "open")])
    f = hazard.fit(ledger, "2020-03-02", 10, prior=PRIOR)
    assert (f.events, f.exposure, f.age_days) == (1, 40, 30)
    # Posterior Gamma(1 + 1, 365 + 40) = Gamma(2, 405): P(10 more days) = (405 / 415) ** 2 = 0.952388.
    assert f.model("constant hazard").probability == pytest.approx((405 / 415) ** 2)
    # Ten days later the open truce is 40 days old: ten more days of exposure, still one ending.
    later = hazard.fit(ledger, "2020-03-12", 10, prior=PRIOR)
    assert (later.events, later.exposure, later.age_days) == (1, 50, 40)
    assert later.model("constant hazard").probability == pytest.approx((415 / 425) ** 2)


def test_only_breakdowns_count_by_default_and_any_ending_counts_everything():
    # A superseded truce is censored under "breakdown" and counted under "any".
    ledger = truces([("a", "2020-01-01", "2020-01-11", "superseded"), ("b", "2020-02-01", None, "open")])
    assert hazard.fit(ledger, "2020-03-02", 10, prior=PRIOR).events == 0
    assert hazard.fit(ledger, "2020-03-02", 10, ending="any", prior=PRIOR).events == 1


def test_no_open_truce_gives_no_models():
    ledger = truces([("a", "2020-01-01", "2020-01-11", "escalation")])
    f = hazard.fit(ledger, "2020-03-02", 10, prior=PRIOR)
    assert f.models == () and f.age_days is None and not f.in_force
    # Before the first truce there are no spells at all.
    before = hazard.fit(ledger, "2019-06-30", 10, prior=PRIOR)
    assert before.spells.empty and before.events == 0 and before.exposure == 0 and before.models == ()


def test_an_unknown_status_codes_the_open_spell_both_ways_and_reports_the_union():
    # B opened 1 Feb 2020; the evidence ends on 21 Feb (u): coded ended there it lasted 20 days, a second ending.
    ledger = truces([("a", "2020-01-01", "2020-01-11", "escalation"), ("b", "2020-02-01", None, "open")])
    f = hazard.fit(ledger, "2020-03-02", 10, unknown_after=pd.Timestamp("2020-02-21"), prior=PRIOR)
    m = f.model("constant hazard")
    codings = m.codings.set_index("coding")
    # Still open: Gamma(2, 365 + 40); ended at u: Gamma(3, 365 + 10 + 20) = Gamma(3, 395).
    assert codings.loc[hazard.STILL_OPEN, ["events", "exposure"]].tolist() == [1, 40]
    assert codings.loc[hazard.ENDED_AT_UNKNOWN, ["events", "exposure"]].tolist() == [2, 30]
    assert codings.loc[hazard.ENDED_AT_UNKNOWN, "probability"] == pytest.approx((395 / 405) ** 3)
    # The chance reported is the still-open one; the interval is the union of both.
    assert m.probability == pytest.approx((405 / 415) ** 2)
    assert m.low == codings["low"].min() and m.high == codings["high"].max()
    assert m.low < codings.loc[hazard.STILL_OPEN, "low"]  # the unknown widens the interval, never narrows it
    # The age is still the age on as_of: the forecast is for the truce if it is in force then.
    assert f.age_days == 30 and f.unknown_after == pd.Timestamp("2020-02-21")


def test_a_truce_begun_after_the_evidence_ends_is_not_coded_as_ended_before_it_began():
    ledger = truces([("b", "2020-02-01", None, "open")])
    f = hazard.fit(ledger, "2020-03-02", 10, unknown_after=pd.Timestamp("2020-01-15"), prior=PRIOR)
    assert f.model("constant hazard").codings["coding"].tolist() == [hazard.STILL_OPEN]


# --- Weibull ------------------------------------------------------------------------------------------------------

def test_weibull_with_shape_fixed_at_one_is_the_constant_hazard_model():
    # With k = 1 the Weibull is an exponential with hazard 1 / scale, and 1 / scale has the same Gamma prior:
    # the grid posterior must give (865 / 955) ** 3 = 0.743085 for 2 endings over 500 days, 90 days ahead.
    durations, observed = [100, 150, 250], [True, True, False]  # 500 days, 2 endings
    scales = np.exp(np.linspace(math.log(20), math.log(1e6), 6000))
    mean, low, high = hazard.weibull_survival(durations, observed, age=123, horizon=90, prior=PRIOR,
                                              shapes=[1.0], scales=scales)
    exp_mean, exp_low, exp_high = hazard.exponential_survival(3, 865, 90)
    assert mean == pytest.approx(exp_mean, abs=1e-4)
    assert (low, high) == pytest.approx((exp_low, exp_high), abs=2e-3)


def test_weibull_depends_on_age_and_the_constant_hazard_does_not():
    durations, observed = [30, 150, 700, 180], [True, True, False, False]
    young = hazard.weibull_survival(durations, observed, 10, 90, PRIOR)
    old = hazard.weibull_survival(durations, observed, 400, 90, PRIOR)
    # The endings came early, so the fitted shape is below 1 and an older truce is safer.
    assert old[0] > young[0]


def test_the_weibull_grid_holds_the_posterior_inside_its_edges():
    table = survival.spells(truces([("a", "2018-12-01", "2019-05-05", "escalation"),
                                    ("b", "2019-06-29", "2019-08-01", "escalation"),
                                    ("c", "2020-01-15", None, "open")]), "2021-12-31")
    _, _, weight = hazard.weibull_posterior(table["duration"], table["observed"])
    edges = weight[0].sum() + weight[-1].sum() + weight[:, 0].sum() + weight[:, -1].sum()
    assert weight.sum() == pytest.approx(1.0) and edges < 1e-3


# --- Greenwood ----------------------------------------------------------------------------------------------------

def test_greenwood_variance_and_band_on_five_spells():
    # Durations 2, 3, 3+, 5, 8+ ("+" censored). Greenwood's sum of d / (n (n - d)):
    # t=2: 1 / (5 * 4) = 0.05; t=3: + 1 / (4 * 3) = 0.083333 -> 0.133333; t=5: + 1 / (2 * 1) = 0.5 -> 0.633333;
    # t=8: no ending, unchanged. Var = S^2 * sum: 0.64 * 0.05 = 0.032; 0.36 * 0.133333 = 0.048;
    # 0.09 * 0.633333 = 0.057; 0.057.
    band = hazard.greenwood_band([2, 3, 3, 5, 8], [True, True, False, True, False])
    assert band["survival"].tolist() == pytest.approx([0.8, 0.6, 0.3, 0.3])
    assert band["variance"].tolist() == pytest.approx([0.032, 0.048, 0.057, 0.057])
    # Log-log band at t=2: log 0.8 = -0.223144; V = 0.05 / 0.223144^2 = 1.004156; z sqrt V = 1.96 * 1.002076 = 1.964033;
    # low = 0.8 ** exp(1.964033) = 0.8 ** 7.12840 = exp(-1.59067) = 0.20381;
    # high = 0.8 ** exp(-1.964033) = 0.8 ** 0.140284 = exp(-0.031304) = 0.96918.
    assert band.loc[0, "low"] == pytest.approx(0.20381, abs=1e-5)
    assert band.loc[0, "high"] == pytest.approx(0.96918, abs=1e-5)
    assert (band["low"] <= band["survival"]).all() and (band["survival"] <= band["high"]).all()


def test_greenwood_band_where_nothing_has_ended_and_where_everything_has():
    # 4+ then 6: S(4) = 1 (no ending yet, the band is the point); S(6) = 1 - 1/1 = 0 (Greenwood's sum infinite).
    band = hazard.greenwood_band([4, 6], [False, True])
    assert band.loc[0, ["survival", "low", "high"]].tolist() == [1.0, 1.0, 1.0]
    assert band.loc[1, "survival"] == 0 and band.loc[1, ["variance", "low", "high"]].isna().all()


# --- The real data ------------------------------------------------------------------------------------------------

def test_the_forecast_on_3_dec_2026_measures_the_open_truce_on_that_day():
    f = hazard.forecast(as_of="2026-12-03")
    # The Kuala Lumpur-Busan truce began on 30 Oct 2025: 365 days to 30 Oct 2026, plus 1 + 30 + 3 = 399.
    assert f.current["truce_id"] == "busan-2025" and f.age_days == 399
    assert f.exposure == int(f.spells["duration"].sum()) and f.events == int(f.spells["observed"].sum())
    for m in f.models:
        assert 0 < m.low < m.probability < m.high < 1
    # Constant hazard: posterior Gamma(a0 + events, b0 + exposure), P = (b / (b + 90)) ** a.
    a, b = hazard.PRIOR_SHAPE + f.events, hazard.PRIOR_RATE_DAYS + f.exposure
    constant = f.model("constant hazard")
    assert constant.codings["without_cliff"].iloc[0] == pytest.approx((b / (b + 90)) ** a)
    # The extended truce's cliff, 10 Jan 2027, lies inside the 90 days. Cliffs met with a sourced outcome: 12 Aug 2025
    # and 10 Nov 2025 (both moved by extensions), 10 Nov 2026 (moved in September); none saw a breakdown within 14
    # days. q ~ Beta(0.5 + 0, 1.5 + 3) = Beta(0.5, 4.5), mean 0.1, so the chance is 90% of the daily-hazard one.
    assert f.cliff.cliff == pd.Timestamp("2027-01-10") and len(f.cliff.met) == 3 and f.cliff.ended == 0
    assert constant.probability == pytest.approx((b / (b + 90)) ** a * 0.9)
    # A scheduled expiry passed with no sourced outcome: both codings are shown.
    assert f.unknown_after is not None and len(f.model("constant hazard").codings) == 2


# --- The scheduled cliff as a spike -------------------------------------------------------------------------------

def _cliff_case():
    """Two truces: A (day 0-100) broke down 5 days after its day-95 cliff; B (from day 200) met a cliff on day 290."""
    day = pd.Timestamp("2020-01-01")
    d = lambda n: day + pd.Timedelta(days=n)  # noqa: E731
    truces = pd.DataFrame({"truce_id": ["a", "b"], "name": ["A", "B"], "start": [d(0), d(200)], "end": [d(100), pd.NaT],
                           "ended_by": ["escalation", "open"]})
    commitments = pd.DataFrame({
        "commitment_id": ["a-susp", "b-susp", "b-ext"], "announced": [d(0), d(200), d(280)],
        "metric": ["tariff_suspension"] * 3, "deadline": [d(95), d(290), d(400)],
        "supersedes": [None, None, "b-susp"], "source_id": ["s"] * 3})
    return truces, commitments, d


def test_a_cliff_spike_counts_the_cliffs_met_and_the_endings_near_them():
    truces, commitments, d = _cliff_case()
    table = survival.spells(truces, d(300))
    # Met: day 95 (A broke down 5 days later: an ending near it) and day 290 (moved by the extension known on day 280).
    cliff = hazard.spike(commitments, table, d(300), horizon_days=120, through=d(250))
    assert cliff.met == (d(95), d(290)) and cliff.ended == 1
    # Beta(0.5 + 1, 1.5 + 1): mean 1.5 / 4.
    assert (cliff.a, cliff.b) == (1.5, 2.5) and cliff.mean == pytest.approx(0.375)
    # The extension's day-400 deadline lies inside 120 days of day 300, so the spike applies; not inside 90.
    assert cliff.cliff == d(400) and cliff.applies
    assert not hazard.spike(commitments, table, d(300), horizon_days=90, through=d(250)).applies


def test_a_cliff_with_no_sourced_outcome_is_not_counted():
    truces, commitments, d = _cliff_case()
    commitments = commitments[commitments["commitment_id"] != "b-ext"]  # nothing moved day 290
    table = survival.spells(truces, d(300))
    # The evidence ends on day 250: day 290 passed unsourced and counts neither way.
    assert hazard.spike(commitments, table, d(300), 90, through=d(250)).met == (d(95),)
    assert hazard.spike(commitments, table, d(300), 90, through=d(295)).met == (d(95), d(290))


def test_the_spike_multiplies_the_chance_and_widens_its_interval():
    truces, commitments, d = _cliff_case()
    with_cliff = hazard.fit(truces, d(300), 120, commitments=commitments, through=d(250))
    without = hazard.fit(truces, d(300), 120)
    for name in ("constant hazard", "Weibull"):
        m, base = with_cliff.model(name), without.model(name)
        assert m.codings["without_cliff"].iloc[0] == pytest.approx(base.probability)
        assert m.probability == pytest.approx(base.probability * (1 - 0.375), rel=1e-9 if name == "constant hazard" else 1e-6)
        assert m.low < base.low and m.high <= base.high
    assert without.cliff is None and with_cliff.cliff.applies
