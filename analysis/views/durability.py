"""What the durability dashboard shows: its prose, tables and charts.

The index itself (components, weights, backtest) is computed in
:mod:`analysis.domain.durability`; this module only turns a computed
:class:`~analysis.domain.durability.Dashboard` into what a reader sees.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain import commitments as cm
from analysis.views import text
from analysis.views.charts import PALETTE
from analysis.domain import survival as history
from analysis.domain.durability import (COMMITMENT_METHOD, COMPONENTS, DIRECTION, Dashboard, Phrase, effective_weights,
                                        recent_events)
from analysis.views import charts

SCALE = 100  # the index and every component run from 0 to this
SENSITIVITY_FACTORS = (0.5, 1.5)


# How each kind of value in a Phrase is written for readers.
PHRASE_FORMATS = {"day": text.day, "percent": text.percent, "usd": lambda value: text.quantity(value, "usd")}


def words(value) -> str:
    """A component's input, reason or note as readers see it: a :class:`Phrase` formatted, a str as it is.

    >>> words(Phrase.of("peak from ", ("day", "2025-04-10"))), words("no figure")
    ('peak from 10 Apr 2025', 'no figure')
    """
    if not isinstance(value, Phrase):
        return value
    return "".join(part if isinstance(part, str) else PHRASE_FORMATS[part[0]](part[1]) for part in value.parts)


def _score(value) -> str:
    return "missing" if value is None or pd.isna(value) else f"{value:.0f}"


# How a truce ended, as a verb for "the last truce ... on <date>".
ENDED_HOW = {"escalation": "broke down", "expiry": "ran out", "superseded": "was superseded by a new deal"}


def no_truce_text(d: Dashboard) -> str:
    """Why no truce is in force on ``as_of``: none had begun yet (naming the first), or the last one had ended."""
    from analysis.views import text

    last = d.last_ended
    if last is None:
        first = d.first_truce
        if first is None:
            return f"No truce in force on {text.day(d.as_of)}: the truce ledger records none."
        return (f"No truce in force on {text.day(d.as_of)}: the first, the {html.escape(first['name'])}, began on "
                f"{text.day(first['start'])}.")
    return (f"No truce in force on {text.day(d.as_of)}: the last, the {html.escape(last['name'])}, "
            f"{ENDED_HOW.get(last['ended_by'], 'ended')} on {text.day(last['end'])}.")


def unknown_text(d: Dashboard) -> str:
    """Why the status of the truce with no recorded end is not known: the expiries passed after the evidence ends."""
    from analysis.views import text

    unsourced = history.unsourced_expiries(d.frames.events, d.as_of, d.now.through,
                                           frozenset(d.now.extended["old_deadline"]))
    passed = [text.day(x) for x in dict.fromkeys(unsourced["date"])]
    listed = passed[0] if len(passed) == 1 else ", ".join(passed[:-1]) + " and " + passed[-1]
    many = len(passed) > 1
    return (f"the evidence on this page ends on {text.day(d.now.through)} and the scheduled "
            f"expir{'ies' if many else 'y'} of {listed} {'have' if many else 'has'} passed since with no sourced "
            "outcome")


def headline_text(d: Dashboard) -> str:
    """Opening paragraph: the truce (or why there is none), the index, how many components it rests on."""
    from analysis.views import text

    n = d.now
    have = [c for c in n.components.values() if not c.missing]
    lead = no_truce_text(d) + " " if n.truce is None else ""
    if n.index is None:
        lead += (f"As of {text.day(d.as_of)}, the Truce Durability Index **cannot be computed**: no component with a "
                 "positive weight has data on that date.")
    else:
        lead += (f"As of {text.day(d.as_of)}, the Truce Durability Index stands at **{n.index:.0f} out of {SCALE}**, "
                 f"built from **{len(have)} of {len(COMPONENTS)} components** that have data on that date.")
    if n.truce is not None and not n.truce_status_known:
        lead += (f" The latest truce on record is the {html.escape(n.truce['name'])}, begun on "
                 f"{text.day(n.truce['start'])}; {unknown_text(d)}, so whether it is still in force is not known and nothing after that date is "
                 "assumed.")
    elif n.truce is not None:
        lead += (f" The truce in force is the {html.escape(n.truce['name'])}, begun on {text.day(n.truce['start'])}.")
    if n.truce is not None:
        lead += " " + cliff_text(d)
    elif d.last_ended is not None:
        lead += " With no truce in force, the index reads the climate between truces."
    if len(have) > 1:
        best = max(have, key=lambda c: c.score)
        worst = min(have, key=lambda c: c.score)
        lead += (f" The strongest component is *{best.label.lower()}* ({best.score:.0f}), the weakest "
                 f"*{worst.label.lower()}* ({worst.score:.0f}).")
    return lead


def components_table(d: Dashboard) -> pd.DataFrame:
    """Each component: score, weight as set and as used, points contributed, inputs."""
    n = d.now
    used = effective_weights(n.scores, d.settings.weights)
    rows = []
    for key, c in n.components.items():
        rows.append({
            "Component": c.label,
            "Score (0-100)": _score(c.score),
            "Weight set": f"{d.settings.weights[key]:g}",
            "Weight used": f"{used[key]:.3f}",
            "Points of the index": "" if c.missing else f"{used[key] * c.score:.1f}",
            "Inputs": "; ".join(f"{name}: {words(value)}" for name, value in c.inputs),
            "Note": words(c.reason),
        })
    return pd.DataFrame(rows)


def missing_text(d: Dashboard) -> str:
    """Which components are missing and how the weights were re-normalised."""
    missing = [c for c in d.now.components.values() if c.missing]
    if not missing:
        return "Every component has data on this date, so the weights are used as set (scaled to sum to one)."
    w = d.settings.weights
    left = sum(w[k] for k, c in d.now.components.items() if not c.missing)
    lines = [f"- **{c.label}** is missing: {html.escape(words(c.reason))}. No score is invented for it." for c in missing]
    if left > 0:
        whose = "Its weight is" if len(missing) == 1 else "Their weights are"
        lines.append(f"- {whose} left out and the remaining weights, which sum to {left:g}, are divided by "
                     f"that sum so they add up to one again (the *weight used* column).")
    else:
        lines.append("- Every component with a positive weight is missing, so there is no index on this date.")
    return "\n".join(lines)


def sensitivity_table(d: Dashboard) -> pd.DataFrame:
    """The index as each weight is halved or raised by half, the others re-normalised."""
    t = d.sensitivity
    fmt = (lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.1f}")
    frame = pd.DataFrame({
        "Component": [COMPONENTS[k] for k in t["component"]],
        "Weight set": t["weight"].map("{:g}".format),
        "Score": t["score"].map(_score),
    })
    for f in SENSITIVITY_FACTORS:
        frame[f"Index with this weight x{f:g}"] = t[f"x{f:g}"].map(fmt)
    frame["Spread (points)"] = ["no effect: missing" if pd.isna(sc) else f"{r:.1f}" for sc, r in zip(t["score"], t["range"])]
    return frame


def sensitivity_text(d: Dashboard) -> str:
    """How much the weights matter, read from the sensitivity table."""
    t = d.sensitivity.dropna(subset=["range"])
    t = t[t["score"].notna()]
    if d.now.index is None or t.empty:
        return "With no index on this date there is nothing to vary."
    if len(t) == 1:
        return (f"Only one component has data on this date, so it carries the whole index ({d.now.index:.1f}) "
                "whatever the weights.")
    cols = [f"x{f:g}" for f in SENSITIVITY_FACTORS]
    values = pd.concat([t[c] for c in cols]).astype(float)
    top = t.loc[t["range"].idxmax()]
    return (f"Multiplying any one weight by {SENSITIVITY_FACTORS[0]:g} or {SENSITIVITY_FACTORS[1]:g} moves the index "
            f"between **{values.min():.1f}** and **{values.max():.1f}** (it stands at {d.now.index:.1f}). The weight that "
            f"matters most is that of *{COMPONENTS[top['component']].lower()}*, with a spread of {top['range']:.1f} points.")


def contributions_frame(d: Dashboard) -> pd.DataFrame:
    """One row per component: weight used, score, points contributed, and whether it is missing."""
    used = effective_weights(d.now.scores, d.settings.weights)
    rows = []
    for key, c in d.now.components.items():
        rows.append({"component": c.label, "weight_used": used[key], "score": c.score,
                     "points": 0.0 if c.missing else used[key] * c.score,
                     "possible": used[key] * SCALE, "status": "missing" if c.missing else "scored"})
    return pd.DataFrame(rows)


def contributions_chart(d: Dashboard):
    """Points each component adds to the index, against the most it could add at its weight.

    A sentence instead when there is no index on ``as_of``.
    """
    if d.now.index is None:
        return charts.no_chart(f"no component with a positive weight has data on {text.day(d.as_of)}, so there is no "
                               "index to break down.")
    frame = contributions_frame(d)
    order = list(frame["component"])
    y = alt.Y("component:N", title=None, sort=order)
    # The grey bar is the weight used times the full scale: what a perfect score would have added.
    possible = alt.Chart(frame).mark_bar(color="#e3e3e3", height=22).encode(
        x=alt.X("possible:Q", title="Points of the index"), y=y,
        tooltip=[alt.Tooltip("component:N"), alt.Tooltip("weight_used:Q", title="Weight used", format=".3f")])
    scored = alt.Chart(frame[frame["status"] == "scored"]).mark_bar(height=22).encode(
        # One fixed colour per component, whichever of them have data on the date.
        x="points:Q", y=y, color=alt.Color("component:N", legend=None, scale=alt.Scale(
            domain=list(COMPONENTS.values()), range=PALETTE[:len(COMPONENTS)])),
        tooltip=[alt.Tooltip("component:N"), alt.Tooltip("score:Q", title="Score", format=".0f"),
                 alt.Tooltip("points:Q", title="Points", format=".1f")])
    labels = alt.Chart(frame).mark_text(align="left", dx=4, color="#333").encode(
        x="possible:Q", y=y,
        text=alt.Text("label:N"),
    ).transform_calculate(
        # Missing components are labelled, never drawn as a zero score.
        label="datum.status == 'missing' ? 'missing' : format(datum.points, '.1f') + ' pts'")
    return alt.layer(possible, scored, labels).properties(width=560, height=40 * len(frame))


def scorecard_table(d: Dashboard) -> pd.DataFrame:
    """Every commitment known at ``as_of``: status as recorded (if evidenced by then), evidence, measured fulfilment."""
    from analysis.views import text

    as_of, record_end = d.as_of, d.record_end
    known = d.frames.commitments[d.frames.commitments["announced"] <= as_of].sort_values(["announced", "commitment_id"],
                                                                                         ascending=[False, True])
    sources = d.frames.sources.set_index("source_id")
    measured = d.now.commitments.set_index("commitment_id")["score"] if len(d.now.commitments) else pd.Series(dtype=float)
    rows = []
    for c in known.itertuples():
        evidence_id = c.evidence_source_id if isinstance(c.evidence_source_id, str) else None
        published = sources["published"].get(evidence_id) if evidence_id else None
        dated = c.status_as_of if pd.notna(c.status_as_of) else published
        status = c.status.replace("_", " ")
        if c.status == "unknown":
            shown = "unknown: no evidence"
        elif dated is not None and pd.notna(dated):
            shown = status if dated <= as_of else "not yet evidenced on this date"
        else:
            # Undated evidence can be placed only at the end of the record (where its evidence ends when compiled).
            at_end = record_end is not None and as_of >= record_end
            shown = f"{status} (evidence undated)" if at_end else "not yet evidenced on this date"
        evidenced = dated is not None and pd.notna(dated) and dated <= as_of
        deadline_passed = pd.notna(c.deadline) and c.deadline < as_of
        if deadline_passed and c.status in ("in_force", "on_track", "unknown") and not (pd.notna(dated) and dated >= c.deadline):
            shown = "deadline passed; no source says what happened"
        score = measured.get(c.commitment_id)
        rows.append({
            "Agreement": c.agreement.replace("_", " "),
            "Party": c.party,
            "Commitment": c.description,
            "Announced": text.day(c.announced),
            "Deadline": text.day(c.deadline) if pd.notna(c.deadline) else "none",
            "Status": shown,
            # Evidence dated after as_of is not shown: it was not there to see.
            "Evidence": ("none" if not evidence_id else
                         f"{sources['publisher'].get(evidence_id, evidence_id)}, {text.day(dated)}" if evidenced else
                         f"{sources['publisher'].get(evidence_id, evidence_id)}, undated" if "undated" in shown else
                         "none yet"),
            "Measured here": "" if score is None else ("no data" if pd.isna(score) else f"{score:.0f} of {SCALE}"),
        })
    return pd.DataFrame(rows, columns=["Agreement", "Party", "Commitment", "Announced", "Deadline", "Status", "Evidence",
                                       "Measured here"])


def commitments_text(d: Dashboard) -> str:
    """How the measured commitments were scored, and where the recorded status and the data disagree."""
    from analysis.views import text

    m = d.now.commitments
    if m.empty:
        return "No quantified commitment bears on the truce on this date, so the commitment component is missing."
    recorded = d.frames.commitments.set_index("commitment_id")
    lines = []
    for r in m.itertuples():
        name = html.escape(r.commitment_id)
        if pd.isna(r.score) and isinstance(r.status, str) and pd.notna(r.counted_through):
            # A figure older than the deadline (or a floor below target after it) is missing evidence, not a miss.
            lines.append(f"- `{name}`: {html.escape(r.measured_by)} give **no figure since "
                         f"{text.day(r.counted_through)}** ({html.escape(r.status)}); it is listed as missing "
                         "evidence, not scored as missed.")
            continue
        if pd.isna(r.score):
            lines.append(f"- `{name}`: {html.escape(r.measured_by)} hold **no figure** for it yet; it is listed as a "
                         "gap, not scored as zero.")
            continue
        if not isinstance(r.status, str):
            # A Phase One snapshot: the note lists each basis, purchases against the pro-rated target.
            lines.append(f"- `{name}`: {html.escape(r.measured_by)} dated {text.day(r.counted_through)}, purchases "
                         f"against the pro-rated target: {html.escape(words(r.note))}; mean **{r.score:.0f} of {SCALE}**.")
            continue
        line = (f"- `{name}`: {html.escape(r.measured_by)} show {text.quantity(r.achieved, r.unit)} counted through "
                f"{text.day(r.counted_through)} against {text.quantity(r.expected, r.unit)} due on the pro-rated path: "
                f"**{r.score:.0f} of {SCALE}** ({html.escape(words(r.note))}).")
        if r.commitment_id in recorded.index and isinstance(r.status, str):
            rec = recorded.loc[r.commitment_id]
            said = rec["status"].replace("_", " ")
            if pd.notna(rec["status_as_of"]) and rec["status_as_of"] <= d.as_of and said != r.status:
                line += (f" The commitments file records it as *{html.escape(said)}* on {text.day(rec['status_as_of'])} "
                         "from another source; the score follows the series chosen in `commitment_series`, "
                         "so compare sources in the purchases report.")
        lines.append(line)
    return "\n".join(lines)


def timeline_table(d: Dashboard) -> pd.DataFrame:
    """Events that became known in the timeline window, newest first."""
    from analysis.views import text

    e = recent_events(d.frames.events, d.as_of, d.timeline_days)
    publisher = d.frames.sources.set_index("source_id")["publisher"]
    direction = e["type"].map(DIRECTION).fillna(0)
    in_window = e["known"] > d.as_of - pd.Timedelta(days=d.settings.event_window_days)
    counts = ["escalatory" if x < 0 else "de-escalatory" if x > 0 else "neither" for x in direction]
    return pd.DataFrame({
        "Known from": e["known"].map(text.day),
        "Took effect": e["date"].map(text.day),
        "Who": e["actor"],
        "Type": e["type"],
        "Severity": e["severity"].astype("Int64"),
        "Counts as": [f"{c} (in the event window)" if w and c != "neither" else c for c, w in zip(counts, in_window)],
        "What happened": e["description"],
        "Source": e["source_id"].map(publisher),
    })


def timeline_text(d: Dashboard) -> str:
    """What the timeline covers, or that it is empty."""
    from analysis.views import text

    e = recent_events(d.frames.events, d.as_of, d.timeline_days)
    if e.empty:
        newest = d.dates.get("events").through
        return (f"No event became known in the {d.timeline_days} days to {text.day(d.as_of)}; "
                + (f"the events ledger's newest entry by then is dated {text.day(newest)}." if newest is not None
                   else "the events ledger has no entry by then."))
    return (f"{len(e)} events became known in the {d.timeline_days} days to {text.day(d.as_of)}; those in the last "
            f"{d.settings.event_window_days} days with a direction make up the event balance.")


def expiry_table(d: Dashboard) -> pd.DataFrame:
    """Scheduled dates known at ``as_of``: ahead, or passed beyond the data."""
    from analysis.views import text

    v = d.now.expiries
    return pd.DataFrame({
        "Date": v["date"].map(text.day),
        "Days from the report date": v["days"].map("{:,}".format),
        "What is scheduled": v["description"],
        "Truce expiry": ["yes" if t else "no" for t in v["truce_expiry"]],
        "Known from": v["known_from"].map(text.day),
        "Outcome": [f"deadline moved to {moved_to(d, date)} by an extension" if m
                    else "passed; no source says what happened" if p else "ahead"
                    for date, m, p in zip(v["date"], v["moved"], v["passed"])],
    })


def moved_to(d: Dashboard, date) -> str:
    """The later deadline(s) an extension known on the as-of date gave the commitments due on ``date``."""
    from analysis.views import text

    rows = d.now.extended[d.now.extended["old_deadline"] == date]
    return ", ".join(text.day(x) for x in sorted(set(rows["deadline"])))


def cliff_text(d: Dashboard) -> str:
    """The next cliff: the earliest deadline ahead of a suspension known and not replaced, and where it comes from."""
    from analysis.views import text

    cliff = d.now.cliff
    if cliff.empty:
        return "No suspended tariff, export control or port fee is due to return after the as-of date in the data."
    when = cliff["deadline"].iloc[0]
    ids = ", ".join(f"`{html.escape(i)}`" for i in cliff["commitment_id"])
    extended = d.now.extended[d.now.extended["commitment_id"].isin(cliff["commitment_id"])]
    origin = (f", as extended on {text.day(extended['announced'].min())} from "
              f"{', '.join(sorted({text.day(x) for x in extended['old_deadline']}))}" if len(extended) else "")
    return (f"The next cliff is **{text.day(when)}**, {(when - d.as_of).days:,} days after the as-of date: the "
            f"deadline of {len(cliff)} suspension{'s' if len(cliff) != 1 else ''} in the commitments file ({ids}){origin}.")


def expiry_text(d: Dashboard) -> str:
    """The next truce expiry, and plainly any that passed without a sourced outcome."""
    from analysis.views import text

    v = d.now.expiries
    passed = v[v["passed"]]
    lines = [f"- {cliff_text(d)}"]
    for date, group in v[v["moved"]].groupby("date"):
        lines.append(f"- **{text.day(date)}** is no longer a cliff: an extension known by the as-of date moved the "
                     f"commitments due then to {moved_to(d, date)} ({len(group)} scheduled item"
                     f"{'s' if len(group) != 1 else ''} listed for that day).")
    for date, group in passed.groupby("date"):
        lines.append(f"- **{text.day(date)} has passed and no source says what happened** to "
                     f"{'the item' if len(group) == 1 else f'the {len(group)} items'} scheduled then: "
                     f"{html.escape(' '.join(group['description']))} The report assumes neither an extension nor a lapse.")
    ahead = v[(v["days"] > 0) & v["truce_expiry"]]
    if len(ahead):
        first = ahead["date"].min()
        due = len(ahead[ahead["date"] == first])
        lines.append(f"- The next scheduled truce expiry is **{text.day(first)}**, {int(ahead['days'].min()):,} days after "
                     f"the report date ({due} item{'s' if due != 1 else ''} fall{'' if due != 1 else 's'} due that day).")
    else:
        lines.append("- No scheduled truce expiry lies ahead in the data.")
    other = v[(v["days"] > 0) & ~v["truce_expiry"]]
    if len(other):
        many = len(other) != 1
        lines.append(f"- {len(other)} other scheduled {'dates are not truce expiries' if many else 'date is not a truce expiry'} "
                     f"(no commitment falls due then) and {'do' if many else 'does'} not enter the index.")
    return "\n".join(lines)


def backtest_text(check: pd.DataFrame, warning_months: int, reference_months: int) -> str:
    """Say whether the index fell before each breakdown, computed from :func:`warning_check`."""
    from analysis.views import text

    if check.empty:
        return "No truce broke down within the backtest period, so there is nothing to test."
    counts = check["verdict"].value_counts()
    n = len(check)
    summary = (f"**The index fell before {counts.get('fell', 0)} of the {n} breakdowns** in the backtest, rose before "
               f"{counts.get('rose', 0)}, was unchanged before {counts.get('unchanged', 0)} and could not be compared "
               f"for {counts.get('not computable', 0)}. Each comparison takes the mean index at the month ends 1 to "
               f"{warning_months} months before the breakdown against its level {reference_months} months before it.")
    lines = [summary, ""]
    for r in check.itertuples():
        name = html.escape(r.name)
        having = ", ".join(COMPONENTS[k].lower() for k in r.components) or "none"
        if r.verdict == "not computable":
            why = ("the index has no value at the month ends before it" if r.lead is None
                   else f"the index has no value on {text.day(r.reference_date)}" if r.reference_date is not None
                   else "the backtest does not reach that far back")
            lines.append(f"- {name} (broke down {text.day(r.end)}): **not computable**, because {why}.")
            continue
        lines.append(f"- {name} (broke down {text.day(r.end)}): the index averaged {r.lead:.1f} in the run-up against "
                     f"{r.reference:.1f} on {text.day(r.reference_date)}, so it **{r.verdict}**"
                     + (f" by {abs(r.change):.1f} points" if r.change else "")
                     + f". Components with data in the run-up: {having}.")
    lines.append("")
    lines.append(f"With {n} breakdown{'s' if n != 1 else ''} to test, this is a description of what happened, not evidence "
                 "that the index predicts breakdowns.")
    return "\n".join(lines)


def check_table(d: Dashboard) -> pd.DataFrame:
    """The numbers behind the backtest statement."""
    from analysis.views import text

    c = d.check
    fmt = (lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.1f}")
    return pd.DataFrame({
        "Truce": c["name"],
        "Broke down": c["end"].map(text.day),
        "Run-up month ends": [", ".join(text.day(x) for x in dates) or "none" for dates in c["lead_dates"]],
        "Index in the run-up (mean)": c["lead"].map(fmt),
        "Reference month end": c["reference_date"].map(lambda x: text.day(x) if x is not None and pd.notna(x) else "n/a"),
        "Index then": c["reference"].map(fmt),
        "Verdict": c["verdict"],
    })


def backtest_frame(d: Dashboard) -> pd.DataFrame:
    """Month-end index plus component scores, long, for the chart."""
    return d.series[["date", "index", "components"]].copy()


def backtest_chart(d: Dashboard):
    """The index at each month end, truce periods shaded, breakdowns marked.

    A sentence instead when no month end of the backtest has an index; a
    layer with no rows (no truce, no breakdown in the period) is left out.
    """
    series = backtest_frame(d)
    if series["index"].isna().all():
        return charts.no_chart(_no_backtest_reason(d))
    truces = d.frames.truces[d.frames.truces["start"] <= d.as_of].copy()
    # Truces with no end known by as_of are drawn up to as_of, not beyond.
    truces["until"] = truces["end"].where(truces["end"].notna() & (truces["end"] <= d.as_of), d.as_of)
    truces["start"] = truces["start"].clip(lower=d.backtest_from)
    truces = truces[truces["until"] >= d.backtest_from]
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=[d.backtest_from.isoformat(), d.as_of.isoformat()]))
    line = alt.Chart(series).mark_line(strokeWidth=2, invalid="break-paths-show-domains").encode(
        x=x, y=alt.Y("index:Q", title="Truce Durability Index", scale=alt.Scale(domain=[0, SCALE])))
    points = alt.Chart(series.dropna(subset=["index"])).mark_point(filled=True, size=25).encode(
        x="date:T", y="index:Q",
        tooltip=[alt.Tooltip("date:T", title="Month end"), alt.Tooltip("index:Q", format=".1f", title="Index"),
                 alt.Tooltip("components:Q", title="Components with data")])
    layers = [line, points]
    if len(truces):
        layers.insert(0, alt.Chart(truces).mark_rect(color="#dfe8f1", opacity=0.8).encode(
            x=alt.X("start:T", title=None), x2="until:T", tooltip=[alt.Tooltip("name:N", title="Truce")]))
    if len(d.breakdowns):
        ends = d.breakdowns.assign(label=lambda f: f["name"] + " breaks down")
        layers.append(alt.Chart(ends).mark_rule(color="#c0504d", strokeWidth=2, strokeDash=[5, 3]).encode(
            x="end:T", tooltip=[alt.Tooltip("label:N", title="Breakdown"), alt.Tooltip("end:T", title="Date")]))
    if d.now.index is not None:
        here = pd.DataFrame({"date": [d.as_of], "index": [d.now.index]})
        layers.append(alt.Chart(here).mark_point(shape="diamond", size=120, filled=True, color="#e3a21a").encode(
            x="date:T", y="index:Q", tooltip=[alt.Tooltip("date:T", title="Report date"),
                                              alt.Tooltip("index:Q", format=".1f", title="Index")]))
    return alt.layer(*layers).properties(width=640, height=300)


def backtest_span_text(d: Dashboard) -> str:
    """Which month ends the backtest covers, and where its start comes from."""
    why = (" (`backtest_from` is `auto`: 1 January of the year the first truce began, or the first of the as-of "
           "month if that is earlier)" if d.backtest_auto else " (`backtest_from`)")
    if d.series.empty:
        return (f"The backtest starts on {text.day(d.backtest_from)}{why}; no month has ended between then and "
                f"{text.day(d.as_of)}.")
    return (f"The backtest starts on {text.day(d.backtest_from)}{why} and covers the {len(d.series)} month ends from "
            f"{text.day(d.series['date'].iloc[0])} to {text.day(d.series['date'].iloc[-1])}.")


def _no_backtest_reason(d: Dashboard) -> str:
    """Why the backtest has nothing to draw: no month end in it yet, or no index at any of them."""
    if d.series.empty:
        return (f"the backtest starts on {text.day(d.backtest_from)} and no month has ended between then and "
                f"{text.day(d.as_of)}.")
    return (f"no component had data at any of the {len(d.series)} month ends from {text.day(d.series['date'].iloc[0])} "
            f"to {text.day(d.series['date'].iloc[-1])}, so the index has no value to plot.")


def method_text(d: Dashboard) -> str:
    """How each component is scored, with this run's settings."""
    s = d.settings
    series = cm.SERIES[s.commitment_series].label
    return "\n".join([
        f"- **{COMPONENTS['commitments']}**: for each quantified commitment that bears on the truce, "
        f"`{SCALE} x min(achieved / due on the pro-rated path, 1)`, averaged. Soybean tonnage pledges are measured with "
        f"{series} on the {COMMITMENT_METHOD} path, with the baseline year the purchases report picks by default for "
        "each pledge (the last full calendar year before it began with China customs figures for every month); "
        "Phase One with PIIE's year-to-date goods snapshots (purchases over the pro-rated target, averaged over the "
        "Chinese-import and US-export bases where both are given). A pledge of the truce in force keeps counting after "
        "its deadline; one from an earlier truce does not.",
        f"- **{COMPONENTS['events']}**: over the events that became known in the {s.event_window_days} days to the date "
        f"(announced measures count from their announcement), `{SCALE // 2} + {SCALE // 2} x (D - E) / (D + E)`, where D "
        "sums the severity of de-escalations, commitments and compliance, and E that of escalations and threats. Talks, "
        "court rulings and scheduled dates count for neither side. No event with a direction means *missing*, not calm.",
        f"- **{COMPONENTS['tariffs']}**: for each direction, `{SCALE} x (peak - now) / peak` of the stacked all-goods "
        "headline rate (the press figure), averaged over the directions with a recorded peak. Product-specific layers "
        "such as Section 301 are not in the stack, so there is no score before 2025.",
        f"- **{COMPONENTS['expiry']}**: `{SCALE} x min(days to the next truce expiry, {s.expiry_scale_days}) / "
        f"{s.expiry_scale_days}`. A truce expiry is a scheduled expiry or scheduling event on the day a known "
        "commitment falls due. Once one has passed with no sourced outcome, the component is missing.",
        f"- **{COMPONENTS['base_rate']}**: `{SCALE} x S(age + {s.horizon_days}) / S(age)`, the Kaplan-Meier chance that "
        f"a truce of the current age lasts another {s.horizon_days} days, from the truces known on the date (see the "
        "history report). Not estimable beyond the longest observed duration, and then missing.",
    ])


def gaps_text(d: Dashboard) -> str:
    """Gaps that limit the dashboard on this date."""
    lines = [f"- {c.label}: {html.escape(words(c.reason))}." for c in d.now.components.values() if c.missing]
    nodata = d.now.commitments[d.now.commitments["score"].isna()] if len(d.now.commitments) else d.now.commitments
    for r in nodata.itertuples():
        lines.append(f"- Commitment `{html.escape(r.commitment_id)}`: no figure in {html.escape(r.measured_by)}.")
    empty = d.series[d.series["index"].isna()]
    if len(empty):
        outside = int((~empty["truce"].astype(bool)).sum())
        lines.append(f"- The backtest has no index value at {len(empty)} of {len(d.series)} month ends, where no "
                     f"component had data; no truce was in force at {outside} of them.")
    if not d.now.truce_status_known:
        lines.append(f"- Whether the {html.escape(d.now.truce['name'])} is still in force is not known: "
                     f"{unknown_text(d)}.")
    return "\n".join(lines) if lines else "- None on this date."


def sources_table(d: Dashboard) -> pd.DataFrame:
    """The sources this report used."""
    return provenance.sources_table(d.sources)
