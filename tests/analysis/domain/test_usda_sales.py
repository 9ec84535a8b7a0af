"""Re-basing USDA marketing-year running totals to a pledge's start, worked by hand.

The frames are crafted (synthetic figures, tests only). ESR weeks end on Thursdays;
a marketing year runs 1 Sep - 31 Aug and MY2025/26 is ESR year 2026.
"""

import pandas as pd
import pytest

from analysis.domain.usda_sales import NEXT_YEAR_SERIES, SERIES, rebased, year_of_total

COLUMNS = ["series", "period_start", "period_end", "value", "unit", "bound", "derived", "derivation",
           "preferred", "source_id", "note"]
ESR = "usda-fas-esr-api"
TRUCE = pd.Timestamp("2025-10-30")
CALENDAR_2026 = pd.Timestamp("2026-01-01")


def row(series, start, end, value, bound="exact", source_id=ESR, note=""):
    return {"series": series, "period_start": start, "period_end": end, "value": float(value), "unit": "t",
            "bound": bound, "derived": False, "derivation": "", "preferred": True, "source_id": source_id,
            "note": note}


def total(end, value, **kw):
    """A running total of the marketing year that contains ``end``."""
    end = pd.Timestamp(end)
    first = f"{end.year if end.month >= 9 else end.year - 1}-09-01"
    return row(SERIES, first, end, value, **kw)


def booked(end, value):
    """Next-year sales on the books at ``end`` (reported with that week)."""
    end = pd.Timestamp(end)
    first = f"{end.year if end.month >= 9 else end.year - 1}-09-01"
    return row(NEXT_YEAR_SERIES, first, end, value)


def frame(*rows):
    out = pd.DataFrame(list(rows), columns=COLUMNS)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[s]")
    return out


def since(out, start, end):
    (found,) = out[out["derived"] & (out["period_start"] == start) & (out["period_end"] == pd.Timestamp(end))].itertuples()
    return found


def test_year_of_total_reads_the_period():
    assert year_of_total("2025-09-01", "2026-01-08") == 2026
    assert year_of_total("2025-09-01", "2026-09-03") == 2026  # the year's last week may end after 31 Aug
    assert year_of_total("2025-09-01", "2025-09-01") is None  # a flash sale on 1 Sep
    assert year_of_total("2025-09-01", "2026-09-08") is None  # longer than a marketing year
    assert year_of_total("2025-10-30", "2026-01-08") is None


def test_within_a_year_total_minus_the_week_before_the_start():
    # 8 Jan: 8,000,000 - 0 (week ending 23 Oct, the last before the 30 Oct truce) = 8,000,000 t.
    # Next-year sales were 0 at both weeks, so nothing to add: exact.
    rows = frame(total("2025-10-23", 0), total("2026-01-08", 8_000_000),
                 booked("2025-10-23", 0), booked("2026-01-08", 0))
    out = rebased(rows, TRUCE)
    week = since(out, TRUCE, "2026-01-08")
    assert (week.value, week.bound, week.source_id, week.preferred, week.unit) == (8_000_000, "exact", ESR, True, "t")
    assert week.derivation == (
        "MY2025/26 total to 2026-01-08 (8,000,000 t) minus MY2025/26 total to 2025-10-23 (0 t) "
        "plus MY2026/27 sales booked by 2026-01-08 (0 t) minus MY2026/27 sales booked by 2025-10-23 (0 t) "
        "= 8,000,000 t; counted from 2025-10-24, the day after the last USDA week before the start")
    # Neither the running totals nor the next-year rows come back; the base week is not since the start.
    assert list(out["period_start"]) == [TRUCE] and list(out.columns) == COLUMNS
    assert out["period_start"].dtype == rows["period_start"].dtype


def test_within_a_year_without_next_year_figures_is_a_lower_bound():
    # Same 8,000,000 t, but new-crop sales booked since the start may be missing: at_least.
    out = rebased(frame(total("2025-10-23", 0), total("2026-01-08", 8_000_000)), TRUCE)
    week = since(out, TRUCE, "2026-01-08")
    assert (week.value, week.bound) == (8_000_000, "at_least")
    assert week.derivation.startswith("MY2025/26 total to 2026-01-08 (8,000,000 t) minus MY2025/26 total to "
                                      "2025-10-23 (0 t) = 8,000,000 t; leaves out MY2026/27 sales")


def test_zero_total_weeks_before_the_start_is_a_base_but_counts_from_then():
    # Argus: zero commitments at 18 Sep. 13 Nov: 1,024,000 - 0 = 1,024,000 t, counted from 19 Sep,
    # 41 days before 30 Oct, so it may hold earlier sales: with next-year figures 0, an upper bound.
    rows = frame(total("2025-09-18", 0, source_id="argus"), total("2025-11-13", 1_024_000),
                 booked("2025-11-13", 0))
    week = since(rebased(rows, TRUCE), TRUCE, "2025-11-13")
    assert week.value == 1_024_000
    # No ESR next-year figure at 18 Sep (the base came from Argus): lower bound too, so approx.
    assert week.bound == "approx"
    assert "MY2025/26 total to 2025-09-18 (0 t, argus)" in week.derivation
    assert "counts sales from 2025-09-19, 41 days before the start" in week.derivation

    rows = frame(total("2025-09-18", 0), total("2025-11-13", 1_024_000), booked("2025-09-18", 0),
                 booked("2025-11-13", 0))
    assert since(rebased(rows, TRUCE), TRUCE, "2025-11-13").bound == "at_most"


CROSSING = [
    # MY2025/26: 5,000,000 t by 25 Dec 2025 (the week before 1 Jan 2026), 12,000,000 t at its last week.
    total("2025-12-25", 5_000_000), total("2026-08-27", 12_000_000),
    # MY2026/27: 2,000,000 t carried in from before 1 Sep plus 100,000 t that week; 4,000,000 t by 1 Oct.
    total("2026-09-03", 2_100_000), total("2026-10-01", 4_000_000),
]
BOOKED = [
    # New-crop (MY2026/27) sales: 300,000 t already booked by 25 Dec 2025, 2,000,000 t by 27 Aug.
    booked("2025-12-25", 300_000), booked("2026-08-27", 2_000_000),
    # MY2027/28 sales booked during MY2026/27.
    booked("2026-09-03", 0), booked("2026-10-01", 50_000),
]


def test_across_1_september_with_next_year_sales():
    out = rebased(frame(*CROSSING, *BOOKED), CALENDAR_2026)
    # 27 Aug: 12,000,000 - 5,000,000 + 2,000,000 - 300,000 = 8,700,000.
    assert (since(out, CALENDAR_2026, "2026-08-27").value, since(out, CALENDAR_2026, "2026-08-27").bound) == (
        8_700_000, "exact")
    # 3 Sep: 7,000,000 + 2,100,000 - 300,000 + 0 = 8,800,000 (100,000 more than 27 Aug: that week's sales).
    assert since(out, CALENDAR_2026, "2026-09-03").value == 8_800_000
    # 1 Oct: 7,000,000 + 4,000,000 - 300,000 + 50,000 = 10,750,000.
    october = since(out, CALENDAR_2026, "2026-10-01")
    assert (october.value, october.bound) == (10_750_000, "exact")
    assert october.derivation == (
        "MY2025/26 total to 2026-08-27 (12,000,000 t) minus MY2025/26 total to 2025-12-25 (5,000,000 t) "
        "plus MY2026/27 total to 2026-10-01 (4,000,000 t) minus MY2026/27 sales booked by 2025-12-25 (300,000 t) "
        "plus MY2027/28 sales booked by 2026-10-01 (50,000 t) = 10,750,000 t; "
        "counted from 2025-12-26, the day after the last USDA week before the start")


def test_across_1_september_without_next_year_sales_is_approximate():
    out = rebased(frame(*CROSSING), CALENDAR_2026)
    # 1 Oct: 7,000,000 + 4,000,000 = 11,000,000: too high by the 300,000 booked before the start,
    # too low by the 50,000 for MY2027/28, neither recorded: approx.
    october = since(out, CALENDAR_2026, "2026-10-01")
    assert (october.value, october.bound) == (11_000_000, "approx")
    assert "does not subtract MY2026/27 sales booked before the start" in october.derivation
    assert "leaves out MY2027/28 sales booked by 2026-10-01" in october.derivation
    # 27 Aug: 7,000,000, missing the new-crop sales since the start: a lower bound.
    assert (since(out, CALENDAR_2026, "2026-08-27").value, since(out, CALENDAR_2026, "2026-08-27").bound) == (
        7_000_000, "at_least")

    # Only the later next-year figure known: 11,000,000 + 50,000 = 11,050,000, still too high by the
    # unsubtracted 300,000: an upper bound.
    out = rebased(frame(*CROSSING, booked("2026-10-01", 50_000)), CALENDAR_2026)
    assert (since(out, CALENDAR_2026, "2026-10-01").value, since(out, CALENDAR_2026, "2026-10-01").bound) == (
        11_050_000, "at_most")


def test_years_in_between_count_in_full():
    # From the truce: MY2025/26 10,000,000 - 0 at its close, MY2026/27 in full (25,000,000 at its close),
    # MY2027/28 3,000,000 by 14 Oct 2027: 10,000,000 + 25,000,000 + 3,000,000 = 38,000,000.
    rows = frame(total("2025-10-23", 0), total("2026-08-27", 10_000_000), total("2027-08-26", 25_000_000),
                 total("2027-10-14", 3_000_000), booked("2025-10-23", 0), booked("2027-10-14", 0))
    week = since(rebased(rows, TRUCE), TRUCE, "2027-10-14")
    assert (week.value, week.bound) == (38_000_000, "exact")
    assert "plus MY2026/27 total to 2027-08-26 (25,000,000 t) plus MY2027/28 total to 2027-10-14" in week.derivation


def test_weeks_that_cannot_be_rebased_are_left_out_and_listed():
    # MY2025/26 starts after the truce in the data (first week 6 Nov): nothing to subtract.
    out = rebased(frame(total("2025-11-06", 232_000)), TRUCE)
    assert out.empty
    assert out.attrs["not_rebased"] == [
        f"2025-11-06 ({ESR}): no MY2025/26 total for a week before 2025-10-30 to count from"]
    # No closing week of MY2025/26 (the data stop in June): the count cannot cross 1 September.
    out = rebased(frame(total("2025-12-25", 5_000_000), total("2026-06-25", 9_000_000),
                        total("2026-10-01", 4_000_000)), CALENDAR_2026)
    assert list(out["period_end"].dt.strftime("%Y-%m-%d")) == ["2026-06-25"]
    assert out.attrs["not_rebased"] == [
        f"2026-10-01 ({ESR}): no closing week of MY2025/26 in the data to carry the count across 1 September"]


def test_input_bounds_carry_through():
    # Subtracting a base that is only a floor can only overstate: 8,000,000 - 1,000,000 = 7,000,000 at most.
    rows = frame(total("2025-10-23", 1_000_000, bound="at_least"), total("2026-01-08", 8_000_000),
                 booked("2025-10-23", 0), booked("2026-01-08", 0))
    assert (since(rebased(rows, TRUCE), TRUCE, "2026-01-08").value,
            since(rebased(rows, TRUCE), TRUCE, "2026-01-08").bound) == (7_000_000, "at_most")
    rows.loc[1, "bound"] = "approx"
    assert since(rebased(rows, TRUCE), TRUCE, "2026-01-08").bound == "approx"


def test_other_shapes_and_rows_from_about_the_start_pass_through():
    rows = frame(
        row(SERIES, "2025-10-30", "2025-10-30", 100_000, source_id="flash"),  # a flash sale
        row(SERIES, "2026-09-07", "2026-09-10", 340_000, source_id="week"),  # one week's purchases
        row(SERIES, "2025-10-30", "2026-01-08", 8_000_000, bound="at_least", source_id="since-truce"),
        row(SERIES, "2025-10-27", "2025-12-31", 5_000_000, source_id="three-days-early"),
        row("reported_purchases_to_cn", "2025-10-30", "2026-01-20", 12_000_000, source_id="traders"),
    )
    out = rebased(rows, TRUCE)
    pd.testing.assert_frame_equal(out, rows.sort_values(["period_start", "period_end"], kind="stable")
                                  .reset_index(drop=True), check_like=False)
    assert out.attrs["not_rebased"] == []


def test_running_totals_for_a_pledge_from_1_september_pass_through():
    rows = frame(total("2025-09-18", 0), total("2026-01-08", 6_930_750))
    out = rebased(rows, pd.Timestamp("2025-09-01"))
    pd.testing.assert_frame_equal(out, rows)


@pytest.mark.parametrize("start", ["2025-10-30", pd.Timestamp("2025-10-30"), pd.Timestamp("2025-10-30").date()])
def test_start_may_be_any_date_like(start):
    out = rebased(frame(total("2025-10-23", 0), total("2026-01-08", 8_000_000)), start)
    assert since(out, TRUCE, "2026-01-08").value == 8_000_000


def test_empty_rows():
    out = rebased(frame(), TRUCE)
    assert out.empty and list(out.columns) == COLUMNS and out.attrs["not_rebased"] == []
