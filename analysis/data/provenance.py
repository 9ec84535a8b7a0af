"""Evidence grading: attach each row's source reliability and flag weak figures.

A figure is *weak* when every source for it (every row with the same key,
conflicting or not) is a ``secondary`` page. Reports show the flag next to the
number; ``data/README.md`` explains the grades.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.loaders import load_sources


def grade(frame: pd.DataFrame, key: list[str], sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``frame`` with ``reliability`` and ``weak`` columns added.

    Parameters
    ----------
    frame : DataFrame
        Rows with a ``source_id`` column.
    key : list of str
        Columns that identify one figure (e.g. series and period); rows sharing
        a key are alternative sources for the same figure.
    sources : DataFrame, optional
        ``sources.csv``; loaded when not given.
    """
    sources = load_sources() if sources is None else sources
    graded = frame.merge(sources[["source_id", "reliability"]], on="source_id", how="left", validate="many_to_one")
    only_secondary = graded.groupby(key, dropna=False)["reliability"].transform(lambda r: (r == "secondary").all())
    graded["weak"] = only_secondary.astype(bool)
    graded.index = frame.index
    return graded


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The closing "Sources" table of a report: who published what, when, how reliable, where.

    Parameters
    ----------
    sources : DataFrame
        Rows of ``sources.csv`` the report cited.
    """
    frame = sources[["publisher", "title", "published", "reliability", "url"]].copy()
    frame["published"] = frame["published"].dt.strftime("%Y-%m-%d").fillna("")
    return frame.rename(columns=str.capitalize)
