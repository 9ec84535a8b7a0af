"""What the tariffs report shows: its prose, tables and charts.

The computations (known tariffs, live suspensions, scenarios, chart frames)
are in :mod:`analysis.domain.scenarios`; this module turns a computed
:class:`~analysis.domain.scenarios.TariffReport` into what a reader sees.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.views.charts import PALETTE, no_chart, time_span
from analysis.domain.scenarios import (DIRECTIONS, LAYER_LABELS, SCENARIOS, TIME_LIMITED, Outlook, TariffReport, esc,
                                       layer_label, points, rate)

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
AVERAGE_SHAPES = {"piie_average": "circle", "crs_average": "triangle-up", "other_average": "diamond"}


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
    if o.sourced_rate > 0:
        return (f"{title}: **{rate(o.sourced_rate)}** on all goods (in force from {text.day(o.sourced_since)})"
                f"{peak}{read_on(r, o)}")
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
    """Per direction: the all-goods headline, its layers, the day it is read, the peak and PIIE's latest average."""
    from analysis.views import text

    rows = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        peak_date, peak_rate = r.peaks[direction]
        latest = _latest_piie(r, direction)
        rows.append({
            "Direction": title,
            "All-goods headline": rate(o.sourced_rate),
            "Made of": _layer_list(o.layers),
            "In force from": text.day(o.sourced_since) if o.sourced_since is not None else "",
            "Read on": text.day(o.sourced_through),
            "Listed goods only": _listed_list(o.listed) or "none",
            "Peak": f"{rate(peak_rate)} from {text.day(peak_date)}" if peak_date is not None else "none",
            "PIIE trade-weighted average (latest published)": (
                f"{rate(latest['rate'])} ({text.day(latest['effective'])})" if latest is not None else "none published"),
        })
    return pd.DataFrame(rows)


def stack_text(r: TariffReport) -> str:
    """How to read the chart, with the dates and product-specific layers of this run."""
    from analysis.views import text

    lines = []
    for direction, title in DIRECTIONS.items():
        stack = r.chart[(r.chart["direction"] == direction) & (r.chart["kind"] == "stack")]
        first = text.day(stack["date"].min()) if len(stack) else None
        lines.append(f"- **{title}**: " + (
            f"an all-goods layer is in force from {first}; before that the bands are empty." if first
            else "no all-goods layer is in force in the period shown."))
        listed = r.chart[(r.chart["direction"] == direction) & (r.chart["kind"] == "listed")]
        for layer, group in listed.groupby("layer", sort=False):
            top = group["rate"].max()
            lines.append(f"  - {esc(layer_label(layer))}: up to {rate(top)} from {text.day(group['date'].min())} "
                         f"on the goods it lists; drawn beside the stack, not added to it.")
    return "\n".join(lines)


def scenario_text(r: TariffReport) -> str:
    """What the chosen scenario assumes and what each scenario means for each direction, from the data."""
    from analysis.views import text

    if r.cliff is None:
        return (f"No tariff suspension was in force on {text.day(r.as_of)}, so there is no expiry to project"
                + (" and the chart stops at the report date." if has_layers(r.chart) else "."))
    status = (f"The expiry date, {text.day(r.cliff)}, is on or before the report date and **no source records what "
              f"happened**; this page neither assumes the suspensions were extended nor that they lapsed."
              if r.cliff_passed else
              f"The expiry, on {text.day(r.cliff)}, is after the report date.")
    parts = [f"**Scenario shown: {scenario_name(r.scenario)}.** It assumes {SCENARIOS[r.scenario]}. "
             f"This is a scenario, not a forecast. {status}"]
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        s = o.suspension
        if s is None:
            parts.append(f"- **{title}**: no suspension of this side's tariffs is in force, so a snap-back changes "
                         f"nothing; the rate before the expiry would be {rate(o.before)}.")
            continue
        what = f"{points(s.points)} of the layer *{esc(layer_label(s.layer or 'unknown layer'))}*"
        if o.layer_ended is not None:
            why = ""
            if o.ended_by is not None:
                why = f" ({text.day(o.ended_by['date'])}: {esc(o.ended_by['description'].rstrip('.'))})"
            parts.append(f"- **{title}**: {what} are suspended until {text.day(s.deadline)}, but that layer ended on "
                         f"{text.day(o.layer_ended)}{why}. A snap-back has nothing to return to, so it is **moot**: "
                         f"snap-back and extension both give {rate(o.rates['snap_back'])}.")
        elif s.layer is None:
            parts.append(f"- **{title}**: {points(s.points)} are suspended until "
                         f"{text.day(s.deadline)}, but no tariff row says which layer they belong to, so the "
                         f"snap-back cannot add them; it gives {rate(o.rates['snap_back'])}.")
        else:
            parts.append(f"- **{title}**: {what} are suspended until {text.day(s.deadline)}. A snap-back returns them "
                         f"on top of the {rate(o.before)} in force the day before: **{rate(o.rates['snap_back'])}**; "
                         f"an extension keeps {rate(o.rates['extended'])}.")
        for end in o.open_ends:
            passed = end.date <= r.as_of
            parts.append(f"  - The {esc(layer_label(end.layer))} was scheduled to end on {text.day(end.date)}; "
                         + ("no source says whether it did. " if passed else "")
                         + f"This page assumes {TIME_LIMITED[r.time_limited]} (`time_limited = \"{r.time_limited}\"`). "
                         f"Under the other reading the {scenario_name(r.scenario)} rate would be "
                         f"{rate(o.other_rates.get(r.scenario))} instead of {rate(o.rates.get(r.scenario))}.")
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
        row = {"Direction": title, "Expiry": text.day(o.cliff) if o.cliff is not None else "none", "Suspended": suspended,
               "Day before the expiry (projected)": rate(o.before)}
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
    order = {"stack": 0, "listed": 1, "scenario": 2}
    legend = frame[frame["kind"].isin(list(order))][["layer", "series", "kind"]].drop_duplicates()
    legend = legend.sort_values("kind", key=lambda k: k.map(order), kind="stable")
    for layer, series, kind in legend.itertuples(index=False):
        if kind in ("stack", "listed"):
            pairs[series] = LAYER_COLOURS.get(layer, PALETTE[2])
        elif kind == "scenario":
            pairs[series] = "#555555" if layer == "carried" else "#d62728"
    return alt.Scale(domain=list(pairs), range=list(pairs.values()))


def has_layers(frame: pd.DataFrame) -> bool:
    """True when a chart frame has a tariff layer to draw (a stack band or a listed-goods line)."""
    return bool(frame["kind"].isin(["stack", "listed"]).any())


def stack_chart(r: TariffReport):
    """Headline tariff per direction: stacked all-goods layers, listed-goods lines, averages and the scenario.

    A sentence instead when no tariff layer is in force in the period shown
    (published averages alone do not make a layer-by-layer chart).
    """
    from analysis.views import text

    if not has_layers(r.chart):
        if r.before_first_layer:
            return no_chart(f"no tariff layer dated in this project's sources is in force before "
                            f"{text.day(r.first_layer.date)}.")
        return no_chart("no tariff layer is in force in the period shown.")
    return _panels(r.chart, r.markers)


def _panels(frame: pd.DataFrame, markers: pd.DataFrame) -> alt.VConcatChart:
    """One panel per direction on shared scales; only layers with rows are drawn."""
    top = float(pd.concat([frame["y1"], frame["rate"]]).max()) * 1.12
    y = alt.Y("rate:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top]))
    first = frame["date"].min()
    last = max(frame["date"].max(), frame["end"].max() if frame["end"].notna().any() else first, markers["date"].max())
    x = alt.X("date:T", title=None)
    span = time_span(first, last, "date")
    colour = alt.Color("series:N", title=None, scale=_colour_scale(frame))
    shape = alt.Shape("series:N", title="Published averages (points)", legend=alt.Legend(orient="top", columns=3),
                      scale=alt.Scale(domain=[LAYER_LABELS[k] for k in AVERAGE_SHAPES], range=list(AVERAGE_SHAPES.values())))
    tip = [alt.Tooltip("series:N", title="Layer"), alt.Tooltip("date:T", title="From"), alt.Tooltip("rate:Q", title="Rate")]
    panels = []
    for direction, title in DIRECTIONS.items():
        rows = frame[frame["direction"] == direction]
        kind = rows["kind"]
        # Rectangles rather than a stacked area: each layer's band is exact between change dates.
        stack = alt.Chart(rows[kind == "stack"]).mark_rect(opacity=0.9).encode(
            x=x, x2="end:T", y=alt.Y("y0:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top])),
            y2="y1:Q", color=colour, tooltip=tip)
        listed = alt.Chart(rows[kind == "listed"]).mark_line(
            interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=colour, detail="layer:N", tooltip=tip)
        scenario = alt.Chart(rows[kind == "scenario"]).mark_line(
            interpolate="step-after", strokeDash=[6, 4], strokeWidth=2.5).encode(x=x, y=y, color=colour,
                                                                                 detail="layer:N", tooltip=tip)
        averages = alt.Chart(rows[kind == "average"]).mark_point(
            filled=True, size=55, color="black", opacity=0.85).encode(x=x, y=y, shape=shape, tooltip=tip)
        # A layer with no rows would give the shared scales an infinite extent, so it is left out.
        drawn = [layer for layer, name in ((stack, "stack"), (listed, "listed"), (scenario, "scenario"),
                                           (averages, "average")) if (kind == name).any()]
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
