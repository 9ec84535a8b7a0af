"""The tariff report: stack rectangles, listed-goods lines, suspensions, scheduled ends and scenarios."""

import pandas as pd
import pytest

from analysis.views import tariffs as tr
from analysis.domain import scenarios as ts
from analysis.errors import ParameterError
from support import notebook_defaults

US, CN = "us_on_china", "china_on_us"


def tariffs(*rows):
    """Headline rows: (effective, direction, layer, rate, in_stack[, scope])."""
    return pd.DataFrame({
        "effective": pd.to_datetime([r[0] for r in rows]), "direction": [r[1] for r in rows],
        "layer": [r[2] for r in rows], "rate": [float(r[3]) for r in rows], "kind": "headline",
        "in_stack": [r[4] for r in rows], "scope": [r[5] if len(r) > 5 else "all goods" for r in rows],
        "preferred": True, "source_id": [f"src-{i}" for i in range(len(rows))],
    })


def events(*rows):
    """Events: (event_id, date, type, instrument[, reported])."""
    return pd.DataFrame({
        "event_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
        "reported": pd.to_datetime([r[4] if len(r) > 4 else None for r in rows]),
        "type": [r[2] for r in rows], "instrument": [r[3] for r in rows], "actor": "US",
        "description": [f"what happened in {r[0]}" for r in rows], "severity": 3, "source_id": "ev-src",
    })


def commitments(*rows):
    """Tariff suspensions: (id, party, announced, start, deadline, points, supersedes)."""
    return pd.DataFrame({
        "commitment_id": [r[0] for r in rows], "party": [r[1] for r in rows],
        "metric": "tariff_suspension", "announced": pd.to_datetime([r[2] for r in rows]),
        "start": pd.to_datetime([r[3] for r in rows]), "deadline": pd.to_datetime([r[4] for r in rows]),
        "target": [float(r[5]) for r in rows], "supersedes": [r[6] for r in rows], "source_id": "c-src",
    })


# A small world: a fentanyl layer, a reciprocal layer with points suspended, a later
# time-limited surcharge, and a product-specific layer outside the stack.
WORLD = tariffs(
    ("2025-02-01", US, "fent", 10, True),
    ("2025-03-01", US, "recip", 100, True),
    ("2025-05-01", US, "recip", 10, True, "all goods; 24 further points suspended"),
    ("2025-06-01", US, "fent", 0, True),
    ("2026-01-01", US, "surcharge", 15, True),
    ("2019-01-01", US, "listed", 25, False, "listed goods; product-specific"),
    ("2025-05-01", CN, "counter", 10, True, "all goods; 24 further points suspended"),
    ("2025-03-10", CN, "farm", 15, False),
    ("2025-11-10", CN, "farm", 0, False),
)


def test_parameters_are_checked_by_name():
    def check(scenario, us, cn, time_limited):
        return ts.check_parameters(as_of="today", chart_from="2018-01-01", scenario=scenario,
                                   custom_rate_us_on_china=us, custom_rate_china_on_us=cn, time_limited=time_limited)

    assert check("custom", 50, 40.5, "continue") == {US: 50.0, CN: 40.5}
    with pytest.raises(ParameterError, match="'scenario': 'unknown' is not one of: status_quo, snap_back, custom"):
        check("unknown", 10.0, 10.0, "continue")
    with pytest.raises(ParameterError, match="'custom_rate_china_on_us'"):
        check("custom", 10.0, -1.0, "continue")
    with pytest.raises(ParameterError, match="'time_limited'"):
        check("status_quo", 10.0, 10.0, "forever")
    with pytest.raises(ParameterError, match="'chart_from': '2018-13-01' is not an ISO date"):
        ts.obs.iso_date("chart_from", "2018-13-01")


def test_a_chart_from_on_or_after_an_explicit_as_of_is_refused_before_the_report_runs():
    def check(as_of, chart_from):
        return ts.check_parameters(as_of=as_of, chart_from=chart_from, scenario="snap_back",
                                   custom_rate_us_on_china=10.0, custom_rate_china_on_us=10.0,
                                   time_limited="continue")

    check("2018-01-31", "2018-01-01")
    check("today", "2018-01-01")  # the day is known only when the report runs: compute checks it then
    with pytest.raises(ParameterError, match="'chart_from': '2025-01-01' must be before as_of \\(2024-06-30\\)"):
        check("2024-06-30", "2025-01-01")
    with pytest.raises(ParameterError, match="'chart_from'"):
        check("2018-01-01", "2018-01-01")  # a chart of no days


def test_first_layer_is_the_earliest_headline_row_above_zero_in_either_direction():
    # The listed-goods layer (2019) comes before every all-goods layer (2025); averages do not count.
    averages = tariffs(("2017-01-01", US, "piie_average", 3, False)).assign(kind="average")
    first = ts.first_layer(pd.concat([WORLD, averages], ignore_index=True))
    assert first == ts.FirstLayer(pd.Timestamp("2019-01-01"), US, "listed")
    assert ts.first_layer(WORLD[WORLD["in_stack"]]) == ts.FirstLayer(pd.Timestamp("2025-02-01"), US, "fent")
    assert ts.first_layer(WORLD.iloc[0:0]) is None


def test_known_tariffs_keep_only_rows_in_effect_by_as_of():
    # The fentanyl end (Jun), the surcharge (2026) and the farm end (Nov) are not yet in effect.
    assert ts.known_tariffs(WORLD, "2025-05-01").index.tolist() == [0, 1, 2, 5, 6, 7]
    assert ts.known_tariffs(WORLD, "2025-01-31")["layer"].tolist() == ["listed"]


def test_suspended_layer_is_the_stacked_row_that_says_so():
    assert ts.suspended_layer(WORLD, US, "2025-05-01") == "recip"
    assert ts.suspended_layer(WORLD, US, "2025-04-30") is None  # the 100 row says nothing is suspended
    assert ts.suspended_layer(WORLD, CN, "2025-12-31") == "counter"


def test_live_suspension_follows_supersedes_and_the_as_of_date():
    deals = commitments(
        ("us-90d", "US", "2025-04-28", "2025-05-01", "2025-08-01", 24, None),
        ("us-1y", "US", "2025-07-30", "2025-08-01", "2026-08-01", 24, "us-90d"),
        ("cn-90d", "China", "2025-04-28", "2025-05-01", "2025-08-01", 24, None),
    )
    early = ts.live_suspensions(deals, WORLD, "2025-06-30")
    assert early[US].commitment_id == "us-90d" and early[US].deadline == pd.Timestamp("2025-08-01")
    assert early[US].layer == "recip" and early[US].points == 24.0
    late = ts.live_suspensions(deals, WORLD, "2025-09-01")
    assert late[US].commitment_id == "us-1y"  # the extension was known by then
    assert late[CN].commitment_id == "cn-90d"  # passed, but nothing replaced or resolved it
    assert ts.live_suspensions(deals, WORLD, "2025-04-01") == {}


def test_a_tariff_row_at_the_deadline_resolves_a_suspension():
    deals = commitments(("cn-90d", "China", "2025-04-28", "2025-05-01", "2025-08-01", 24, None))
    resolved = pd.concat([WORLD, tariffs(("2025-08-01", CN, "counter", 34, True))], ignore_index=True)
    assert CN in ts.live_suspensions(deals, resolved, "2025-07-31")  # not yet known
    assert CN not in ts.live_suspensions(deals, resolved, "2025-08-01")


def test_scheduled_end_matches_a_stacked_layer_by_instrument_and_stays_open_until_a_row_resolves_it():
    world = tariffs(("2026-01-01", US, "section_122", 10, True), ("2019-01-01", US, "section_301", 25, False))
    ledger = events(("s122-end", "2026-06-01", "expiry", "Section 122"),
                    ("s301-excl", "2026-06-01", "expiry", "Section 301 (maritime)"),  # not a stacked layer
                    ("talks", "2026-06-01", "talks", "Section 122"))
    ends = ts.scheduled_ends(ledger, world)
    assert [(e.event_id, e.layer, e.direction, e.date) for e in ends] == [
        ("s122-end", "section_122", US, pd.Timestamp("2026-06-01"))]
    lapsed = pd.concat([world, tariffs(("2026-06-01", US, "section_122", 0, True))], ignore_index=True)
    assert ts.scheduled_ends(ledger, lapsed) == []


def test_projected_rate_ends_time_limited_layers_only_when_asked():
    end = ts.ScheduledEnd("e", US, "surcharge", pd.Timestamp("2026-03-01"), "s")
    # On 2026-04-01: recip 10 + surcharge 15 (fent ended on 2025-06-01).
    assert ts.projected_rate(WORLD, US, "2026-04-01", [end], "continue") == 25.0
    assert ts.projected_rate(WORLD, US, "2026-04-01", [end], "end_as_scheduled") == 10.0
    assert ts.projected_rate(WORLD, US, "2026-02-28", [end], "end_as_scheduled") == 25.0


def test_snap_back_returns_points_to_a_live_layer():
    s = ts.Suspension("cn", CN, "counter", 24.0, pd.Timestamp("2026-11-10"), "c")
    rates = ts.scenario_rates(WORLD, CN, "2026-11-10", s, [], "continue", custom=40.0)
    assert rates == {"status_quo": 10.0, "snap_back": 34.0, "custom": 40.0}


def test_snap_back_is_moot_when_the_suspended_layer_has_ended():
    ended = pd.concat([WORLD, tariffs(("2026-02-24", US, "recip", 0, True))], ignore_index=True)
    s = ts.Suspension("us", US, "recip", 24.0, pd.Timestamp("2026-11-10"), "c")
    end = ts.ScheduledEnd("e", US, "surcharge", pd.Timestamp("2026-07-24"), "s")
    # Only the surcharge (15) is left; the 24 points have nowhere to return.
    assert ts.scenario_rates(ended, US, "2026-11-10", s, [end], "continue", 0.0)["snap_back"] == 15.0
    assert ts.scenario_rates(ended, US, "2026-11-10", s, [end], "end_as_scheduled", 0.0) == {
        "status_quo": 0.0, "snap_back": 0.0, "custom": 0.0}
    assert ts.layer_ended(ended, US, "recip", "2026-11-10") == pd.Timestamp("2026-02-24")
    assert ts.layer_ended(WORLD, US, "recip", "2026-11-10") is None


def test_ending_event_is_the_latest_legal_event_naming_the_layers_authority():
    ledger = events(("ruling", "2026-02-20", "legal", "IEEPA"), ("other", "2026-02-21", "legal", "Section 122"),
                    ("late", "2026-03-01", "legal", "IEEPA"))
    assert ts.ending_event(ledger, "ieepa_reciprocal", "2026-02-24")["event_id"] == "ruling"
    assert ts.ending_event(ledger, "counter", "2026-02-24") is None


def test_sourced_path_stops_at_the_first_unresolved_date():
    end = ts.ScheduledEnd("e", US, "surcharge", pd.Timestamp("2026-07-24"), "s")
    assert ts.sourced_through("2027-01-01", "2026-11-10", [end], US) == pd.Timestamp("2026-07-24")
    assert ts.sourced_through("2027-01-01", "2026-11-10", [end], CN) == pd.Timestamp("2026-11-10")
    assert ts.sourced_through("2026-03-31", "2026-11-10", [end], US) == pd.Timestamp("2026-03-31")
    assert ts.sourced_through("2026-03-31", None, [], CN) == pd.Timestamp("2026-03-31")


def test_stack_frame_draws_stacked_rectangles_between_change_dates():
    frame = ts.stack_frame(WORLD, US, "2025-01-01", "2025-07-01")
    assert frame["sourced"].all()  # no layer says its sourcing ends
    got = [(str(r.date.date()), str(r.end.date()), r.layer, r.y0, r.y1) for r in frame.itertuples()]
    assert got == [
        ("2025-02-01", "2025-03-01", "fent", 0.0, 10.0),
        ("2025-03-01", "2025-05-01", "fent", 0.0, 10.0),
        ("2025-03-01", "2025-05-01", "recip", 10.0, 110.0),
        ("2025-05-01", "2025-06-01", "fent", 0.0, 10.0),
        ("2025-05-01", "2025-06-01", "recip", 10.0, 20.0),
        ("2025-06-01", "2025-07-01", "recip", 0.0, 10.0),  # fent ended: recip drops to the bottom
    ]


def test_listed_frame_keeps_product_layers_out_of_the_stack_and_closes_them():
    listed = ts.listed_frame(WORLD, US, "2018-01-01", "2025-12-31")
    assert [(str(r.date.date()), r.rate) for r in listed.itertuples()] == [("2019-01-01", 25.0), ("2025-12-31", 25.0)]
    farm = ts.listed_frame(WORLD, CN, "2025-06-01", "2025-12-31")
    # In force at the start, then the drop to zero; no closing point after it ended.
    assert [(str(r.date.date()), r.rate) for r in farm.itertuples()] == [("2025-06-01", 15.0), ("2025-11-10", 0.0)]
    assert ts.stack_frame(WORLD, CN, "2025-01-01", "2025-12-31")["layer"].unique().tolist() == ["counter"]


def test_scenario_frame_carries_rates_then_switches_at_the_expiry():
    end = ts.ScheduledEnd("e", US, "surcharge", pd.Timestamp("2026-07-24"), "s")
    path = ts.scenario_frame(WORLD, US, "2026-03-31", "2026-11-10", "2027-02-01", [end], "end_as_scheduled", 54.0)
    got = [(str(r.date.date()), r.rate, r.phase) for r in path.itertuples()]
    assert got == [
        ("2026-03-31", 25.0, "carried"),   # recip 10 + surcharge 15
        ("2026-07-24", 10.0, "carried"),   # surcharge ends as scheduled
        ("2026-11-10", 10.0, "carried"),   # closing point of the carried phase
        ("2026-11-10", 54.0, "scenario"),
        ("2027-02-01", 54.0, "scenario"),
    ]
    kept = ts.scenario_frame(WORLD, US, "2026-03-31", "2026-11-10", "2027-02-01", [end], "continue", 54.0)
    assert kept["rate"].tolist()[:3] == [25.0, 25.0, 25.0]
    # No scenario rate (no expiry): the carried rates run to the horizon.
    carried = ts.scenario_frame(WORLD, US, "2026-03-31", None, "2026-06-01", [], "continue", None)
    assert carried["phase"].unique().tolist() == ["carried"] and carried["date"].max() == pd.Timestamp("2026-06-01")


def test_key_events_share_a_letter_when_close_and_respect_as_of():
    ledger = events(("a", "2025-04-04", "escalation", None), ("b", "2025-04-10", "escalation", None),
                    ("c", "2025-06-01", "talks", None), ("d", "2025-07-01", "escalation", None, "2025-05-01"),
                    ("sched", "2025-05-15", "expiry", None), ("old", "2017-06-01", "talks", None))
    shown = ts.key_events(ledger, "2025-06-15", "2018-01-01", gap_days=21)
    assert list(zip(shown["event_id"], shown["label"])) == [("a", "A"), ("b", "A"), ("c", "B"), ("d", "C")]
    assert ts.letters(27)[-1] == "AA"


def test_formatting_helpers():
    assert (tr.rate(145.0), tr.rate(32.6), tr.rate(None), tr.points(24.0)) == ("145%", "32.6%", "n/a", "24 points")
    assert ts.normalise("Section 122; Proclamation 11012") == "section_122_proclamation_11012"


def report(**changes):
    """The report computed with the notebook's default parameters, ``changes`` applied."""
    p = notebook_defaults("tariffs") | changes
    rates = ts.CustomRates(us_on_china=p["custom_rate_us_on_china"], china_on_us=p["custom_rate_china_on_us"])
    return ts.compute(as_of=p["as_of"], chart_from=p["chart_from"], scenario=p["scenario"], custom_rates=rates,
                      time_limited=p["time_limited"])


def test_report_on_real_data_before_the_extension():
    r = report(as_of="2025-06-30", scenario="custom", custom_rate_us_on_china=50.0, custom_rate_china_on_us=40.0)
    us, cn = r.outlooks[US], r.outlooks[CN]
    assert r.cliff == pd.Timestamp("2025-08-12")  # Geneva's 90 days, as known then
    assert (us.sourced_rate, us.rates) == (30.0, {"status_quo": 30.0, "snap_back": 54.0, "custom": 50.0})
    assert (cn.sourced_rate, cn.rates["snap_back"]) == (10.0, 34.0)
    assert r.fan["date"].max() > r.as_of and r.chart["date"].max() <= r.as_of  # only the fan goes past as_of
    assert r.events["date"].max() <= r.as_of
    with pytest.raises(ParameterError, match="'chart_from'"):
        report(as_of="2017-06-30")


def test_report_on_real_data_reads_the_extended_cliff_and_calls_the_voided_suspension_moot():
    r = report(as_of="2026-12-01")
    us, cn = r.outlooks[US], r.outlooks[CN]
    # The September 2026 extension moved China's suspension to 10 Jan 2027; that sets the cliff.
    assert r.cliff == pd.Timestamp("2027-01-10") and not r.cliff_passed
    assert cn.suspension.commitment_id == "sep2026-cn-reciprocal-suspension" and cn.cliff == r.cliff
    # The US suspension's layer was voided by a court: its own deadline changes no rate, so the US side is
    # read on the as-of date and projected to the page's cliff.
    assert us.moot and us.layer_ended is not None and us.ended_by["type"] == "legal"
    assert us.suspension.deadline < r.cliff == us.cliff and us.sourced_through == r.as_of
    text = tr.scenario_text(r)
    assert "moot" in text and "not a forecast" in text and "10 Jan 2027" in text
    assert set(r.sources["source_id"]) >= {us.suspension.source_id, cn.suspension.source_id}


def test_report_states_its_dates_for_the_tariff_series():
    r = report(as_of="2025-06-30")
    assert [s.key for s in r.dates.series] == ["tariff_rates", "tariff_averages", "events", "commitments"]
    assert r.dates.as_of == r.as_of == pd.Timestamp("2025-06-30")
    # The newest tariff change by then (the Geneva cuts of 14 May 2025, or a later product-specific row).
    headline = ts.load_tariffs().query("kind == 'headline' and effective <= @r.as_of")
    assert r.dates.get("tariff_rates").through == headline["effective"].max() >= pd.Timestamp("2025-05-14")


def test_report_before_the_first_tariff_layer_computes_with_nothing_in_force():
    first = ts.first_layer(ts.load_tariffs())
    r = report(as_of=(first.date - pd.Timedelta(days=1)).date().isoformat(), chart_from="2017-01-01")
    assert r.first_layer == first
    assert r.before_first_layer and not r.any_layer and r.cliff is None
    assert all(o.sourced_rate == 0 and o.listed.empty for o in r.outlooks.values())
    # Only published averages can be dated by then; the chart frame keeps every column.
    assert set(r.chart["kind"]) <= {"average"} and {"y0", "y1", "end", "sourced"} <= set(r.chart.columns)
    assert "source_id" in r.sources.columns and r.detail is None and r.spans.empty


def test_report_between_the_first_listed_layer_and_the_first_all_goods_layer():
    r = report(as_of="2020-06-30")
    us = r.outlooks[US]
    assert r.any_layer and not r.before_first_layer
    assert us.sourced_rate == 0 and len(us.listed) and (us.listed > 0).all()
    assert "stack" not in set(r.chart["kind"]) and set(r.spans["direction"]) >= {US}
