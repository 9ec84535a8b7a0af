"""Hand-worked checks of the tariff page's new measures: latest estimates, the China premium, sourcing ends,
the cliff read from the commitments and the default scenario."""

import pandas as pd

from analysis.domain import scenarios as ts
from analysis.domain import tariffs as tf
from support import notebook_defaults

US, CN, OTHERS = "us_on_china", "china_on_us", tf.OTHERS


def rows(*items, kind="headline"):
    """Tariff rows: (effective, direction, layer, rate[, in_stack[, preferred[, scope[, sourced_through]]]])."""
    def get(r, i, default):
        return r[i] if len(r) > i else default
    return pd.DataFrame({
        "effective": pd.to_datetime([r[0] for r in items]), "direction": [r[1] for r in items],
        "layer": [r[2] for r in items], "rate": [float(r[3]) for r in items], "kind": kind,
        "in_stack": [get(r, 4, True) for r in items], "preferred": [get(r, 5, True) for r in items],
        "scope": [get(r, 6, "all goods") for r in items],
        "sourced_through": pd.to_datetime([get(r, 7, None) for r in items]),
        "source_id": [f"src-{kind}-{i}" for i in range(len(items))],
    })


# ---------------------------------------------------------------- each estimator's latest figure at as_of

COLLECTED = "all goods; customs duties collected divided by imports (collected, not statutory)"
ESTIMATES = pd.concat([
    rows(("2025-05-14", US, "piie_average", 51.1, False), ("2025-10-10", US, "piie_average", 57, False),
         ("2026-03-01", US, "piie_average", 40, False),  # after as_of: not yet known
         ("2025-11-01", US, "budget_lab_average", 20, False), ("2026-01-15", US, "budget_lab_average", 22, False),
         ("2026-01-15", US, "budget_lab_average", 25, False, False),  # the non-preferred conflict
         ("2025-01-01", US, "usafacts_average", 30.6, False, True, COLLECTED),
         ("2026-01-01", US, "usafacts_average", 30.7, False, True, COLLECTED),
         ("2025-01-20", CN, "piie_average", 21.2, False), ("2025-05-14", CN, "piie_average", 32.6, False),
         kind="average"),
    rows(("2026-01-20", US, "section_301_list1", 25, False)),  # a headline row is not an estimate
], ignore_index=True)


def test_latest_estimates_pick_each_estimators_latest_figure_known_at_as_of():
    got = tf.latest_estimates(ESTIMATES, "2026-01-31")
    # Newest first within each direction. PIIE's 40 (1 Mar 2026) is after as_of, so its 57 of 10 Oct 2025 stands:
    # 21 days to 31 Oct + 30 (Nov) + 31 (Dec) + 31 (Jan) = 113 days old. Budget Lab: the preferred 22 of
    # 15 Jan 2026, 16 days old, not the 25 of the same day. USAFacts: 30.7 of 1 Jan 2026, 30 days old, duties collected.
    assert [(r.direction, r.layer, r.rate, r.age_days, r.basis) for r in got.itertuples()] == [
        (US, "budget_lab_average", 22.0, 16, tf.STATUTORY),
        (US, "usafacts_average", 30.7, 30, tf.DUTIES_COLLECTED),
        (US, "piie_average", 57.0, 113, tf.STATUTORY),
        (CN, "piie_average", 32.6, 262, tf.STATUTORY),  # 14 May 2025 to 31 Jan 2026: 17+30+31+31+30+31+30+31+31
    ]
    # A day later PIIE's new figure is still unknown until 1 Mar; on 1 Mar it replaces the 57.
    assert tf.latest_estimates(ESTIMATES, "2026-03-01").query("layer == 'piie_average' and direction == @US")[
        "rate"].tolist() == [40.0]
    assert tf.latest_estimates(ESTIMATES, "2024-12-31").empty


def test_last_stack_change_reads_only_all_goods_rows_by_as_of():
    stack = rows(("2025-04-05", US, "recip", 10), ("2026-02-24", US, "recip", 0), ("2026-03-01", US, "listed", 25, False))
    assert tf.last_stack_change(stack, US, "2026-02-23") == pd.Timestamp("2025-04-05")
    assert tf.last_stack_change(stack, US, "2026-12-31") == pd.Timestamp("2026-02-24")  # the listed row does not count
    assert tf.last_stack_change(stack, CN, "2026-12-31") is None


# ---------------------------------------------------------------- the China-specific premium

PREMIUM_WORLD = rows(
    ("2025-03-04", US, "fent", 20), ("2025-04-05", US, "recip", 10),
    ("2025-04-05", OTHERS, "recip", 10),
    ("2026-02-24", US, "fent", 0), ("2026-02-24", US, "recip", 0), ("2026-02-24", OTHERS, "recip", 0),
    ("2026-02-24", US, "s122", 10), ("2026-02-24", OTHERS, "s122", 10),
    ("2026-07-24", US, "s122", 0), ("2026-07-24", OTHERS, "s122", 0), ("2026-07-24", US, "forced_labour", 12.5),
    ("2025-06-04", OTHERS, "steel", 50, False),  # product-specific: never in either stack
)


def test_premium_is_the_china_stack_minus_the_stack_others_face_on_each_date():
    got = tf.premium_steps(PREMIUM_WORLD, "2025-01-01", "2026-12-31")
    # The product-specific steel row (4 Jun 2025) is in neither stack, so it is not a change date.
    assert [(str(d.date()), c, o, p) for d, c, o, p in got.itertuples(index=False)] == [
        ("2025-01-01", 0.0, 0.0, 0.0),
        ("2025-03-04", 20.0, 0.0, 20.0),     # fentanyl 20 on China only
        ("2025-04-05", 30.0, 10.0, 20.0),    # China 20 + 10 = 30, others 10: premium 30 - 10 = 20
        ("2026-02-24", 10.0, 10.0, 0.0),     # IEEPA gone; Section 122 10 on both: nothing China-specific
        ("2026-07-24", 12.5, 0.0, 12.5),     # Section 122 lapses; the forced-labour 12.5 on China only
    ]


def test_premium_has_no_figure_without_rows_for_other_origins():
    china_only = PREMIUM_WORLD[PREMIUM_WORLD["direction"] == US]
    assert tf.premium_steps(china_only, "2025-01-01", "2026-12-31").empty
    # Known rows only: before the first other-origin row is in effect the caller passes none, so no figure.
    assert tf.premium_steps(ts.known_tariffs(PREMIUM_WORLD, "2025-04-04"), "2025-01-01", "2025-04-04").empty


def test_premium_text_says_no_figure_and_defines_the_premium():
    from analysis.views import tariffs as tr
    import dataclasses

    r = _report()
    text = tr.premium_text(dataclasses.replace(r, premium=r.premium.iloc[0:0]))
    assert "minus the all-goods rate most other countries face" in text and "**No figure**" in text


# ---------------------------------------------------------------- layers whose sourcing ends

SOURCING = rows(
    ("2018-07-06", US, "list1", 25, False, True, "listed", "2025-05-01"),
    ("2018-09-24", US, "list3", 10, False), ("2019-05-10", US, "list3", 25, False, True, "listed", "2027-01-01"),
    ("2025-02-10", CN, "energy", 15, False, True, "listed", "2025-11-10"),
    ("2025-05-14", CN, "counter", 10, True, True, "all goods", "2026-02-24"),
    ("2025-03-10", CN, "farm", 15, False), ("2025-11-10", CN, "farm", 0, False, True, "listed", "2025-11-10"),
)


def test_not_sourced_after_lists_layers_in_force_whose_confirmation_ends_before_as_of():
    assert tf.not_sourced_after(SOURCING, US, "2026-06-30").to_dict() == {"list1": pd.Timestamp("2025-05-01")}
    # list3's confirmation (2027) runs past as_of; the farm layer ended with a zero row.
    cn = tf.not_sourced_after(SOURCING, CN, "2026-06-30")
    assert cn.to_dict() == {"counter": pd.Timestamp("2026-02-24"), "energy": pd.Timestamp("2025-11-10")}
    assert tf.not_sourced_after(SOURCING, US, "2025-05-01").empty  # confirmed up to as_of itself
    assert tf.not_sourced_after(SOURCING.drop(columns="sourced_through"), US, "2026-06-30").empty


def test_a_listed_layer_stops_at_its_last_confirmation_and_a_stacked_band_fades_there():
    unsourced = tf.not_sourced_after(SOURCING, US, "2026-06-30")
    bars = ts.span_frame(SOURCING, US, "2018-01-01", "2026-06-30", unsourced)
    got = [(r.layer, str(r.date.date()), str(r.end.date()), r.rate, r.cut) for r in bars.itertuples()]
    assert got == [
        ("list1", "2018-07-06", "2025-05-01", 25.0, True),    # drawn to 1 May 2025 and marked, not ended
        ("list3", "2018-09-24", "2019-05-10", 10.0, False),
        ("list3", "2019-05-10", "2026-06-30", 25.0, False),   # confirmed past as_of: drawn to as_of
    ]
    cn = tf.not_sourced_after(SOURCING, CN, "2026-06-30")
    band = ts.stack_frame(SOURCING, CN, "2026-01-01", "2026-06-30", cn)
    assert [(str(r.date.date()), str(r.end.date()), r.rate, r.sourced) for r in band.itertuples()] == [
        ("2026-01-01", "2026-02-24", 10.0, True), ("2026-02-24", "2026-06-30", 10.0, False)]  # carried, faded


# ---------------------------------------------------------------- the cliff and the default scenario

WORLD = rows(
    ("2025-04-05", US, "recip", 10, True, True, "all goods; 24 further points suspended"),
    ("2026-02-24", US, "recip", 0),  # voided by a court
    ("2026-07-24", US, "forced_labour", 12.5),
    ("2025-05-14", CN, "counter", 10, True, True, "all goods; 24 further points suspended"),
)


def deals(*items):
    """Suspensions: (id, party, announced, start, deadline, supersedes)."""
    return pd.DataFrame({
        "commitment_id": [d[0] for d in items], "party": [d[1] for d in items], "metric": "tariff_suspension",
        "announced": pd.to_datetime([d[2] for d in items]), "start": pd.to_datetime([d[3] for d in items]),
        "deadline": pd.to_datetime([d[4] for d in items]), "target": 24.0, "supersedes": [d[5] for d in items],
        "source_id": "c-src", "description": [f"keep 24 points suspended ({d[0]})" for d in items],
    })


DEALS = deals(("us-1y", "US", "2025-11-01", "2025-11-10", "2026-11-10", None),
              ("cn-1y", "China", "2025-11-01", "2025-11-10", "2026-11-10", None),
              ("cn-ext", "China", "2026-09-23", "2026-11-10", "2027-01-10", "cn-1y"))


def test_the_cliff_is_the_next_deadline_of_a_suspension_whose_layer_still_stands():
    def cliff(as_of):
        known = ts.known_tariffs(WORLD, as_of)
        return ts.next_cliff(DEALS, known, ts.live_suspensions(DEALS, WORLD, as_of), as_of)

    # On 31 Oct 2026 the US suspension (10 Nov) is moot, its layer voided; China's extension runs to 10 Jan 2027.
    assert cliff("2026-10-31") == pd.Timestamp("2027-01-10")
    # Before the ruling both layers stand: 10 Nov 2026, the shared deadline.
    assert cliff("2026-01-31") == pd.Timestamp("2026-11-10")
    # After 10 Jan 2027 with no row resolving China's suspension, the passed deadline is the cliff (no outcome).
    assert cliff("2027-02-01") == pd.Timestamp("2027-01-10")


def test_the_default_scenario_adds_nothing_after_the_cliff():
    default = notebook_defaults("tariffs")["scenario"]
    assert default == "status_quo"
    as_of = pd.Timestamp("2026-12-01")
    suspensions = ts.live_suspensions(DEALS, WORLD, as_of)
    cliff = ts.next_cliff(DEALS, WORLD, suspensions, as_of)
    outlooks = {d: ts.outlook(WORLD, _no_events(), d, suspensions.get(d), cliff, [], as_of, "continue", 50.0)
                for d in ts.DIRECTIONS}
    # China: 10 in force the day before 10 Jan 2027; status quo keeps 10 (a snap-back would give 10 + 24 = 34).
    # US: the voided layer takes nothing back; 12.5 stays under both.
    assert [(o.before, o.rates[default], o.rates["snap_back"]) for o in outlooks.values()] == [
        (12.5, 12.5, 12.5), (10.0, 10.0, 34.0)]
    assert outlooks[US].moot and outlooks[US].cliff == cliff == pd.Timestamp("2027-01-10")
    fan = ts.fan_frame(WORLD, outlooks, "2018-01-01", as_of, cliff + pd.Timedelta(days=91), "continue")
    after = fan[(fan["line"] == default) & (fan["date"] >= cliff)]
    before = fan[fan["line"] == "carried"].groupby("direction")["rate"].last()
    assert after.groupby("direction")["rate"].agg(["min", "max"]).to_dict("index") == {
        CN: {"min": 10.0, "max": 10.0}, US: {"min": 12.5, "max": 12.5}}
    assert before.to_dict() == {CN: 10.0, US: 12.5}


def _no_events() -> pd.DataFrame:
    return pd.DataFrame({"event_id": [], "date": pd.to_datetime([]), "type": [], "instrument": [],
                         "description": [], "source_id": []})


def _report():
    p = notebook_defaults("tariffs")
    return ts.compute(as_of="2026-12-01", chart_from=p["chart_from"], scenario=p["scenario"],
                      custom_rates=ts.CustomRates(10.0, 10.0), time_limited=p["time_limited"])
