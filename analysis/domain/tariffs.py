"""Tariff reconstruction: the stacked headline rate in either direction at any date.

``tariffs.csv`` records each legal layer's rate from its effective date until
the layer's next row. The stacked headline rate is the sum of the all-goods
layers in force (``in_stack``); product-specific layers such as Section 301
are kept out of the stack because they apply only to the goods they cover.
"""

from __future__ import annotations

import pandas as pd

DIRECTIONS = {"us_on_china": "US tariffs on China", "china_on_us": "China's tariffs on the US"}


def headline_rows(tariffs: pd.DataFrame, direction: str, stacked_only: bool = True) -> pd.DataFrame:
    """Preferred headline rows of one direction, oldest first."""
    rows = tariffs[(tariffs["kind"] == "headline") & tariffs["preferred"] & (tariffs["direction"] == direction)]
    if stacked_only:
        rows = rows[rows["in_stack"]]
    return rows.sort_values(["effective", "layer"]).reset_index(drop=True)


def layer_rates_at(tariffs: pd.DataFrame, direction: str, when, stacked_only: bool = True) -> pd.Series:
    """Rate of each layer in force at the end of ``when`` (layers not yet started are absent).

    >>> t = pd.DataFrame({"effective": pd.to_datetime(["2025-02-04", "2025-03-04", "2025-04-05"]),
    ...                   "direction": "us_on_china", "layer": ["fent", "fent", "recip"], "rate": [10.0, 20.0, 10.0],
    ...                   "kind": "headline", "in_stack": True, "preferred": True})
    >>> layer_rates_at(t, "us_on_china", "2025-03-31").to_dict()
    {'fent': 20.0}
    """
    rows = headline_rows(tariffs, direction, stacked_only)
    rows = rows[rows["effective"] <= pd.Timestamp(when)]
    return rows.groupby("layer")["rate"].last()


def stacked_headline(tariffs: pd.DataFrame, direction: str, when) -> float:
    """Sum of the all-goods layers in force at ``when``; 0 before any layer starts."""
    return float(layer_rates_at(tariffs, direction, when).sum())


def headline_steps(tariffs: pd.DataFrame, direction: str, start, end) -> pd.DataFrame:
    """Step table of the stack: one row per (change date, layer) from ``start`` to ``end``.

    Returns
    -------
    DataFrame
        ``date``, ``layer``, ``rate``: the rate of every stacked layer from
        each change date (and ``start``) until the next; zero-rate layers are
        dropped, so a layer that ended simply disappears.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = headline_rows(tariffs, direction)
    changes = sorted({start} | {d for d in rows["effective"] if start < d <= end})
    frames = []
    for date in changes:
        rates = layer_rates_at(tariffs, direction, date)
        rates = rates[rates > 0]
        frames.append(pd.DataFrame({"date": date, "layer": rates.index, "rate": rates.to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["date", "layer", "rate"])


def peak(tariffs: pd.DataFrame, direction: str, through) -> tuple[pd.Timestamp | None, float]:
    """Highest stacked headline rate up to ``through`` and the first date it applied."""
    rows = headline_rows(tariffs, direction)
    dates = [d for d in rows["effective"] if d <= pd.Timestamp(through)]
    best_date, best = None, 0.0
    for date in sorted(set(dates)):
        rate = stacked_headline(tariffs, direction, date)
        if rate > best:
            best_date, best = date, rate
    return best_date, best


# ---------------------------------------------------------------- other origins and the China premium

# The all-goods additional US rate most other countries face (the global baseline layers).
OTHERS = "us_on_others"


def premium_steps(tariffs: pd.DataFrame, start, end) -> pd.DataFrame:
    """The China-specific premium by date: US stack on China minus the stack most other countries face.

    Pass only the rows known at the report date. Both stacks are read from
    their own dated all-goods rows, at ``start`` and at every change of
    either side up to ``end``; each rate holds until the next change.

    Returns
    -------
    DataFrame
        ``date``, ``china``, ``others``, ``premium``; empty when no
        ``us_on_others`` row is known (the rate others face has no figure).

    >>> t = pd.DataFrame({"effective": pd.to_datetime(["2025-02-04", "2025-04-05", "2025-04-05"]),
    ...                   "direction": ["us_on_china", "us_on_china", "us_on_others"], "layer": ["f", "r", "r"],
    ...                   "rate": [20.0, 10.0, 10.0], "kind": "headline", "in_stack": True, "preferred": True})
    >>> premium_steps(t, "2025-03-01", "2025-06-30")[["china", "others", "premium"]].values.tolist()
    [[20.0, 0.0, 20.0], [30.0, 10.0, 20.0]]
    """
    columns = ["date", "china", "others", "premium"]
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if headline_rows(tariffs, OTHERS).empty:
        return pd.DataFrame(columns=columns)
    changes = pd.concat([headline_rows(tariffs, "us_on_china")["effective"], headline_rows(tariffs, OTHERS)["effective"]])
    dates = sorted({start} | {d for d in changes if start < d <= end})
    rows = []
    for date in dates:
        china, others = stacked_headline(tariffs, "us_on_china", date), stacked_headline(tariffs, OTHERS, date)
        rows.append({"date": date, "china": china, "others": others, "premium": china - others})
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- how far each layer is sourced


def not_sourced_after(tariffs: pd.DataFrame, direction: str, as_of, stacked_only: bool = False) -> pd.Series:
    """Layers in force at ``as_of`` whose sourcing ends before it: layer -> the last date a source confirms.

    A layer's last row (among the rows known at ``as_of``) may carry
    ``sourced_through``: the newest date a graded source confirms the layer
    still in force. When that date is before ``as_of`` the layer is not known
    to have ended, but nothing confirms it after that date. Layers at zero
    (ended) and rows with no ``sourced_through`` (a current rule) are left out.

    >>> t = pd.DataFrame({"effective": pd.to_datetime(["2018-07-06", "2019-05-10"]), "direction": "us_on_china",
    ...                   "layer": ["l1", "l3"], "rate": [25.0, 25.0], "kind": "headline", "in_stack": False,
    ...                   "preferred": True, "sourced_through": pd.to_datetime(["2025-05-01", None])})
    >>> not_sourced_after(t, "us_on_china", "2026-01-01").to_dict()
    {'l1': Timestamp('2025-05-01 00:00:00')}
    >>> not_sourced_after(t, "us_on_china", "2025-04-30").empty  # confirmed beyond as_of
    True
    """
    as_of = pd.Timestamp(as_of)
    rows = headline_rows(tariffs, direction, stacked_only)
    rows = rows[rows["effective"] <= as_of]
    if "sourced_through" not in rows.columns or rows.empty:
        return pd.Series(dtype="datetime64[ns]")
    last = rows.groupby("layer").tail(1).set_index("layer")
    through = pd.to_datetime(last["sourced_through"])
    open_ended = (last["rate"] > 0) & through.notna() & (through < as_of)
    return through[open_ended].rename(None)


# ---------------------------------------------------------------- published estimates

DUTIES_COLLECTED = "duties collected"
STATUTORY = "statutory, not collected"


def estimate_basis(scope) -> str:
    """Whether a published average measures duties collected or statutory rates, read from its ``scope``.

    Scopes that say duties were collected (``customs duties collected divided
    by imports``) are ``duties collected``; every other published average
    weighs statutory rates by trade (``not duties collected``, or silent).

    >>> estimate_basis("all goods; customs duties collected divided by imports (collected, not statutory)")
    'duties collected'
    >>> estimate_basis("all goods; statutory import-weighted rate under current law (not duties collected)")
    'statutory, not collected'
    >>> estimate_basis(None)
    'statutory, not collected'
    """
    if not isinstance(scope, str):
        return STATUTORY
    text = scope.lower().replace("not duties collected", "").replace("not collected", "")
    return DUTIES_COLLECTED if "collected" in text else STATUTORY


def latest_estimates(tariffs: pd.DataFrame, as_of, directions=tuple(DIRECTIONS)) -> pd.DataFrame:
    """Each estimator's latest preferred published average dated on or before ``as_of``, per direction.

    An estimator is a ``kind=average`` layer (``piie_average``, ``crs_average`` ...).
    Averages are dated by their ``effective`` date; a figure dated after
    ``as_of`` is not yet known. Adds ``basis`` (:func:`estimate_basis`) and
    ``age_days`` (days from the figure's date to ``as_of``).

    Returns
    -------
    DataFrame
        The chosen rows, newest first within each direction.
    """
    as_of = pd.Timestamp(as_of)
    rows = tariffs[(tariffs["kind"] == "average") & tariffs["preferred"] & tariffs["direction"].isin(directions)
                   & (tariffs["effective"] <= as_of)]
    latest = rows.sort_values(["direction", "layer", "effective"]).groupby(["direction", "layer"]).tail(1)
    latest = latest.assign(basis=[estimate_basis(s) for s in latest["scope"]],
                           age_days=[(as_of - d).days for d in latest["effective"]])
    order = {d: i for i, d in enumerate(directions)}
    return (latest.assign(_order=latest["direction"].map(order))
            .sort_values(["_order", "effective", "layer"], ascending=[True, False, True])
            .drop(columns="_order").reset_index(drop=True))


def last_stack_change(tariffs: pd.DataFrame, direction: str, as_of) -> pd.Timestamp | None:
    """The newest date on or before ``as_of`` when an all-goods layer of ``direction`` changed."""
    rows = headline_rows(tariffs, direction)
    dates = rows.loc[rows["effective"] <= pd.Timestamp(as_of), "effective"]
    return None if dates.empty else pd.Timestamp(dates.max())


# Which direction a party's tariff suspension belongs to.
PARTY_DIRECTION = {"US": "us_on_china", "China": "china_on_us"}


def suspended_layer(tariffs: pd.DataFrame, direction: str, when) -> str | None:
    """The stacked layer whose row in force at ``when`` says part of it is suspended."""
    rows = headline_rows(tariffs, direction)
    rows = rows[rows["effective"] <= pd.Timestamp(when)]
    latest = rows.groupby("layer").tail(1)
    hits = latest[latest["scope"].fillna("").str.contains("suspend", case=False)]
    return hits.iloc[-1]["layer"] if len(hits) else None


def moot_suspensions(commitments: pd.DataFrame, tariffs: pd.DataFrame, as_of) -> set[str]:
    """Tariff suspensions known on ``as_of`` whose suspended layer no longer stands then.

    A suspension of a tariff that has been voided or ended (the IEEPA tariffs after the Supreme
    Court's ruling of February 2026) can no longer snap back, so its deadline is not a cliff.

    >>> t = pd.DataFrame({"effective": pd.to_datetime(["2025-05-14", "2026-02-24"]), "direction": "us_on_china",
    ...                   "layer": "recip", "rate": [10.0, 0.0], "kind": "headline", "in_stack": True,
    ...                   "preferred": True, "scope": ["all goods; 24 points suspended", "all goods"]})
    >>> c = pd.DataFrame({"commitment_id": ["us-suspension"], "metric": "tariff_suspension", "party": "US",
    ...                   "announced": pd.to_datetime(["2025-11-01"]), "start": pd.to_datetime(["2025-11-10"])})
    >>> moot_suspensions(c, t, "2026-01-31"), moot_suspensions(c, t, "2026-03-31")
    (set(), {'us-suspension'})
    """
    as_of = pd.Timestamp(as_of)
    known = commitments[(commitments["metric"] == "tariff_suspension") & (commitments["announced"] <= as_of)]
    rows = tariffs[tariffs["effective"] <= as_of]
    moot = set()
    for row in known.itertuples():
        direction = PARTY_DIRECTION.get(row.party)
        layer = suspended_layer(rows, direction, row.start) if direction else None
        if layer is not None and float(layer_rates_at(rows, direction, as_of).get(layer, 0.0)) <= 0:
            moot.add(row.commitment_id)
    return moot
