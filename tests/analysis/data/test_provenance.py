"""Weak evidence is flagged only when no better source backs the same figure."""

import pandas as pd

from analysis.data.provenance import grade

SOURCES = pd.DataFrame({"source_id": ["p", "n", "s1", "s2"], "reliability": ["primary", "news", "secondary", "secondary"]})


def test_weak_only_when_every_source_of_the_figure_is_secondary():
    rows = pd.DataFrame({
        "period": ["2025-01", "2025-01", "2025-02", "2025-03", "2025-03"],
        "value": [1.0, 1.1, 2.0, 3.0, 3.1],
        "source_id": ["s1", "n", "p", "s1", "s2"],
    })
    graded = grade(rows, ["period"], SOURCES)
    assert graded["reliability"].tolist() == ["secondary", "news", "primary", "secondary", "secondary"]
    # January has a news source beside the secondary one; March has only secondary pages.
    assert graded["weak"].tolist() == [False, False, False, True, True]


def test_real_rare_earth_single_source_months_are_weak():
    from analysis.data import loaders

    rare = loaders.load_rare_earths()
    graded = grade(rare, ["series", "period_start", "period_end"])
    jan = graded[(graded["series"] == "magnet_exports_to_us") & (graded["period_start"] == "2025-01-01")
                 & (graded["period_end"] == "2025-01-31")]
    assert jan["weak"].all()
    assert len(graded) == len(rare)
