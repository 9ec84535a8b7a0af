"""What the rare-earth magnet report shows: labels, and what a page says before its subject exists."""

import altair as alt
import pandas as pd
import pytest
from IPython.display import HTML, Markdown

from analysis.domain import rare_earths as rx
from analysis.views import rare_earths as page

AUTO = {"baseline_start": "auto", "baseline_end": "auto", "chart_from": "auto"}


@pytest.fixture(scope="module")
def reports():
    """The report computed at dates before, around and after the controls began."""
    return {d: rx.compute(as_of=d, **AUTO) for d in ("2018-06-30", "2020-06-30", "2025-03-31", "2025-06-30",
                                                     "2026-11-30")}


def test_small_helpers():
    assert page.period_label("2025-12-01", "2026-01-31") == "Dec 2025-Jan 2026"
    months = [pd.Period(m, "M") for m in ("2024-11", "2024-12", "2025-01", "2025-03")]
    assert page.month_ranges(months) == "Nov 2024 to Jan 2025, Mar 2025"


def test_before_any_figure_the_page_says_there_is_nothing_yet(reports):
    r = reports["2018-06-30"]
    headline = page.headline_text(r)
    assert headline.startswith("**No export-control regime on rare-earth magnets before 4 Apr 2025**: "
                               "China's controls on them began then (licences required for medium and heavy")
    assert ("No monthly figure for China's exports of rare-earth permanent magnets (HS 8505.11) in the sources "
            "ends by 30 Jun 2018.") in headline
    assert ("No index is computed: the baseline period (Jul 2024 to Mar 2025) is not complete on 30 Jun 2018"
            in headline)
    assert page.regimes_text(r) == "No control regime had begun by 30 Jun 2018; the first began on 4 Apr 2025."
    assert page.gaps_text(r).splitlines() == ["- All destinations: **Jun 2016 to Jun 2018**.",
                                              "- To the United States: **Jun 2016 to Jun 2018**.",
                                              "- No figure of either series is dated by 30 Jun 2018."]


def test_empty_figures_and_tables_become_sentences(reports):
    r = reports["2018-06-30"]
    exports, index = page.exports_chart(r), page.index_chart(r)
    assert isinstance(exports, Markdown) and exports.data == (
        "*No chart: no monthly figure of China's magnet exports in the sources falls between 1 Jun 2016 and "
        "30 Jun 2018.*")
    assert index.data == "*No chart: no index before the baseline period ends on 31 Mar 2025.*"
    assert page.regime_section(r).data == "*No regime to list: none had begun by 30 Jun 2018.*"
    assert page.monthly_section(r).data == "*No monthly figure falls between 1 Jun 2016 and 30 Jun 2018.*"
    assert page.sources_section(r).data.startswith("*No source is cited")
    assert page.recovery_table(r)["Recovery ratio (latest / baseline)"].tolist() == ["n/a", "n/a"]


def test_figures_before_the_baseline_are_shown_without_an_index(reports):
    r = reports["2020-06-30"]
    assert ("The latest monthly figures for China's exports of rare-earth permanent magnets (HS 8505.11) are "
            "**3,091 t** to all destinations in Oct 2019; and **477 t** to the US in Oct 2019.") in page.headline_text(r)
    chart = page.exports_chart(r)
    assert isinstance(chart, alt.VConcatChart)
    assert all(rows for rows in chart.to_dict()["datasets"].values())  # no regime layer with no rows
    assert isinstance(page.index_chart(r), Markdown)
    table = page.monthly_table(r)
    assert table.loc[table["Period"] == "Oct 2019", "All destinations: index"].tolist() == [""]


def test_between_the_baseline_and_the_controls_the_index_is_shown_without_regimes(reports):
    r = reports["2025-03-31"]
    headline = page.headline_text(r)
    assert headline.startswith("**No export-control regime on rare-earth magnets before 4 Apr 2025**")
    assert "of the baseline monthly average" in headline and "No index" not in headline
    assert "low point" not in headline  # nothing since the controls yet
    chart = page.index_chart(r)
    assert isinstance(chart, alt.LayerChart) and all(rows for rows in chart.to_dict()["datasets"].values())


def test_after_the_controls_the_headline_gives_the_low_point(reports):
    headline = page.headline_text(reports["2025-06-30"])
    assert not headline.startswith("**No export-control")
    assert "Since the controls began on 4 Apr 2025, the low point was May 2025 to all destinations (index 23)" in headline


def test_the_regime_prose_reads_the_extension(reports):
    r = reports["2026-11-30"]
    table = page.regime_table(r)
    assert table["Regime"].iloc[-1].startswith("Suspension extended to 10 Jan 2027")
    assert table["To"].iloc[-1] == "30 Nov 2026"
    assert "scheduled end passed" not in " ".join(table["Regime"])
    prose = page.regimes_text(r)
    assert "stays in force throughout: the suspension covered only the October package." in prose
    assert ("(10 Nov 2026, event 2026-11-10-scheduled-expiry-announcement-70) is not a regime boundary here: later "
            "events moved it (2026-09-23-bessent-truce-extended-to-2027-01-10, "
            "2026-09-25-mofcom-kl-arrangement-extended).") in prose
    assert isinstance(page.regime_section(r), HTML)


def test_where_the_figures_end_comes_from_the_dates(reports):
    r = reports["2026-11-30"]
    lines = page.gaps_text(r).splitlines()
    assert ("- To the United States: figures run to 31 Jul 2026, but those after 31 Mar 2026 cover more than 2 "
            "months together and are not split into months.") in lines
    assert lines[-1] == "- No figure in the sources ends after 31 Jul 2026; nothing later is assumed."


def test_the_method_states_the_rules_that_chose_the_dates(reports):
    text = page.method_text(reports["2020-06-30"])
    assert ("- **Baseline**: the 9 whole months before the month in which the first control regime began "
            "(4 Apr 2025): Jul 2024 to Mar 2025.") in text
    assert "- **Chart window**: from Jun 2018, 6 months before the baseline once" in text
    given = rx.compute(as_of="2025-06-30", baseline_start="2024-07-01", baseline_end="2024-09-30",
                       chart_from="2025-01-01")
    assert "set by the report's parameters: 1 Jul 2024 to 30 Sep 2024" in page.method_text(given)
    assert "from Jan 2025, set by the report's parameters" in page.method_text(given)
