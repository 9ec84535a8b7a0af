"""The dates block at the top of every page: as of, evidence through, compiled, and each series' age.

Built from :class:`analysis.data.evidence.ReportDates`, so every page words and
dates its evidence the same way.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import evidence
from analysis.views import text


def dates_text(dates: evidence.ReportDates) -> str:
    """First paragraph: the three dates, then the series that are stale on the as-of date.

    >>> import pandas as pd
    >>> s = evidence.SeriesDate("events", "Events ledger", pd.Timestamp("2026-10-07"), pd.Timestamp("2026-07-23"),
    ...                         57, 30, "dated events")
    >>> d = evidence.ReportDates(pd.Timestamp("2026-12-03"), pd.Timestamp("2026-12-04"), (s,))
    >>> print(dates_text(d))
    **As of 3 Dec 2026** (the day this page is judged at) · **evidence through 7 Oct 2026** (its newest dated figure) · compiled 4 Dec 2026.
    <BLANKLINE>
    Stale on the as-of date: Events ledger (no figure since 7 Oct 2026).
    """
    newest = dates.evidence_through
    lead = (f"**As of {text.day(dates.as_of)}** (the day this page is judged at) · "
            f"**evidence through {text.day(newest) if newest is not None else 'no dated evidence yet'}** "
            f"(its newest dated figure) · compiled {text.day(dates.compiled)}.")
    stale = [f"{s.label} (no figure since {text.day(s.through)})" for s in dates.stale]
    if stale:
        lead += "\n\nStale on the as-of date: " + "; ".join(stale) + "."
    if dates.missing:
        lead += "\n\nNo figure yet by the as-of date: " + "; ".join(s.label for s in dates.missing) + "."
    return lead


def status(s: evidence.SeriesDate) -> str:
    """How current one series is on the as-of date, in words."""
    if s.through is None:
        return "no figure yet"
    if s.stale_after_days is None:
        return "ledger: holds until a sourced change"
    if s.stale:
        return f"stale: older than {s.stale_after_days} days"
    return "current"


def series_table(dates: evidence.ReportDates) -> pd.DataFrame:
    """One row per series the page uses, in the style of "based on data released on ...".

    >>> import pandas as pd
    >>> s = evidence.SeriesDate("events", "Events ledger", pd.Timestamp("2026-10-07"), pd.Timestamp("2026-07-23"),
    ...                         57, 30, "dated events")
    >>> series_table(evidence.ReportDates(pd.Timestamp("2026-12-03"), pd.Timestamp("2026-12-03"), (s,))).iloc[0].tolist()
    ['Events ledger', '7 Oct 2026', '23 Jul 2026', '57', 'stale: older than 30 days']
    """
    return pd.DataFrame({
        "Series": [s.label for s in dates.series],
        "Data through": [text.day(s.through) if s.through is not None else "none" for s in dates.series],
        "Through, primary or news sources only": [text.day(s.firm_through) if s.firm_through is not None else "none"
                                                  for s in dates.series],
        "Days old on the as-of date": [str(s.age_days) if s.age_days is not None else "" for s in dates.series],
        "Status": [status(s) for s in dates.series],
    })


def method_text() -> str:
    """How the dates are defined, for each page's method section."""
    return (
        "**Dates.** *As of* is the day the page is judged at: only evidence dated on or before it is used. "
        "*Evidence through* is, for each series, the newest date a figure of it covers among figures dated by the "
        "as-of date (for an event, the day it happened; for a scheduled deadline, the day it was reported); the "
        "page's date is the newest of its series. Every graded source counts; the column *primary or news sources "
        "only* shows how far the figures reach without secondary pages. A monthly series is *stale* when its newest "
        "month ended more than 60 days before the as-of date; weekly sales, traders' tallies and the events ledger "
        "after 30 days; published average-tariff estimates after 120 days. Ledgers of changes (tariff rates, "
        "commitments, truces) hold until the next sourced change and are not called stale. *Compiled* is the day "
        "the page was built."
    )
