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
