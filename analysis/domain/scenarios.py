"""What the tariffs report computes: the stack, the published averages and the next cliff.

It rebuilds the stacked all-goods headline rate with :mod:`analysis.domain.tariffs`,
keeps product-specific layers (Section 301 and China's listed-goods duties)
beside the stack rather than in it, overlays published averages, and projects
each direction past the last sourced date under an explicit scenario for the
expiry of the tariff suspensions in ``commitments.csv``.

Nothing after the last sourced date is treated as known: the sourced path of
a direction stops at ``as_of``, at the suspensions' expiry, or at the
scheduled end of a time-limited layer that no source resolves, whichever
comes first; from there on every line is a scenario.

The page states its dates (as of, evidence through, compiled) from
:mod:`analysis.data.evidence`, for the series in :data:`DATE_KEYS`. Before the
first tariff layer dated in the data, the report still computes: every rate
is zero, there is no expiry, and the page says when the first layer applies.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass

import pandas as pd

from analysis.data import evidence
from analysis.data import series as obs
from analysis.domain import tariffs as tf
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_events, load_sources, load_tariffs

DIRECTIONS = tf.DIRECTIONS
# Which side imposes the tariff: a commitment's party maps to the direction it taxes.
PARTY_DIRECTION = {"US": "us_on_china", "China": "china_on_us"}

SCENARIOS = {
    "snap_back": "the suspended points return on the expiry date, on top of the layer they were taken from",
    "extended": "the suspensions are rolled over, so every rate stays at its level of the day before the expiry",
    "custom": "the all-goods headline rate in each direction is set to the custom rates from the expiry date",
}
TIME_LIMITED = {
    "end_as_scheduled": "a time-limited layer whose scheduled end no source resolves stops on that date",
    "continue": "a time-limited layer whose scheduled end no source resolves stays at its last sourced rate",
}

LAYER_LABELS = {
    "ieepa_fentanyl": "IEEPA fentanyl tariff",
    "ieepa_reciprocal": "IEEPA reciprocal tariff",
    "section_122": "Section 122 global surcharge",
    "section_301_forced_labour": "Section 301 forced-labour tariff",
    "cn_reciprocal_retaliation": "China's counter-tariff on all US goods",
    "section_301": "Section 301 (listed goods only)",
    "cn_fentanyl_retaliation": "China's duties on US energy, machinery, cars (listed goods only)",
    "cn_farm_retaliation": "China's duties on US farm goods (listed goods only)",
    "piie_average": "PIIE trade-weighted average",
    "crs_average": "CRS average (no exemptions counted)",
    "other_average": "Other published estimate",
}
# The series whose dates the page states, in the order of its dates table.
DATE_KEYS = ("tariff_rates", "tariff_averages", "events", "commitments")
KEY_SEVERITY = 3
# Events closer together than this share one letter on the chart, so labels do not collide.
EVENT_GROUP_DAYS = 21
# How far past the later of as_of and the expiry the scenario is drawn.
SCENARIO_TAIL_DAYS = 91
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Suspension:
    """Tariff points one side suspended until a deadline (a ``tariff_suspension`` commitment)."""

    commitment_id: str
    direction: str
    layer: str | None  # the stacked layer the points were taken from; None when no row says
    points: float
    deadline: pd.Timestamp
    source_id: str


@dataclass(frozen=True)
class ScheduledEnd:
    """A scheduled end of a time-limited stacked layer that no tariff row resolves."""

    event_id: str
    direction: str
    layer: str
    date: pd.Timestamp
    source_id: str


@dataclass(frozen=True)
class FirstLayer:
    """The first tariff layer dated in the data: when it applies, which side imposes it, which layer."""

    date: pd.Timestamp
    direction: str
    layer: str


@dataclass(frozen=True)
class Outlook:
    """One direction at the expiry: the rates under each scenario and why."""

    direction: str
    # The day the direction's sourced path ends and the projection begins: as_of, or an earlier
    # expiry or scheduled end whose outcome no source gives. Rates below are read on this day.
    sourced_through: pd.Timestamp
    sourced_rate: float
    layers: pd.Series  # stacked layer rates in force at sourced_through
    listed: pd.Series  # product-specific layer rates in force at sourced_through (rate above zero)
    sourced_since: pd.Timestamp | None
    cliff: pd.Timestamp | None
    before: float | None  # projected rate the day before the expiry
    rates: dict  # scenario -> rate from the expiry
    other_rates: dict  # the same under the other reading of unresolved scheduled ends
    suspension: Suspension | None
    layer_rate: float | None  # rate of the suspended layer at the expiry (0: the layer had ended)
    layer_ended: pd.Timestamp | None
    ended_by: pd.Series | None  # the legal event that ended the suspended layer, if any
    open_ends: tuple


@dataclass(frozen=True)
class TariffReport:
    """The computed content of one tariff report."""

    as_of: pd.Timestamp
    start: pd.Timestamp
    horizon: pd.Timestamp
    scenario: str
    time_limited: str
    cliff: pd.Timestamp | None
    outlooks: dict  # direction -> Outlook
    chart: pd.DataFrame
    markers: pd.DataFrame
    detail: pd.DataFrame | None  # the chart frame from the year the first all-goods layer applied
    detail_markers: pd.DataFrame | None
    events: pd.DataFrame
    averages: pd.DataFrame
    peaks: dict  # direction -> (date, rate)
    sources: pd.DataFrame
    dates: evidence.ReportDates
    first_layer: FirstLayer | None  # the earliest tariff layer dated in the whole data set

    @property
    def cliff_passed(self) -> bool:
        """True when the expiry is on or before ``as_of`` (its outcome would be knowable)."""
        return self.cliff is not None and self.cliff <= self.as_of

    @property
    def any_layer(self) -> bool:
        """True when some tariff layer (all-goods or listed goods) is in force in either direction."""
        return any(o.sourced_rate > 0 or len(o.listed) for o in self.outlooks.values())

    @property
    def before_first_layer(self) -> bool:
        """True when ``as_of`` is before the first tariff layer dated in the data."""
        return self.first_layer is not None and self.as_of < self.first_layer.date



def check_parameters(*, as_of: str, chart_from: str, scenario: str, custom_rate_us_on_china: float,
                     custom_rate_china_on_us: float, time_limited: str) -> dict:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Returns the custom rates by direction.

    Raises
    ------
    ParameterError
        Naming the parameter and the allowed values.
    """
    obs.check_as_of(as_of)
    start = obs.iso_date("chart_from", chart_from)
    if as_of != obs.TODAY:
        check_chart_from(start, obs.iso_date("as_of", as_of))
    if scenario not in SCENARIOS:
        raise ParameterError("scenario", f"{scenario!r} is not one of: {', '.join(SCENARIOS)}")
    if time_limited not in TIME_LIMITED:
        raise ParameterError("time_limited", f"{time_limited!r} is not one of: {', '.join(TIME_LIMITED)}")
    custom = {}
    for name, direction, value in (("custom_rate_us_on_china", "us_on_china", custom_rate_us_on_china),
                                   ("custom_rate_china_on_us", "china_on_us", custom_rate_china_on_us)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1000:
            raise ParameterError(name, f"{value!r} must be a rate in percentage points between 0 and 1000")
        custom[direction] = float(value)
    return custom


def check_chart_from(start: pd.Timestamp, as_of: pd.Timestamp) -> None:
    """The chart must start before ``as_of``: nothing after it is known.

    >>> check_chart_from(pd.Timestamp("2018-01-01"), pd.Timestamp("2018-01-31"))
    >>> check_chart_from(pd.Timestamp("2025-01-01"), pd.Timestamp("2024-06-30"))
    Traceback (most recent call last):
    analysis.errors.ParameterError: parameter 'chart_from': '2025-01-01' must be before as_of (2024-06-30)
    """
    if start >= as_of:
        raise ParameterError("chart_from", f"{start.date().isoformat()!r} must be before as_of ({as_of.date()})")


def first_layer(tariffs: pd.DataFrame) -> FirstLayer | None:
    """The earliest preferred headline row above zero in either direction, all-goods or listed.

    Read from the whole data set, so a page as of an earlier day can say when
    the first layer applies.
    """
    rows = tariffs[(tariffs["kind"] == "headline") & tariffs["preferred"] & (tariffs["rate"] > 0)]
    if rows.empty:
        return None
    first = rows.sort_values(["effective", "direction", "layer"]).iloc[0]
    return FirstLayer(pd.Timestamp(first["effective"]), first["direction"], first["layer"])


def normalise(instrument) -> str:
    """Instrument text as a layer-style slug: ``Section 122`` -> ``section_122``.

    >>> normalise("Section 301 (maritime)"), normalise(None)
    ('section_301_maritime', '')
    """
    if instrument is None or (not isinstance(instrument, str) and pd.isna(instrument)):
        return ""
    return re.sub(r"[^a-z0-9]+", "_", instrument.lower()).strip("_")


def known_tariffs(tariffs: pd.DataFrame, as_of) -> pd.DataFrame:
    """Tariff rows in effect on or before ``as_of`` (tariff rows carry no announcement date)."""
    return tariffs[tariffs["effective"] <= pd.Timestamp(as_of)]


def suspended_layer(tariffs: pd.DataFrame, direction: str, when) -> str | None:
    """The stacked layer whose row in force at ``when`` says part of it is suspended."""
    rows = tf.headline_rows(tariffs, direction)
    rows = rows[rows["effective"] <= pd.Timestamp(when)]
    latest = rows.groupby("layer").tail(1)
    hits = latest[latest["scope"].fillna("").str.contains("suspend", case=False)]
    return hits.iloc[-1]["layer"] if len(hits) else None


def live_suspensions(commitments: pd.DataFrame, tariffs: pd.DataFrame, as_of) -> dict:
    """Tariff suspensions known on ``as_of`` that nothing known by then has replaced or resolved.

    A suspension is replaced by a later commitment that names it in
    ``supersedes``, and resolved by a tariff row for its layer dated on or
    after its deadline; neither counts unless it was known on ``as_of``.

    Returns
    -------
    dict
        Direction to :class:`Suspension` (the latest announced, if several).
    """
    as_of = pd.Timestamp(as_of)
    known = commitments[(commitments["metric"] == "tariff_suspension") & (commitments["announced"] <= as_of)]
    replaced = set(known["supersedes"].dropna())
    rows = known_tariffs(tariffs, as_of)
    found = {}
    for row in known[~known["commitment_id"].isin(replaced)].sort_values("announced").itertuples():
        direction = PARTY_DIRECTION.get(row.party)
        if direction is None:
            continue
        layer = suspended_layer(rows, direction, row.start)
        later = tf.headline_rows(rows, direction)
        if layer is not None and ((later["layer"] == layer) & (later["effective"] >= row.deadline)).any():
            continue
        found[direction] = Suspension(row.commitment_id, direction, layer, float(row.target),
                                      pd.Timestamp(row.deadline), row.source_id)
    return found


def next_cliff(known: pd.DataFrame, suspensions: dict, as_of) -> pd.Timestamp | None:
    """The next expiry that can still move a tariff: the earliest deadline of a suspension whose layer is in force.

    A suspension of a layer no longer in force on ``as_of`` (the IEEPA tariffs
    the Supreme Court voided in February 2026) is moot: its deadline changes no
    rate, so it does not set the cliff. When every suspension is moot, the
    earliest deadline is kept, so the page still names the date.
    """
    def in_force(s) -> bool:
        return s.layer is None or float(tf.layer_rates_at(known, s.direction, as_of).get(s.layer, 0.0)) > 0

    deadlines = [s.deadline for s in suspensions.values()]
    live = [s.deadline for s in suspensions.values() if in_force(s)]
    return min(live or deadlines, default=None)


def scheduled_ends(events: pd.DataFrame, tariffs: pd.DataFrame) -> list[ScheduledEnd]:
    """Scheduled ends of stacked layers (``expiry`` events naming the layer) with no tariff row after them.

    Pass only the events and tariff rows known at the report date. An event
    matches a layer when its instrument, as a slug, starts with the layer
    name (``Section 122`` -> ``section_122``); the layer must be in force the
    day before.
    """
    stacked = tariffs[(tariffs["kind"] == "headline") & tariffs["in_stack"] & tariffs["preferred"]]
    layers = stacked.groupby("layer")["direction"].first()
    found = []
    for row in events[events["type"] == "expiry"].sort_values("date").itertuples():
        slug = normalise(row.instrument)
        for layer, direction in layers.items():
            if not slug.startswith(layer):
                continue
            if tf.layer_rates_at(tariffs, direction, row.date - DAY).get(layer, 0.0) <= 0:
                continue
            resolved = ((stacked["layer"] == layer) & (stacked["effective"] >= row.date)).any()
            if not resolved:
                found.append(ScheduledEnd(row.event_id, direction, layer, pd.Timestamp(row.date), row.source_id))
    return found


def projected_layers(tariffs: pd.DataFrame, direction: str, when, ends: list[ScheduledEnd],
                     time_limited: str) -> pd.Series:
    """Stacked layer rates at ``when`` from the known rows, with unresolved scheduled ends applied or not."""
    rates = tf.layer_rates_at(tariffs, direction, when).copy()
    if time_limited == "end_as_scheduled":
        for end in ends:
            if end.direction == direction and end.date <= pd.Timestamp(when) and end.layer in rates:
                rates[end.layer] = 0.0
    return rates


def projected_rate(tariffs: pd.DataFrame, direction: str, when, ends: list[ScheduledEnd], time_limited: str) -> float:
    """Stacked headline at ``when`` under the ``time_limited`` assumption; 0 before any layer starts."""
    return float(projected_layers(tariffs, direction, when, ends, time_limited).sum())


def scenario_rates(tariffs: pd.DataFrame, direction: str, cliff, suspension: Suspension | None,
                   ends: list[ScheduledEnd], time_limited: str, custom: float) -> dict:
    """The all-goods headline from the expiry under each scenario.

    ``snap_back`` adds the suspended points only if the layer they were taken
    from is still in force at the expiry: points cannot return to a layer
    that has ended. ``extended`` keeps the projected rate; ``custom`` is the
    given rate.
    """
    cliff = pd.Timestamp(cliff)
    layers = projected_layers(tariffs, direction, cliff, ends, time_limited)
    kept = float(layers.sum())
    back = 0.0
    if suspension is not None and suspension.layer is not None and layers.get(suspension.layer, 0.0) > 0:
        back = suspension.points
    return {"snap_back": kept + back, "extended": kept, "custom": float(custom)}


def sourced_through(as_of, cliff, ends: list[ScheduledEnd], direction: str) -> pd.Timestamp:
    """Last date a direction's rows describe without assuming an outcome."""
    dates = [pd.Timestamp(as_of)] + ([pd.Timestamp(cliff)] if cliff is not None else [])
    dates += [e.date for e in ends if e.direction == direction]
    return min(dates)


def layer_ended(tariffs: pd.DataFrame, direction: str, layer: str, when) -> pd.Timestamp | None:
    """Date the layer's latest row by ``when`` set it to zero, or ``None`` if it is in force."""
    rows = tf.headline_rows(tariffs, direction)
    rows = rows[(rows["layer"] == layer) & (rows["effective"] <= pd.Timestamp(when))]
    if rows.empty or rows.iloc[-1]["rate"] > 0:
        return None
    return rows.iloc[-1]["effective"]


def ending_event(events: pd.DataFrame, layer: str, ended) -> pd.Series | None:
    """The latest ``legal`` event on or before ``ended`` whose instrument names the layer's authority."""
    legal = events[(events["type"] == "legal") & (events["date"] <= pd.Timestamp(ended))]
    legal = legal[[bool(normalise(i)) and layer.startswith(normalise(i)) for i in legal["instrument"]]]
    return legal.sort_values("date").iloc[-1] if len(legal) else None


def stack_frame(tariffs: pd.DataFrame, direction: str, start, end) -> pd.DataFrame:
    """Rectangles of the stacked all-goods layers from ``start`` to ``end``.

    Returns
    -------
    DataFrame
        ``date``, ``end``, ``layer``, ``rate``, ``y0``, ``y1``: one row per
        layer in force between consecutive change dates, stacked in the order
        the layers first appeared.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    steps = tf.headline_steps(tariffs, direction, start, end)
    rows = tf.headline_rows(tariffs, direction)
    order = list(dict.fromkeys(rows["layer"]))
    # headline_steps drops dates where nothing is in force; the grid needs them to close the rectangles.
    dates = sorted({start} | {d for d in rows["effective"] if start < d <= end})
    ends = dates[1:] + [end]
    frames = []
    for date, until in zip(dates, ends):
        if until <= date:
            continue
        here = steps[steps["date"] == date].set_index("layer")["rate"]
        base = 0.0
        for layer in order:
            rate = float(here.get(layer, 0.0))
            if rate > 0:
                frames.append({"date": date, "end": until, "layer": layer, "rate": rate, "y0": base, "y1": base + rate})
                base += rate
    return pd.DataFrame(frames, columns=["date", "end", "layer", "rate", "y0", "y1"])


def listed_frame(tariffs: pd.DataFrame, direction: str, start, end) -> pd.DataFrame:
    """Step points of the product-specific layers from ``start`` to ``end``.

    A layer's line runs from its first row (or ``start``) to ``end``; a row
    at zero ends it, so its last point is the drop to zero.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = tf.headline_rows(tariffs, direction, stacked_only=False)
    rows = rows[~rows["in_stack"] & (rows["effective"] <= end)]
    points = []
    for layer, group in rows.groupby("layer", sort=False):
        before = group[group["effective"] <= start]
        inside = group[group["effective"] > start]
        if len(before) and before.iloc[-1]["rate"] > 0:
            points.append({"date": start, "layer": layer, "rate": float(before.iloc[-1]["rate"])})
        points += [{"date": r.effective, "layer": layer, "rate": float(r.rate)} for r in inside.itertuples()]
        last = group.iloc[-1]
        if last["rate"] > 0:
            points.append({"date": end, "layer": layer, "rate": float(last["rate"])})  # closes the final step
    return pd.DataFrame(points, columns=["date", "layer", "rate"])


def scenario_frame(tariffs: pd.DataFrame, direction: str, frm, cliff, horizon, ends: list[ScheduledEnd],
                   time_limited: str, rate_after: float | None) -> pd.DataFrame:
    """Step points of the projected headline from ``frm`` to ``horizon``: carried rates, then the scenario.

    Returns
    -------
    DataFrame
        ``date``, ``rate``, ``phase`` (``carried`` before the expiry,
        ``scenario`` from it); each phase ends with a closing point so its
        last step has a width.
    """
    frm, horizon = pd.Timestamp(frm), pd.Timestamp(horizon)
    cliff = pd.Timestamp(cliff) if cliff is not None and rate_after is not None else None
    switch = cliff if cliff is not None and cliff < horizon else horizon
    rows = tf.headline_rows(tariffs, direction)
    dates = {frm} | {d for d in rows["effective"] if frm < d < switch}
    dates |= {e.date for e in ends if e.direction == direction and frm < e.date < switch}
    points = []
    if frm < switch:
        points = [{"date": d, "rate": projected_rate(tariffs, direction, d, ends, time_limited), "phase": "carried"}
                  for d in sorted(dates)]
        points.append({**points[-1], "date": switch})
    if switch < horizon:
        begin = max(switch, frm)
        points += [{"date": begin, "rate": rate_after, "phase": "scenario"},
                   {"date": horizon, "rate": rate_after, "phase": "scenario"}]
    return pd.DataFrame(points, columns=["date", "rate", "phase"])


def letters(n: int) -> list[str]:
    """Chart labels ``A``, ``B`` ... ``Z``, ``AA``, ``AB`` ...

    >>> letters(3), letters(28)[-2:]
    (['A', 'B', 'C'], ['AA', 'AB'])
    """
    out = []
    for i in range(n):
        label, k = "", i
        while True:
            label = string.ascii_uppercase[k % 26] + label
            k = k // 26 - 1
            if k < 0:
                break
        out.append(label)
    return out


def key_events(events: pd.DataFrame, as_of, start, severity: int = KEY_SEVERITY,
               gap_days: int = EVENT_GROUP_DAYS) -> pd.DataFrame:
    """Major events knowable on ``as_of`` from ``start``, each with a chart letter.

    Events less than ``gap_days`` after the previous one share its letter.
    """
    rows = obs.dated_as_of(events, as_of)
    rows = rows[(rows["severity"] >= severity) & ~rows["type"].isin(obs.SCHEDULED_TYPES)
                & (rows["date"] >= pd.Timestamp(start))].sort_values(["date", "event_id"]).reset_index(drop=True)
    group, previous, groups = -1, None, []
    for date in rows["date"]:
        if previous is None or (date - previous).days >= gap_days:
            group += 1
        groups.append(group)
        previous = date
    names = letters(group + 1)
    return rows.assign(label=[names[g] for g in groups])


def esc(value: str) -> str:
    """Escape text for Markdown prose; quotes stay readable in the notebook."""
    return html.escape(value, quote=False)


def layer_label(layer: str) -> str:
    return LAYER_LABELS.get(layer, layer.replace("_", " "))


@dataclass(frozen=True)
class CustomRates:
    """The all-goods headline rate in each direction from the expiry under the ``custom`` scenario."""

    us_on_china: float
    china_on_us: float


def compute(*, as_of: str, chart_from: str, scenario: str, custom_rates: CustomRates, time_limited: str) -> TariffReport:
    """Compute everything the tariff report shows.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"today"`` for the day the report runs.
        Only tariff rows in effect, events dated or reported, and commitments
        announced by then are used.
    chart_from : str
        First date of the chart; must be before ``as_of``.
    scenario : str
        What happens at the expiry of the tariff suspensions (:data:`SCENARIOS`).
    custom_rates : CustomRates
        Headline rates after the expiry when ``scenario`` is ``"custom"``.
    time_limited : str
        What happens to a time-limited layer whose scheduled end no source
        resolves (:data:`TIME_LIMITED`).
    """
    custom = check_parameters(as_of=as_of, chart_from=chart_from, scenario=scenario,
                              custom_rate_us_on_china=custom_rates.us_on_china,
                              custom_rate_china_on_us=custom_rates.china_on_us, time_limited=time_limited)
    tariffs, events, commitments, sources = load_tariffs(), load_events(), load_commitments(), load_sources()
    as_of_ts = obs.resolve_as_of(as_of)
    start = obs.iso_date("chart_from", chart_from)
    check_chart_from(start, as_of_ts)
    dates = evidence.report_dates(DATE_KEYS, as_of_ts, {"tariffs": tariffs, "events": events,
                                                         "commitments": commitments, "sources": sources})

    known = known_tariffs(tariffs, as_of_ts)
    known_events = obs.dated_as_of(events, as_of_ts)
    suspensions = live_suspensions(commitments, tariffs, as_of_ts)
    ends = scheduled_ends(known_events, known)
    cliff = next_cliff(known, suspensions, as_of_ts)
    horizon = max(as_of_ts, cliff) + pd.Timedelta(days=SCENARIO_TAIL_DAYS) if cliff is not None else as_of_ts

    outlooks = {d: outlook(known, known_events, d, suspensions.get(d), cliff, ends, as_of_ts, time_limited, custom[d])
                for d in DIRECTIONS}
    peaks = {d: tf.peak(known, d, o.sourced_through) for d, o in outlooks.items()}
    chart = chart_frame(known, outlooks, start, horizon, scenario, time_limited)
    zoom = detail_start(known, start)
    detail = chart_frame(known, outlooks, zoom, horizon, scenario, time_limited) if zoom is not None else None

    averages = known[(known["kind"] == "average") & known["preferred"] & (known["effective"] >= start)]
    averages = averages.sort_values(["direction", "effective"]).reset_index(drop=True)
    shown = key_events(events, as_of_ts, start)
    used = known[(known["kind"] == "headline") & known["preferred"]]
    # A boolean Series, not a list: an empty list would select columns and drop source_id.
    used = used[pd.Series([e <= outlooks[d].sourced_through for e, d in zip(used["effective"], used["direction"])],
                          index=used.index, dtype=bool)]
    cited = set(used["source_id"]) | set(averages["source_id"]) | set(shown["source_id"])
    cited |= {s.source_id for s in suspensions.values()} | {e.source_id for e in ends}
    cited |= {o.ended_by["source_id"] for o in outlooks.values() if o.ended_by is not None}
    markers = marker_frame(shown, as_of_ts, cliff, ends)
    return TariffReport(
        as_of=as_of_ts, start=start, horizon=horizon, scenario=scenario, time_limited=time_limited, cliff=cliff,
        outlooks=outlooks, chart=chart, markers=markers, detail=detail,
        detail_markers=markers[markers["date"] >= zoom] if zoom is not None else None,
        events=shown, averages=averages, peaks=peaks,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
        dates=dates, first_layer=first_layer(tariffs),
    )


def outlook(known: pd.DataFrame, known_events: pd.DataFrame, direction: str, suspension: Suspension | None,
            cliff, ends: list[ScheduledEnd], as_of, time_limited: str, custom: float) -> Outlook:
    """Where one direction stands at the end of its sourced path and at the expiry under each scenario."""
    own_cliff = suspension.deadline if suspension else cliff
    through = sourced_through(as_of, own_cliff, ends, direction)
    mine = [e for e in ends if e.direction == direction]
    rates, other_rates, before, layer_rate, ended = {}, {}, None, None, None
    layer = suspension.layer if suspension else None
    if own_cliff is not None:
        other = next(k for k in TIME_LIMITED if k != time_limited)
        rates = scenario_rates(known, direction, own_cliff, suspension, mine, time_limited, custom)
        other_rates = scenario_rates(known, direction, own_cliff, suspension, mine, other, custom)
        before = projected_rate(known, direction, own_cliff - DAY, mine, time_limited)
        if layer is not None:
            layer_rate = float(tf.layer_rates_at(known, direction, own_cliff).get(layer, 0.0))
            ended = layer_ended(known, direction, layer, own_cliff)
    in_force = tf.layer_rates_at(known, direction, through)
    listed = tf.layer_rates_at(known, direction, through, stacked_only=False).drop(in_force.index, errors="ignore")
    rows = tf.headline_rows(known, direction)
    since = rows.loc[rows["effective"] <= through, "effective"].max() if len(rows) else None
    return Outlook(
        direction=direction, sourced_through=through, sourced_rate=float(in_force.sum()), layers=in_force,
        listed=listed[listed > 0],
        sourced_since=None if since is None or pd.isna(since) else since, cliff=own_cliff, before=before,
        rates=rates, other_rates=other_rates, suspension=suspension, layer_rate=layer_rate, layer_ended=ended,
        ended_by=ending_event(known_events, layer, ended) if ended is not None else None, open_ends=tuple(mine),
    )


def detail_start(known: pd.DataFrame, start) -> pd.Timestamp | None:
    """January 1 of the year the first all-goods layer applied, if that is after ``start``."""
    rows = known[(known["kind"] == "headline") & known["in_stack"] & known["preferred"] & (known["rate"] > 0)]
    if rows.empty:
        return None
    first = pd.Timestamp(year=rows["effective"].min().year, month=1, day=1)
    return first if first > pd.Timestamp(start) else None


CHART_COLUMNS = ["direction", "kind", "layer", "date", "end", "rate", "y0", "y1", "phase", "series"]


def chart_frame(known: pd.DataFrame, outlooks: dict, start, horizon, scenario: str, time_limited: str) -> pd.DataFrame:
    """One long frame for the chart: stack rectangles, listed-goods steps, projections and averages.

    ``kind`` says which mark a row feeds (``stack``, ``listed``, ``scenario``,
    ``average``); ``series`` is the legend label.
    """
    frames = []
    for direction, o in outlooks.items():
        parts = [stack_frame(known, direction, start, o.sourced_through).assign(kind="stack"),
                 listed_frame(known, direction, start, o.sourced_through).assign(kind="listed")]
        if o.sourced_through < horizon:
            path = scenario_frame(known, direction, o.sourced_through, o.cliff, horizon, list(o.open_ends),
                                  time_limited, o.rates.get(scenario))
            parts.append(path.assign(kind="scenario", layer=path["phase"]))
        frames += [p.assign(direction=direction) for p in parts if len(p)]
    averages = known[(known["kind"] == "average") & known["preferred"] & (known["effective"] >= pd.Timestamp(start))]
    points = averages.assign(date=averages["effective"], kind="average")
    if len(points):
        frames.append(points[["direction", "date", "layer", "rate", "kind"]])
    # Every column, even when a kind has no rows (no stack before the first all-goods layer).
    chart = (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()).reindex(columns=CHART_COLUMNS[:-1])
    chart["series"] = [layer_label(layer) if kind != "scenario" else f"Scenario ({phase_label(layer)})"
                       for layer, kind in zip(chart["layer"], chart["kind"])]
    return chart


def phase_label(phase: str) -> str:
    """Legend wording of a projection phase."""
    return {"carried": "no change sourced", "scenario": "after the expiry"}.get(phase, phase)


def marker_frame(events: pd.DataFrame, as_of, cliff, ends: list[ScheduledEnd]) -> pd.DataFrame:
    """Vertical markers for the chart: one per event letter, the expiry, scheduled ends and ``as_of``."""
    rows = []
    for label, group in events.groupby("label", sort=False):
        text = "; ".join(f"{d:%-d %b %Y}: {desc}" for d, desc in zip(group["date"], group["description"]))
        rows.append({"date": group["date"].min(), "label": label, "kind": "event", "text": text})
    for i, row in enumerate(rows):
        row["tier"] = i % 2  # alternate label heights so neighbouring letters stay apart
    if cliff is not None:
        rows.append({"date": cliff, "label": "expiry", "kind": "cliff",
                     "text": "Scheduled expiry of the tariff suspensions", "tier": 1})
    for end in ends:
        rows.append({"date": end.date, "label": "scheduled end", "kind": "end", "direction": end.direction,
                     "text": f"Scheduled end of the {layer_label(end.layer)}", "tier": 2})
    # The report date is labelled lowest, so it never sits on top of the expiry's label.
    rows.append({"date": pd.Timestamp(as_of), "label": "as of", "kind": "as_of", "text": "Report date (as_of)",
                 "tier": 0})
    return pd.DataFrame(rows, columns=["date", "label", "kind", "text", "tier", "direction"])


def rate(value: float | None) -> str:
    """Format a tariff rate: ``145%``, ``32.6%``, ``n/a``.

    >>> rate(145.0), rate(32.6), rate(None)
    ('145%', '32.6%', 'n/a')
    """
    if value is None or pd.isna(value):
        return "n/a"
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def points(value: float) -> str:
    """Format a number of tariff points: ``24 points``.

    >>> points(24.0), points(2.5)
    ('24 points', '2.5 points')
    """
    return rate(value).rstrip("%") + " points"
