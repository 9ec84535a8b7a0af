"""What the truce-history report shows: its prose, tables and charts.

The survival maths (spells, Kaplan-Meier, base rate, the fitted curves and
the codings of each ending) is computed in :mod:`analysis.domain.survival`
and :mod:`analysis.domain.hazard`; this module only turns a computed
:class:`~analysis.domain.survival.History` into what a reader sees.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain.survival import (AS_RECORDED, BREAKDOWN, ENDING_EVENT_DAYS, ENDING_LABELS, EVERY_ENDING, IN_FORCE,
                                      STATUS_UNKNOWN, History, survival_at, swing)
from analysis.views import charts


def _count(n, noun: str) -> str:
    """``1 truce``, ``5 truces``."""
    return f"{int(n):,} {noun}" + ("" if int(n) == 1 else "s")


def _days(n) -> str:
    return _count(n, "day")


def _percent_list(versions: pd.DataFrame) -> str:
    """``58% (PIIE, revised); 57% (PIIE, 8 Feb 2022)``: preferred first."""
    from analysis.views import text

    parts = []
    for v in versions.itertuples():
        when = text.day(v.published) if pd.notna(v.published) else "date not recorded"
        label = "preferred" if v.preferred else "other version"
        parts.append(f"{text.percent(v.value)} ({v.publisher}, {when}; {label})")
    return "; ".join(parts)


def _age_cell(h: History, t) -> str:
    """A truce's days: its duration when it ended, else its age on ``as_of`` (if still in force, when unknown)."""
    from analysis.views import text

    if t.ended:
        return f"{t.duration:,}"
    age = f"{t.duration:,} on {text.day(h.as_of)}"
    return age + (" if still in force" if t.state == STATUS_UNKNOWN else "")


def truces_table(h: History) -> pd.DataFrame:
    """The truces side by side: dates, duration, what ended them, compliance."""
    from analysis.views import text

    rows = []
    for t in h.spells.itertuples():
        versions = h.compliance[t.truce_id]
        if len(versions):
            compliance = _percent_list(versions)
        elif not t.ended:
            compliance = "not measured (truce not over)"
        else:
            compliance = t.compliance_note if isinstance(t.compliance_note, str) else "not measured"
        rows.append({
            "Truce": t.name,
            "Start": text.day(t.start),
            "End": text.day(t.end) if t.ended else "none recorded",
            "Days (age on the as-of date if open)": _age_cell(h, t),
            "Outcome": (f"{t.state}: no sourced outcome after {text.day(h.unknown_after)}"
                        if t.state == STATUS_UNKNOWN else t.state),
            "What ended it": t.how_ended if t.ended else "",
            "Compliance with purchase commitments": compliance,
        })
    return pd.DataFrame(rows)


# How a truce ended, as a verb for "the last truce ... on <date>".
ENDED_HOW = {"escalation": "broke down", "expiry": "ran out", "superseded": "was superseded by a new deal"}


def _the(name: str) -> str:
    """A truce's name as prose: ``the Osaka G20 truce``."""
    return f"the {html.escape(name)}"


def no_truce_sentence(as_of, spells: pd.DataFrame, first: pd.Series | None, last: pd.Series | None,
                      consequence: str = "") -> str:
    """One sentence for a date with no truce in force: none had begun (naming the first), or the last had ended.

    ``consequence`` (e.g. ``", so there is ..."``) ends the sentence; the history page and the
    dashboard's chance share the wording and add their own.
    """
    from analysis.views import text

    if spells.empty:
        if first is None:
            return f"The truce ledger records no truce{consequence}."
        return (f"No truce had begun by {text.day(as_of)}: the first, {_the(first['name'])}, began on "
                f"{text.day(first['start'])}{consequence}.")
    how = ENDED_HOW.get(last["ended_by"], "ended")
    return (f"No truce was in force on {text.day(as_of)}: the last, {_the(last['name'])}, {how} on "
            f"{text.day(last['end'])}{consequence}.")


def no_truce_text(h: History) -> str:
    """Why no truce is in force on ``as_of``: none had begun yet, or the last one had ended.

    Before the first truce it names the first from the ledger, so a page
    judged then still says what it is waiting for.
    """
    return no_truce_sentence(h.as_of, h.spells, h.first, None if h.spells.empty else h.last_ended)


def _unsourced_dates(h: History) -> str:
    """The passed scheduled expiries with no sourced outcome, as prose: ``10 Nov 2026 and 27 Nov 2026``."""
    from analysis.views import text

    days = [text.day(d) for d in dict.fromkeys(h.unsourced["date"])]
    return days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]


def unknown_text(h: History) -> str:
    """Why the open truce's status is not known after the evidence ends: the expiries that passed since."""
    many = h.unsourced["date"].nunique() > 1
    return (f"the scheduled expir{'ies' if many else 'y'} of {_unsourced_dates(h)} {'have' if many else 'has'} "
            "passed since with no sourced outcome")


def headline_text(h: History) -> str:
    """Opening paragraph: how many truces, how they ended, the current one's age."""
    from analysis.views import text

    s = h.spells
    if s.empty:
        return no_truce_text(h) + " There is nothing to compare yet."
    ended = s[s["ended"]]
    breakdowns = ended[ended["ended_by"] == BREAKDOWN]
    parts = [f"As of {text.day(h.as_of)}, the record holds **{_count(len(s), 'truce')}** since {text.day(s['start'].min())}: "
             f"**{len(breakdowns)}** ended in a breakdown, **{len(ended) - len(breakdowns)}** ended otherwise "
             f"(ran out or were superseded) and **{len(s) - len(ended)}** had no recorded end."]
    if len(breakdowns):
        parts.append(f"The breakdowns came after **{', '.join(_days(d) for d in breakdowns['duration'])}**.")
    c = h.current
    if c is not None and c["state"] == STATUS_UNKNOWN:
        parts.append(f"The latest truce on record, {_the(c['name'])}, began on {text.day(c['start'])}; if still in "
                     f"force it is **{_days(h.age)}** old on {text.day(h.as_of)}. The evidence on this page ends on "
                     f"{text.day(h.unknown_after)} and {unknown_text(h)}, so whether it is still in force is not known.")
    elif c is not None:
        parts.append(f"The truce in force, {_the(c['name'])}, began on {text.day(c['start'])} and is "
                     f"**{_days(h.age)}** old on {text.day(h.as_of)}.")
    else:
        parts.append(no_truce_text(h))
    estimate = estimate_text(h)
    return " ".join(parts) + (" " + estimate if estimate else "")


def _chance(p: float, low: float, high: float, bold: bool = True) -> str:
    """``**77%** (90% interval 49–93%)``."""
    from analysis.views import text

    share = text.percent(100 * p)
    return (f"**{share}**" if bold else share) + f" (90% interval {100 * low:.0f}–{text.percent(100 * high)})"


def estimate_text(h: History) -> str:
    """The fitted models' chance that the open truce lasts another N days; empty when no truce is open."""
    from analysis.views import text

    f = h.forecast
    if f is None or not f.models:
        return ""
    const, weibull = f.model("constant hazard"), f.model("Weibull")
    sentence = (f"Fitted to these durations, a constant daily chance of ending gives it a "
                f"{_chance(const.probability, const.low, const.high)} chance of lasting another "
                f"{_days(f.horizon_days)}; a Weibull fit, whose daily chance may rise or fall with age, gives "
                f"{_chance(weibull.probability, weibull.low, weibull.high, bold=False)}.")
    if f.unknown_after is not None and len(f.model("constant hazard").codings) > 1:
        sentence += (f" Both intervals also cover its having ended on {text.day(f.unknown_after)}, where the "
                     "evidence ends.")
    return sentence


def constant_hazard_probability(h: History) -> float | None:
    """The constant-hazard chance that the open truce lasts another N days; None when no truce is open."""
    f = h.forecast
    return float(f.model("constant hazard").probability) if f is not None and f.models else None


def status_sentence(h: History) -> str:
    """One plain sentence (no markup) answering the page's question on ``as_of``, for the site index."""
    from analysis.views import text

    c, f = h.current, h.forecast
    if c is None:
        return no_truce_text(h).replace("**", "")
    age = f"{_days(h.age)} old on {text.day(h.as_of)}"
    if c["state"] == STATUS_UNKNOWN:
        age += f" if still in force (no source says what happened after {text.day(h.unknown_after)})"
    sentence = f"The {c['name']} is {age}"
    if f is not None and f.models:
        m = f.model("constant hazard")
        sentence += (f"; on the record of past truces it has a {_chance(m.probability, m.low, m.high, bold=False)} "
                     f"chance of lasting another {_days(f.horizon_days)}")
    return sentence + "."


def censoring_text(h: History) -> str:
    """How truces without a breakdown enter the survival curve, with this run's dates."""
    from analysis.views import text

    if h.spells.empty:
        return f"There is no survival curve yet: no truce had begun by {text.day(h.as_of)}."
    what = ("an escalation (a breakdown)" if h.ending == "breakdown"
            else "any recorded end (breakdown, expiry or being superseded)")
    lines = [f"- The curve counts as an ending **{what}** (parameter `ending`).",
             "- A truce that ended in any other way is *censored* at its end: it is known to have lasted that long, no more."]
    running = h.spells[~h.spells["ended"]]
    for t in running.itertuples():
        line = (f"- The {html.escape(t.name)} has no recorded end by {text.day(h.as_of)}; it is censored at its age "
                f"on that day ({_days(t.duration)}): the truce ledger holds until a sourced change.")
        if t.state == STATUS_UNKNOWN:
            at = int((h.unknown_after - t.start).days)
            line += (f" But the evidence on this page ends on {text.day(h.unknown_after)} ({_days(at)} into the "
                     f"truce) and {unknown_text(h)}. Had it ended then, the curve would "
                     + ("step down there" if h.ending == "any" else "step down there, counted as a breakdown")
                     + "; the fitted models' intervals cover that case too.")
        lines.append(line)
    return "\n".join(lines)


def km_table(h: History) -> pd.DataFrame:
    """The Kaplan-Meier steps for readers."""
    from analysis.views import text

    names = h.spells.groupby("duration")["name"].apply(lambda n: ", ".join(n))
    frame = pd.DataFrame({
        "Days": h.km["time"].map("{:,}".format),
        "Truces": h.km["time"].map(names),
        "At risk": h.km["at_risk"],
        "Endings": h.km["events"],
        "Censored": h.km["censored"],
        "Share surviving": h.km["survival"].map(lambda s: text.percent(100 * s)),
    })
    return frame


def base_rate_text(h: History) -> str:
    """The base rate for the current truce, or why it is not estimable."""
    from analysis.views import text

    r = h.rate
    if r is None and h.spells.empty:
        return f"No truce had begun by {text.day(h.as_of)}, so there is no current age to condition on."
    if r is None:
        return no_truce_text(h) + " There is no current age to condition on."
    who = (f"The latest truce on record is {_days(r.age)} old on {text.day(h.as_of)} if still in force"
           if h.current["state"] == STATUS_UNKNOWN else f"The truce in force is {_days(r.age)} old on {text.day(h.as_of)}")
    if not r.estimable:
        return (f"**Not estimable.** {who}; lasting another {_days(r.horizon)} "
                f"means reaching {_days(r.target)}. {r.reason.capitalize()}.")
    return (f"{who}. Among truces that reached that age, the Kaplan-Meier estimate "
            f"of the share that went on to last another {_days(r.horizon)} (to {_days(r.target)}) is "
            f"**{text.percent(100 * r.probability)}**: S({r.target:,}) / S({r.age:,}) = "
            f"{text.percent(100 * r.survival_target)} / {text.percent(100 * r.survival_age)}.")


def caveat_text(h: History) -> str:
    """The small-sample caveat, computed from the number of truces."""
    n, k = len(h.spells), int(h.spells["observed"].sum())
    if n == 0:
        from analysis.views import text

        return f"**No sample yet**: no truce had begun by {text.day(h.as_of)}."
    base = (f"**Small sample.** The curve rests on **{_count(n, 'truce')}** and **{_count(k, 'ending')}**; every step in "
            "it is one truce. It is a base rate from a handful of cases, not a forecast, and it cannot see what makes "
            "this truce different.")
    r = h.rate
    if r is None:
        return base
    extra = f" {_count(r.at_risk_age, 'truce')} of the {n} reached {_days(r.age)}"
    extra += f" and {r.at_risk_target} reached {_days(r.target)}." if r.target <= (r.longest or 0) else "."
    move = swing(r)
    if move is not None:
        who = ("Only one truce got that far: had it" if r.at_risk_target == 1
               else f"Only {r.at_risk_target} truces got that far: had one more of them")
        extra += f" {who} ended just before, the rate would be {move:.0f} percentage points lower."
    return base + extra


def ending_events_text(h: History) -> str:
    """What the table of events around each ending covers, or why it is empty."""
    from analysis.views import text

    ended = h.spells[h.spells["ended"]]
    window = _days(ENDING_EVENT_DAYS)
    if ended.empty:
        return f"No truce had ended by {text.day(h.as_of)}, so there is no ending to look at."
    if h.events.empty:
        return (f"No event in the dated ledger falls within {window} either side of the "
                f"{_count(len(ended), 'recorded end')}.")
    near = h.events["truce"].nunique()
    around = "every recorded end" if near == len(ended) else f"{near} of the {len(ended)} recorded ends"
    return (f"Events from the dated ledger within {window} either side of each recorded end: "
            f"{_count(len(h.events), 'event')}, around {around}.")


def ending_events_table(h: History) -> pd.DataFrame:
    """Events within ``ENDING_EVENT_DAYS`` of each known end."""
    from analysis.views import text

    e = h.events
    return pd.DataFrame({
        "Truce": e["truce"],
        "Date": e["date"].map(text.day),
        "Who": e["actor"],
        "Type": e["type"],
        "What happened": e["description"],
        "Severity": e["severity"].astype("Int64"),
    })


def sources_table(h: History) -> pd.DataFrame:
    """The sources this report used."""
    return provenance.sources_table(h.sources)


# Breakdowns in red, expiries grey, superseded amber; an open truce blue, paler when its status is unknown.
STATE_COLOURS = {ENDING_LABELS["escalation"]: "#c0504d", ENDING_LABELS["expiry"]: "#7f7f7f",
                 ENDING_LABELS["superseded"]: "#e3a21a", IN_FORCE: "#1f4e79", STATUS_UNKNOWN: "#8fb3d9"}


def timeline_chart(h: History):
    """Each truce as a bar from start to end (or censoring date), coloured by how it ended.

    A sentence instead when no truce had begun by ``as_of``.
    """
    from analysis.views import text

    if h.spells.empty:
        return charts.no_chart(f"no truce had begun by {text.day(h.as_of)}.")
    frame = h.spells[["name", "start", "until", "duration", "state"]].copy()
    states = list(dict.fromkeys(frame["state"]))
    colours = [STATE_COLOURS.get(state, "#1f4e79") for state in states]
    bars = alt.Chart(frame).mark_bar(height=18).encode(
        x=alt.X("start:T", title=None),
        x2="until:T",
        # Oldest at the top, in the order the truces happened.
        y=alt.Y("name:N", title=None, sort=list(frame["name"]), axis=alt.Axis(labelLimit=320)),
        color=alt.Color("state:N", title=None, scale=alt.Scale(domain=states, range=colours)),
        tooltip=[alt.Tooltip("name:N", title="Truce"), alt.Tooltip("start:T", title="Start"),
                 alt.Tooltip("until:T", title="Until"), alt.Tooltip("duration:Q", title="Days"), "state:N"],
    )
    return bars.properties(width=640, height=40 * len(frame))


# The survival chart's curves, in legend order, and their colours.
KM_CURVE = "Kaplan-Meier (shaded: 95% Greenwood band)"
CONSTANT_CURVE = "Constant hazard, posterior mean (shaded: 90% credible band)"
WEIBULL_CURVE = "Weibull, posterior mean"
CURVE_COLOURS = {KM_CURVE: charts.PALETTE[0], CONSTANT_CURVE: charts.PALETTE[3], WEIBULL_CURVE: charts.PALETTE[4]}


def survival_frames(h: History) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The survival chart's rows: the Kaplan-Meier steps with their band, and the fitted curves with theirs (percent).

    Where every truce at risk has ended the curve is 0 and Greenwood's band is
    not defined: those steps carry the line but no band.
    """
    km = pd.concat([pd.DataFrame({"time": [0], "survival": [1.0], "low": [1.0], "high": [1.0]}),
                    h.band[["time", "survival", "low", "high"]]], ignore_index=True)
    km = pd.DataFrame({"time": km["time"].astype(int), "percent": 100 * km["survival"].astype(float),
                       "low": 100 * km["low"].astype(float), "high": 100 * km["high"].astype(float),
                       "curve": KM_CURVE})
    names = {"constant hazard": CONSTANT_CURVE, "Weibull": WEIBULL_CURVE}
    c = h.curves
    fitted = pd.DataFrame({"time": c["time"].astype(float), "percent": 100 * c["mean"].astype(float),
                           "low": 100 * c["low"].astype(float), "high": 100 * c["high"].astype(float),
                           "curve": c["model"].map(names)})
    return km, fitted


def survival_chart(h: History):
    """Kaplan-Meier steps with Greenwood's 95% band, the fitted curves over them, censored truces and the ages marked.

    A sentence instead when no truce had begun by ``as_of``; a layer with no
    rows (no censored truce) is left out rather than drawn empty. Every curve
    layer shares one colour scale (the legend) with the same explicit domain.
    """
    from analysis.views import text

    if h.km.empty:
        return charts.no_chart(f"no truce had begun by {text.day(h.as_of)}, so there is no survival curve.")
    km, fitted = survival_frames(h)
    colour = alt.Color("curve:N", title=None, scale=alt.Scale(domain=list(CURVE_COLOURS),
                                                              range=list(CURVE_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=1, symbolType="stroke", symbolStrokeWidth=3,
                                         symbolOpacity=1))
    x = alt.X("time:Q", title="Days since the truce began")
    y = alt.Y("percent:Q", title="Share of truces still in force (%)", scale=alt.Scale(domain=[0, 100]))
    tips = [alt.Tooltip("curve:N", title="Curve"), alt.Tooltip("time:Q", title="Days", format=",.0f"),
            alt.Tooltip("percent:Q", title="Share (%)", format=".0f"),
            alt.Tooltip("low:Q", title="Band from (%)", format=".0f"), alt.Tooltip("high:Q", title="to (%)", format=".0f")]
    banded = km.dropna(subset=["low", "high"])
    constant = fitted[fitted["curve"] == CONSTANT_CURVE]
    weibull = fitted[fitted["curve"] == WEIBULL_CURVE]
    layers = [
        alt.Chart(banded).mark_area(interpolate="step-after", opacity=0.18).encode(
            x=x, y=alt.Y("low:Q"), y2="high:Q", color=colour),
        alt.Chart(constant).mark_area(opacity=0.15).encode(
            x=x, y=alt.Y("low:Q"), y2="high:Q", color=colour),
        alt.Chart(constant).mark_line(strokeWidth=2).encode(x=x, y=y, color=colour,
                                                                                  tooltip=tips),
        alt.Chart(weibull).mark_line(strokeWidth=2, strokeDash=[6, 4]).encode(
            x=x, y=y, color=colour, tooltip=tips),
        alt.Chart(km).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            x=x, y=y, color=colour, tooltip=tips),
    ]
    # Censored truces sit on the steps at their censoring time, drawn as crosses as is usual for KM plots.
    censored = h.spells[~h.spells["observed"]][["name", "duration"]].copy()
    censored["percent"] = [100 * (survival_at(h.km, d) or 0.0) for d in censored["duration"]]
    if len(censored):
        layers.append(alt.Chart(censored).mark_point(
            shape="cross", size=120, filled=True, color="#555").encode(
            x="duration:Q", y="percent:Q",
            tooltip=[alt.Tooltip("name:N", title="Censored"), alt.Tooltip("duration:Q", title="Days")]))
    if h.rate is not None:
        marks = pd.DataFrame({"time": [h.rate.age, h.rate.target],
                              "label": [f"age on {text.day(h.as_of)}", f"+ {h.rate.horizon:,} days"]})
        marker = alt.Chart(marks)
        layers.append(marker.mark_rule(strokeDash=[4, 4], color="#c0504d").encode(
            x="time:Q", tooltip=[alt.Tooltip("label:N", title="Marker"), alt.Tooltip("time:Q", title="Days")]))
        # Labels sit just below the top of the plot, to the right of each marker.
        layers.append(marker.mark_text(align="left", dx=4, dy=8, color="#c0504d", fontSize=11).encode(
            x="time:Q", y=alt.datum(100), text="label:N"))
    return alt.layer(*layers).properties(width=640, height=320)


def fit_text(h: History) -> str:
    """How the band and the fitted curves are drawn, in plain words, with this run's numbers."""
    from analysis.domain.hazard import Prior

    from analysis.views import text

    if h.km.empty:
        return ""
    n, e = len(h.spells), int(h.spells["observed"].sum())
    band = h.band.dropna(subset=["low", "high"])
    steps = band[band["events"] > 0]
    lines = [f"- **The shaded band around the steps** is a 95% confidence band from Greenwood's formula (drawn on a "
             f"log-log scale so it stays between 0 and 100%). It rests on {_count(n, 'truce')} and "
             f"{_count(e, 'ending')}, so it is wide"]
    if len(steps):
        last = steps.iloc[-1]
        lines[0] += (f": after the last ending, at {_days(last['time'])}, it runs from "
                     f"{text.percent(100 * last['low'])} to {text.percent(100 * last['high'])}")
    lines[0] += "."
    if (h.band["survival"] <= 0).any():
        zero = int(h.band.loc[h.band["survival"] <= 0, "time"].iloc[0])
        lines[0] += (f" At {_days(zero)} the steps reach 0 (every truce still at risk had ended); Greenwood's formula "
                     "gives no band there, so none is drawn.")
    lines.append(f"- **The constant-hazard curve** assumes every day in force a truce ends with the same small chance, "
                 f"whatever its age. That chance starts from a weak prior ({Prior().describe()}) and is updated with "
                 f"the {_count(e, 'ending')} and {int(h.spells['duration'].sum()):,} days in force above. The line is "
                 "the average over what the daily chance may be; the shaded band holds 90% of the posterior.")
    lines.append("- **The Weibull curve** (dashed) lets the daily chance rise or fall with age; it is fitted on a grid "
                 "of shapes and scales with the same prior on the scale and a prior centred on a constant chance for "
                 "the shape. The line is its posterior mean.")
    lines.append("- **Steps against curves.** The steps move only where a truce ended and stop at the longest truce; "
                 "the fitted curves are smooth and run on past it, where they are the models' extrapolation, not "
                 "evidence. The bands show how little so few truces pin down either.")
    return "\n".join(lines)


def _ending(by, end) -> str:
    """``ended in breakdown, 5 May 2019``."""
    from analysis.views import text

    what = ENDING_LABELS.get(by, by)
    return what if end is None or pd.isna(end) else f"{what}, {text.day(end)}"


def _shown_codings(h: History) -> pd.DataFrame:
    """The codings rows the page shows: as recorded, every ending, and each reading of a truce ended by ``as_of``."""
    c = h.codings
    if c.empty:
        return c
    ended = lambda end: end is not None and not pd.isna(end) and pd.Timestamp(end) <= h.as_of  # noqa: E731
    keep = c["truce_id"].isna() | pd.Series([ended(r.recorded_end) or ended(r.read_end) for r in c.itertuples()],
                                            index=c.index)
    return c[keep]


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def codings_table(h: History) -> pd.DataFrame:
    """Each ended truce's recorded coding, the other readings the ledger supports, and each one's chance."""
    from analysis.views import text

    columns = ["Truce", "Reading", "Recorded as", "Read as", "Why (and the ledger's words)",
               f"Chance of lasting another {_days(h.horizon_days)} (90% interval)", "Change from as recorded"]
    c = _shown_codings(h)
    if c.empty or h.spells.empty:
        return pd.DataFrame(columns=columns)
    base = c.iloc[0]
    rows = []
    for r in c.itertuples():
        if _missing(r.probability):
            chance = "no truce in force under this reading"
        else:
            chance = _chance(r.probability, r.low, r.high, bold=False)
            if r.in_force != (h.current["name"] if h.current is not None else None):
                chance += f" (for the {r.in_force})"
        if r.label == AS_RECORDED:
            change = ""
        elif not r.changes:
            change = ("none: every ending already counts on this page" if h.ending == "any"
                      else f"none on {text.day(h.as_of)}")
        elif _missing(base.probability) and _missing(r.probability):
            change = "none: no truce in force either way"
        elif _missing(base.probability):
            change = "not comparable: a truce is in force only under this reading"
        elif _missing(r.probability):
            change = "not comparable: no truce in force under this reading"
        elif r.in_force != base.in_force:
            change = "not comparable: a different truce is in force"
        else:
            change = f"{100 * (r.probability - base.probability):+.1f} points".replace("-", "−")
        if r.label == AS_RECORDED:
            truce, recorded, read, why = "every truce", "as in the ledger", "", "The ledger's coding."
        elif r.label == EVERY_ENDING:
            truce, recorded, read, why = "every ended truce", "as in the ledger", "ended in breakdown", r.reason
        else:
            truce, recorded, read = r.name, _ending(r.recorded_by, r.recorded_end), _ending(r.read_by, r.read_end)
            why = f'{r.reason} Ledger: "{r.quote}".'
        rows.append({columns[0]: truce, columns[1]: r.label[0].upper() + r.label[1:], columns[2]: recorded,
                     columns[3]: read, columns[4]: why, columns[5]: chance, columns[6]: change})
    return pd.DataFrame(rows, columns=columns)


def codings_text(h: History) -> str:
    """What the coding table shows and the spread of chances it finds."""
    from analysis.views import text

    if h.spells.empty:
        return f"No truce had begun by {text.day(h.as_of)}, so no ending has been coded yet."
    ended = h.spells[h.spells["ended"]]
    lead = ("How a truce ended is a judgement: the ledger records one coding for each, and its own accounts support "
            "others. Each row below refits the constant-hazard model with one truce's ending read another way, "
            "everything else as recorded; a reading that only moves the date keeps the kind of ending.")
    if ended.empty:
        return lead + f" No truce had ended by {text.day(h.as_of)}, so there is nothing to recode yet."
    c = _shown_codings(h)
    base = c.iloc[0]
    if base.probability is None or pd.isna(base.probability):
        return lead + " " + no_truce_text(h) + " As recorded there is no chance to compare a reading with."
    moved = c[c["changes"] & c["probability"].notna()]
    moved = moved[moved["in_force"] == base.in_force]
    if moved.empty:
        return lead + (f" On {text.day(h.as_of)} no reading changes the spells this page counts, so each gives the "
                       f"recorded {text.percent(100 * base.probability)}.")
    low, high = moved.loc[moved["probability"].idxmin()], moved.loc[moved["probability"].idxmax()]
    text_ = f" As recorded, the chance is **{text.percent(100 * base.probability)}**."
    if len(moved) == 1:
        text_ += (f" The one reading that changes the spells counted on {text.day(h.as_of)}, {low.label}, gives "
                  f"**{text.percent(100 * low.probability)}**.")
    elif text.percent(100 * low.probability) == text.percent(100 * high.probability):
        text_ += (f" The {len(moved)} readings that change the spells counted on {text.day(h.as_of)} all give "
                  f"**{text.percent(100 * low.probability)}** to the nearest point.")
    else:
        text_ += (f" Across the readings it runs from **{text.percent(100 * low.probability)}** ({low.label}) to "
                  f"**{text.percent(100 * high.probability)}** ({high.label}).")
    if _spread_inside(moved, base):
        text_ += (f" {'It lies' if len(moved) == 1 else 'Every one lies'} inside the recorded coding's 90% "
                  "interval: with so few truces, how the endings are coded matters less than how few there are.")
    return lead + text_


def _spread_inside(moved: pd.DataFrame, base) -> bool:
    """True when every reading's chance lies inside the recorded coding's 90% interval."""
    return bool(((moved["probability"] >= base.low) & (moved["probability"] <= base.high)).all())
