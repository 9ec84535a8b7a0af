"""Truce history: Kaplan-Meier and the base rate against figures worked out by hand (arithmetic in the comments)."""

import altair as alt
import pandas as pd
import pytest

from analysis.data import evidence
from analysis.domain import survival as history
from analysis.views import history as history_view
from analysis.errors import ParameterError

# The hand-worked example: durations 2, 3, 3+, 5, 8+ ("+" = censored).
DURATIONS = [2, 3, 3, 5, 8]
ENDED = [True, True, False, True, False]


def ts(text):
    return pd.Timestamp(text)


def test_kaplan_meier_hand_worked():
    km = history.kaplan_meier(DURATIONS, ENDED)
    assert km["time"].tolist() == [2, 3, 5, 8]
    # At risk at t = durations >= t: 5 at 2; 4 at 3 (3, 3+, 5, 8+); 2 at 5 (5, 8+); 1 at 8.
    assert km["at_risk"].tolist() == [5, 4, 2, 1]
    assert km["events"].tolist() == [1, 1, 1, 0]
    assert km["censored"].tolist() == [0, 1, 0, 1]
    # S(2) = 1 * (1 - 1/5) = 0.8; S(3) = 0.8 * (1 - 1/4) = 0.6; S(5) = 0.6 * (1 - 1/2) = 0.3; S(8) = 0.3 * (1 - 0/1).
    assert km["survival"].tolist() == pytest.approx([0.8, 0.6, 0.3, 0.3])


def test_survival_between_steps_and_beyond_the_data():
    km = history.kaplan_meier(DURATIONS, ENDED)
    assert history.survival_at(km, 0) == 1.0  # before the first ending nothing has ended
    assert history.survival_at(km, 4) == pytest.approx(0.6)  # the step at 3 holds until 5
    assert history.survival_at(km, 8) == pytest.approx(0.3)  # the longest duration itself is observed
    assert history.survival_at(km, 9) is None  # beyond it the curve says nothing


def test_kaplan_meier_without_censoring_is_the_plain_share_surviving():
    # Four truces, all ended: after 10 days 3/4 remain, after 20 days 1/4, after 30 none.
    km = history.kaplan_meier([10, 20, 20, 30], [True] * 4)
    assert km["survival"].tolist() == pytest.approx([0.75, 0.25, 0.0])


@pytest.mark.parametrize(
    "age, horizon, probability, at_risk_age, at_risk_target",
    [
        (3, 2, 0.5, 4, 2),  # S(5) / S(3) = 0.3 / 0.6; at risk: 3, 3+, 5, 8+ at 3 and 5, 8+ at 5
        (0, 2, 0.8, 5, 5),  # S(2) / S(0) = 0.8 / 1
        (5, 3, 1.0, 2, 1),  # S(8) / S(5) = 0.3 / 0.3: no ending between 5 and 8; 8 is the longest, still estimable
        (3, 1, 1.0, 4, 2),  # S(4) / S(3) = 0.6 / 0.6; durations >= 4 are 5 and 8+
    ],
)
def test_base_rate_hand_worked(age, horizon, probability, at_risk_age, at_risk_target):
    rate = history.base_rate(history.kaplan_meier(DURATIONS, ENDED), age, horizon)
    assert rate.probability == pytest.approx(probability)
    assert (rate.at_risk_age, rate.at_risk_target) == (at_risk_age, at_risk_target)
    assert rate.estimable and rate.reason == "" and rate.longest == 8


def test_base_rate_beyond_the_longest_duration_is_not_estimable():
    # 3 + 6 = 9 days, past the longest observed duration (8): not extrapolated.
    rate = history.base_rate(history.kaplan_meier(DURATIONS, ENDED), 3, 6)
    assert rate.probability is None and not rate.estimable
    assert rate.target == 9 and rate.at_risk_target == 0
    assert "9 days lies beyond the longest duration observed (8 days)" in rate.reason
    assert history.swing(rate) is None


def test_base_rate_when_every_truce_had_ended_by_that_age():
    # Both truces ended (2 and 4 days): S(4) = 0, so nothing is left to condition on.
    rate = history.base_rate(history.kaplan_meier([2, 4], [True, True]), 4, 0)
    assert rate.probability is None and "every truce in the record had ended by 4 days" in rate.reason


def test_base_rate_with_no_truces():
    rate = history.base_rate(history.kaplan_meier([], []), 0, 10)
    assert rate.probability is None and rate.reason == "no truce is recorded by this date"


def test_swing_is_the_rate_over_those_still_at_risk():
    # Rate 0.5 resting on 2 truces at risk at the target age: one more ending takes 0.5 / 2 = 25 points.
    rate = history.base_rate(history.kaplan_meier(DURATIONS, ENDED), 3, 2)
    assert history.swing(rate) == pytest.approx(25.0)


TRUCES = pd.DataFrame({
    "truce_id": ["a", "b", "c", "d"],
    "name": ["A", "B", "C", "D"],
    "start": pd.to_datetime(["2019-01-01", "2019-02-01", "2019-04-01", "2019-06-01"]),
    "end": pd.to_datetime(["2019-01-11", "2019-03-03", "2019-06-30", None]),
    "ended_by": ["escalation", "superseded", "escalation", "unknown"],
    "source_id": ["s1", "s2", "s3", "s4"],
    "how_ended": ["talks failed", "a new deal", "new tariffs", ""],
    "compliance_note": ["not measured"] * 4,
})


def test_spells_use_only_what_was_known_at_as_of():
    table = history.spells(TRUCES, "2019-05-01")
    # D starts after as_of and is left out; C ends after as_of, so at as_of it is running.
    assert table["truce_id"].tolist() == ["a", "b", "c"]
    # A: 11 Jan - 1 Jan = 10 days, a breakdown. B: 3 Mar - 1 Feb = 30 days, superseded, censored.
    # C: no end by 1 May, censored at as_of: 1 May - 1 Apr = 30 days.
    assert table["duration"].tolist() == [10, 30, 30]
    assert table["observed"].tolist() == [True, False, False]
    assert table["state"].tolist() == ["ended in breakdown", "superseded by a new deal", "in force"]
    assert history.current(table)["truce_id"] == "c"


def test_open_truce_is_censored_where_the_evidence_ends_when_its_status_is_unknown():
    table = history.spells(TRUCES, "2019-05-01", unknown_after=ts("2019-04-11"))
    # C is last known in force on 11 Apr: 11 Apr - 1 Apr = 10 days, not 30.
    assert table.set_index("truce_id").loc["c", "duration"] == 10
    assert table.set_index("truce_id").loc["c", "state"] == history.STATUS_UNKNOWN


def test_ending_any_counts_every_recorded_end():
    table = history.spells(TRUCES, "2019-12-31", ending="any")
    # A, B and C have ended by the end of 2019; D (no end) is censored at 31 Dec: 213 days from 1 Jun.
    assert table["observed"].tolist() == [True, True, True, False]
    assert table["duration"].tolist() == [10, 30, 90, 213]
    assert history.current(table)["truce_id"] == "d"


def test_no_truce_in_force_between_truces():
    table = history.spells(TRUCES, "2019-03-20")
    assert history.current(table) is None


EXPIRIES = pd.DataFrame({
    "date": pd.to_datetime(["2026-02-24", "2026-11-10", "2027-01-10"]),
    "type": ["escalation", "expiry", "expiry"],
    "source_id": ["x", "y", "z"],
})


@pytest.mark.parametrize("as_of, through, unknown", [
    ("2026-12-03", "2026-10-07", "2026-10-07"),  # 10 Nov passed after the evidence ends on 7 Oct
    ("2026-11-09", "2026-10-07", None),  # nothing scheduled has passed yet: the truce holds to as_of
    ("2026-12-03", "2026-11-12", None),  # the evidence reaches past 10 Nov, so its outcome is sourced
    ("2026-03-31", "2026-02-01", None),  # 24 Feb is not a scheduled expiry
    ("2026-12-03", None, None),  # no evidence at all: nothing to censor at
])
def test_a_truce_is_of_unknown_status_only_once_a_scheduled_expiry_passed_after_the_evidence(as_of, through, unknown):
    through = None if through is None else ts(through)
    assert history.status_unknown_after(EXPIRIES, as_of, through) == (None if unknown is None else ts(unknown))


def test_unsourced_expiries_lie_between_the_evidence_and_as_of():
    passed = history.unsourced_expiries(EXPIRIES, "2027-02-01", ts("2026-10-07"))
    assert passed["date"].tolist() == [ts("2026-11-10"), ts("2027-01-10")]
    assert history.unsourced_expiries(EXPIRIES, "2026-10-07", ts("2026-10-07")).empty


PHASE_ONE = pd.DataFrame({
    "category": ["total", "total", "total"],
    "period": ["2020-2021"] * 3,
    "measure": ["share_of_commitment", "share_of_commitment", "purchased"],
    "value": [57.0, 58.0, 1.0],
    "basis": ["us_exports"] * 3,
    "preferred": [False, True, True],
    "source_id": ["first", "revised", "revised"],
})
SOURCES = pd.DataFrame({
    "source_id": ["first", "revised"],
    "publisher": ["PIIE", "PIIE (revised)"],
    "title": ["original", "revised"],
    "published": pd.to_datetime(["2022-02-08", None]),
})
TRUCE = pd.Series({"truce_id": "p1", "end": ts("2021-12-31"), "source_id": "revised", "compliance_pct": 58.0})


def test_compliance_lists_every_version_preferred_first():
    versions = history.compliance_versions(TRUCE, PHASE_ONE, SOURCES, "2022-06-30")
    assert versions["value"].tolist() == [58.0, 57.0]
    assert versions["preferred"].tolist() == [True, False]
    assert versions["publisher"].tolist() == ["PIIE (revised)", "PIIE"]


def test_compliance_is_not_known_before_the_end_or_before_publication():
    assert history.compliance_versions(TRUCE, PHASE_ONE, SOURCES, "2021-06-30").empty  # truce not over
    # On 1 Jan 2022 the truce is over but the first version (published 8 Feb 2022) is not out yet.
    assert history.compliance_versions(TRUCE, PHASE_ONE, SOURCES, "2022-01-01")["value"].tolist() == [58.0]


def test_compliance_falls_back_to_the_truce_row():
    truce = TRUCE.copy()
    truce["source_id"] = "other"
    sources = pd.concat([SOURCES, pd.DataFrame({"source_id": ["other"], "publisher": ["X"], "title": ["t"],
                                                "published": [pd.NaT]})])
    assert history.compliance_versions(truce, PHASE_ONE, sources, "2022-06-30")["value"].tolist() == [58.0]


def test_parameters_are_checked_by_name():
    with pytest.raises(ParameterError, match="'horizon_days'"):
        history.check_parameters(as_of="today", horizon_days=0, ending="breakdown")
    with pytest.raises(ParameterError, match="'ending': 'most' is not one of: breakdown, any"):
        history.check_parameters(as_of="today", horizon_days=180, ending="most")
    with pytest.raises(ParameterError, match="'as_of'"):
        history.compute(as_of="2019-13-45", horizon_days=180, ending="breakdown")


def dates_on(as_of, through=None):
    """Report dates for a hand-made history: one series, dated ``through``."""
    through = None if through is None else ts(through)
    line = evidence.SeriesDate("events", "Events ledger", through, through, None, 30, "dated events")
    return evidence.ReportDates(ts(as_of), ts(as_of), (line,))


def small_history(as_of="2019-05-01", horizon=20, truces=TRUCES, unknown_after=None, unsourced=EXPIRIES.iloc[0:0]):
    table = history.spells(truces, as_of, unknown_after)
    km = history.kaplan_meier(table["duration"], table["observed"])
    now = history.current(table)
    rate = history.base_rate(km, int(now["duration"]), horizon) if now is not None else None
    return history.History(ts(as_of), dates_on(as_of, unknown_after), unknown_after, unsourced, "breakdown", table, km,
                           now, rate, {t: pd.DataFrame() for t in table["truce_id"]}, pd.DataFrame(columns=["truce"]),
                           pd.DataFrame(), history.first_truce(truces))


def test_caveat_and_base_rate_text_are_computed_from_the_sample():
    h = small_history()
    # Durations 10 (ended), 30+, 30+: S(10) = 2/3 and stays there; C is 30 days old; 30 + 20 = 50 > 30.
    assert "**3 truces** and **1 ending**" in history_view.caveat_text(h)
    assert "Not estimable" in history_view.base_rate_text(h)
    assert "50 days lies beyond the longest duration observed (30 days)" in history_view.base_rate_text(h)


def test_base_rate_text_reads_the_computed_values():
    h = small_history(horizon=0)
    # S(30) / S(30) = (2/3) / (2/3) = 100%.
    assert "**100%**" in history_view.base_rate_text(h)
    # Durations >= 30: B and C, so 2 of the 3 reached that age; one more ending there takes 100% / 2 = 50 points.
    caveat = history_view.caveat_text(h)
    assert "2 truces of the 3 reached 30 days" in caveat
    assert "the rate would be 50 percentage points lower" in caveat


# ---- Before the first truce, between truces, and after the evidence ends --------------------------

def test_before_the_first_truce_the_page_names_it_and_draws_no_chart():
    h = small_history(as_of="2018-06-30")
    headline = history_view.headline_text(h)
    assert headline.startswith("No truce had begun by 30 Jun 2018: the first, the A, began on 1 Jan 2019.")
    assert history_view.censoring_text(h) == "There is no survival curve yet: no truce had begun by 30 Jun 2018."
    assert history_view.base_rate_text(h) == ("No truce had begun by 30 Jun 2018, so there is no current age to "
                                              "condition on.")
    assert history_view.caveat_text(h) == "**No sample yet**: no truce had begun by 30 Jun 2018."
    assert history_view.ending_events_text(h) == "No truce had ended by 30 Jun 2018, so there is no ending to look at."
    for chart in (history_view.timeline_chart(h), history_view.survival_chart(h)):
        assert not isinstance(chart, alt.TopLevelMixin)
        assert chart.data.startswith("*No chart: no truce had begun by 30 Jun 2018")
    assert history_view.truces_table(h).empty and history_view.km_table(h).empty


def test_between_truces_the_page_says_which_ended_last():
    h = small_history(as_of="2019-03-20")
    # B (superseded on 3 Mar) is the last to end; C begins only on 1 Apr.
    assert "No truce was in force on 20 Mar 2019: the last, the B, was superseded by a new deal on 3 Mar 2019." \
        in history_view.headline_text(h)
    assert history_view.base_rate_text(h).endswith("There is no current age to condition on.")


def test_a_chart_with_no_censored_truce_draws_no_empty_layer():
    # On 20 Mar 2019 with ending "breakdown": A (a breakdown) is observed, B (superseded) censored.
    spec = history_view.survival_chart(small_history(as_of="2019-03-20")).to_dict()
    assert all(len(rows) for rows in spec["datasets"].values())
    only_breakdowns = TRUCES.iloc[:1]
    spec = history_view.survival_chart(small_history(as_of="2019-03-20", truces=only_breakdowns)).to_dict()
    assert len(spec["layer"]) == 1 and all(len(rows) for rows in spec["datasets"].values())


def test_a_truce_of_unknown_status_is_said_with_the_evidence_date_and_the_expiry():
    unsourced = pd.DataFrame({"date": [ts("2019-04-20")], "type": ["expiry"], "source_id": ["y"]})
    h = small_history(unknown_after=ts("2019-04-11"), unsourced=unsourced)
    # C: 1 Apr to 11 Apr = 10 days.
    assert ("was **10 days** old on 11 Apr 2019, where the evidence on this page ends; the scheduled expiry of "
            "20 Apr 2019 has passed since with no sourced outcome, so whether it is still in force is not known."
            in history_view.headline_text(h))
    assert "status not known: no sourced outcome after 11 Apr 2019" in history_view.truces_table(h)["Outcome"].tolist()
    assert "it is censored at 11 Apr 2019, where the evidence on this page ends" in history_view.censoring_text(h)


def test_history_dates_are_those_of_the_evidence_module():
    h = history.compute(as_of="2026-12-03", horizon_days=180, ending="breakdown")
    assert h.dates == evidence.report_dates(history.EVIDENCE_KEYS, "2026-12-03")
    # 10 Nov 2026 passed after the evidence ends on its evidence-through date: the open truce is censored there.
    assert h.unknown_after == h.dates.evidence_through
    assert h.current["until"] == h.dates.evidence_through
