"""What the tariffs report computes: published estimates, the stack, the China premium and the next cliff.

It leads with every estimator's latest trade-weighted average in each
direction (with its date, grade and whether it is statutory or duties
collected), rebuilds the stacked all-goods headline rate with
:mod:`analysis.domain.tariffs`, keeps product-specific layers (Section 301
lists, Section 232, China's listed-goods duties) beside the stack rather than
in it, measures the China-specific premium (the US stack on China minus the
stack most other countries face), and draws each direction past the last
sourced date as a fan of scenarios for the next cliff: the earliest deadline
of a tariff suspension whose layer is still in force, read with
:func:`analysis.domain.commitments.next_cliff`.

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
from analysis.domain import commitments as cm
from analysis.domain import tariffs as tf
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_events, load_sources, load_tariffs

DIRECTIONS = tf.DIRECTIONS
# Which side imposes the tariff: a commitment's party maps to the direction it taxes.
PARTY_DIRECTION = tf.PARTY_DIRECTION

SCENARIOS = {
    "status_quo": "nothing changes at the expiry: the suspensions are extended or left as they are, so every rate "
                  "stays where it is and nothing is added",
    "snap_back": "the suspended points return on the expiry date, on top of the layer they were taken from, where "
                 "that layer still stands",
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
    "section_301_list1": "Section 301 List 1 (listed goods only)",
    "section_301_list2": "Section 301 List 2 (listed goods only)",
    "section_301_list3": "Section 301 List 3 (listed goods only)",
    "section_301_list4a": "Section 301 List 4A (listed goods only)",
    "section_301_2024_review": "Section 301 2024 review increases (listed goods only)",
    "section_232_steel": "Section 232 steel (all origins)",
    "section_232_aluminium": "Section 232 aluminium (all origins)",
    "section_232_autos": "Section 232 autos and parts (all origins)",
    "cn_retaliation_2018_34bn": "China's 2018 duties on $34bn of US goods (listed goods only)",
    "cn_retaliation_2018_16bn": "China's 2018 duties on $16bn of US goods (listed goods only)",
    "cn_retaliation_2018_60bn": "China's 2018 duties on $60bn of US goods (listed goods only)",
    "cn_retaliation_2019_75bn": "China's 2019 duties on $75bn of US goods (listed goods only)",
    "cn_fentanyl_retaliation": "China's duties on US energy, machinery, cars (listed goods only)",
    "cn_farm_retaliation": "China's duties on US farm goods (listed goods only)",
    "piie_average": "PIIE trade-weighted average",
    "crs_average": "CRS average (no exemptions counted)",
    "budget_lab_average": "Yale Budget Lab (statutory rate)",
    "tradewartracker_average": "tradewartracker model",
    "barclays_average": "Barclays estimate",
    "usafacts_average": "USAFacts (duties collected)",
    "other_average": "Other published estimate",
}
# Who publishes each average-tariff series (``kind=average`` layers), for the estimates table.
ESTIMATORS = {
    "piie_average": "PIIE",
    "crs_average": "CRS (Congressional Research Service)",
    "budget_lab_average": "Yale Budget Lab",
    "barclays_average": "Barclays",
    "tradewartracker_average": "tradewartracker (open tariff model)",
    "usafacts_average": "USAFacts",
    "other_average": "Other estimate",
}
# The legal authority behind each layer, by layer-name prefix (the longest matching prefix wins).
AUTHORITIES = {
    "ieepa": "IEEPA (the International Emergency Economic Powers Act)",
    "section_122": "Section 122 of the Trade Act of 1974 (a surcharge limited to 150 days)",
    "section_301": "Section 301 of the Trade Act of 1974",
    "section_232": "Section 232 of the Trade Expansion Act of 1962",
    "cn_": "decisions of China's State Council Tariff Commission",
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
    description: str = ""


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
    # True when the suspended layer no longer stands on as_of (voided or ended): the suspension's own deadline
    # changes no rate, so the direction is projected to the page's cliff instead.
    moot: bool
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
    estimates: pd.DataFrame  # each estimator's latest average per direction (tf.latest_estimates + source grade)
    stack_changed: dict  # direction -> the last change of its all-goods stack on or before as_of (or None)
    premium: pd.DataFrame  # tf.premium_steps from the chart start to the US sourced path's end
    spans: pd.DataFrame  # every layer's rate steps as bars (span_frame), for the product-specific chart
    layers: pd.DataFrame  # one row per legal layer known at as_of (layer_table)
    unsourced: dict  # direction -> Series layer -> last date a source confirms it (tf.not_sourced_after)
    fan: pd.DataFrame  # the fan of scenarios per direction (fan_frame)

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
    rows = tariffs[(tariffs["kind"] == "headline") & tariffs["preferred"] & (tariffs["rate"] > 0)
                   & tariffs["direction"].isin(list(DIRECTIONS))]
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


suspended_layer = tf.suspended_layer  # shared with the durability report's cliff


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
                                      pd.Timestamp(row.deadline), row.source_id,
                                      str(getattr(row, "description", "") or ""))
    return found


def is_moot(known: pd.DataFrame, suspension: Suspension, as_of) -> bool:
    """True when the layer a suspension was taken from no longer stands on ``as_of`` (voided or ended)."""
    if suspension.layer is None:
        return False
    return float(tf.layer_rates_at(known, suspension.direction, as_of).get(suspension.layer, 0.0)) <= 0


def next_cliff(commitments: pd.DataFrame, known: pd.DataFrame, suspensions: dict, as_of) -> pd.Timestamp | None:
    """The tariff page's next cliff, by :func:`analysis.domain.commitments.next_cliff` over the live suspensions.

    Only the tariff suspensions that can still move a rate count: a
    suspension of a layer no longer in force on ``as_of`` (the IEEPA tariffs
    the Supreme Court voided in February 2026) is moot. Two cases the shared
    rule does not cover:

    * a live suspension whose deadline has passed with no tariff row resolving
      it is the cliff (the page says no source gives its outcome);
    * when every suspension is moot, the earliest deadline still ahead is
      kept, so the page names the date (and calls it moot).
    """
    as_of = pd.Timestamp(as_of)
    live = [s for s in suspensions.values() if not is_moot(known, s, as_of)]
    passed = [s.deadline for s in live if s.deadline <= as_of]
    if passed:
        return min(passed)
    for chosen in (live, list(suspensions.values())):
        ids = {s.commitment_id for s in chosen}
        ahead = cm.next_cliff(commitments[commitments["commitment_id"].isin(ids)], as_of)
        if len(ahead):
            return pd.Timestamp(ahead["deadline"].iloc[0])
    return min((s.deadline for s in suspensions.values()), default=None)


def scheduled_ends(events: pd.DataFrame, tariffs: pd.DataFrame) -> list[ScheduledEnd]:
    """Scheduled ends of stacked layers (``expiry`` events naming the layer) with no tariff row after them.

    Pass only the events and tariff rows known at the report date. An event
    matches a layer when its instrument, as a slug, starts with the layer
    name (``Section 122`` -> ``section_122``); the layer must be in force the
    day before.
    """
    stacked = tariffs[(tariffs["kind"] == "headline") & tariffs["in_stack"] & tariffs["preferred"]
                      & tariffs["direction"].isin(list(DIRECTIONS))]
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

    ``status_quo`` keeps the projected rate and adds nothing; ``snap_back``
    adds the suspended points only if the layer they were taken from is still
    in force at the expiry (points cannot return to a layer that has ended or
    was voided); ``custom`` is the given rate.
    """
    cliff = pd.Timestamp(cliff)
    layers = projected_layers(tariffs, direction, cliff, ends, time_limited)
    kept = float(layers.sum())
    back = 0.0
    if suspension is not None and suspension.layer is not None and layers.get(suspension.layer, 0.0) > 0:
        back = suspension.points
    return {"status_quo": kept, "snap_back": kept + back, "custom": float(custom)}


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


def stack_frame(tariffs: pd.DataFrame, direction: str, start, end, unsourced: pd.Series | None = None) -> pd.DataFrame:
    """Rectangles of the stacked all-goods layers from ``start`` to ``end``.

    ``unsourced`` (layer -> the last date a source confirms it) splits a
    layer's band at that date: the part after it has ``sourced`` False. The
    rate is carried (a layer holds until its next row), so the band is not
    ended there, only no longer confirmed.

    Returns
    -------
    DataFrame
        ``date``, ``end``, ``layer``, ``rate``, ``y0``, ``y1``, ``sourced``:
        one row per layer in force between consecutive change dates, stacked in
        the order the layers first appeared.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    unsourced = unsourced if unsourced is not None else pd.Series(dtype="datetime64[ns]")
    rows = tf.headline_rows(tariffs, direction)
    order = list(dict.fromkeys(rows["layer"]))
    # tf.headline_steps drops dates where nothing is in force; the grid needs them to close the rectangles.
    dates = sorted({start} | {d for d in rows["effective"] if start < d <= end}
                   | {d for layer, d in unsourced.items() if layer in order and start < d < end})
    ends = dates[1:] + [end]
    frames = []
    for date, until in zip(dates, ends):
        if until <= date:
            continue
        here = tf.layer_rates_at(tariffs, direction, date)
        base = 0.0
        for layer in order:
            rate = float(here.get(layer, 0.0))
            if rate > 0:
                confirmed = layer not in unsourced.index or date < unsourced[layer]
                frames.append({"date": date, "end": until, "layer": layer, "rate": rate, "y0": base,
                               "y1": base + rate, "sourced": confirmed})
                base += rate
    return pd.DataFrame(frames, columns=["date", "end", "layer", "rate", "y0", "y1", "sourced"])


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
    """Readers' name of a layer: :data:`LAYER_LABELS`, else a Section 232 product by its name, else the slug in words.

    >>> layer_label("section_232_copper"), layer_label("some_new_layer")
    ('Section 232 copper (all origins)', 'some new layer')
    """
    if layer in LAYER_LABELS:
        return LAYER_LABELS[layer]
    if layer.startswith("section_232_"):
        return f"Section 232 {layer.removeprefix('section_232_').replace('_', ' ')} (all origins)"
    return layer.replace("_", " ")


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
        The scenario the page's text and table name at the next cliff
        (:data:`SCENARIOS`); the fan draws all of them alike.
    custom_rates : CustomRates
        Headline rates after the expiry under the ``"custom"`` scenario.
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
    cliff = next_cliff(commitments, known, suspensions, as_of_ts)
    horizon = max(as_of_ts, cliff) + pd.Timedelta(days=SCENARIO_TAIL_DAYS) if cliff is not None else as_of_ts

    outlooks = {d: outlook(known, known_events, d, suspensions.get(d), cliff, ends, as_of_ts, time_limited, custom[d])
                for d in DIRECTIONS}
    peaks = {d: tf.peak(known, d, o.sourced_through) for d, o in outlooks.items()}
    unsourced = {d: tf.not_sourced_after(known, d, as_of_ts) for d in (*DIRECTIONS, tf.OTHERS)}
    chart = chart_frame(known, outlooks, start, unsourced)
    zoom = detail_start(known, start)
    detail = chart_frame(known, outlooks, zoom, unsourced) if zoom is not None else None
    us_through = outlooks["us_on_china"].sourced_through
    premium = tf.premium_steps(known, start, us_through)

    averages = known[(known["kind"] == "average") & known["preferred"] & (known["effective"] >= start)
                     & known["direction"].isin(list(DIRECTIONS))]
    averages = averages.sort_values(["direction", "effective"]).reset_index(drop=True)
    estimates = tf.latest_estimates(known, as_of_ts).merge(
        sources[["source_id", "publisher", "reliability"]], on="source_id", how="left", validate="many_to_one")
    shown = key_events(events, as_of_ts, start)
    used = known[(known["kind"] == "headline") & known["preferred"] & known["direction"].isin(list(DIRECTIONS))]
    # A boolean Series, not a list: an empty list would select columns and drop source_id.
    used = used[pd.Series([e <= outlooks[d].sourced_through for e, d in zip(used["effective"], used["direction"])],
                          index=used.index, dtype=bool)]
    others = tf.headline_rows(known, tf.OTHERS, stacked_only=False)
    cited = set(used["source_id"]) | set(averages["source_id"]) | set(shown["source_id"]) | set(others["source_id"])
    cited |= set(estimates["source_id"])
    cited |= {s.source_id for s in suspensions.values()} | {e.source_id for e in ends}
    cited |= {o.ended_by["source_id"] for o in outlooks.values() if o.ended_by is not None}
    markers = marker_frame(shown, as_of_ts, cliff, ends)
    return TariffReport(
        as_of=as_of_ts, start=start, horizon=horizon, scenario=scenario, time_limited=time_limited, cliff=cliff,
        outlooks=outlooks, chart=chart, markers=markers[markers["date"] <= as_of_ts].reset_index(drop=True),
        detail=detail,
        detail_markers=markers[(markers["date"] >= zoom) & (markers["date"] <= as_of_ts)] if zoom is not None else None,
        events=shown, averages=averages, peaks=peaks,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
        dates=dates, first_layer=first_layer(tariffs), estimates=estimates,
        stack_changed={d: tf.last_stack_change(known, d, as_of_ts) for d in DIRECTIONS}, premium=premium,
        spans=pd.concat([span_frame(known, d, start, outlooks[d].sourced_through, unsourced[d]) for d in DIRECTIONS],
                        ignore_index=True),
        layers=layer_table(known, as_of_ts, unsourced), unsourced=unsourced,
        fan=fan_frame(known, outlooks, start, as_of_ts, horizon, time_limited),
    )


def outlook(known: pd.DataFrame, known_events: pd.DataFrame, direction: str, suspension: Suspension | None,
            cliff, ends: list[ScheduledEnd], as_of, time_limited: str, custom: float) -> Outlook:
    """Where one direction stands at the end of its sourced path and at the next cliff under each scenario.

    A direction whose suspension is moot (its layer no longer stands) or that
    has none is projected to the page's cliff: its own deadline changes no rate.
    """
    moot = suspension is not None and is_moot(known, suspension, as_of)
    own_cliff = suspension.deadline if suspension is not None and not moot else cliff
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
        rates=rates, other_rates=other_rates, suspension=suspension, moot=moot, layer_rate=layer_rate,
        layer_ended=ended, ended_by=ending_event(known_events, layer, ended) if ended is not None else None,
        open_ends=tuple(mine),
    )


def detail_start(known: pd.DataFrame, start) -> pd.Timestamp | None:
    """January 1 of the year the first all-goods layer applied, if that is after ``start``."""
    rows = known[(known["kind"] == "headline") & known["in_stack"] & known["preferred"] & (known["rate"] > 0)
                 & known["direction"].isin(list(DIRECTIONS))]
    if rows.empty:
        return None
    first = pd.Timestamp(year=rows["effective"].min().year, month=1, day=1)
    return first if first > pd.Timestamp(start) else None


CHART_COLUMNS = ["direction", "kind", "layer", "date", "end", "rate", "y0", "y1", "sourced", "series"]


def chart_frame(known: pd.DataFrame, outlooks: dict, start, unsourced: dict | None = None) -> pd.DataFrame:
    """One long frame for the stack chart: all-goods rectangles to each direction's sourced end, and averages.

    ``kind`` says which mark a row feeds (``stack``, ``average``); ``series``
    is the legend label; ``sourced`` is False on the part of a band after the
    last date a source confirms its layer (drawn faded, not ended).
    """
    unsourced = unsourced or {}
    frames = []
    for direction, o in outlooks.items():
        stack = stack_frame(known, direction, start, o.sourced_through, unsourced.get(direction))
        if len(stack):
            frames.append(stack.assign(kind="stack", direction=direction))
    averages = known[(known["kind"] == "average") & known["preferred"] & (known["effective"] >= pd.Timestamp(start))
                     & known["direction"].isin(list(outlooks))]
    points = averages.assign(date=averages["effective"], kind="average", sourced=True)
    if len(points):
        frames.append(points[["direction", "date", "layer", "rate", "kind", "sourced"]])
    # Every column, even when a kind has no rows (no stack before the first all-goods layer).
    chart = (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()).reindex(columns=CHART_COLUMNS[:-1])
    chart["series"] = [layer_label(layer) for layer in chart["layer"]]
    return chart


def span_frame(known: pd.DataFrame, direction: str, start, end, unsourced: pd.Series | None = None,
               stacked: bool = False) -> pd.DataFrame:
    """Bars of the product-specific layers (or, with ``stacked``, the all-goods ones): one per rate step.

    A step runs from its row (or ``start``) to the layer's next row or ``end``.
    A layer whose sourcing ends before ``end`` (``unsourced``: layer -> date)
    stops at that date with ``cut`` set, so the chart marks it "not sourced
    after" instead of drawing it on or ending it. Zero-rate rows end a layer
    and draw nothing.

    Returns
    -------
    DataFrame
        ``direction``, ``layer``, ``series``, ``date``, ``end``, ``rate``, ``cut``.
    """
    columns = ["direction", "layer", "series", "date", "end", "rate", "cut"]
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    unsourced = unsourced if unsourced is not None else pd.Series(dtype="datetime64[ns]")
    rows = tf.headline_rows(known, direction, stacked_only=False)
    rows = rows[(rows["in_stack"] == stacked) & (rows["effective"] <= end)]
    bars = []
    for layer, group in rows.groupby("layer", sort=False):
        stop = min(end, unsourced.get(layer, end))
        dates = list(group["effective"]) + [None]
        for (row, until) in zip(group.itertuples(), dates[1:]):
            last = until is None
            until = stop if last else min(until, stop)
            begin = max(row.effective, start)
            cut = bool(last and layer in unsourced.index)
            # A layer last confirmed on the day of its last row keeps a zero-width bar, so its mark is drawn.
            if row.rate > 0 and (begin < until or (cut and begin == until)):
                bars.append({"direction": direction, "layer": layer, "series": layer_label(layer), "date": begin,
                             "end": until, "rate": float(row.rate), "cut": cut})
    frame = pd.DataFrame(bars, columns=columns)
    # Typed even when empty, so frames of both directions concatenate to dates, not objects.
    return frame.astype({"date": "datetime64[ns]", "end": "datetime64[ns]", "rate": float, "cut": bool})


def layer_table(known: pd.DataFrame, as_of, unsourced: dict) -> pd.DataFrame:
    """One row per legal layer known at ``as_of`` (both directions and what other origins face).

    Returns
    -------
    DataFrame
        ``direction``, ``layer``, ``in_stack``, ``steps`` (list of
        ``(effective, rate)``), ``rate_now`` (rate in force at ``as_of``),
        ``ended`` (date of a closing zero row, else NaT), ``sourced_through``
        (last confirmation when it is before ``as_of``, else NaT),
        ``sources`` (list of source ids), ``scope`` (the latest row's).
    """
    out = []
    for direction in (*DIRECTIONS, tf.OTHERS):
        rows = tf.headline_rows(known, direction, stacked_only=False)
        rows = rows[rows["effective"] <= pd.Timestamp(as_of)]
        through = unsourced.get(direction, pd.Series(dtype="datetime64[ns]"))
        first_seen = rows.groupby("layer")["effective"].min().sort_values(kind="stable")
        for layer in first_seen.index:
            group = rows[rows["layer"] == layer]
            last = group.iloc[-1]
            out.append({
                "direction": direction, "layer": layer, "in_stack": bool(last["in_stack"]),
                "steps": [(pd.Timestamp(e), float(v)) for e, v in zip(group["effective"], group["rate"])],
                "rate_now": float(last["rate"]), "ended": pd.Timestamp(last["effective"]) if last["rate"] <= 0 else pd.NaT,
                "sourced_through": through.get(layer, pd.NaT), "sources": list(dict.fromkeys(group["source_id"])),
                "scope": last.get("scope", ""),
            })
    return pd.DataFrame(out, columns=["direction", "layer", "in_stack", "steps", "rate_now", "ended",
                                      "sourced_through", "sources", "scope"])


FAN_LINES = ("sourced", "carried", *SCENARIOS)
# How far before the report date the fan starts, so the reader sees the recent path it continues.
FAN_LEAD_DAYS = 365


def fan_frame(known: pd.DataFrame, outlooks: dict, start, as_of, horizon, time_limited: str) -> pd.DataFrame:
    """Step points of each direction's stack near the cliff and of every scenario after it, drawn alike.

    ``line`` is ``sourced`` (the stacked rate from the rows, to the sourced
    end), ``carried`` (rates carried, with unresolved scheduled ends applied
    as ``time_limited`` says, to the cliff) or a scenario name (its rate from
    the cliff to ``horizon``). Empty for a direction with no cliff.
    """
    columns = ["direction", "line", "date", "rate"]
    points = []
    for direction, o in outlooks.items():
        if o.cliff is None:
            continue
        frm = max(pd.Timestamp(start), o.sourced_through - pd.Timedelta(days=FAN_LEAD_DAYS))
        dates = sorted({frm} | {d for d in tf.headline_rows(known, direction)["effective"] if frm < d <= o.sourced_through})
        sourced = [(d, tf.stacked_headline(known, direction, d)) for d in dates] + [
            (o.sourced_through, tf.stacked_headline(known, direction, o.sourced_through))]
        points += [(direction, "sourced", d, r) for d, r in sourced]
        if o.sourced_through < o.cliff:
            carried = scenario_frame(known, direction, o.sourced_through, o.cliff, horizon, list(o.open_ends),
                                     time_limited, o.rates["status_quo"])
            points += [(direction, "carried", p.date, p.rate) for p in carried.itertuples() if p.phase == "carried"]
        begin = max(o.cliff, o.sourced_through)
        for name in SCENARIOS:
            points += [(direction, name, begin, o.rates[name]), (direction, name, max(horizon, begin), o.rates[name])]
    return pd.DataFrame(points, columns=columns)


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
