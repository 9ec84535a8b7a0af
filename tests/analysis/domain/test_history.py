"""Truce history: Kaplan-Meier and the base rate against figures worked out by hand (arithmetic in the comments)."""

import math

import altair as alt
import pandas as pd
import pytest
from scipy.stats import gamma

from analysis.data import evidence
from analysis.data.loaders import load_events, load_truces
from analysis.domain import hazard
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


def small_history(as_of="2019-05-01", horizon=20, truces=TRUCES, unknown_after=None, unsourced=EXPIRIES.iloc[0:0],
                  ending="breakdown"):
    """A History built from hand-made data by the same domain functions :func:`history.compute` calls."""
    table = history.page_spells(truces, as_of, unknown_after, ending)
    km = history.kaplan_meier(table["duration"], table["observed"])
    now = history.current(table)
    rate = history.base_rate(km, int(now["duration"]), horizon) if now is not None else None
    forecast = hazard.fit(truces, as_of, horizon, unknown_after=unknown_after, ending=ending, unsourced=unsourced,
                          first=history.first_truce(truces))
    band = hazard.greenwood_band(table["duration"], table["observed"]) if len(table) else pd.DataFrame()
    curves = (history.fitted_curves(table, history.fit_times(table, horizon)) if len(table) else pd.DataFrame())
    codings = history.coding_effects(truces, as_of, horizon, unknown_after, ending)
    return history.History(ts(as_of), dates_on(as_of, unknown_after), unknown_after, unsourced, ending, table, km,
                           now, rate, {t: pd.DataFrame() for t in table["truce_id"]}, pd.DataFrame(columns=["truce"]),
                           pd.DataFrame(), history.first_truce(truces), horizon, forecast, band, curves, codings)


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


def marks(spec):
    return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]


def test_a_chart_with_no_censored_truce_draws_no_empty_layer():
    # On 20 Mar 2019 with ending "breakdown": A (a breakdown) is observed, B (superseded) censored.
    spec = history_view.survival_chart(small_history(as_of="2019-03-20")).to_dict()
    assert all(len(rows) for rows in spec["datasets"].values())
    assert "point" in marks(spec)  # B's cross
    only_breakdowns = TRUCES.iloc[:1]
    spec = history_view.survival_chart(small_history(as_of="2019-03-20", truces=only_breakdowns)).to_dict()
    # Two bands, three curves, no censored crosses and (no truce in force) no age markers.
    assert marks(spec) == ["area", "area", "line", "line", "line"]
    assert all(len(rows) for rows in spec["datasets"].values())


def test_a_truce_of_unknown_status_is_said_with_the_evidence_date_and_the_expiry():
    unsourced = pd.DataFrame({"date": [ts("2019-04-20")], "type": ["expiry"], "source_id": ["y"]})
    h = small_history(unknown_after=ts("2019-04-11"), unsourced=unsourced)
    # C: 1 Apr to 1 May (as_of) = 30 days; to 11 Apr, where the evidence ends, 10 days.
    assert h.age == 30 and h.current["duration"] == 30
    assert ("if still in force it is **30 days** old on 1 May 2019. The evidence on this page ends on 11 Apr 2019 and "
            "the scheduled expiry of 20 Apr 2019 has passed since with no sourced outcome, so whether it is still in "
            "force is not known." in history_view.headline_text(h))
    table = history_view.truces_table(h)
    assert "status not known: no sourced outcome after 11 Apr 2019" in table["Outcome"].tolist()
    assert table["Days (age on the as-of date if open)"].tolist() == ["10", "30", "30 on 1 May 2019 if still in force"]
    censoring = history_view.censoring_text(h)
    assert "it is censored at its age on that day (30 days)" in censoring
    assert "the evidence on this page ends on 11 Apr 2019 (10 days into the truce)" in censoring
    # The fitted models also code C as ended on 11 Apr, and say so.
    assert "Both intervals also cover its having ended on 11 Apr 2019" in history_view.headline_text(h)
    assert "30 days old on 1 May 2019 if still in force (no source says what happened after 11 Apr 2019)" \
        in history_view.status_sentence(h)


def test_history_dates_are_those_of_the_evidence_module():
    h = history.compute(as_of="2026-12-03", horizon_days=180, ending="breakdown")
    assert h.dates == evidence.report_dates(history.EVIDENCE_KEYS, "2026-12-03")
    # A scheduled expiry passed after the evidence ends: the open truce's status is unknown after that date, but it is
    # counted at its age on as_of, as the fitted models count it: 30 Oct 2025 to 3 Dec 2026 = 365 + 1 + 30 + 3 = 399.
    assert h.unknown_after == h.dates.evidence_through
    assert h.current["state"] == history.STATUS_UNKNOWN and h.current["until"] == ts("2026-12-03")
    assert h.age == 399 and h.rate.age == 399 and h.forecast.age_days == 399


# ---- The open truce at its age on as_of, the fitted curves, and the codings of each ending -------------------------

def test_page_spells_count_the_open_truce_at_its_age_on_as_of_and_mark_its_status():
    table = history.page_spells(TRUCES, "2019-05-01", unknown_after=ts("2019-04-11"))
    # C: 1 Apr to 1 May = 30 days (not 10, where the evidence ends); its status after 11 Apr is not known.
    c = table.set_index("truce_id").loc["c"]
    assert c["duration"] == 30 and c["until"] == ts("2019-05-01") and c["state"] == history.STATUS_UNKNOWN
    # An open truce that began after the evidence ends cannot have ended before it began: it stays "in force".
    for evidence_end in ("2019-03-15", "2019-04-01"):  # before C began (1 Apr), and on that day
        late = history.page_spells(TRUCES, "2019-05-01", unknown_after=ts(evidence_end)).set_index("truce_id")
        assert late.loc["c", "state"] == history.IN_FORCE and late.loc["c", "duration"] == 30


def test_the_greenwood_band_on_the_page_is_the_hand_worked_one():
    # Durations 2, 3, 3+, 5, 8+ as five truces: the band test_hazard works by hand (variance 0.032 at 2 days,
    # band 20.381%-96.918%) is what the chart draws, in percent, after a point at day 0.
    start = pd.Timestamp("2020-01-01")
    days = [2, 3, 3, 5, 8]
    ledger = pd.DataFrame({
        "truce_id": list("abcde"), "name": list("ABCDE"),
        "start": [start + pd.Timedelta(days=30 * i) for i in range(5)],
        "ended_by": ["escalation", "escalation", "expiry", "escalation", "expiry"],
        "source_id": list("abcde"), "how_ended": [""] * 5, "compliance_note": [""] * 5,
    })
    ledger["end"] = [s + pd.Timedelta(days=d) for s, d in zip(ledger["start"], days)]
    h = small_history(as_of="2021-01-01", truces=ledger)
    assert h.band["variance"].tolist() == pytest.approx([0.032, 0.048, 0.057, 0.057])
    km, _ = history_view.survival_frames(h)
    assert km["time"].tolist() == [0, 2, 3, 5, 8]
    assert km.loc[1, ["percent", "low", "high"]].tolist() == pytest.approx([80.0, 20.381, 96.918], abs=1e-3)


def test_fitted_curves_hand_worked():
    # Spells 10 (breakdown), 30+, 30+: 1 ending over 70 days. Posterior Gamma(1 + 1, 365 / ln 2 + 70):
    # b = 526.58 + 70 = 596.58; S(t) = (b / (b + t)) ** 2; at 100 days (596.58 / 696.58) ** 2 = 0.73349.
    table = history.spells(TRUCES, "2019-05-01")
    curves = history.fitted_curves(table, [0, 100])
    const = curves[curves["model"] == "constant hazard"].set_index("time")
    b = 365 / math.log(2) + 70
    assert const.loc[100, "mean"] == pytest.approx((b / (b + 100)) ** 2) == pytest.approx(0.73349, abs=1e-5)
    assert const.loc[0, ["mean", "low", "high"]].tolist() == [1.0, 1.0, 1.0]
    # The band: exp(-λ 100) at the Gamma(2, b)'s 95% and 5% points.
    assert const.loc[100, "low"] == pytest.approx(math.exp(-gamma(2, scale=1 / b).ppf(0.95) * 100))
    weibull = curves[curves["model"] == "Weibull"].set_index("time")
    assert weibull.loc[0, "mean"] == pytest.approx(1.0)
    assert weibull.loc[100, "low"] < weibull.loc[100, "mean"] < weibull.loc[100, "high"]


LEDGER = pd.DataFrame({
    "truce_id": ["buenos-aires-2018", "osaka-2019", "phase-one-2020", "geneva-2025", "busan-2025"],
    "name": ["BA", "Osaka", "Phase One", "Geneva", "Busan"],
    "start": pd.to_datetime(["2018-12-01", "2019-06-29", "2020-01-15", "2025-05-12", "2025-10-30"]),
    "end": pd.to_datetime(["2019-05-05", "2019-08-01", "2021-12-31", "2025-11-10", None]),
    "ended_by": ["escalation", "escalation", "expiry", "superseded", "open"],
    "source_id": list("abcde"), "how_ended": [""] * 5, "compliance_note": [""] * 5,
})


def test_alternative_codings_start_as_recorded_and_each_changes_only_its_truce():
    codings = history.alternative_codings(LEDGER)
    labels = list(codings)
    assert labels[0] == history.AS_RECORDED and labels[-1] == history.EVERY_ENDING
    pd.testing.assert_frame_equal(codings[history.AS_RECORDED], LEDGER)
    assert codings[history.AS_RECORDED] is not LEDGER  # a copy
    for reading in history.READINGS:
        coded = codings[reading.label]
        changed = (coded != LEDGER) & ~(coded.isna() & LEDGER.isna())
        rows = coded.loc[changed.any(axis=1), "truce_id"].tolist()
        assert rows == [reading.truce_id], reading.label
        assert set(changed.columns[changed.any()]) <= {"ended_by", "end"}
        assert coded.set_index("truce_id").loc[reading.truce_id, "ended_by"] == reading.ended_by
    # Phase One's expiry read as a breakdown keeps its date; the Geneva October reading moves it to 9 Oct 2025.
    assert codings["Phase One's expiry as a breakdown"].set_index("truce_id").loc["phase-one-2020", "end"] == \
        ts("2021-12-31")
    assert codings["Geneva as broken down in the October 2025 escalation"].set_index("truce_id").loc[
        "geneva-2025", ["end", "ended_by"]].tolist() == [ts("2025-10-09"), "escalation"]
    # Every ending: the four ended truces become breakdowns, the open one is untouched.
    assert codings[history.EVERY_ENDING]["ended_by"].tolist() == ["escalation"] * 4 + ["open"]
    # A reading whose truce is not in the ledger is left out.
    assert list(history.alternative_codings(LEDGER.iloc[:2])) == [
        history.AS_RECORDED, history.READINGS[0].label, history.READINGS[1].label]


def test_every_reading_quotes_the_ledger_and_its_dates_are_sourced():
    truces = load_truces().set_index("truce_id")
    for reading in history.READINGS:
        row = truces.loc[reading.truce_id]
        assert reading.quote in f"{row['how_ended']} {row['note']}", reading.label
        assert reading.ended_by in history.ENDING_LABELS and reading.kind in ("coding", "dating")
    # Phase One held in force until the first new US tariff of 2025: the events ledger has that escalation.
    events = load_events()
    first_2025 = events[(events["type"] == "escalation") & (events["actor"] == "US") & (events["date"].dt.year == 2025)]
    phase_one = next(r for r in history.READINGS if r.end == "2025-02-04")
    assert first_2025["date"].min() == ts(phase_one.end)
    # The Buenos Aires rise took effect on 10 May 2019 (an escalation in the events ledger too).
    assert ((events["date"] == ts("2019-05-10")) & (events["type"] == "escalation")).any()


def test_coding_effects_hand_worked():
    # As of 1 Jun 2026 (breakdowns counted): BA 155 (ended), Osaka 33 (ended), Phase One 716 (expiry, censored),
    # Geneva 182 (superseded, censored), Busan open 1 Jun 2026 - 30 Oct 2025 = 214. Exposure 155 + 33 + 716 + 182 + 214
    # = 1,300 days, 2 endings: P(90 days) = (b / (b + 90)) ** 3, b = 365 / ln 2 + 1,300.
    effects = history.coding_effects(LEDGER, "2026-06-01", 90).set_index("label")
    b = 365 / math.log(2) + 1300
    recorded = effects.loc[history.AS_RECORDED]
    assert (recorded["events"], recorded["exposure"]) == (2, 1300) and not recorded["changes"]
    assert recorded["probability"] == pytest.approx((b / (b + 90)) ** 3)
    assert recorded["in_force"] == "Busan"
    # Phase One's expiry as a breakdown: 3 endings over the same days: (b / (b + 90)) ** 4.
    p1 = effects.loc["Phase One's expiry as a breakdown"]
    assert (p1["events"], p1["exposure"], p1["changes"]) == (3, 1300, True)
    assert p1["probability"] == pytest.approx((b / (b + 90)) ** 4)
    assert (p1["recorded_by"], p1["read_by"], p1["name"]) == ("expiry", "escalation", "Phase One")
    # Geneva broken down on 9 Oct 2025: 150 days, not 182, and a third ending: b' = b - 32.
    geneva = effects.loc["Geneva as broken down in the October 2025 escalation"]
    assert (geneva["events"], geneva["exposure"]) == (3, 1268)
    assert geneva["probability"] == pytest.approx(((b - 32) / (b - 32 + 90)) ** 4)
    # Every ending: 4 endings over 1,300 days.
    every = effects.loc[history.EVERY_ENDING]
    assert every["events"] == 4 and every["probability"] == pytest.approx((b / (b + 90)) ** 5)
    for _, row in effects.iterrows():
        assert row["low"] < row["probability"] < row["high"]


def test_coding_effects_before_an_ending_change_nothing():
    # On 1 Jun 2021 Phase One is in force: reading its (later) expiry as a breakdown changes no spell yet.
    effects = history.coding_effects(LEDGER, "2021-06-01", 90).set_index("label")
    assert not effects.loc["Phase One's expiry as a breakdown", "changes"]
    assert effects.loc["Phase One's expiry as a breakdown", "probability"] == pytest.approx(
        effects.loc[history.AS_RECORDED, "probability"])
    # With every ending counted already (ending="any"), recoding what ended a truce changes nothing either.
    anything = history.coding_effects(LEDGER, "2026-06-01", 90, ending="any").set_index("label")
    assert not anything.loc["Phase One's expiry as a breakdown", "changes"]
    assert not anything.loc[history.EVERY_ENDING, "changes"]
    assert anything.loc["Geneva as broken down in the October 2025 escalation", "changes"]  # its date moves
