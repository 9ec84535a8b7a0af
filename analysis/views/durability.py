"""What the durability dashboard shows: its prose, tables and charts.

The index itself (components, weights, backtest) is computed in
:mod:`analysis.domain.durability`; this module only turns a computed
:class:`~analysis.domain.durability.Dashboard` into what a reader sees.
"""

from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd

from analysis.data import provenance
from analysis.domain import commitments as cm
from analysis.views import text
from analysis.views.charts import PALETTE
from analysis.domain import survival as history
from analysis.domain.durability import (COMMITMENT_METHOD, COMPONENTS, DIRECTION, FALL_POINTS,
                                        MAX_MISSING_WEIGHT_SHARE, MISSING_RULES, WEIGHT_FACTORS, AUTO, Dashboard, Phrase, recent_events,
                                        resolve_backtest_from, weight_shares)
from analysis.views import charts

SCALE = 100  # the index and every component run from 0 to this


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


def _names(keys) -> str:
    """Component labels in prose: ``*a*``, ``*a* and *b*``, ``*a*, *b* and *c*``."""
    labels = [f"*{COMPONENTS[k].lower()}*" for k in keys]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def index_text(d: Dashboard) -> str:
    """The index under the coverage rule: the published floor and its ceiling, or why it is withheld and its bounds."""
    n, r = d.now, d.now.reading
    have = [c for c in n.components.values() if not c.missing]
    on = f"As of {text.day(d.as_of)}, the Truce Durability Index"
    if r.renormalised is None:
        return f"{on} **cannot be computed**: no component with a positive weight has data on that date."
    many = len(r.missing) > 1
    share = text.percent(100 * r.share)
    if r.published and r.complete:
        return f"{on} stands at **{r.value:.0f} out of {SCALE}**, with all {len(COMPONENTS)} components scored."
    if r.published:
        return (f"{on} stands at **{r.value:.0f} out of {SCALE}**, built from **{len(have)} of {len(COMPONENTS)} "
                f"components** that have data on that date. The missing {'ones' if many else 'one'} "
                f"({_names(r.missing)}, {share} of the weight) {'count' if many else 'counts'} as 0, so this is a "
                f"floor: with {'them' if many else 'it'} at {SCALE} the index would read {r.high:.0f}.")
    lead = (f"{on} **is not published as a single number**: {_names(r.missing)} {'have' if many else 'has'} no data on "
            f"that date and {'carry' if many else 'carries'} {share} of the weight, more than the "
            f"{text.percent(100 * MAX_MISSING_WEIGHT_SHARE)} the coverage rule allows. With "
            f"{'each' if many else 'it'} counted as 0 the index would read **{r.low:.0f}**, with "
            f"{'each' if many else 'it'} counted as {SCALE} **{r.high:.0f}**.")
    full = d.last_full
    if full is None:
        return lead + f" No month end since {text.day(resolve_backtest_from(AUTO, d.as_of, d.frames.truces))} met the rule."
    return (lead + f" The last month end that met the rule was **{text.day(full.date)}**, when the index read "
            f"**{full.value:.0f}** from {full.components} of {len(COMPONENTS)} components.")


def range_text(d: Dashboard) -> str:
    """One sentence on the specification range, for beside the headline."""
    lo, hi = spec_ends(d)
    if lo is None:
        return ""
    return (f"Across the {len(d.specification):,} specifications tried (the soybean series, the coding of past truce "
            f"endings, the rule for missing components and the weights), it runs from {lo['value']:.0f} to "
            f"{hi['value']:.0f}.")


def headline_text(d: Dashboard) -> str:
    """Opening paragraph: the truce (or why there is none), the index under the coverage rule, its range."""
    n = d.now
    have = [c for c in n.components.values() if not c.missing]
    lead = no_truce_text(d) + " " if n.truce is None else ""
    lead += index_text(d)
    if n.reading.renormalised is not None:
        lead += " " + range_text(d)
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


def headline_values(d: Dashboard) -> dict:
    """The dashboard's values a build records: the chance, the index under the coverage rule and each component."""
    from analysis.views import probability

    r = d.now.reading
    values = probability.headline_values(d.forecast)
    values.update({"index": None if not r.published else round(r.value), "index_low": round(r.low),
                   "index_high": round(r.high)})
    values.update({f"component_{k}": None if c.score is None else round(c.score) for k, c in d.now.components.items()})
    return values


def components_table(d: Dashboard) -> pd.DataFrame:
    """Each component: score, weight as set and its share of the total, points contributed, inputs."""
    n = d.now
    share = weight_shares(d.settings.weights)
    rows = []
    for key, c in n.components.items():
        rows.append({
            "Component": c.label,
            "Score (0-100)": _score(c.score),
            "Weight set": f"{d.settings.weights[key]:g}",
            "Share of the weight": f"{share[key]:.3f}",
            "Points of the index": "0 (missing)" if c.missing else f"{share[key] * c.score:.1f}",
            "Inputs": "; ".join(f"{name}: {words(value)}" for name, value in c.inputs),
            "Note": words(c.reason),
        })
    return pd.DataFrame(rows)


def missing_text(d: Dashboard) -> str:
    """Which components are missing, what that does to the index, and what the coverage rule decides."""
    r = d.now.reading
    missing = [c for c in d.now.components.values() if c.missing]
    if not missing:
        return "Every component has data on this date, so the index is the weighted mean with the weights as set (scaled to sum to one)."
    lines = [f"- **{c.label}** is missing: {html.escape(words(c.reason))}. No score is invented for it." for c in missing]
    if r.renormalised is None:
        lines.append("- Every component with a positive weight is missing, so there is no index on this date.")
        return "\n".join(lines)
    many = len(missing) > 1
    lines.append(f"- {'They carry' if many else 'It carries'} {text.percent(100 * r.share)} of the weight and "
                 f"{'count' if many else 'counts'} as 0 in the index, so the index is a floor ({r.low:.1f}). With "
                 f"{'each' if many else 'it'} at {SCALE} it would read {r.high:.1f}; with "
                 f"{'their weights' if many else 'its weight'} left out and the rest scaled up it would read "
                 f"{r.renormalised:.1f}.")
    if r.published:
        lines.append(f"- That is within the coverage rule (at most {text.percent(100 * MAX_MISSING_WEIGHT_SHARE)} of "
                     "the weight missing), so the floor is published.")
    else:
        lines.append(f"- That is more than the coverage rule allows ({text.percent(100 * MAX_MISSING_WEIGHT_SHARE)}), "
                     "so no single number is published: the headline gives the bounds and the last month end that "
                     "met the rule.")
    return "\n".join(lines)


def spec_ends(d: Dashboard):
    """The specifications giving the lowest and the highest index, or ``(None, None)`` when none has a value."""
    t = d.specification.dropna(subset=["value"])
    if t.empty:
        return None, None
    return t.loc[t["value"].idxmin()], t.loc[t["value"].idxmax()]


def _weights_words(factors: dict) -> str:
    """Which weights a specification changed: ``weights as set`` or ``events x1.5, expiry x0.5``."""
    changed = [f"{COMPONENTS[k].lower()} x{f:g}" for k, f in factors.items() if f != 1]
    return "weights as set" if not changed else "weights: " + ", ".join(changed)


def _spec_words(row) -> str:
    """A specification in words: the series, the endings coding, the missing-data rule, the weights."""
    missing = "nothing missing" if not row["missing"] else MISSING_RULES[row["rule"]]
    coding = "endings as recorded" if row["coding"] == history.AS_RECORDED else row["coding"]
    return f"{cm.SERIES[row['series']].label}; {coding}; {missing}; {_weights_words(row['factors'])}"


def sensitivity_table(d: Dashboard) -> pd.DataFrame:
    """The specification range by soybean series and missing-data rule: the index at the weights as set and endings as
    recorded, and its lowest and highest over the weight grid and the endings codings."""
    t = d.specification
    fmt = (lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.1f}")
    as_set_weights = np.array([all(f == 1 for f in factors.values()) for factors in t["factors"]])
    plain = t[as_set_weights & (t["coding"] == history.AS_RECORDED).to_numpy()]
    as_set = plain.set_index(["series", "rule"])["value"]
    rows = []
    for (variant, rule), group in t.groupby(["series", "rule"], sort=False):
        missing = group["missing"].iloc[0]
        if not missing and rule != next(iter(MISSING_RULES)):
            continue  # with nothing missing every rule gives the same values: one row says it
        rows.append({
            "Soybean series": cm.SERIES[variant].label,
            "Missing components": ", ".join(COMPONENTS[k].lower() for k in missing.split(", ")) if missing else "none",
            "Rule for missing components": MISSING_RULES[rule] if missing else "no effect: nothing missing",
            "Index, weights as set": fmt(as_set[(variant, rule)]),
            "Lowest over weights and codings": fmt(group["value"].min()),
            "Highest over weights and codings": fmt(group["value"].max()),
        })
    return pd.DataFrame(rows)


def sensitivity_text(d: Dashboard) -> str:
    """The specification range, with what gives each end."""
    lo, hi = spec_ends(d)
    if lo is None:
        return "With no component with a positive weight having data on this date, there is nothing to vary."
    sets = len(WEIGHT_FACTORS) ** len(COMPONENTS)
    series = d.specification["series"].nunique()
    codings = list(dict.fromkeys(d.specification["coding"]))
    lines = [f"The index was computed under {len(d.specification):,} specifications in one pass: each of the {series} "
             f"soybean series that can measure tonnage pledges; each of {len(codings)} codings of how past truces "
             f"ended ({html.escape('; '.join(codings))}), which move only the base rate; each of the "
             f"{len(MISSING_RULES)} rules for a missing component ({', '.join(MISSING_RULES.values())}); and {sets} "
             f"weight sets (each weight multiplied by {', '.join(f'{f:g}' for f in WEIGHT_FACTORS)} in every "
             f"combination). It runs from **{lo['value']:.1f}** ({html.escape(_spec_words(lo))}) to "
             f"**{hi['value']:.1f}** ({html.escape(_spec_words(hi))}). The history report's coding table gives what "
             "each coding does to the chance."]
    have = sum(not c.missing for c in d.now.components.values())
    if have == 1:
        lines.append("Only one component has data on this date, so with the missing ones left out it carries the "
                     "whole index whatever the weights; the spread comes from the rule for missing components.")
    return " ".join(lines)


def contributions_frame(d: Dashboard) -> pd.DataFrame:
    """One row per component: its share of the weight, score, points contributed, and whether it is missing."""
    share = weight_shares(d.settings.weights)
    rows = []
    for key, c in d.now.components.items():
        rows.append({"component": c.label, "weight_used": share[key], "score": c.score,
                     "points": 0.0 if c.missing else share[key] * c.score,
                     "possible": share[key] * SCALE, "status": "missing" if c.missing else "scored"})
    return pd.DataFrame(rows).round({"weight_used": 4, "score": 1, "points": 2, "possible": 2})


def contributions_chart(d: Dashboard):
    """Points each component adds to the index, against the most it could add at its weight.

    A sentence instead when there is no index on ``as_of``.
    """
    if d.now.reading.renormalised is None:
        return charts.no_chart(f"no component with a positive weight has data on {text.day(d.as_of)}, so there is no "
                               "index to break down.")
    frame = contributions_frame(d)
    order = list(frame["component"])
    y = alt.Y("component:N", title=None, sort=order)
    # The grey bar is the weight used times the full scale: what a perfect score would have added.
    possible = alt.Chart(frame).mark_bar(color="#e3e3e3", height=22).encode(
        x=alt.X("possible:Q", title="Points of the index"), y=y,
        tooltip=[alt.Tooltip("component:N"), alt.Tooltip("weight_used:Q", title="Share of the weight", format=".3f")])
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


def _months(n: int) -> str:
    return f"{n} month end" + ("" if n == 1 else "s")


def scores_table(d: Dashboard) -> pd.DataFrame:
    """The Brier score of each monthly forecast and of the two baselines, over the month ends with a known outcome."""
    rows = []
    climatology = next((s.brier for s in d.brier if s.forecast == "baseline: climatology"), None)
    for s in d.brier:
        skill = ("" if s.brier is None or not climatology else f"{1 - s.brier / climatology:+.2f}")
        rows.append({"Forecast": s.forecast, "Month ends scored": f"{s.months:,}",
                     "Of which the truce ended within the horizon": f"{s.endings:,}",
                     "Brier score (0 is perfect)": "n/a" if s.brier is None else f"{s.brier:.3f}",
                     "Skill against climatology": skill})
    return pd.DataFrame(rows, columns=["Forecast", "Month ends scored", "Of which the truce ended within the horizon",
                                       "Brier score (0 is perfect)", "Skill against climatology"])


def scores_text(d: Dashboard) -> str:
    """What the Brier scores say, and what so few cases can and cannot show."""
    n = d.settings.probability_days
    scored = {s.forecast: s for s in d.brier}
    head = next(iter(scored.values()), None)
    if head is None or head.months == 0:
        return (f"No month end in the backtest has a known outcome yet (a truce in force and {n} days passed, or a "
                "breakdown), so no forecast can be scored.")
    best = min((s for s in d.brier if s.brier is not None), key=lambda s: s.brier)
    lines = [
        f"Every month end with a truce in force, the chance that it lasts another {n} days was forecast from only "
        f"what was knowable then, and scored once the outcome was known: {_months(head.months)}, in "
        f"{head.endings} of which the truce broke down within the {n} days. The lowest (best) Brier score is "
        f"{best.brier:.3f}, from {html.escape(best.forecast)}.",
        "",
        f"**What this can show.** Whether the forecasts were roughly calibrated on the cases there are. **What it "
        f"cannot.** With only {len(d.breakdowns)} breakdown{'s' if len(d.breakdowns) != 1 else ''} (behind the "
        f"{head.endings} scored month ends that saw one), and months of the same truce far from independent, differences "
        "between the scores are within chance: the backtest cannot rank the models, only catch one that is badly "
        f"off. The monthly forecasts are published with this page as `figures/durability/{FORECASTS_DATASET}.csv` "
        "(the data of the chart above), one row per month end, so that later editions can score them as outcomes "
        "arrive.",
    ]
    return "\n".join(lines)


def warnings_table(d: Dashboard) -> pd.DataFrame:
    """For each signal and breakdown: the run-up read, the falls found, and the verdict; then the false alarms."""
    rows = []
    for signal, (verdicts, alarms) in d.warnings.items():
        for v in verdicts.itertuples():
            rows.append({"Signal": signal, "Breakdown": f"{html.escape(v.name)} ({text.day(v.end)})",
                         "Run-up month ends read": ", ".join(text.day(x) for x in v.run_up) or "none in the truce",
                         "Fell on": ", ".join(text.day(x) for x in v.fell_on) or "none",
                         "Verdict": v.verdict})
        rows.append({"Signal": signal, "Breakdown": "false alarms (a fall with no breakdown within the window)",
                     "Run-up month ends read": "", "Fell on": ", ".join(text.day(x) for x in alarms["date"]) or "none",
                     "Verdict": f"{len(alarms)}"})
    return pd.DataFrame(rows, columns=["Signal", "Breakdown", "Run-up month ends read", "Fell on", "Verdict"])


def warnings_text(d: Dashboard) -> str:
    """Hits, misses and false alarms of the chance and of the index, counted, with the rule in words."""
    w, r = d.warning_months, d.reference_months
    if d.breakdowns.empty:
        lead = "No truce broke down within the backtest period, so there is no breakdown to warn of."
    else:
        parts = []
        for signal, (verdicts, alarms) in d.warnings.items():
            counts = verdicts["verdict"].value_counts()
            parts.append(f"{signal}: {counts.get('hit', 0)} hit{'s' if counts.get('hit', 0) != 1 else ''}, "
                         f"{counts.get('miss', 0)} miss{'es' if counts.get('miss', 0) != 1 else ''}, "
                         f"{counts.get('not computable', 0)} not computable, "
                         f"{len(alarms)} false alarm{'s' if len(alarms) != 1 else ''}")
        lead = f"**Before the {len(d.breakdowns)} breakdowns in the backtest** — " + "; ".join(parts) + "."
    rule = (f"A *fall* is a month-end reading at least {FALL_POINTS:g} points below the reading {r} months earlier "
            "in the same truce (or the truce's first reading, if it is younger). A breakdown is a *hit* when a fall "
            f"came in the {w} month ends before it, a *miss* when there were readings and none fell, and *not "
            "computable* without a reading in the run-up or a reference in the same truce: a reading from an earlier "
            f"truce is never the reference. A fall with no breakdown in the {w} months after it is a *false alarm*, "
            "counted once those months have passed.")
    return lead + "\n\n" + rule


FORECASTS_DATASET = "forecasts"


def forecasts_frame(d: Dashboard) -> pd.DataFrame:
    """The monthly forecasts as published: date, truce, chance and interval, baselines and outcome (ISO dates)."""
    f = d.series[d.series["truce_id"].notna()]
    out = pd.DataFrame({
        "month_end": f["date"].dt.strftime("%Y-%m-%d"), "truce_id": f["truce_id"],
        "horizon_days": d.settings.probability_days,
        "chance": f["probability"].round(4), "chance_low": f["p_low"].round(4), "chance_high": f["p_high"].round(4),
        "weibull": f["weibull"].round(4), "no_cliff": f["no_cliff"].round(4), "climatology": f["climatology"].round(4),
        "outcome": f["outcome"].map(lambda v: "pending" if pd.isna(v) else ("lasted" if v == 1 else "ended")),
    })
    return out.reset_index(drop=True)


def forecasts_chart(d: Dashboard):
    """The chance forecast at each month end, its 90% interval as a band, and what happened.

    Its data, published beside the page as CSV, are the monthly forecast vintages later editions can score.
    """
    frame = forecasts_frame(d)
    if frame.empty:
        return charts.no_chart("no truce was in force at any month end of the backtest, so no chance was forecast.")
    x = alt.X("month_end:T", title=None, scale=alt.Scale(domain=[d.backtest_from.isoformat(), d.as_of.isoformat()]))
    y = alt.Y("chance_pct:Q", title=f"Chance of lasting {d.settings.probability_days} more days (%)",
              scale=alt.Scale(domain=[0, 100]))
    # Each truce is drawn as its own stretch of line (detail), so no line joins two truces across a gap.
    band = alt.Chart(frame).mark_area(color="#9dbbd6", opacity=0.35).encode(
        x=x, y="low_pct:Q", y2="high_pct:Q", detail="truce_id:N")
    line = alt.Chart(frame).mark_line(strokeWidth=2, color="#4c78a8").encode(x="month_end:T", y=y, detail="truce_id:N")
    points = alt.Chart(frame).mark_point(filled=True, size=40).encode(
        x="month_end:T", y="chance_pct:Q",
        color=alt.Color("outcome:N", title="What happened",
                        scale=alt.Scale(domain=["lasted", "ended", "pending"], range=["#59a14f", "#c0504d", "#aaaaaa"])),
        tooltip=[alt.Tooltip("month_end:T", title="Month end"), alt.Tooltip("truce_id:N", title="Truce"),
                 alt.Tooltip("chance_pct:Q", format=".0f", title="Chance (%)"),
                 alt.Tooltip("low_pct:Q", format=".0f", title="90% low"),
                 alt.Tooltip("high_pct:Q", format=".0f", title="90% high"),
                 alt.Tooltip("outcome:N", title="Outcome")])
    # Also published as figures/<report>/forecasts.csv: a stable name later editions can score against.
    # Percent for the axis is computed in the chart, so the published data stay the forecasts as made.
    return alt.layer(band, line, points).transform_calculate(
        chance_pct="100 * datum.chance", low_pct="100 * datum.chance_low", high_pct="100 * datum.chance_high",
    ).properties(width=640, height=260,
                                                    usermeta={"truce": {"dataset": FORECASTS_DATASET}})


def backtest_frame(d: Dashboard) -> pd.DataFrame:
    """Month-end published index, its bounds and how many components had data, for the chart (ISO dates, one decimal)."""
    frame = d.series[["date", "index", "low", "high", "components"]].copy()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    return frame.round({"index": 1, "low": 1, "high": 1})


def backtest_chart(d: Dashboard):
    """The index at each month end, truce periods shaded, breakdowns marked.

    The published index is a line, its bounds (missing components at 0 and at
    100) a band, so month ends where the coverage rule withheld it still show
    what is known. A sentence instead when no component had data at any month
    end; a layer with no rows (no truce, no breakdown in the period) is left out.
    The layers filter one dataset rather than carry copies of it, which keeps
    the saved notebook small.
    """
    series = backtest_frame(d)
    # Month ends where the coverage rule withheld the index still have bounds to draw.
    if (series["components"] == 0).all():
        return charts.no_chart(_no_backtest_reason(d))
    truces = d.frames.truces[d.frames.truces["start"] <= d.as_of].copy()
    # Truces with no end known by as_of are drawn up to as_of, not beyond.
    truces["until"] = truces["end"].where(truces["end"].notna() & (truces["end"] <= d.as_of), d.as_of)
    truces["start"] = truces["start"].clip(lower=d.backtest_from)
    truces = truces[truces["until"] >= d.backtest_from]
    truces = pd.DataFrame({"name": truces["name"], "start": truces["start"].dt.strftime("%Y-%m-%d"),
                           "until": truces["until"].dt.strftime("%Y-%m-%d")})
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=[d.backtest_from.isoformat(), d.as_of.isoformat()]))
    base = alt.Chart(series)
    line = base.mark_line(strokeWidth=2, invalid="break-paths-show-domains").encode(
        x=x, y=alt.Y("index:Q", title="Truce Durability Index", scale=alt.Scale(domain=[0, SCALE])))
    points = base.transform_filter("isValid(datum['index'])").mark_point(filled=True, size=25).encode(
        x="date:T", y="index:Q",
        tooltip=[alt.Tooltip("date:T", title="Month end"), alt.Tooltip("index:Q", format=".1f", title="Index"),
                 alt.Tooltip("components:Q", title="Components with data")])
    # The bounds (missing components at 0 and at 100) are drawn at every month end with any data, published or not.
    band = base.transform_filter("datum.components > 0").mark_area(color="#9dbbd6", opacity=0.35).encode(
        x="date:T", y="low:Q", y2="high:Q",
        tooltip=[alt.Tooltip("date:T", title="Month end"), alt.Tooltip("low:Q", format=".1f", title="Missing at 0"),
                 alt.Tooltip("high:Q", format=".1f", title="Missing at 100")])
    layers = [band, line] + ([points] if series["index"].notna().any() else [])
    if len(truces):
        layers.insert(0, alt.Chart(truces).mark_rect(color="#dfe8f1", opacity=0.8).encode(
            x=alt.X("start:T", title=None), x2="until:T", tooltip=[alt.Tooltip("name:N", title="Truce")]))
    if len(d.breakdowns):
        ends = pd.DataFrame({"label": d.breakdowns["name"] + " breaks down",
                             "end": d.breakdowns["end"].dt.strftime("%Y-%m-%d")})
        layers.append(alt.Chart(ends).mark_rule(color="#c0504d", strokeWidth=2, strokeDash=[5, 3]).encode(
            x="end:T", tooltip=[alt.Tooltip("label:N", title="Breakdown"), alt.Tooltip("end:T", title="Date")]))
    if d.now.index is not None:
        here = pd.DataFrame({"date": [d.as_of.strftime("%Y-%m-%d")], "index": [round(d.now.index, 1)]})
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
        "",
        "**How missing components count.** The index is the weighted mean of the components, the weights scaled to "
        "sum to one, with a missing component counted as 0. It is therefore a floor: what the evidence in hand "
        f"guarantees. Beside it the page gives the ceiling, with every missing component counted as {SCALE}. The "
        "floor is the only single number that can never rise when a component goes missing: whatever the lost "
        "component scored, the index without it must not exceed the index with it, and the lowest that can be is the "
        "index with that component at 0. Leaving a missing component out and scaling the other weights up fails this "
        "test (losing a component that scored low raises the index), so it appears only as one end of the range.",
        "",
        f"**Coverage rule.** When the missing components carry more than "
        f"{text.percent(100 * MAX_MISSING_WEIGHT_SHARE)} of the weight, the index is not published as a single number. "
        "The headline names what is missing, gives the floor and the ceiling, and the last month end at which the rule "
        "was met, computed from only what was knowable then.",
        "",
        f"**Specification range.** The index is recomputed under every combination of: the soybean series that "
        f"measures tonnage pledges; the coding of how past truces ended (as recorded, each other reading the truce "
        "ledger supports, and every ending counted as a breakdown), which moves only the base rate; the rule for a "
        f"missing component (counted as 0, as {SCALE}, or left out with the other weights scaled up); and a grid of "
        f"weights, each multiplied by "
        f"{', '.join(f'{f:g}' for f in WEIGHT_FACTORS)} independently of the others. All the weight sets are applied "
        "in one matrix product. The range is the lowest and highest value, each with the specification that gives it.",
        "",
        signals_text(d),
    ])


def signals_text(d: Dashboard) -> str:
    """Why the index's evidence is shown beside the chance as signals and does not move it."""
    return (
        "**Why the other evidence sits beside the chance, not inside it.** The chance comes from how long truces "
        f"have lasted ({d.forecast.events} counted endings so far) and from the scheduled cliffs. Purchases, events "
        "and tariffs could in principle move the daily hazard up or down by a multiplier, but a multiplier has to be "
        "estimated, and with this few endings any estimate would be a guess dressed as a number. Averaging the "
        "chance with the 0-100 index would mix a probability with a score of another kind. So the components are "
        "shown as *signals*: read them beside the chance, as reasons it could be too high or too low, and watch the "
        "backtest for whether their falls have come before breakdowns.")


def gaps_text(d: Dashboard) -> str:
    """Gaps that limit the dashboard on this date."""
    lines = [f"- {c.label}: {html.escape(words(c.reason))}." for c in d.now.components.values() if c.missing]
    nodata = d.now.commitments[d.now.commitments["score"].isna()] if len(d.now.commitments) else d.now.commitments
    for r in nodata.itertuples():
        lines.append(f"- Commitment `{html.escape(r.commitment_id)}`: no figure in {html.escape(r.measured_by)}.")
    empty = d.series[d.series["components"] == 0]
    if len(empty):
        outside = int((~empty["truce"].astype(bool)).sum())
        lines.append(f"- The backtest has no index value at {len(empty)} of {len(d.series)} month ends, where no "
                     f"component had data; no truce was in force at {outside} of them.")
    withheld = d.series[d.series["index"].isna() & (d.series["components"] > 0)]
    if len(withheld):
        lines.append(f"- At {len(withheld)} of {len(d.series)} month ends the coverage rule withheld the index: "
                     f"components carrying more than {text.percent(100 * MAX_MISSING_WEIGHT_SHARE)} of the weight had "
                     "no data. The chart shows its bounds there.")
    if not d.now.truce_status_known:
        lines.append(f"- Whether the {html.escape(d.now.truce['name'])} is still in force is not known: "
                     f"{unknown_text(d)}.")
    return "\n".join(lines) if lines else "- None on this date."


def sources_table(d: Dashboard) -> pd.DataFrame:
    """The sources this report used."""
    return provenance.sources_table(d.sources)
