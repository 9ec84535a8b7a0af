"""Scoring the monthly forecasts: outcomes, Brier scores, climatology, and hits, misses and false alarms.

Every history here is synthetic and every expectation is worked by hand.
"""

import math

import pandas as pd
import pytest

from analysis.domain import scoring

ts = pd.Timestamp

# Two truces: A from 1 Jan 2019, broken down on 15 Jun 2019; B from 1 Sep 2019, still open.
TRUCES = pd.DataFrame({"truce_id": ["a", "b"], "name": ["A", "B"], "start": pd.to_datetime(["2019-01-01", "2019-09-01"]),
                       "end": pd.to_datetime(["2019-06-15", None]), "ended_by": ["escalation", "open"]})


def test_brier_score_by_hand():
    # (0.9 - 1)^2 = 0.01, (0.7 - 0)^2 = 0.49, (0.5 - 1)^2 = 0.25: mean 0.75 / 3 = 0.25. The unknown pair is left out.
    assert scoring.brier([0.9, 0.7, 0.5, 0.4], [1, 0, 1, math.nan]) == pytest.approx(0.25)
    assert scoring.brier([0.5], [math.nan]) is None


def test_outcomes_are_judged_over_the_horizon_with_the_ledger_of_the_as_of_date():
    dates = pd.date_range("2019-01-31", "2019-12-31", freq="ME")
    out = scoring.outcomes(TRUCES, dates, "2020-01-31", 60).set_index("date")
    # 31 Mar + 60 days = 30 May, before the 15 Jun breakdown: lasted. 30 Apr + 60 = 29 Jun: it broke down first.
    assert out.loc[ts("2019-03-31"), "outcome"] == 1.0 and out.loc[ts("2019-04-30"), "outcome"] == 0.0
    # July and August: no truce in force. September: B, and 30 Sep + 60 = 29 Nov is before 31 Jan 2020: lasted.
    assert pd.isna(out.loc[ts("2019-07-31"), "truce_id"]) and pd.isna(out.loc[ts("2019-07-31"), "outcome"])
    assert out.loc[ts("2019-09-30"), "outcome"] == 1.0
    # 31 Dec + 60 = 1 Mar 2020, after the as-of date and B has not ended: pending.
    assert pd.isna(out.loc[ts("2019-12-31"), "outcome"])


def test_an_open_truce_whose_status_is_unknown_is_pending_past_that_date():
    dates = pd.to_datetime(["2019-09-30", "2019-10-31"])
    out = scoring.outcomes(TRUCES, dates, "2020-03-31", 60, unknown_after="2019-12-15")
    # 30 Sep + 60 = 29 Nov, inside what is known: lasted. 31 Oct + 60 = 30 Dec, past 15 Dec: not known.
    assert out["outcome"].iloc[0] == 1.0 and pd.isna(out["outcome"].iloc[1])


def test_climatology_uses_only_outcomes_whose_horizon_has_passed():
    frame = pd.DataFrame({"date": pd.to_datetime(["2019-01-31", "2019-02-28", "2019-03-31", "2019-06-30"]),
                          "outcome": [1.0, 0.0, 0.0, math.nan]})
    # With 60 days, 31 Jan's outcome counts from 1 Apr: at 31 Mar nothing counts yet, so one half.
    # At 30 Jun: 31 Jan (1), 28 Feb (0) and 31 Mar (0) all count: 1/3.
    assert scoring.climatology(frame, 60).tolist() == pytest.approx([0.5, 0.5, 0.5, 1 / 3])


def monthly(values, truce_ids, start="2019-01-31"):
    dates = pd.date_range(start, periods=len(values), freq="ME")
    return pd.DataFrame({"date": dates, "truce_id": truce_ids, "reading": [math.nan if v is None else v for v in values]})


BREAKDOWN = pd.DataFrame({"truce_id": ["a"], "name": ["A"], "end": [ts("2019-06-15")]})


def test_a_fall_in_the_run_up_is_a_hit():
    # A's month ends Jan..May read 80, 80, 78, 70, 60. Run-up (3 months before 15 Jun): 31 Mar, 30 Apr, 31 May.
    # References 6 months back fall before A began, so each takes A's first reading, 80: 30 Apr (70) and 31 May (60)
    # are 5 or more below it; 31 Mar (78) is not.
    series = monthly([80, 80, 78, 70, 60], ["a"] * 5)
    verdicts, alarms = scoring.classify(series, "reading", BREAKDOWN, "2019-12-31", 3, 6, 5)
    row = verdicts.iloc[0]
    assert row["verdict"] == "hit" and row["fell_on"] == [ts("2019-04-30"), ts("2019-05-31")]
    assert row["run_up"] == [ts("2019-03-31"), ts("2019-04-30"), ts("2019-05-31")]
    assert alarms.empty


def test_no_fall_is_a_miss_and_a_reference_never_comes_from_an_earlier_truce():
    # The same months held steady: a miss.
    steady = monthly([80, 80, 80, 79, 78], ["a"] * 5)
    assert scoring.classify(steady, "reading", BREAKDOWN, "2019-12-31", 3, 6, 5)[0]["verdict"].iloc[0] == "miss"
    # Only one reading of A (31 May): no earlier reading in the same truce to compare with, even though the
    # readings of an earlier truce "z" were higher.
    mixed = monthly([90, 90, 90, None, 60], ["z", "z", "z", None, "a"])
    verdicts, _ = scoring.classify(mixed, "reading", BREAKDOWN, "2019-12-31", 3, 6, 5)
    assert verdicts["verdict"].iloc[0] == "not computable"


def test_a_fall_with_no_breakdown_after_it_is_a_false_alarm_once_its_window_has_passed():
    # B (from Sep): 80, 70 (a fall on 31 Oct), 80, 80. No breakdown follows within 3 months.
    series = monthly([80, 70, 80, 80], ["b"] * 4, start="2019-09-30")
    _, alarms = scoring.classify(series, "reading", BREAKDOWN.iloc[0:0], "2020-03-31", 3, 6, 5)
    assert alarms["date"].tolist() == [ts("2019-10-31")]
    # Judged on 31 Dec 2019, the three months after 31 Oct have not all passed: not (yet) a false alarm.
    _, early = scoring.classify(series, "reading", BREAKDOWN.iloc[0:0], "2019-12-31", 3, 6, 5)
    assert early.empty


def test_scores_count_the_months_and_endings_they_rest_on():
    frame = pd.DataFrame({"outcome": [1.0, 0.0, math.nan], "p": [0.9, 0.7, 0.5], "q": [0.5, 0.5, 0.5]})
    got = {s.forecast: s for s in scoring.scores(frame, {"model": "p", "coin": "q"})}
    # model: (0.01 + 0.49) / 2 = 0.25; coin: 0.25 either way.
    assert (got["model"].months, got["model"].endings) == (2, 1)
    assert got["model"].brier == pytest.approx(0.25) and got["coin"].brier == pytest.approx(0.25)
