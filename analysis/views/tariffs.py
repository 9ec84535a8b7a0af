"""What the tariffs report shows: its prose, tables and charts.

The computations (published estimates, known tariffs, the China premium, live
suspensions, scenarios, chart frames) are in :mod:`analysis.domain.scenarios`;
this module turns a computed :class:`~analysis.domain.scenarios.TariffReport`
into what a reader sees. The page leads with the published trade-weighted
estimates, then the statutory stack, the China-specific premium and the fan
of scenarios for the next cliff.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import evidence, provenance
from analysis.domain import tariffs as tf
from analysis.views.charts import PALETTE, no_chart, time_span
from analysis.domain.scenarios import (AUTHORITIES, DIRECTIONS, ESTIMATORS, SCENARIOS, TIME_LIMITED,
                                       Outlook, TariffReport, esc, layer_label, points, rate)

LAYER_COLOURS = {
    "ieepa_fentanyl": PALETTE[0],
    "ieepa_reciprocal": "#6f9bc8",
    "section_122": "#b7cde3",
    "section_301_forced_labour": "#2e7d7a",
    "cn_reciprocal_retaliation": PALETTE[1],
    "section_301": "#8c5a2b",
    "cn_fentanyl_retaliation": PALETTE[3],
    "cn_farm_retaliation": PALETTE[4],
}
AVERAGE_SHAPES = {"piie_average": "circle", "crs_average": "triangle-up", "budget_lab_average": "square",
                  "tradewartracker_average": "triangle-down", "barclays_average": "cross",
                  "usafacts_average": "triangle-right", "other_average": "diamond"}
US = "us_on_china"
# The shortest rate step (in days) that gets a rate label on the product-specific chart.
LABEL_MIN_DAYS = 150
# Room past the fan's right end for its labels, in days of the time axis.
FAN_LABEL_DAYS = 120
# Equal emphasis in the fan: one width and one dash for every scenario, told apart only by colour.
FAN_COLOURS = {"sourced": "#222222", "carried": "#888888", "status_quo": PALETTE[0], "snap_back": PALETTE[1],
               "custom": PALETTE[4]}
FAN_NAMES = {"sourced": "Stacked all-goods rate (sourced)", "carried": "No change sourced (rates carried)",
             "status_quo": "Status quo", "snap_back": "Snap-back", "custom": "Custom rate"}


def scenario_name(scenario: str) -> str:
    """Readers' name of a scenario: ``snap back``."""
    return scenario.replace("_", " ")


def _layer_list(rates: pd.Series) -> str:
    parts = [f"{layer_label(layer)} {rate(v)}" for layer, v in rates.items() if v > 0]
    return " + ".join(parts) if parts else "no all-goods layer"


def _latest_piie(r: TariffReport, direction: str) -> pd.Series | None:
    """PIIE's latest trade-weighted average for one direction among the averages shown, if any."""
    piie = r.averages[(r.averages["direction"] == direction) & (r.averages["layer"] == "piie_average")]
    return piie.iloc[-1] if len(piie) else None


def read_on(r: TariffReport, o: Outlook) -> str:
    """Where a direction's rates are read before the as-of date, and why; empty when read on the as-of date.

    The sourced path of a direction ends at ``as_of`` or, earlier, at an expiry
    or scheduled end whose outcome no source gives; after it the chart projects.
    """
    from analysis.views import text

    if o.sourced_through >= r.as_of:
        return ""
    if o.cliff is not None and o.sourced_through == o.cliff:
        why = "the expiry of its tariff suspension"
    else:
        ends = [e for e in o.open_ends if e.date == o.sourced_through]
        why = f"the scheduled end of the {esc(layer_label(ends[0].layer))}" if ends else "the end of its sourced path"
    return f", as read on {text.day(o.sourced_through)} ({why}; the chart projects after it)"


def _listed_list(rates: pd.Series) -> str:
    return "; ".join(f"{esc(layer_label(layer))}: up to {rate(v)}" for layer, v in rates.items())


def _piie_note(r: TariffReport, direction: str) -> str:
    """`` (PIIE's trade-weighted average: 21.1% for 14 Feb 2020)``, or nothing when PIIE gives none."""
    from analysis.views import text

    piie = _latest_piie(r, direction)
    if piie is None:
        return ""
    return f" (PIIE's trade-weighted average: {rate(piie['rate'])} for {text.day(piie['effective'])})"


def _direction_line(r: TariffReport, direction: str, title: str) -> str:
    """One direction's headline: the all-goods rate, else its listed-goods layers, and the peak."""
    from analysis.views import text

    o = r.outlooks[direction]
    peak_date, peak_rate = r.peaks[direction]
    peak = (f", down from a peak of **{rate(peak_rate)}** (from {text.day(peak_date)})"
            if peak_date is not None and peak_rate > o.sourced_rate else "")
    carried = [f"{esc(layer_label(layer))} not sourced after {text.day(d)}"
               for layer, d in r.unsourced.get(direction, pd.Series(dtype="datetime64[ns]")).items()
               if layer in o.layers.index and o.layers[layer] > 0]
    carried_text = f" ({'; '.join(carried)}: carried at its last sourced rate)" if carried else ""
    if o.sourced_rate > 0:
        return (f"{title}: **{rate(o.sourced_rate)}** on all goods (in force from {text.day(o.sourced_since)})"
                f"{carried_text}{peak}{read_on(r, o)}")
    if len(o.listed):
        return f"{title}: no all-goods tariff{peak}{read_on(r, o)}; {_listed_list(o.listed)}"
    # China's 2018-19 retaliation is not dated in the sources, so PIIE's average is the only measure then.
    return (f"{title}: no tariff layer dated in this project's sources is in force{peak}{read_on(r, o)}"
            f"{_piie_note(r, direction)}")


def first_layer_text(r: TariffReport) -> str:
    """What a page with no tariff layer in force says first, naming the first layer in the data if it is later."""
    from analysis.views import text

    lead = f"**No tariff layer is in force in either direction on {text.day(r.as_of)}.**"
    first = r.first_layer
    if r.before_first_layer:
        lead += (f" The first dated in this project's sources, {DIRECTIONS[first.direction]}: "
                 f"{esc(layer_label(first.layer))}, applies from **{text.day(first.date)}**.")
    for direction, title in DIRECTIONS.items():
        piie = _latest_piie(r, direction)
        if piie is not None:
            lead += f" PIIE's trade-weighted average of {title}: {rate(piie['rate'])} for {text.day(piie['effective'])}."
    return lead


def headline_text(r: TariffReport) -> str:
    """One paragraph: the headline in each direction, the peak and the open expiry.

    Before any tariff layer is in force, it says so and names the first one in the data.
    """
    from analysis.views import text

    if r.any_layer:
        ledger = r.dates.get("tariff_rates").through
        lead = (f"The stacked all-goods headline tariff on the as-of date, from the tariff-rate ledger (its newest "
                f"change is dated {text.day(ledger)}; a rate holds until the next sourced change). "
                + "; ".join(_direction_line(r, d, title) for d, title in DIRECTIONS.items()) + ".")
    else:
        lead = first_layer_text(r)
    if r.cliff is None:
        return lead + " No tariff suspension was in force, so there is no expiry to project."
    if r.cliff_passed:
        tail = (f" The one-year tariff suspensions were due to expire on **{text.day(r.cliff)}**. That date has passed "
                f"and **no source in this project says what happened**: neither an extension nor a lapse is assumed. "
                f"Everything drawn after it is a scenario.")
    else:
        tail = (f" The tariff suspensions are due to expire on **{text.day(r.cliff)}**, "
                f"{(r.cliff - r.as_of).days} days after the report date.")
    return lead + tail


def headline_table(r: TariffReport) -> pd.DataFrame:
    """Per direction: the all-goods headline, its layers, the day it is read, the listed layers and the peak."""
    from analysis.views import text

    rows = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        peak_date, peak_rate = r.peaks[direction]
        rows.append({
            "Direction": title,
            "All-goods headline": rate(o.sourced_rate),
            "Made of": _layer_list(o.layers),
            "In force from": text.day(o.sourced_since) if o.sourced_since is not None else "",
            "Read on": text.day(o.sourced_through),
            "Listed goods only": (f"{len(o.listed)} layer{'s' if len(o.listed) != 1 else ''}, up to "
                                  f"{rate(o.listed.max())} (see the layers table)" if len(o.listed) else "none"),
            "Peak": f"{rate(peak_rate)} from {text.day(peak_date)}" if peak_date is not None else "none",
        })
    return pd.DataFrame(rows)


def stack_text(r: TariffReport) -> str:
    """How to read the stack chart, with the dates of this run, and the product-specific layers listed."""
    from analysis.views import text

    lines = []
    for direction, title in DIRECTIONS.items():
        stack = r.chart[(r.chart["direction"] == direction) & (r.chart["kind"] == "stack")]
        first = text.day(stack["date"].min()) if len(stack) else None
        lines.append(f"- **{title}**: " + (
            f"an all-goods layer is in force from {first}; before that the bands are empty." if first
            else "no all-goods layer is in force in the period shown."))
        for layer, d in _stacked_unsourced(r, direction).items():
            lines.append(f"  - {esc(layer_label(layer))}: not sourced after {text.day(d)}. Its band is drawn faded "
                         f"after that date and its rate is carried in the stack: no source says it ended.")
        listed = r.spans[r.spans["direction"] == direction]["layer"].nunique()
        if listed:
            lines.append(f"  - {listed} product-specific layer{'s' if listed != 1 else ''} sit on top of the stack for "
                         f"the goods they list; they are drawn and listed in the next section, never added to it.")
    return "\n".join(lines)


def _stacked_unsourced(r: TariffReport, direction: str) -> pd.Series:
    """The all-goods layers of a direction that no source confirms after a date before the as-of date."""
    dates = r.unsourced.get(direction, pd.Series(dtype="datetime64[ns]"))
    stacked = set(r.layers[(r.layers["direction"] == direction) & r.layers["in_stack"]]["layer"])
    return dates[[layer in stacked for layer in dates.index]]


def scenario_text(r: TariffReport) -> str:
    """The fan in words: the cliff, then for each direction its three scenarios with their legal basis."""
    from analysis.views import text

    if r.cliff is None:
        return (f"No tariff suspension was in force on {text.day(r.as_of)}, so there is no expiry to project"
                + (" and the chart stops at the report date." if has_layers(r.chart) else "."))
    status = (f"The next cliff, {text.day(r.cliff)}, is on or before the report date and **no source records what "
              f"happened**; this page neither assumes the suspensions were extended nor that they lapsed."
              if r.cliff_passed else
              f"The next cliff, {text.day(r.cliff)}, is {(r.cliff - r.as_of).days:,} days after the report date: the "
              f"earliest deadline of a tariff suspension whose layer still stands, read from the commitments.")
    parts = [f"**Scenario shown: {scenario_name(r.scenario)}.** The fan draws all three scenarios alike; the one "
             f"named by `scenario` is marked in the table and assumes {SCENARIOS[r.scenario]}. These are scenarios, "
             f"not a forecast. {status}"]
    for direction, title in DIRECTIONS.items():
        parts += _legal_basis(r, direction, title)
    return "\n".join(parts)


def outlook_table(r: TariffReport) -> pd.DataFrame:
    """Per direction: the rate before the expiry and after it under each scenario."""
    from analysis.views import text

    rows = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        s = o.suspension
        suspended = "nothing"
        if s is not None:
            suspended = f"{points(s.points)} of “{layer_label(s.layer or 'unknown layer')}”"
            if o.layer_ended is not None:
                suspended += f" (layer ended {text.day(o.layer_ended)}: moot)"
            if s.deadline != o.cliff:
                suspended += f", until {text.day(s.deadline)}"
        row = {"Direction": title, "Cliff": text.day(o.cliff) if o.cliff is not None else "none",
               "Suspended": suspended, "Day before the cliff (projected)": rate(o.before)}
        for name in SCENARIOS:
            label = scenario_name(name).capitalize() + (" (shown)" if name == r.scenario else "")
            row[label] = rate(o.rates.get(name))
        rows.append(row)
    return pd.DataFrame(rows)


def events_table(r: TariffReport) -> pd.DataFrame:
    """The major events marked on the chart, by letter."""
    from analysis.views import text

    frame = r.events
    return pd.DataFrame({
        "Mark": frame["label"], "Date": [text.day(d) for d in frame["date"]], "Actor": frame["actor"],
        "Type": frame["type"], "What happened": frame["description"],
    })


def events_block(r: TariffReport):
    """The events table, or a sentence when no major event falls between the chart's start and the as-of date."""
    from analysis.views import text

    if r.events.empty:
        return text.md(f"No major event is dated between {text.day(r.start)} and {text.day(r.as_of)}, "
                       f"so the chart has no event letters.")
    return text.table(events_table(r))


def gaps_text(r: TariffReport) -> str:
    """What the sources do not cover: late averages, unresolved scheduled ends, the expiry outcome."""
    from analysis.views import text

    averages = r.dates.get("tariff_averages")
    lines = [f"- Published average-tariff estimates, all estimators: the newest is for "
             f"{text.day(averages.through)}." if averages.through is not None else
             "- No published average-tariff estimate is dated by the as-of date."]
    for direction, title in DIRECTIONS.items():
        piie = _latest_piie(r, direction)
        lines.append(f"- {title}: " + (f"PIIE's trade-weighted average is last available for "
                                       f"{text.day(piie['effective'])}; later moves have no PIIE figure."
                                       if piie is not None else "no PIIE average in the period."))
    titles = {**DIRECTIONS, tf.OTHERS: "US tariffs on most other origins"}
    for direction, layers in r.unsourced.items():
        for d, group in layers.groupby(layers, sort=True):
            names = "; ".join(esc(layer_label(layer)) for layer in group.index)
            lines.append(f"- {titles[direction]}: no source confirms these layers in force after {text.day(d)}, and "
                         f"none says they ended: {names}.")
    if r.premium.empty:
        lines.append("- No all-goods US rate on other origins is recorded by the as-of date, so the China-specific "
                     "premium has no figure.")
    for o in r.outlooks.values():
        for end in o.open_ends:
            if end.date <= r.as_of:
                lines.append(f"- The {esc(layer_label(end.layer))} was scheduled to end on {text.day(end.date)}; "
                             f"no source confirms the lapse or a replacement.")
    if r.cliff_passed:
        lines.append(f"- The tariff suspensions' expiry on {text.day(r.cliff)} has passed with no sourced outcome.")
    return "\n".join(lines)


def sources_table(r: TariffReport) -> pd.DataFrame:
    """The sources the report used, for its closing table."""
    return provenance.sources_table(r.sources)


# ---------------------------------------------------------------- chart


def _colour_scale(frame: pd.DataFrame) -> alt.Scale:
    """Fixed colours per layer label, so both panels and the legend agree."""
    pairs = {}
    legend = frame[frame["kind"] == "stack"][["layer", "series"]].drop_duplicates()
    for layer, series in legend.itertuples(index=False):
        pairs[series] = LAYER_COLOURS.get(layer, PALETTE[2])
    return alt.Scale(domain=list(pairs), range=list(pairs.values()))


def has_layers(frame: pd.DataFrame) -> bool:
    """True when a chart frame has an all-goods band to draw."""
    return bool(frame["kind"].eq("stack").any())


def stack_chart(r: TariffReport):
    """The statutory stack per direction: all-goods layers as bands, published averages as points.

    A sentence instead when no all-goods layer is in force in the period shown
    (published averages alone do not make a layer-by-layer chart).
    """
    from analysis.views import text

    if not has_layers(r.chart):
        if r.before_first_layer:
            return no_chart(f"no tariff layer dated in this project's sources is in force before "
                            f"{text.day(r.first_layer.date)}.")
        if len(r.spans):
            return no_chart("no all-goods layer is in force in the period shown; the product-specific layers are "
                            "drawn in the next chart.")
        return no_chart("no tariff layer is in force in the period shown.")
    return _panels(r.chart, r.markers)


def _cut_marks(rows: pd.DataFrame) -> pd.DataFrame:
    """Where each faded (not sourced) band begins: its date, top edge and a "not sourced after" label."""
    from analysis.views import text

    faded = rows[(rows["kind"] == "stack") & ~rows["sourced"].astype(bool)]
    first = faded.sort_values("date").groupby("layer").head(1)
    return pd.DataFrame({"date": first["date"], "rate": first["y1"],
                         "label": [f"{layer_label(k)} not sourced after {text.day(d)}"
                                   for k, d in zip(first["layer"], first["date"])]})


def _panels(frame: pd.DataFrame, markers: pd.DataFrame) -> alt.VConcatChart:
    """One panel per direction on shared scales; only layers with rows are drawn."""
    top = float(pd.concat([frame["y1"], frame["rate"]]).max()) * 1.12
    y = alt.Y("rate:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top]))
    first = frame["date"].min()
    last = max(frame["date"].max(), frame["end"].max() if frame["end"].notna().any() else first, markers["date"].max())
    x = alt.X("date:T", title=None)
    span = time_span(first, last, "date")
    colour = alt.Color("series:N", title=None, scale=_colour_scale(frame))
    present = [k for k in AVERAGE_SHAPES if (frame["layer"] == k).any()]
    shape = alt.Shape("series:N", title="Published averages (points)", legend=alt.Legend(orient="top", columns=3),
                      scale=alt.Scale(domain=[layer_label(k) for k in present],
                                      range=[AVERAGE_SHAPES[k] for k in present]))
    tip = [alt.Tooltip("series:N", title="Layer"), alt.Tooltip("date:T", title="From"), alt.Tooltip("rate:Q", title="Rate")]
    panels = []
    for direction, title in DIRECTIONS.items():
        rows = frame[frame["direction"] == direction]
        kind = rows["kind"]
        # Rectangles rather than a stacked area: each layer's band is exact between change dates. A band
        # past the last date a source confirms its layer is faded: carried, not ended.
        stack = alt.Chart(rows[kind == "stack"].assign(sourced=rows["sourced"].astype(bool))).mark_rect().encode(
            x=x, x2="end:T", y=alt.Y("y0:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top])),
            y2="y1:Q", color=colour, opacity=alt.condition(alt.datum.sourced, alt.value(0.9), alt.value(0.35)),
            tooltip=tip)
        averages = alt.Chart(rows[kind == "average"]).mark_point(
            filled=True, size=55, color="black", opacity=0.85).encode(x=x, y=y, shape=shape, tooltip=tip)
        drawn = [layer for layer, name in ((stack, "stack"), (averages, "average")) if (kind == name).any()]
        cuts = _cut_marks(rows)
        if len(cuts):
            drawn += [alt.Chart(cuts).mark_point(shape="triangle-down", color="#d62728", filled=True, size=60).encode(
                x=x, y=y), alt.Chart(cuts).mark_text(align="left", dx=4, dy=-8, fontSize=10, color="#d62728").encode(
                x=x, y=y, text="label:N")]
        panels.append(alt.layer(span, *drawn, *_marker_layers(markers, x, direction))
                      .properties(title=title, width=640, height=230))
    return alt.vconcat(*panels).resolve_scale(color="shared", shape="shared")


def detail_chart(r: TariffReport):
    """The same chart from the year the first all-goods layer applied; a sentence when there is no close-up."""
    if r.detail is None:
        if r.chart["kind"].eq("stack").any():
            return no_chart("the chart above already starts in the year the first all-goods layer applied.")
        return no_chart("the close-up starts with the first all-goods layer, and none applies in the period shown.")
    return _panels(r.detail, r.detail_markers)


def detail_text(r: TariffReport) -> str:
    """Caption for the close-up chart; nothing when there is no close-up (the figure says why)."""
    from analysis.views import text

    if r.detail is None:
        return ""
    return (f"The same chart from {text.day(r.detail['date'].min())}, where nearly all the movement is; "
            f"event letters are those of the table below.")


def _marker_layers(markers: pd.DataFrame, x: alt.X, direction: str) -> list:
    """Event rules with letters along the top; expiry, scheduled ends and as_of labelled along the bottom.

    Layers with no rows are left out (they would give the shared scales an infinite extent).
    """
    # A scheduled end belongs to one direction's layer; every other marker is shared by both panels.
    mine = markers[markers["direction"].isna() | (markers["direction"] == direction)]
    events, other = mine[mine["kind"] == "event"], mine[mine["kind"] != "event"]
    layers = []
    if len(events):
        layers.append(alt.Chart(events).mark_rule(color="#999", strokeWidth=0.8).encode(
            x=x, tooltip=[alt.Tooltip("text:N", title="Events")]))
    layers += [alt.Chart(events[events["tier"] == tier]).mark_text(
        fontSize=10, fontWeight="bold", color="#333", dy=-6 + 11 * tier).encode(
        x=x, y=alt.value(0), text="label:N", tooltip=alt.Tooltip("text:N", title="Events"))
        for tier in (0, 1) if (events["tier"] == tier).any()]
    if len(other):
        layers.append(alt.Chart(other).mark_rule(strokeDash=[2, 2], strokeWidth=1.2).encode(
            x=x, color=alt.value("#d62728"), tooltip=alt.Tooltip("text:N", title="Marker")))
    layers += [alt.Chart(other[other["tier"] == tier]).mark_text(
        fontSize=10, align="left", dx=3, dy=-11 * tier, color="#d62728").encode(
        x=x, y=alt.value(222), text="label:N")
        for tier in (0, 1, 2) if (other["tier"] == tier).any()]
    return layers


# ---------------------------------------------------------------- the lead: published estimates


def estimator_name(row) -> str:
    """Who made an estimate: the estimator's name, or for the catch-all layer the source's publisher."""
    name = ESTIMATORS.get(row["layer"], layer_label(row["layer"]))
    if row["layer"] == "other_average" and isinstance(row.get("publisher"), str) and row["publisher"]:
        return f"{row['publisher']} (other estimate)"
    return name


def _age(days: int) -> str:
    """``63 days``; ``1 day``."""
    return f"{days:,} day{'s' if days != 1 else ''}"


def _estimate(row) -> str:
    """``Barclays 23% for 25 Sep 2026 (secondary)``."""
    from analysis.views import text

    return (f"{esc(estimator_name(row))} {rate(row['rate'])} for {text.day(row['effective'])} "
            f"({esc(str(row['reliability']))})")


def stack_position(stack: float, low: float, high: float) -> str:
    """Where the statutory stack sits against the estimates' range, in words.

    >>> stack_position(12.5, 22.8, 57), stack_position(145, 51, 126.5), stack_position(30, 29, 37)
    ('below every one of them', 'above every one of them', 'within their range')
    """
    if stack < low:
        return "below every one of them"
    if stack > high:
        return "above every one of them"
    return "within their range"


def _headline_estimates(r: TariffReport, direction: str) -> tuple:
    """``(statutory, current, led)``: one direction's latest statutory estimates, those made since the stack last
    changed, and those the headline range uses.

    Lead with the estimates made for the rates in force now; an estimate from before the stack last changed
    measures another tariff regime, so it widens the full range given next, not the headline.
    """
    rows = r.estimates[r.estimates["direction"] == direction]
    statutory = rows[rows["basis"] == tf.STATUTORY]
    since = r.stack_changed.get(direction)
    current = statutory[statutory["effective"] >= since] if since is not None else statutory
    return statutory, current, current if 0 < len(current) < len(statutory) else statutory


def headline_values(r: TariffReport) -> dict:
    """The page's values a build records: each direction's headline range of effective rates, and a status line."""
    values, parts = {}, []
    for direction, title in DIRECTIONS.items():
        _, _, led = _headline_estimates(r, direction)
        low = None if led.empty else float(led["rate"].min())
        high = None if led.empty else float(led["rate"].max())
        values[f"{direction}_low"], values[f"{direction}_high"] = low, high
        parts.append(f"{title}: " + ("no estimate" if low is None else
                                     rate(low) if low == high else f"{rate(low)} to {rate(high)}"))
    return {"status": "Latest trade-weighted tariff estimates: " + "; ".join(parts) + ".", **values}


def _direction_estimates(r: TariffReport, direction: str, title: str) -> str:
    """One direction's lead: the range of the latest statutory estimates, the newest, collected duties, the stack."""
    from analysis.views import text

    rows = r.estimates[r.estimates["direction"] == direction]
    statutory, current, led = _headline_estimates(r, direction)
    collected = rows[rows["basis"] == tf.DUTIES_COLLECTED]
    o = r.outlooks[direction]
    stack = (f"the statutory all-goods stack, **{rate(o.sourced_rate)}** on {text.day(o.sourced_through)}")
    if statutory.empty:
        lead = (f"**{title}**: no published trade-weighted estimate is dated by {text.day(r.as_of)}; "
                f"{stack}, is the only measure")
        return lead + (f" (duties collected: {'; '.join(_estimate(c) for _, c in collected.iterrows())})."
                       if len(collected) else ".")
    newest, oldest = statutory.iloc[0], statutory.sort_values("effective").iloc[0]
    count = len(statutory)
    since = r.stack_changed.get(direction)
    low, high = led["rate"].min(), led["rate"].max()
    span = f"{rate(low)} to {rate(high)}" if len(led) > 1 else rate(low)
    if led is current and len(current) < count:
        lead = (f"**{title}: {span}** by the {len(current)} estimator{'s' if len(current) > 1 else ''} whose latest "
                f"figure is dated on or after the stack's last change ({text.day(since)}) ({tf.STATUTORY}). "
                f"The newest is {_estimate(newest)}. With the older figures of the other {count - len(current)}, "
                f"the latest estimates of all {count} span {rate(statutory['rate'].min())} to "
                f"{rate(statutory['rate'].max())}; the oldest, {_estimate(oldest)}, is "
                f"{_age(int(oldest['age_days']))} old")
    else:
        lead = (f"**{title}: {span}** by the latest trade-weighted estimate of "
                + (f"each of {count} estimators" if count > 1 else "the one estimator dated by then")
                + f" ({tf.STATUTORY}). The newest is {_estimate(newest)}")
        if count > 1:
            lead += f"; the oldest, {_estimate(oldest)}, is {_age(int(oldest['age_days']))} old"
        if since is not None and count > 1:
            lead += (f". All are dated on or after the stack's last change ({text.day(since)})" if len(current) == count
                     else f". No estimate is dated on or after the stack's last change ({text.day(since)})")
    lead += "."
    if len(collected):
        lead += " Duties collected: " + "; ".join(_estimate(c) for _, c in collected.iterrows()) + "."
    position = stack_position(o.sourced_rate, low, high)
    why = {"below every one of them": " (the stack counts only the layers every good pays; the averages also weigh "
                                      "in the product-specific layers)",
           "above every one of them": " (the stack ignores exemptions, which the averages net out)"}.get(position, "")
    return lead + f" {stack[0].upper() + stack[1:]}, runs **{position}**{why}."


def lead_text(r: TariffReport) -> str:
    """The first screen: what tariffs amount to in each direction, by whose estimate, and how the stack compares."""
    from analysis.views import text

    intro = (f"What the tariffs amount to on {text.day(r.as_of)}, as trade-weighted averages published by "
             f"independent estimators (each estimator's latest figure dated by then; the table below gives every "
             f"figure with its date, source and grade).")
    return intro + "\n\n" + "\n\n".join(_direction_estimates(r, d, t) for d, t in DIRECTIONS.items())


def estimates_table(r: TariffReport) -> pd.DataFrame:
    """Every estimator's latest figure per direction: date, age, basis, whether it predates the stack's last change."""
    from analysis.views import text

    stale = evidence.SERIES["tariff_averages"].stale_after_days
    rows = []
    for _, e in r.estimates.iterrows():
        since = r.stack_changed.get(e["direction"])
        rows.append({
            "Direction": DIRECTIONS[e["direction"]], "Estimator": estimator_name(e), "Latest figure": rate(e["rate"]),
            "For": text.day(e["effective"]),
            "Age on the as-of date": _age(int(e["age_days"])) + (" (stale)" if e["age_days"] > stale else ""),
            "Measures": e["basis"],
            "After the stack's last change": ("n/a" if since is None else
                                              "yes" if e["effective"] >= since else f"no (before {text.day(since)})"),
            "Source": e["publisher"], "Grade": e["reliability"], "Source id": e["source_id"],
        })
    return pd.DataFrame(rows, columns=["Direction", "Estimator", "Latest figure", "For", "Age on the as-of date",
                                       "Measures", "After the stack's last change", "Source", "Grade", "Source id"])


def estimates_block(r: TariffReport):
    """The estimates table, or a sentence when no estimate is dated by the as-of date."""
    from analysis.views import text

    if r.estimates.empty:
        return text.md(f"No published average-tariff estimate is dated by {text.day(r.as_of)}.")
    return text.table(estimates_table(r))


# ---------------------------------------------------------------- the China-specific premium


def premium_text(r: TariffReport) -> str:
    """The China-specific premium on the as-of date (or the end of the US sourced path), defined in words."""
    from analysis.views import text

    definition = ("The **China-specific premium** is the US all-goods rate on Chinese goods minus the all-goods rate "
                  "most other countries face on the same day, both stacked from their dated legal layers: what China "
                  "pays because it is China.")
    if r.premium.empty:
        return (definition + f" **No figure**: no all-goods US rate on other origins is recorded in this project's "
                f"data by {text.day(r.as_of)}, so the premium cannot be computed.")
    last = r.premium.iloc[-1]
    when = r.outlooks[US].sourced_through
    share = ""
    if last["china"] > 0 and last["others"] > 0:
        share = (f" Of the {rate(last['china'])} China pays on all goods, {rate(last['others'])} is also paid by most "
                 f"other origins" + (": most of it is global, not China-specific." if last["others"] > last["china"] / 2
                                     else "."))
    elif last["china"] > 0:
        share = " Most other origins pay no all-goods additional rate then, so all of it is China-specific."
    global_days = r.premium[(r.premium["others"] > 0) & (r.premium["others"] > r.premium["china"] / 2)]
    if len(global_days) and not (last["others"] > last["china"] / 2 and last["others"] > 0):
        share += (f" From {text.day(global_days['date'].min())} to {text.day(_period_end(r.premium, global_days.index[-1]))} "
                  f"most of what China paid on all goods was global, not China-specific.")
    moves = r.premium[r.premium["premium"] != r.premium["premium"].shift()]
    peak = r.premium.loc[r.premium["premium"].idxmax()]
    history = (f" The premium peaked at {points(peak['premium'])} from {text.day(peak['date'])}; it last changed on "
               f"{text.day(moves['date'].iloc[-1])}." if peak["premium"] > last["premium"] else "")
    unsourced = [f"{esc(layer_label(layer))} (not sourced after {text.day(d)})"
                 for direction in (US, tf.OTHERS) for layer, d in _stacked_unsourced(r, direction).items()]
    caveat = (" It carries " + "; ".join(unsourced) + " at the last sourced rate.") if unsourced else ""
    china_side = (" **China's side**: every additional tariff China levies in this data applies to US goods only, so "
                  "China's premium on US goods is its whole stack, "
                  f"{rate(r.outlooks['china_on_us'].sourced_rate)} on {text.day(r.outlooks['china_on_us'].sourced_through)}.")
    return (definition + f" On {text.day(when)} it is **{points(last['premium'])}** (US on China "
            f"{rate(last['china'])} minus {rate(last['others'])} on most other origins).{share}{history}{caveat}"
            + china_side)


def _period_end(frame: pd.DataFrame, index) -> pd.Timestamp:
    """The day before the step after row ``index`` of a step frame (its last day), or that row's date if last."""
    position = frame.index.get_loc(index)
    if position + 1 < len(frame):
        return frame["date"].iloc[position + 1] - pd.Timedelta(days=1)
    return frame["date"].iloc[position]


def premium_chart(r: TariffReport):
    """Step lines: the US stack on China, on most other origins, and the premium between them."""
    if r.premium.empty:
        return no_chart("no all-goods US rate on other origins is recorded by the as-of date, so the premium has "
                        "no figure.")
    frame = r.premium
    moving = frame[(frame["china"] > 0) | (frame["others"] > 0)]
    if moving.empty:
        return no_chart("neither the US all-goods rate on China nor on other origins was above zero in the period "
                        "shown, so the premium is zero throughout.")
    # Start a little before the first all-goods layer, so the step up is visible.
    first = frame[frame["date"] < moving["date"].min()]
    frame = frame[frame["date"] >= (first["date"].max() if len(first) else moving["date"].min())]
    end = r.outlooks[US].sourced_through
    frame = pd.concat([frame, frame.tail(1).assign(date=end)], ignore_index=True)
    names = {"china": "US all-goods rate on China", "others": "US all-goods rate on most other origins",
             "premium": "China-specific premium"}
    long = frame.melt(id_vars="date", value_vars=list(names), var_name="line", value_name="rate")
    long["series"] = long["line"].map(names)
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=list(names.values()),
                                                               range=[PALETTE[0], PALETTE[2], PALETTE[1]]),
                       legend=alt.Legend(orient="top", columns=3))
    return alt.Chart(long).mark_line(interpolate="step-after", strokeWidth=2.2).encode(
        x=alt.X("date:T", title=None), y=alt.Y("rate:Q", title="Percentage points"), color=colour,
        # The same legend as the colour (one legend, each line's colour and dash): a hidden dash legend on the
        # same field makes Vega-Lite warn of conflicting legends.
        strokeDash=alt.StrokeDash("series:N", title=None, legend=alt.Legend(orient="top", columns=3),
                                  scale=alt.Scale(domain=list(names.values()), range=[[1, 0], [4, 3], [1, 0]])),
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("date:T", title="From"),
                 alt.Tooltip("rate:Q", title="Rate")],
    ).properties(width=640, height=220, title="China-specific premium: US on China minus US on most other origins")


# ---------------------------------------------------------------- every legal layer


def _steps(steps) -> str:
    from analysis.views import text

    return "; ".join(("ended" if v <= 0 else rate(v)) + f" from {text.day(d)}" for d, v in steps)


def layers_table(r: TariffReport) -> pd.DataFrame:
    """Every legal layer known on the as-of date: what it covers, its rates by date, where it stands, its sources."""
    from analysis.views import text

    titles = {**DIRECTIONS, tf.OTHERS: "US tariffs on most other origins"}
    rows = []
    for _, layer in r.layers.iterrows():
        if pd.notna(layer["ended"]):
            now = f"ended {text.day(layer['ended'])}"
        elif pd.notna(layer["sourced_through"]):
            now = f"{rate(layer['rate_now'])}, not sourced after {text.day(layer['sourced_through'])}"
        else:
            now = rate(layer["rate_now"])
        rows.append({"Direction": titles[layer["direction"]], "Layer": layer_label(layer["layer"]),
                     "Applies to": "all goods (in the stack)" if layer["in_stack"] else "listed goods only",
                     "Authority": authority(layer["layer"]), "Rates": _steps(layer["steps"]),
                     f"On {text.day(r.as_of)}": now, "Sources": ", ".join(layer["sources"])})
    return pd.DataFrame(rows)


def authority(layer: str) -> str:
    """The legal authority behind a layer, from its name (:data:`AUTHORITIES`); empty when unknown."""
    matches = [k for k in AUTHORITIES if layer.startswith(k)]
    return AUTHORITIES[max(matches, key=len)] if matches else ""


def layers_block(r: TariffReport):
    """The layers table, or a sentence before any layer is dated."""
    from analysis.views import text

    if r.layers.empty:
        return text.md(f"No tariff layer is dated in this project's sources by {text.day(r.as_of)}.")
    return text.table(layers_table(r))


def spans_chart(r: TariffReport):
    """Product-specific layers as bars per list, one row each, with their rates and any "not sourced after" mark."""
    from analysis.views import text

    if r.spans.empty:
        return no_chart("no product-specific tariff layer is in force in the period shown.")
    panels = []
    first, last = r.spans["date"].min(), r.spans["end"].max()
    x = alt.X("date:T", title=None)
    for direction, title in DIRECTIONS.items():
        rows = r.spans[r.spans["direction"] == direction]
        if rows.empty:
            continue
        order = list(dict.fromkeys(rows.sort_values("date")["series"]))
        y = alt.Y("series:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
        colour = LAYER_COLOURS.get
        bars = alt.Chart(rows.assign(colour=[colour(layer, PALETTE[0] if direction == US else PALETTE[1])
                                             for layer in rows["layer"]])).mark_bar(height=14, opacity=0.85).encode(
            x=x, x2="end:T", y=y, color=alt.Color("colour:N", scale=None),
            tooltip=[alt.Tooltip("series:N", title="Layer"), alt.Tooltip("date:T", title="From"),
                     alt.Tooltip("end:T", title="To"), alt.Tooltip("rate:Q", title="Rate")])
        # A rate label only where a step is long enough to hold it and the rate changed (a restructuring at
        # the same rate adds a row, not a new figure); the tooltip and the layers table give every step.
        previous = rows.groupby("layer")["rate"].shift()
        wide = (rows["end"] - rows["date"]).dt.days >= LABEL_MIN_DAYS
        labelled = rows[wide & (previous.isna() | (previous != rows["rate"]))]
        labels = alt.Chart(labelled.assign(label=[rate(v) for v in labelled["rate"]])).mark_text(
            align="left", dx=3, fontSize=10, color="white", fontWeight="bold").encode(x=x, y=y, text="label:N")
        layers = [time_span(first, last, "date"), bars] + ([labels] if len(labelled) else [])
        cut = rows[rows["cut"]]
        if len(cut):
            cut = cut.assign(label=[f"not sourced after {text.day(d)}" for d in cut["end"]])
            layers += [alt.Chart(cut).mark_tick(color="#d62728", thickness=2, size=18).encode(x="end:T", y=y),
                       alt.Chart(cut).mark_text(align="left", dx=5, fontSize=10, color="#d62728").encode(
                           x="end:T", y=y, text="label:N")]
        panels.append(alt.layer(*layers).properties(title=f"{title}: product-specific layers", width=560,
                                                   height=max(40, 24 * len(order))))
    return alt.vconcat(*panels)


# ---------------------------------------------------------------- the fan of scenarios


def fan_chart(r: TariffReport):
    """Each direction's stack near the cliff and every scenario after it, with equal weight; a sentence if no cliff."""
    from analysis.views import text

    if r.fan.empty:
        return no_chart(f"no tariff suspension was in force on {text.day(r.as_of)}, so there is no cliff to project.")
    panels = []
    frame = r.fan.assign(series=r.fan["line"].map(FAN_NAMES))
    top = float(frame["rate"].max()) * 1.18 + 1
    x = alt.X("date:T", title=None)
    y = alt.Y("rate:Q", title="All-goods rate (percentage points)", scale=alt.Scale(domain=[0, top]))
    domain = [FAN_NAMES[k] for k in FAN_NAMES if (frame["line"] == k).any()]
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="top", columns=5),
                       scale=alt.Scale(domain=domain, range=[FAN_COLOURS[k] for k in FAN_NAMES if FAN_NAMES[k] in domain]))
    tip = [alt.Tooltip("series:N", title="Line"), alt.Tooltip("date:T", title="From"), alt.Tooltip("rate:Q", title="Rate")]
    for direction, title in DIRECTIONS.items():
        rows = frame[frame["direction"] == direction]
        if rows.empty:
            continue
        path = rows[rows["line"].isin(["sourced", "carried"])]
        fan = rows[rows["line"].isin(list(SCENARIOS))]
        layers = [alt.Chart(path).mark_line(interpolate="step-after", strokeWidth=2).encode(
            x=x, y=y, color=colour, detail="line:N", tooltip=tip,
            strokeDash=alt.condition(alt.datum.line == "carried", alt.value([2, 2]), alt.value([1, 0])))]
        # Same width and dash for every scenario; the dashes are offset so lines that coincide interleave
        # their colours instead of one hiding another.
        for offset, name in enumerate(SCENARIOS):
            layers.append(alt.Chart(fan[fan["line"] == name]).mark_line(
                strokeWidth=2.5, strokeDash=[5, 10], strokeDashOffset=5 * offset).encode(
                x=x, y=y, color=colour, detail="line:N", tooltip=tip))
        # One label per distinct rate past the right end, naming every scenario that gives it, pushed
        # apart vertically so close rates stay legible.
        ends = fan.sort_values("date").groupby("line").tail(1)
        grouped = ends.groupby("rate", sort=True).agg(date=("date", "max"), line=("line", list)).reset_index()
        grouped["label"] = [" · ".join(FAN_NAMES[n] for n in SCENARIOS if n in lines) + f": {rate(v)}"
                            for lines, v in zip(grouped["line"], grouped["rate"])]
        placed = []
        for v in grouped["rate"]:
            placed.append(max(v, placed[-1] + top * 0.08) if placed else v)
        grouped["y"] = placed
        layers.append(alt.Chart(grouped[["date", "y", "label"]]).mark_text(align="left", dx=6, fontSize=11).encode(
            x=x, y=alt.Y("y:Q", scale=alt.Scale(domain=[0, top])), text="label:N"))
        layers.append(time_span(rows["date"].min(), rows["date"].max() + pd.Timedelta(days=FAN_LABEL_DAYS), "date"))
        cliff = r.outlooks[direction].cliff
        rules = pd.DataFrame({"date": [r.as_of, cliff], "label": ["as of", f"next cliff {text.day(cliff)}"]})
        layers += [alt.Chart(rules).mark_rule(strokeDash=[2, 2], color="#d62728").encode(x=x),
                   alt.Chart(rules).mark_text(align="left", dx=3, fontSize=10, color="#d62728").encode(
                       x=x, y=alt.value(12), text="label:N")]
        panels.append(alt.layer(*layers).properties(title=title, width=640, height=200))
    return alt.vconcat(*panels).resolve_scale(color="shared")


def _legal_basis(r: TariffReport, direction: str, title: str) -> list[str]:
    """One direction's three scenarios, each with its legal basis, from the commitments, tariff rows and events."""
    from analysis.views import text

    o = r.outlooks[direction]
    s = o.suspension
    custom_name = f"custom_rate_{direction}"
    when = text.day(o.cliff)
    kept = rate(o.rates.get("status_quo"))
    layers = "; ".join(f"{esc(layer_label(k))} {rate(v)} ({authority(k) or 'authority not stated'})"
                       for k, v in o.layers.items() if v > 0) or "no all-goods layer"
    lines = []
    if s is None:
        lines.append(f"- **{title}**: no suspension of this side's tariffs is in force, so nothing is due to return "
                     f"on {when}.")
        back = "nothing is suspended, so there is nothing to snap back: the same rate"
    else:
        what = f"{points(s.points)} of the layer *{esc(layer_label(s.layer or 'unknown layer'))}*"
        basis = f" (commitment `{esc(s.commitment_id)}`" + (f": {esc(s.description.rstrip('.'))})" if s.description
                                                            else ")")
        lines.append(f"- **{title}**: {what} are suspended until {text.day(s.deadline)}{basis}.")
        if o.layer_ended is not None:
            ruling = ""
            if o.ended_by is not None:
                ruling = f" ({text.day(o.ended_by['date'])}: {esc(o.ended_by['description'].rstrip('.'))})"
            lines[-1] += (f" That layer rests on {authority(s.layer) or 'an authority not stated'}, and it ended on "
                          f"{text.day(o.layer_ended)}{ruling}. No standing authority is left to restore the points, "
                          f"so their snap-back is **moot**.")
            back = "moot (no standing authority): the same rate"
        elif s.layer is None:
            lines[-1] += " No tariff row says which layer they belong to, so a snap-back cannot add them."
            back = "cannot add the points: the same rate"
        else:
            lines[-1] += (f" The layer stands ({rate(o.layer_rate)} in force, set by {authority(s.layer) or 'an authority not stated'}; "
                          f"no ruling in this project's sources touches it), so the points return on their own at the "
                          f"expiry unless the suspension is extended.")
            back = f"the {points(s.points)} return on top of the {rate(o.before)} in force the day before"
    lines += [f"  - *Status quo*: nothing is added on {when}; the layers in force stay: {layers}. **{kept}**.",
              f"  - *Snap-back*: {back}. **{rate(o.rates.get('snap_back'))}**.",
              f"  - *Custom*: the rate set in `{custom_name}`, with no legal basis implied. "
              f"**{rate(o.rates.get('custom'))}**."]
    for end in o.open_ends:
        passed = end.date <= r.as_of
        lines.append(f"  - The {esc(layer_label(end.layer))} was scheduled to end on {text.day(end.date)}; "
                     + ("no source says whether it did. " if passed else "")
                     + f"This page assumes {TIME_LIMITED[r.time_limited]} (`time_limited = \"{r.time_limited}\"`). "
                     f"Under the other reading the {scenario_name(r.scenario)} rate would be "
                     f"{rate(o.other_rates.get(r.scenario))} instead of {rate(o.rates.get(r.scenario))}.")
    return lines
