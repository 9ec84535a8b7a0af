"""Formatting for report prose and tables: numbers, dates, safe HTML.

Notebook narrative is written as f-strings around these helpers, so prose
never contains a typed number. Text that comes from data files (titles,
descriptions) is always HTML-escaped before it reaches a report.
"""

from __future__ import annotations

import html
import math

import pandas as pd


def tonnes(value: float | None, lower_bound: bool = False) -> str:
    """Format a tonnage for prose: ``12.0 million t``, ``332,000 t``.

    >>> tonnes(12_000_000), tonnes(332_000), tonnes(None), tonnes(6_900_000, lower_bound=True)
    ('12.0 million t', '332,000 t', 'n/a', 'at least 6.9 million t')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{value / 1e6:,.1f} million t" if abs(value) >= 1e6 else f"{value:,.0f} t"
    return f"at least {text}" if lower_bound else text


def quantity(value: float | None, unit: str, lower_bound: bool = False) -> str:
    """Format an amount in a dataset unit (``t`` or ``usd``).

    >>> quantity(36_600_000_000, "usd"), quantity(5_000, "t")
    ('US$36.6 bn', '5,000 t')
    """
    if unit == "t":
        return tonnes(value, lower_bound)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"US${value / 1e9:,.1f} bn"
    return f"at least {text}" if lower_bound else text


def percent(value: float | None, digits: int = 0) -> str:
    """Format a percentage: ``57%``.

    >>> percent(57.46), percent(57.46, 1), percent(None)
    ('57%', '57.5%', 'n/a')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}%"


def day(value) -> str:
    """Format a date for prose: ``28 Feb 2026``; ``n/a`` for a missing date.

    >>> day("2026-02-28"), day(None)
    ('28 Feb 2026', 'n/a')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    return pd.Timestamp(value).strftime("%-d %b %Y")


def month_list(periods) -> str:
    """Join months for prose: ``Jan 2026, Feb 2026``; ``none`` when empty."""
    names = [pd.Period(p, freq="M").strftime("%b %Y") for p in periods]
    return ", ".join(names) if names else "none"


def md(text: str):
    """Display Markdown computed in a notebook cell."""
    from IPython.display import Markdown

    return Markdown(text)


def table(frame: pd.DataFrame, link_column: str | None = None):
    """Display a DataFrame as an escaped HTML table, optionally linking one column.

    Every cell is HTML-escaped, so text from data files (a description that
    contains ``<script>``) shows as text. ``link_column`` cells become links
    whose target and label are both escaped.
    """
    from IPython.display import HTML

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            escaped = html.escape(text)
            if column == link_column and text:
                escaped = f'<a href="{escaped}">{escaped}</a>'
            cells.append(f"<td>{escaped}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return HTML(f'<table class="truce-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
