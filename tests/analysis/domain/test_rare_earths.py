"""The rare-earth magnet report: buckets, baseline, index, year on year, recovery and regimes."""

import math

import pandas as pd
import pytest

from analysis.domain import rare_earths as rx
from analysis.errors import ParameterError
from support import notebook_defaults

TOTAL, US = "magnet_exports_total", "magnet_exports_to_us"
AUTO = {"baseline_start": "auto", "baseline_end": "auto", "chart_from": "auto"}

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
         rx.RegimeSpec("pause", "Paused", also=("pause-law",)),
         rx.RegimeSpec("extended", "Paused to {until}", until="new-expiry"),
         rx.RegimeSpec("expiry", "Expired", replaced_by=("extended",)),
         rx.RegimeSpec("new-expiry", "Extended pause expired"))


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
    empty = rx.regime_periods(events, "2025-01-01", SPECS)
    assert empty.empty and (empty["end"] >= pd.Timestamp("2024-01-01")).empty  # typed empty: comparable


def test_a_scheduled_end_passes_unexplained_when_no_extension_is_known():
    events = ledger(("controls", "2025-04-04"), ("pause", "2025-10-30"), ("expiry", "2026-11-10"))
    got = rx.regime_periods(events, "2026-11-30", SPECS)
    assert got["regime"].tolist() == ["Controls", "Paused", "Expired"]
    assert got.loc[1, "end"] == pd.Timestamp("2026-11-09")
    assert rx.moved_ends(events, "2026-11-30", SPECS).empty


def test_an_extension_replaces_the_scheduled_end_from_the_day_it_is_reported():
    # The extension is reported on 23 Sep and names its new end (reported with it, due 10 Jan).
    events = ledger(("controls", "2025-04-04"), ("pause", "2025-10-30"), ("expiry", "2026-11-10"),
                    ("extended", "2026-09-23"), ("new-expiry", "2027-01-10", "2026-09-23"))
    before = rx.regime_periods(events, "2026-09-22", SPECS)
    assert before["regime"].tolist() == ["Controls", "Paused"]
    during = rx.regime_periods(events, "2026-11-30", SPECS)
    assert during["regime"].tolist() == ["Controls", "Paused", "Paused to 10 Jan 2027"]  # not "Expired"
    assert during["start"].iloc[-1] == pd.Timestamp("2026-09-23") and during["end"].iloc[-1] == pd.Timestamp("2026-11-30")
    moved = rx.moved_ends(events, "2026-11-30", SPECS)
    assert moved[["event_id", "moved_by"]].values.tolist() == [["expiry", "extended"]]
    assert rx.moved_ends(events, "2026-10-31", SPECS).empty  # the old end had not come yet
    after = rx.regime_periods(events, "2027-02-01", SPECS)
    assert after["regime"].tolist()[-2:] == ["Paused to 10 Jan 2027", "Extended pause expired"]
    assert after["end"].iloc[-2] == pd.Timestamp("2027-01-09")


def test_the_regimes_read_the_september_2026_extension():
    events = rx.load_events()
    before = rx.regime_periods(events, "2026-09-22")
    assert not before["regime"].str.contains("extended", case=False).any()
    after = rx.regime_periods(events, "2026-11-30")
    last = after.iloc[-1]
    assert last["event_id"] == "2026-09-23-bessent-truce-extended-to-2027-01-10"
    assert last["regime"].startswith("Suspension extended to 10 Jan 2027")
    assert last["also"] == "2026-09-25-mofcom-kl-arrangement-extended"
    assert "2026-11-10-scheduled-expiry-announcement-70" not in after["event_id"].tolist()
    assert rx.moved_ends(events, "2026-11-30")["event_id"].tolist() == ["2026-11-10-scheduled-expiry-announcement-70"]


def test_the_first_regime_is_read_from_the_ledger():
    events = ledger(("more", "2025-10-09"), ("controls", "2025-04-04"), ("unrelated", "2018-01-01"))
    assert rx.first_regime(events, SPECS) == (pd.Timestamp("2025-04-04"), "Controls")
    assert rx.first_regime(rx.load_events())[0] == pd.Timestamp("2025-04-04")
    with pytest.raises(ValueError):
        rx.first_regime(ledger(("unrelated", "2018-01-01")), SPECS)


def test_auto_dates_follow_the_first_regime_and_as_of():
    # Controls on 4 Apr: April is partly controlled, so the baseline is Jul-Mar, nine whole months.
    assert rx.auto_baseline_end("2025-04-04") == pd.Timestamp("2025-03-31")
    assert rx.auto_baseline_start("2025-03-31") == pd.Timestamp("2024-07-01")
    assert rx.auto_baseline_end("2025-04-01") == pd.Timestamp("2025-03-31")
    assert rx.auto_baseline_end("2025-03-31") == pd.Timestamp("2025-02-28")
    # Once the baseline has ended: six months before it. Before then: 24 months before as_of's month.
    assert rx.auto_chart_from("2024-07-01", "2025-03-31", "2025-03-31") == pd.Timestamp("2024-01-01")
    assert rx.auto_chart_from("2024-07-01", "2025-03-31", "2025-03-30") == pd.Timestamp("2023-03-01")
    assert rx.auto_chart_from("2024-07-01", "2025-03-31", "2018-06-30") == pd.Timestamp("2016-06-01")


def test_resolve_window_with_auto_and_explicit_values():
    events = rx.load_events()
    late = rx.resolve_window("2026-11-30", events, **AUTO)
    assert (late.baseline_start, late.baseline_end, late.chart_from) == (
        pd.Timestamp("2024-07-01"), pd.Timestamp("2025-03-31"), pd.Timestamp("2024-01-01"))
    assert late.auto == {"baseline_start", "baseline_end", "chart_from"} and late.first_regime == pd.Timestamp("2025-04-04")
    early = rx.resolve_window("2020-06-30", events, **AUTO)  # the baseline lies ahead: no error, no index later
    assert early.chart_from == pd.Timestamp("2018-06-01") and early.baseline_end == pd.Timestamp("2025-03-31")
    # Only the end given: the start is the nine months ending with it.
    mixed = rx.resolve_window("2026-11-30", events, baseline_start="auto", baseline_end="2025-09-30", chart_from="2025-01-15")
    assert (mixed.baseline_start, mixed.chart_from, mixed.auto) == (
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-01"), {"baseline_start"})


@pytest.mark.parametrize("changed, name, message", [
    ({"chart_from": "2024-01-01"}, "chart_from", "is after as_of 2020-06-30"),
    ({"baseline_end": "2025-03-31"}, "baseline_end", "not complete on as_of 2020-06-30"),
    ({"baseline_start": "2019-01-01"}, "baseline_start", "not complete on as_of 2020-06-30"),  # the auto end lies ahead
    ({"baseline_start": "2019-06-01", "baseline_end": "2019-05-31"}, "baseline_end", "before it starts"),
    ({"chart_from": 5}, "chart_from", "is not an ISO date"),
    ({"baseline_end": "31/03/2025"}, "baseline_end", "or 'auto'"),
])
def test_an_explicit_value_that_cannot_work_on_as_of_names_its_parameter(changed, name, message):
    with pytest.raises(ParameterError) as caught:
        rx.resolve_window("2020-06-30", rx.load_events(), **{**AUTO, **changed})
    assert caught.value.name == name and message in str(caught.value)


def test_check_parameters_refuses_before_any_kernel_starts():
    rx.check_parameters(as_of="2018-06-30", **AUTO)  # auto works at any date
    with pytest.raises(ParameterError, match="'chart_from'"):
        rx.check_parameters(as_of="2018-06-30", **{**AUTO, "chart_from": "2024-01-01"})
    with pytest.raises(ParameterError, match="'baseline_start': no month from 2019-06-01 to 2019-09-30"):
        rx.check_parameters(as_of="2020-06-30", **{**AUTO, "baseline_start": "2019-06-01", "baseline_end": "2019-09-30"})


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


def test_defaults_are_today_and_auto():
    assert DEFAULTS == {"as_of": "today", **AUTO}


def test_report_as_of_a_past_date_sees_only_what_had_ended():
    r = compute(as_of="2025-06-30")
    for frame in r.buckets.values():
        assert frame["period_end"].max() == pd.Timestamp("2025-06-30")
    assert r.regimes["event_id"].tolist() == ["2025-04-04-china-rare-earth-export-controls"]
    assert r.regimes["end"].max() == r.as_of
    assert r.gaps[TOTAL][-1] == pd.Period("2025-02", "M")  # nothing missing after February by then
    assert r.dates.as_of == r.as_of and r.dates.get(f"rare_earths:{TOTAL}").through == pd.Timestamp("2025-06-30")


def test_report_before_any_figure_has_no_rows_and_no_index():
    r = compute(as_of="2018-06-30")
    assert r.before_controls and r.first_regime == pd.Timestamp("2025-04-04")
    assert r.index_missing == rx.BASELINE_INCOMPLETE and r.baseline == {} and r.baseline_spans == []
    assert all(frame.empty for frame in r.buckets.values()) and r.regimes.empty and r.sources.empty
    assert r.chart_from == pd.Timestamp("2016-06-01")
    assert (r.monthly["status"] == "no data").all()  # only missing months
    assert r.dates.evidence_through is None


def test_report_before_the_baseline_ends_shows_figures_without_an_index():
    r = compute(as_of="2024-12-31")
    assert r.index_missing == rx.BASELINE_INCOMPLETE
    assert r.buckets[TOTAL]["period_start"].dt.strftime("%Y-%m").tolist() == ["2019-10", "2024-07", "2024-09", "2024-10"]
    assert r.buckets[TOTAL]["index"].isna().all()
    assert r.chart_from == pd.Timestamp("2022-12-01")


def test_report_between_the_baseline_and_the_controls_is_indexed_without_regimes():
    r = compute(as_of="2025-03-31")
    assert r.has_index and r.before_controls and r.regimes.empty
    assert r.baseline_spans[-1] == (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-31"))
    assert r.chart_from == pd.Timestamp("2024-01-01")


def test_default_report_keeps_gaps_and_the_combined_release():
    r = compute()
    total = r.buckets[TOTAL]
    combined = total[total["months"] == 2]
    assert combined["period_start"].tolist() == [pd.Timestamp("2026-01-01")]
    assert pd.Period("2025-02", "M") in r.gaps[TOTAL] and pd.Period("2026-04", "M") in r.gaps[US]
    assert not r.monthly.loc[r.monthly["status"] == "no data", "value"].notna().any()  # gaps are not zeros
    assert len(r.baseline_spans) >= 1 and all(end < pd.Timestamp("2025-04-01") for _, end in r.baseline_spans)
    assert r.regimes["event_id"].is_unique and r.regimes["event_id"].isin(rx.load_events()["event_id"]).all()
    assert [s.key for s in r.dates.series] == list(rx.DATE_KEYS)
