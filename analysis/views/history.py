"""What the truce-history report shows: its prose, tables and charts.

The survival maths (spells, Kaplan-Meier, base rate) is computed in
:mod:`analysis.domain.survival`; this module only turns a computed
:class:`~analysis.domain.survival.History` into what a reader sees.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain.survival import (BREAKDOWN, ENDING_EVENT_DAYS, ENDING_LABELS, IN_FORCE, STATUS_UNKNOWN, History,
                                      survival_at, swing)
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
            "Days": f"{t.duration:,}" + ("" if t.ended else f" by {text.day(t.until)}"),
            "Outcome": (f"{t.state}: no sourced outcome after {text.day(t.until)}" if t.state == STATUS_UNKNOWN
                        else t.state),
            "What ended it": t.how_ended if t.ended else "",
            "Compliance with purchase commitments": compliance,
        })
    return pd.DataFrame(rows)


# How a truce ended, as a verb for "the last truce ... on <date>".
ENDED_HOW = {"escalation": "broke down", "expiry": "ran out", "superseded": "was superseded by a new deal"}


def _the(name: str) -> str:
    """A truce's name as prose: ``the Osaka G20 truce``."""
    return f"the {html.escape(name)}"


def no_truce_text(h: History) -> str:
    """Why no truce is in force on ``as_of``: none had begun yet, or the last one had ended.

    Before the first truce it names the first from the ledger, so a page
    judged then still says what it is waiting for.
    """
    from analysis.views import text

    if h.spells.empty:
        if h.first is None:
            return "The truce ledger records no truce."
        return (f"No truce had begun by {text.day(h.as_of)}: the first, {_the(h.first['name'])}, began on "
                f"{text.day(h.first['start'])}.")
    last = h.last_ended
    how = ENDED_HOW.get(last["ended_by"], "ended")
    return (f"No truce was in force on {text.day(h.as_of)}: the last, {_the(last['name'])}, {how} on "
            f"{text.day(last['end'])}.")


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
        parts.append(f"The latest truce on record, {_the(c['name'])}, began on {text.day(c['start'])} and was "
                     f"**{_days(c['duration'])}** old on {text.day(c['until'])}, where the evidence on this page ends; "
                     f"{unknown_text(h)}, so whether it is still in force is not known.")
    elif c is not None:
        parts.append(f"The truce in force, {_the(c['name'])}, began on {text.day(c['start'])} and is "
                     f"**{_days(c['duration'])}** old.")
    else:
        parts.append(no_truce_text(h))
    return " ".join(parts)


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
        if t.state == STATUS_UNKNOWN:
            where = (f"{text.day(t.until)}, where the evidence on this page ends: {unknown_text(h)}, and nothing "
                     "after that date is assumed, neither an extension nor a lapse")
        else:
            where = "the report date: no source records an end by then"
        lines.append(f"- The {html.escape(t.name)} has no recorded end by {text.day(h.as_of)}; it is censored at "
                     f"{where} ({_days(t.duration)}).")
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
    who = (f"The latest truce on record was {_days(r.age)} old on {text.day(h.current['until'])}, where the evidence "
           "on this page ends" if h.current["state"] == STATUS_UNKNOWN else f"The truce in force is {_days(r.age)} old")
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


def survival_chart(h: History):
    """Kaplan-Meier curve of truce durations, censored truces marked, current age and target shown.

    A sentence instead when no truce had begun by ``as_of``; a layer with no
    rows (no censored truce) is left out rather than drawn empty.
    """
    from analysis.views import text

    if h.km.empty:
        return charts.no_chart(f"no truce had begun by {text.day(h.as_of)}, so there is no survival curve.")
    # The curve starts at 100% on day 0 and steps down at each ending.
    curve = pd.concat([pd.DataFrame({"time": [0], "survival": [1.0]}), h.km[["time", "survival"]]], ignore_index=True)
    curve["percent"] = 100 * curve["survival"]
    line = alt.Chart(curve).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=alt.X("time:Q", title="Days since the truce began"),
        y=alt.Y("percent:Q", title="Share of truces still in force (%)", scale=alt.Scale(domain=[0, 100])),
    )
    # Censored truces sit on the curve at their censoring time, drawn as ticks as is usual for KM plots.
    censored = h.spells[~h.spells["observed"]][["name", "duration"]].copy()
    censored["percent"] = [100 * (survival_at(h.km, d) or 0.0) for d in censored["duration"]]
    ticks = alt.Chart(censored).mark_point(shape="cross", size=120, filled=True, color="#555").encode(
        x="duration:Q", y="percent:Q", tooltip=[alt.Tooltip("name:N", title="Censored"), alt.Tooltip("duration:Q", title="Days")],
    )
    layers = [line, ticks] if len(censored) else [line]
    if h.rate is not None:
        marks = pd.DataFrame({"time": [h.rate.age, h.rate.target],
                              "label": ["current age", f"current age + {h.rate.horizon} days"]})
        marker = alt.Chart(marks)
        layers.append(marker.mark_rule(strokeDash=[4, 4], color="#c0504d").encode(
            x="time:Q", tooltip=[alt.Tooltip("label:N", title="Marker"), alt.Tooltip("time:Q", title="Days")]))
        # Labels sit just below the top of the plot, to the right of each marker.
        layers.append(marker.mark_text(align="left", dx=4, dy=8, color="#c0504d", fontSize=11).encode(
            x="time:Q", y=alt.datum(100), text="label:N"))
    return alt.layer(*layers).properties(width=640, height=300)
