"""The rare-earth magnet report: buckets, baseline, index, year on year, recovery and regimes."""

import math

import pandas as pd
import pytest

from analysis.domain import rare_earths as rx
from analysis.errors import ParameterError
from support import notebook_defaults

TOTAL, US = "magnet_exports_total", "magnet_exports_to_us"



DEFAULTS = notebook_defaults("rare_earths")


def compute(**changed):
    """The report computed with the notebook's defaults, some of them changed."""
    return rx.compute(**{**DEFAULTS, **changed})


def obs(*rows):
    """Observations: (series, start, end, value[, derived, source_id, preferred])."""
    return pd.DataFrame({
        "series": [r[0] for r in rows], "period_start": pd.to_datetime([r[1] for r in rows]),
        "period_end": pd.to_datetime([r[2] for r in rows]), "value": [float(r[3]) for r in rows], "unit": "t",
        "derived": [r[4] if len(r) > 4 else False for r in rows],
        "source_id": [r[5] if len(r) > 5 else "wire" for r in rows],
        "preferred": [r[6] if len(r) > 6 else True for r in rows],
    })


SOURCES = pd.DataFrame({"source_id": ["wire", "blog", "blog2"], "reliability": ["news", "secondary", "secondary"]})


def buckets(*rows):
    """Ready buckets: (start, end, value[, derived, weak])."""
    frame = pd.DataFrame({
        "period_start": pd.to_datetime([r[0] for r in rows]), "period_end": pd.to_datetime([r[1] for r in rows]),
        "value": [float(r[2]) for r in rows], "derived": [r[3] if len(r) > 3 else False for r in rows],
        "weak": [r[4] if len(r) > 4 else False for r in rows],
    })
    frame["months"] = [len(pd.period_range(a, b, freq="M")) for a, b in zip(frame["period_start"], frame["period_end"])]
    frame["per_month"] = frame["value"] / frame["months"]
    return frame


def test_a_reported_combined_release_beats_a_derived_single_month():
    rows = obs((TOTAL, "2026-01-01", "2026-02-28", 10_000), (TOTAL, "2026-02-01", "2026-02-28", 4_700, True),
               (TOTAL, "2026-03-01", "2026-03-31", 5_000, True))
    kept = rx.prefer_reported(rows)
    assert kept["value"].tolist() == [10_000, 5_000]  # March is derived too, but nothing covers it
    reported_feb = obs((TOTAL, "2026-01-01", "2026-02-28", 10_000), (TOTAL, "2026-02-01", "2026-02-28", 4_700))
    assert len(rx.prefer_reported(reported_feb)) == 2  # a reported month is never dropped


def test_monthly_buckets_grade_before_picking_the_preferred_row_and_respect_as_of():
    rows = obs((US, "2025-05-01", "2025-05-31", 46.4, False, "wire"),
               (US, "2025-05-01", "2025-05-31", 51, False, "blog", False),   # conflicting, secondary
               (US, "2025-04-01", "2025-04-30", 272, False, "blog"),         # secondary only: weak
               (US, "2025-01-01", "2025-06-30", 2_510, False, "wire"),       # half year: never a bucket
               (US, "2025-06-01", "2025-06-30", 353, False, "blog2"))
    got = rx.monthly_buckets(rows, US, "2025-05-31", SOURCES)
    assert got["value"].tolist() == [272.0, 46.4]  # June ended after as_of
    assert got["weak"].tolist() == [True, False]
    assert got["per_month"].tolist() == [272.0, 46.4]


def test_baseline_uses_only_periods_every_series_has():
    total = buckets(("2024-07-01", "2024-07-31", 5_000), ("2024-09-01", "2024-09-30", 4_000),
                    ("2024-10-01", "2024-10-31", 4_500), ("2025-05-01", "2025-05-31", 1_000))
    us = buckets(("2024-07-01", "2024-07-31", 600), ("2024-09-01", "2024-09-30", 500))
    spans = rx.baseline_spans({TOTAL: total, US: us}, "2024-07-01", "2025-03-31")
    assert spans == [(pd.Timestamp("2024-07-01"), pd.Timestamp("2024-07-31")),
                     (pd.Timestamp("2024-09-01"), pd.Timestamp("2024-09-30"))]
    assert rx.baseline_average(total, spans) == 4_500.0  # (5,000 + 4,000) / 2, October left out
    assert rx.baseline_average(us, spans) == 550.0
    assert rx.baseline_spans({TOTAL: total, US: us}, "2025-01-01", "2025-12-31") == []
    with pytest.raises(ValueError):
        rx.baseline_average(us, [])


def test_index_divides_the_monthly_amount_by_the_baseline_average():
    frame = buckets(("2025-05-01", "2025-05-31", 1_125), ("2026-01-01", "2026-02-28", 9_000))
    # A combined two-month row is indexed on its monthly average: 9,000 / 2 / 4,500 * 100.
    assert rx.index_to(frame, 4_500).tolist() == [25.0, 100.0]


def test_year_on_year_needs_the_same_months_a_year_earlier():
    frame = buckets(("2024-07-01", "2024-07-31", 5_000), ("2025-07-01", "2025-07-31", 5_500),
                    ("2024-09-01", "2024-09-30", 4_000, True), ("2025-09-01", "2025-09-30", 4_700),
                    ("2025-01-01", "2025-01-31", 6_000, False, True), ("2025-02-01", "2025-02-28", 4_000),
                    ("2026-01-01", "2026-02-28", 11_000), ("2025-10-01", "2025-10-31", 100))
    yoy = rx.year_on_year(frame)
    assert yoy.loc[1, "yoy"] == pytest.approx(10.0)           # 5,500 / 5,000 - 1
    assert yoy.loc[3, "yoy"] == pytest.approx(17.5)           # against a derived month
    assert (yoy.loc[3, "yoy_derived"], yoy.loc[1, "yoy_derived"]) == (True, False)
    assert yoy.loc[6, "yoy"] == pytest.approx(10.0)           # Jan-Feb against Jan + Feb: 11,000 / 10,000 - 1
    assert yoy.loc[6, "yoy_weak"]                             # January was weak
    assert math.isnan(yoy.loc[7, "yoy"]) and math.isnan(yoy.loc[0, "yoy"])  # no October 2024; nothing in 2023


def test_year_on_year_refuses_a_partly_covered_earlier_period():
    frame = buckets(("2025-01-01", "2025-01-31", 6_000), ("2026-01-01", "2026-02-28", 11_000))
    assert math.isnan(rx.year_on_year(frame).loc[1, "yoy"])  # February 2025 is missing


def test_recovery_ratio_is_the_latest_monthly_amount_over_the_baseline():
    frame = buckets(("2026-03-01", "2026-03-31", 4_000), ("2026-01-01", "2026-02-28", 9_000))
    latest, ratio = rx.recovery_ratio(frame, 5_000)
    assert latest["period_start"] == pd.Timestamp("2026-03-01") and ratio == 80.0
    assert rx.recovery_ratio(frame.iloc[[1]], 5_000)[1] == 90.0  # 9,000 / 2 / 5,000
    assert rx.recovery_ratio(frame.iloc[[]], 5_000) == (None, None)


def ledger(*rows):
    """Events: (event_id, date[, reported])."""
    return pd.DataFrame({
        "event_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
        "reported": pd.to_datetime([r[2] if len(r) > 2 else None for r in rows]),
        "description": [f"about {r[0]}" for r in rows], "source_id": [f"s-{r[0]}" for r in rows],
    })


SPECS = (rx.RegimeSpec("controls", "Controls"), rx.RegimeSpec("more", "More"),
         rx.RegimeSpec("pause", "Paused", also=("pause-law",)), rx.RegimeSpec("expiry", "Expired"))


def test_regimes_run_from_their_event_to_the_day_before_the_next():
    events = ledger(("controls", "2025-04-04"), ("more", "2025-10-09"), ("pause", "2025-10-30"),
                    ("pause-law", "2025-11-07"), ("expiry", "2026-11-10"))
    got = rx.regime_periods(events, "2026-03-31", SPECS)
    assert got[["regime", "start", "end", "event_id"]].values.tolist() == [
        ["Controls", pd.Timestamp("2025-04-04"), pd.Timestamp("2025-10-08"), "controls"],
        ["More", pd.Timestamp("2025-10-09"), pd.Timestamp("2025-10-29"), "more"],
        ["Paused", pd.Timestamp("2025-10-30"), pd.Timestamp("2026-03-31"), "pause"],  # the expiry is still ahead
    ]
    assert got.loc[2, "also"] == "pause-law" and got.loc[2, "source_id"] == "s-pause"


def test_regimes_known_only_from_their_dates_as_of_a_past_date():
    events = ledger(("controls", "2025-04-04"), ("more", "2025-10-09"), ("pause", "2025-10-30"),
                    ("pause-law", "2025-11-07"))
    got = rx.regime_periods(events, "2025-11-01", SPECS)
    assert got["event_id"].tolist() == ["controls", "more", "pause"]
    assert got.loc[2, "also"] == "" and got.loc[2, "end"] == pd.Timestamp("2025-11-01")
    assert rx.regime_periods(events, "2025-01-01", SPECS).empty


def test_small_helpers():
    assert rx.evidence(False, True, 2) == "weak" and rx.evidence(True, False, 1) == "derived"
    assert str(rx.last_full_month("2027-06-23")) == "2027-05"


def test_parameters_are_checked_by_name():
    with pytest.raises(ParameterError, match="'baseline_start': no month from 2021-01-01 to 2021-12-31"):
        compute(baseline_start="2021-01-01", baseline_end="2021-12-31")
    with pytest.raises(ParameterError, match="'baseline_end'"):
        compute(baseline_start="2025-03-31", baseline_end="2024-07-01")
    with pytest.raises(ParameterError, match="'chart_from': '2024-1-1' is not an ISO date"):
        compute(chart_from="2024-1-1")
    with pytest.raises(ParameterError, match="'as_of'"):
        compute(as_of="soon")


def test_report_as_of_a_past_date_sees_only_what_had_ended():
    r = compute(as_of="2025-06-30")
    for frame in r.buckets.values():
        assert frame["period_end"].max() == pd.Timestamp("2025-06-30")
    assert r.regimes["event_id"].tolist() == ["2025-04-04-china-rare-earth-export-controls"]
    assert r.regimes["end"].max() == r.as_of
    assert r.gaps[TOTAL][-1] == pd.Period("2025-02", "M")  # nothing missing after February by then


def test_default_report_keeps_gaps_and_the_combined_release():
    r = compute()
    total = r.buckets[TOTAL]
    combined = total[total["months"] == 2]
    assert combined["period_start"].tolist() == [pd.Timestamp("2026-01-01")]
    assert pd.Period("2025-02", "M") in r.gaps[TOTAL] and pd.Period("2026-04", "M") in r.gaps[US]
    assert not r.monthly.loc[r.monthly["status"] == "no data", "value"].notna().any()  # gaps are not zeros
    assert len(r.baseline_spans) >= 1 and all(end < pd.Timestamp("2025-04-01") for _, end in r.baseline_spans)
    assert r.regimes["event_id"].is_unique and r.regimes["event_id"].isin(rx.load_events()["event_id"]).all()

