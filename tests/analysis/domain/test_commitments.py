"""Commitment maths against figures worked out by hand (the arithmetic is in the comments)."""

import math

import pandas as pd
import pytest

from analysis.data.loaders import load_commitments, load_soybeans
from analysis.domain import commitments as cm
from analysis.errors import ParameterError
from support import notebook_defaults

# 12 MMT from 1 Nov 2025 to 28 Feb 2026: 30 + 31 + 31 + 28 = 120 days.
DEAL = cm.Commitment("soy", 12_000_000, "2025-11-01", "2026-02-28")


def ts(text):
    return pd.Timestamp(text)


def test_commitment_length_counts_both_ends():
    assert DEAL.days == 120


@pytest.mark.parametrize(
    "when, expected",
    [
        ("2025-10-15", 0.0),  # before the start nothing is due
        ("2025-11-01", 100_000.0),  # 1/120 of 12 MMT
        ("2025-11-30", 3_000_000.0),  # 30/120
        ("2025-12-31", 6_100_000.0),  # 61/120
        ("2026-02-28", 12_000_000.0),  # the whole target at the deadline
        ("2026-06-30", 12_000_000.0),  # and no more after it
    ],
)
def test_linear_target(when, expected):
    assert cm.linear_target(DEAL, when) == pytest.approx(expected)


def weights_from(values):
    """Weights for months 1..12 from twelve monthly flows."""
    return pd.Series(values, index=range(1, 13), dtype=float) / sum(values)


def test_seasonal_weights_split_a_two_month_release_by_days():
    # 2024: Jan-Feb reported together as 60 (Jan 31 days, Feb 29 days), then 10 a month for Mar-Dec.
    flows = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2024-01-01"] + [f"2024-{m:02d}-01" for m in range(3, 13)]),
            "period_end": pd.to_datetime(["2024-02-29"] + [str(pd.Period(f"2024-{m:02d}").end_time.date()) for m in range(3, 13)]),
            "value": [60.0] + [10.0] * 10,
        }
    )
    weights = cm.seasonal_weights(flows, 2024)
    # Total 160. January gets 60 * 31/60 = 31, February 60 * 29/60 = 29.
    assert weights[1] == pytest.approx(31 / 160)
    assert weights[2] == pytest.approx(29 / 160)
    assert weights[3] == pytest.approx(10 / 160)
    assert weights.sum() == pytest.approx(1.0)


def test_seasonal_weights_name_the_missing_months():
    flows = pd.DataFrame(
        {"period_start": pd.to_datetime(["2024-01-01"]), "period_end": pd.to_datetime(["2024-01-31"]), "value": [5.0]}
    )
    with pytest.raises(ValueError, match="no flow for: Feb, Mar"):
        cm.seasonal_weights(flows, 2024)


def test_seasonal_target_over_a_calendar_year_follows_the_baseline():
    # Half the baseline in January, a quarter in March and a quarter in December.
    w = weights_from([2, 0, 1] + [0] * 8 + [1])
    deal = cm.Commitment("y", 1000, "2026-01-01", "2026-12-31")
    assert cm.seasonal_target(deal, "2026-01-31", w) == pytest.approx(500)
    assert cm.seasonal_target(deal, "2026-01-16", w) == pytest.approx(500 * 16 / 31)  # half-way through January
    assert cm.seasonal_target(deal, "2026-02-28", w) == pytest.approx(500)  # February weighs nothing
    assert cm.seasonal_target(deal, "2026-03-31", w) == pytest.approx(750)
    assert cm.seasonal_target(deal, "2026-12-31", w) == pytest.approx(1000)


def test_seasonal_target_rescales_to_a_partial_period():
    # A Nov-Feb commitment with equal weights per month: daily weights are 1/30, 1/31, 1/31, 1/28 (x 1/12).
    w = weights_from([1] * 12)
    due_end_nov = 1 / (1 + 1 + 1 + 1)  # each month carries the same total weight, so November is a quarter
    assert cm.seasonal_target(DEAL, "2025-11-30", w) == pytest.approx(12_000_000 * due_end_nov)
    assert cm.seasonal_target(DEAL, "2026-01-31", w) == pytest.approx(9_000_000)


def test_seasonal_target_refuses_a_period_the_baseline_never_covers():
    w = weights_from([1] + [0] * 11)
    deal = cm.Commitment("z", 10, "2026-05-01", "2026-06-30")
    with pytest.raises(ValueError, match="zero over its whole period"):
        cm.seasonal_target(deal, "2026-05-31", w)


def monthly(rows):
    """Flows from (start, end, value) tuples."""
    return pd.DataFrame(
        {"period_start": pd.to_datetime([r[0] for r in rows]),
         "period_end": pd.to_datetime([r[1] for r in rows]),
         "value": [r[2] for r in rows]}
    )


def test_monthly_cumulative_counts_zero_months_and_lists_missing_ones():
    flows = monthly([("2025-11-01", "2025-11-30", 0.0), ("2025-12-01", "2025-12-31", 2e6),
                     ("2026-02-01", "2026-02-28", 3e6)])
    result = cm.monthly_cumulative(flows, DEAL, "2026-03-15")
    assert result.table["cumulative"].tolist() == [0.0, 2e6, 2e6, 5e6]
    assert [str(m) for m in result.missing] == ["2026-01"]
    # The curve holds only months with data: zero is data, a gap is not.
    assert result.curve.to_dict() == {ts("2025-11-30"): 0.0, ts("2025-12-31"): 2e6, ts("2026-02-28"): 5e6}


def test_monthly_cumulative_uses_a_combined_release_once():
    flows = monthly([("2026-01-01", "2026-02-28", 4e6)])
    deal = cm.Commitment("y", 25e6, "2026-01-01", "2026-12-31")
    result = cm.monthly_cumulative(flows, deal, "2026-03-31")
    # One Jan-Feb bucket, then March with no data: the total stays at 4 MMT.
    assert result.table["cumulative"].tolist() == [4e6, 4e6]
    assert result.table["missing"].tolist() == [False, True]
    assert [str(m) for m in result.missing] == ["2026-03"]


def test_monthly_cumulative_ignores_months_not_over_by_as_of():
    flows = monthly([("2025-11-01", "2025-11-30", 1e6), ("2025-12-01", "2025-12-31", 1e6)])
    result = cm.monthly_cumulative(flows, DEAL, "2025-12-15")
    assert result.table["month"].astype(str).tolist() == ["2025-11"]


def test_monthly_cumulative_before_the_start_is_empty():
    flows = monthly([("2025-10-01", "2025-10-31", 1e6)])
    result = cm.monthly_cumulative(flows, DEAL, "2025-10-31")
    assert result.table.empty and result.missing == []


CURVE = pd.Series([3e6, 6e6, 12.5e6], index=pd.to_datetime(["2025-11-30", "2025-12-31", "2026-01-31"]))


def test_evaluate_before_the_start():
    p = cm.evaluate(DEAL, CURVE, "2025-10-20")
    assert p.achieved == 0 and p.expected == 0 and p.counted_through is None
    assert p.status == "no figure" and p.status_date is None and not p.judged
    # 12 MMT over the 120 days from 1 Nov: 100,000 t a day.
    assert p.required_per_day == pytest.approx(100_000)
    assert p.trailing_per_day is None and p.projected is None


def test_evaluate_on_track_and_behind():
    # 31 Dec: 6 MMT bought, linear path expects 6.1 MMT -> behind; 30 Nov: 3 MMT vs 3 MMT -> on track.
    assert cm.evaluate(DEAL, CURVE, "2025-12-31").status == "behind"
    p = cm.evaluate(DEAL, CURVE, "2025-11-30")
    assert p.status == "on track" and p.percent == pytest.approx(25.0)
    # Needed: 9 MMT over the 90 days from 1 Dec to 28 Feb = 100,000 t a day.
    assert p.required_per_day == pytest.approx(100_000)
    # Recent pace: 3 MMT over the 30 days from 31 Oct (zero) to 30 Nov = 100,000 t a day.
    assert p.trailing_per_day == pytest.approx(100_000)
    # 9 MMT left at 100,000 t a day = 90 days after 30 Nov.
    assert p.projected == ts("2026-02-28")


def test_a_figure_is_judged_at_its_own_date_and_so_is_the_projection():
    # On 20 Dec the last figure (3 MMT) counts through 30 Nov: judged against the path on 30 Nov (3 MMT), not on
    # 20 Dec (5.0 MMT: 50 of 120 days). The projection runs from 30 Nov: 9 MMT at 100,000 t a day = 28 Feb.
    p = cm.evaluate(DEAL, CURVE, "2025-12-20")
    assert (p.status, p.status_date, p.expected) == ("on track", ts("2025-11-30"), pytest.approx(3e6))
    assert p.projected == ts("2026-02-28")
    # Needed from 30 Nov: 9 MMT over the 90 days to 28 Feb.
    assert p.required_per_day == pytest.approx(100_000)


# The Busan pledge: 12 MMT from 30 Oct 2025 to 28 Feb 2026 = 2 + 30 + 31 + 31 + 28 = 122 days.
BUSAN = cm.Commitment("soy-12mmt", 12e6, "2025-10-30", "2026-02-28")
USDA_8_JAN = pd.Series([8e6], index=pd.to_datetime(["2026-01-08"]))


def test_eight_million_tonnes_through_8_january_is_on_track_as_of_8_january():
    # Through 8 Jan 2026, 2 + 30 + 31 + 8 = 71 of the 122 days: linear path 12e6 * 71 / 122 = 6,983,607 t.
    # 8.0 MMT >= 6.98 MMT, so on track, and the status speaks for 8 Jan (not for the 31 Jan report date).
    p = cm.evaluate(BUSAN, USDA_8_JAN, "2026-01-31")
    assert p.expected == pytest.approx(12e6 * 71 / 122) == pytest.approx(6_983_607, abs=1)
    assert (p.status, p.status_date, p.counted_through) == ("on track", ts("2026-01-08"), ts("2026-01-08"))
    assert p.judged and p.percent == pytest.approx(200 / 3)


def test_after_the_deadline_with_no_later_figure_it_is_no_figure_since_8_january():
    p = cm.evaluate(BUSAN, USDA_8_JAN, "2026-03-31")
    assert (p.status, p.status_date) == ("no figure since", ts("2026-01-08"))
    assert not p.judged  # missing evidence, never "missed"
    # The projection and the pace needed are dropped once the deadline has passed.
    assert p.projected is None and p.required_per_day is None and p.days_left == 0


def test_a_figure_above_target_before_the_deadline_is_met():
    # 12.5 MMT counted through 31 Jan, before the 28 Feb deadline: met on 31 Jan, whatever the report date.
    for as_of in ["2026-02-10", "2026-05-01"]:
        p = cm.evaluate(DEAL, CURVE, as_of)
        assert (p.status, p.status_date, p.achieved) == ("met", ts("2026-01-31"), 12.5e6)
        assert p.required_per_day == 0.0 and p.projected is None and p.met_by is None


def test_met_by_another_graded_source_is_named():
    reading = cm.Reading("Purchases reported by traders and officials", "traders", ts("2026-01-20"), 12e6)
    p = cm.evaluate(BUSAN, USDA_8_JAN, "2026-01-31", met_elsewhere=reading)
    assert (p.status, p.status_date, p.met_by) == ("met", ts("2026-01-20"), reading)
    assert p.achieved == 8e6 and p.counted_through == ts("2026-01-08")  # the series' own figure stays as it is
    # A reading dated after as_of is not known then.
    assert cm.evaluate(BUSAN, USDA_8_JAN, "2026-01-15", met_elsewhere=reading).status == "on track"


def test_missed_needs_a_figure_at_or_after_the_deadline_below_target():
    late = pd.Series([6e6, 11e6], index=pd.to_datetime(["2026-01-31", "2026-03-31"]))
    p = cm.evaluate(DEAL, late, "2026-04-30")
    assert (p.status, p.status_date, p.achieved) == ("missed", ts("2026-03-31"), 11e6)
    # The same figure as a floor ("at least 11 MMT") cannot show a miss.
    floors = pd.Series([False, True], index=late.index)
    assert cm.evaluate(DEAL, late, "2026-04-30", bounds=floors).status == "unresolved"
    # Before that figure was known (15 Mar), only the 31 Jan one: no figure since 31 Jan.
    assert cm.evaluate(DEAL, late, "2026-03-15").status == "no figure since"


def test_a_lower_bound_series_never_decreases():
    # Traders: 12 MMT on 20 Jan, "at least 8.5 MMT" at end-January, 12 MMT on 5 Feb: the line holds 12 MMT.
    rows = pd.DataFrame({"period_start": pd.to_datetime(["2025-10-30"] * 3),
                         "period_end": pd.to_datetime(["2026-01-20", "2026-01-31", "2026-02-05"]),
                         "value": [12e6, 8.5e6, 12e6], "bound": ["approx", "at_least", "approx"]})
    curve, used = cm.since_start_curve(rows, BUSAN)
    assert curve.tolist() == [12e6, 12e6, 12e6] and curve.is_monotonic_increasing
    assert used["held"].tolist() == [False, True, False]
    assert used["value"].tolist() == [12e6, 8.5e6, 12e6]  # each figure is kept as reported
    # Judged on 31 Jan the held figure is 12 MMT, not 8.5.
    assert cm.evaluate(BUSAN, curve, "2026-01-31").achieved == 12e6


def test_evaluate_seasonal_uses_the_weights():
    w = weights_from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])  # everything due in November
    p = cm.evaluate(DEAL, CURVE, "2025-11-30", weights=w)
    assert p.method == "seasonal" and p.expected == pytest.approx(12e6) and p.status == "behind"


def test_trailing_rate_window_reaches_back_to_an_earlier_point():
    # Through 31 Jan with a 31-day window: from 31 Dec (6 MMT) to 31 Jan (12.5 MMT) = 6.5 MMT / 31 days.
    assert cm.trailing_rate(CURVE, DEAL.start, "2026-01-31", 31) == pytest.approx(6.5e6 / 31)


def test_required_rate_and_projection_edge_cases():
    assert cm.required_rate(DEAL, 12e6, "2026-03-31") == 0.0
    assert cm.projected_completion(DEAL, 1e6, 0.0, "2025-12-01") is None
    assert cm.projected_completion(DEAL, 1e6, None, "2025-12-01") is None
    # 11 MMT left at 1 MMT a day: 11 days.
    assert cm.projected_completion(DEAL, 1e6, 1e6, "2025-12-01") == ts("2025-12-12")


def test_commitment_rejects_nonsense():
    with pytest.raises(ValueError, match="target must be positive"):
        cm.Commitment("bad", 0, "2026-01-01", "2026-02-01")
    with pytest.raises(ValueError, match="deadline is before start"):
        cm.Commitment("bad", 1, "2026-02-01", "2026-01-01")


def test_status_is_one_of_the_statuses():
    for as_of in ["2025-10-01", "2025-12-31", "2026-02-10", "2026-05-01"]:
        assert cm.evaluate(DEAL, CURVE, as_of).status in cm.STATUSES
    assert not math.isnan(cm.evaluate(DEAL, CURVE, "2026-05-01").percent)


def test_the_purchases_default_measure_is_the_purchases_notebook_default():
    defaults = notebook_defaults("purchases")
    assert (cm.PURCHASES_METHOD, "auto", "auto") == (defaults["method"], defaults["baseline_year"], defaults["flow_series"])
    assert cm.PURCHASES_FLOW_SERIES in cm.SERIES
    # The report's automatic baseline for the pledges that start in 2025 is the fixed year other reports use.
    assert cm.auto_baseline_year(load_soybeans(), "2025-10-30", "2026-01-31") == cm.PURCHASES_BASELINE_YEAR


def test_the_seasonal_profile_averages_every_full_year_before_the_pledge():
    soy = load_soybeans()
    # Only 2024 and 2025 have a customs figure for every month; the 2026 pledge averages both, the 2025 one has 2024.
    assert cm.auto_profile_years(soy, "2026-01-01", "2026-03-31") == (2024, 2025)
    assert cm.auto_profile_years(soy, "2025-10-30", "2026-03-31") == (2024,)
    both, _ = cm.profile_weights(soy, (2024, 2025), "2026-03-31")
    w24, _ = cm.baseline_weights(soy, 2024, "2026-03-31")
    w25, _ = cm.baseline_weights(soy, 2025, "2026-03-31")
    # Each year weighs the same: September is (2024's share + 2025's zero) / 2.
    assert both[9] == pytest.approx((w24[9] + 0.0) / 2) and both.sum() == pytest.approx(1.0)


def test_the_default_series_rule():
    P = lambda d: cm.Progress(BUSAN, ts("2026-01-31"), 0.0, None if d is None else ts(d), False, 0.0, "linear", 0.0,
                              0, None, None, None, "no figure")
    # Official before tallies, even when the tally is newer.
    assert cm.default_series({"usda_sales_to_cn": P("2026-01-08"), "reported_purchases_to_cn": P("2026-01-20")}) \
        == "usda_sales_to_cn"
    # Purchases (sales) before arrivals, even when the month-end of arrivals is later.
    assert cm.default_series({"usda_sales_to_cn": P("2025-10-30"), "cn_customs_imports_from_us": P("2025-10-31")}) \
        == "usda_sales_to_cn"
    # Only a series with a figure counts; none at all gives None.
    assert cm.default_series({"usda_sales_to_cn": None, "reported_purchases_to_cn": P("2026-09-21")}) \
        == "reported_purchases_to_cn"
    assert cm.default_series({"usda_sales_to_cn": None}) is None


def test_live_pledges_on_3_december_2026():
    c = load_commitments()
    assert cm.live_purchase_pledges(c, "2026-12-03")["commitment_id"].tolist() == [
        "soy-25mmt-2026", "beijing-cn-boeing", "beijing-cn-farm-17bn"]
    past = cm.past_soybean_pledges(c, "2026-12-03")
    assert past["commitment_id"].tolist() == ["soy-12mmt-2025", "soy-12mmt"]
    assert [r if isinstance(r, str) else None for r in past["replaced_by"]] == ["soy-12mmt", None]


def test_the_yearly_farm_pledge_is_pro_rated_for_2026():
    # $17bn a year from 17 May 2026: 15 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 229 of 365 days -> 17e9 * 229 / 365.
    record = load_commitments().set_index("commitment_id").loc["beijing-cn-farm-17bn"]
    assert cm.is_yearly(record)
    tranche = cm.yearly_tranche(record, "2026-12-03")
    assert (tranche.days, tranche.year_days) == (229, 365)
    assert tranche.amount == pytest.approx(17e9 * 229 / 365) == pytest.approx(10.666e9, rel=1e-4)
    # Due by 3 Dec on a linear path over the tranche: 17 May .. 3 Dec = 201 days of 229.
    assert tranche.due("2026-12-03") == pytest.approx(tranche.amount * 201 / 229)


# ---- Which pledge is in force, and which baseline year, on a date (real data) ----------------------------

@pytest.mark.parametrize("as_of, expected", [
    ("2018-06-30", None),               # nothing announced yet
    ("2025-10-29", None),               # the day before the Busan pledges
    ("2025-10-30", "soy-12mmt-2025"),   # announced and begun that day; the 2026-28 pledges not yet begun
    ("2025-12-02", "soy-12mmt-2025"),   # the end-February deadline is not yet announced (3 Dec)
    ("2025-12-03", "soy-12mmt"),        # ... now it is, and replaces the end-2025 one
    ("2026-01-31", "soy-12mmt"),        # two periods contain the date: the one due first (28 Feb)
    ("2026-03-01", "soy-25mmt-2026"),   # the 12 MMT deadline has passed
    ("2029-03-31", "soy-25mmt-2028"),   # all deadlines passed: the one that started most recently
])
def test_the_soybean_pledge_in_force(as_of, expected):
    found = cm.soybean_pledge_in_force(load_commitments(), as_of)
    assert (None if found is None else found.name) == expected


def test_the_next_pledge_when_none_has_started():
    # Only the 2027 pledge, announced on 30 Oct 2025: on 31 Dec 2025 it has not started, so it is the next one.
    c = load_commitments()
    only = c[c["commitment_id"] == "soy-25mmt-2027"]
    assert cm.soybean_pledge_in_force(only, "2025-12-31").name == "soy-25mmt-2027"


def test_first_soybean_pledge_is_the_earliest_announced():
    first = cm.first_soybean_pledge(load_commitments())
    # soy-12mmt-2025 and the 2026-28 pledges share 30 Oct 2025; the earliest start wins the tie.
    assert (first.name, first["announced"]) == ("soy-12mmt-2025", ts("2025-10-30"))


def test_auto_baseline_is_the_last_full_year_before_the_start_known_by_as_of():
    soy = load_soybeans()
    assert cm.auto_baseline_year(soy, "2026-01-01", "2026-03-31") == 2025
    # On 30 Nov 2025 the 2025 December figure cannot be known: fall back to 2024.
    assert cm.auto_baseline_year(soy, "2026-01-01", "2025-11-30") == 2024
    # 2027's and 2026's months are not in the data: back to 2025.
    assert cm.auto_baseline_year(soy, "2028-01-01", "2029-01-31") == 2025


def test_a_baseline_year_not_over_on_as_of_is_refused():
    with pytest.raises(ParameterError, match="'baseline_year': 2025 had not ended by as_of 2025-11-30"):
        cm.baseline_weights(load_soybeans(), 2025, "2025-11-30")


def test_the_next_cliff_follows_the_september_2026_extension():
    from analysis.data.loaders import load_commitments

    commitments = load_commitments()
    # Known on 3 Dec 2026: the Busan suspensions due 10 Nov 2026 were moved to 10 Jan 2027 on 23 Sep 2026.
    cliff = cm.next_cliff(commitments, "2026-12-03")
    assert set(cliff["deadline"]) == {pd.Timestamp("2027-01-10")} and len(cliff) == 5
    moved = cm.extensions(commitments, "2026-12-03")
    assert pd.Timestamp("2026-11-10") in set(moved["old_deadline"])
    # Before the extension was announced, the cliff was the Busan deadline.
    assert set(cm.next_cliff(commitments, "2026-09-01")["deadline"]) == {pd.Timestamp("2026-11-10")}
    assert cm.next_cliff(commitments, "2018-06-30").empty


def test_a_suspension_of_a_voided_tariff_is_never_the_next_cliff():
    """In October 2026 the US suspension of 24 IEEPA points ran to 10 Nov 2026, but the Supreme Court had voided
    IEEPA tariffs in February: nothing could snap back, so the dashboard and the tariff page name another cliff."""
    from analysis.data.loaders import load_commitments, load_tariffs
    from analysis.domain import tariffs as tf

    commitments, tariffs = load_commitments(), load_tariffs()
    moot = tf.moot_suspensions(commitments, tariffs, "2026-10-31")
    assert "busan-us-reciprocal-suspension" in moot
    assert "busan-us-reciprocal-suspension" in set(cm.next_cliff(commitments, "2026-10-31")["commitment_id"])
    ahead = cm.next_cliff(commitments, "2026-10-31", moot=moot)
    assert "busan-us-reciprocal-suspension" not in set(ahead["commitment_id"])
    # Before the ruling the same suspension could still snap back.
    assert "busan-us-reciprocal-suspension" not in tf.moot_suspensions(commitments, tariffs, "2026-01-31")
