"""What the purchase tracker shows: the per-source comparison, and the page before its subject exists."""


import altair as alt
import pandas as pd

from analysis.domain import commitments as cm
from analysis.domain import purchases
from analysis.views import purchases as page
from support import notebook_defaults


def compute(**changed):
    return purchases.compute(**{**notebook_defaults("purchases"), **changed})


def test_default_report_compares_every_source():
    t = compute(as_of="2026-01-31")
    table = page.comparison_table(t)
    assert len(table) == len(purchases.SERIES)
    assert set(table["Status"]) <= set(cm.STATUSES) | {"no data"}


def test_before_the_first_pledge_the_headline_says_so_and_names_it():
    t = compute(as_of="2018-06-30")
    assert page.headline_text(t).startswith(
        "No soybean purchase commitment with a tonnage target had been announced by 30 Jun 2018: the first, to buy "
        "12.0 million t of US soybeans between 30 Oct 2025 and 31 Dec 2025, was announced on 30 Oct 2025.")
    assert page.paths_text(t) == ("There is no target path: no soybean purchase commitment with a tonnage target "
                                  "had been announced by 30 Jun 2018.")
    assert set(page.comparison_table(t)["Status"]) == {"no commitment"}


def test_before_the_first_pledge_the_cumulative_chart_is_a_sentence_and_the_arrivals_are_drawn():
    t = compute(as_of="2018-06-30")
    assert page.cumulative_chart(t).data == (
        "*No chart: no soybean purchase commitment with a tonnage target had been announced by 30 Jun 2018, "
        "so there is no cumulative total or target path to draw.*")
    flows = page.flows_chart(t)
    assert isinstance(flows, alt.LayerChart)
    assert all(rows for rows in flows.to_dict()["datasets"].values())


def test_no_arrival_figure_in_the_window_gives_a_sentence():
    # In Jan 2018 only the annual 2017 total precedes the window's end... and December 2017 is in the window;
    # start the window in January 2018 and nothing monthly is known by 31 Jan 2018.
    t = compute(as_of="2018-01-31", flows_from="2018-01-01")
    assert page.flows_chart(t).data == ("*No chart: the sources give no China customs figure for monthly arrivals "
                                        "of US soybeans from 1 Jan 2018 to 31 Jan 2018.*")


def test_a_pledge_not_yet_begun_is_said_so():
    t = compute(as_of="2025-11-30", commitment="soy-25mmt-2026")
    assert "The period had not begun, so there is nothing to measure yet." in page.headline_text(t)
    assert page.cumulative_chart(t).data == "*No chart: the commitment period begins on 1 Jan 2026, after the as-of date.*"


def test_the_page_states_how_auto_chose():
    t = compute(as_of="2026-01-31")
    words = page.choices_text(t)
    assert "On 31 Jan 2026 that is `soy-12mmt`, to buy 12.0 million t of US soybeans between 30 Oct 2025 and " \
           "28 Feb 2026: its period contains that date." in words
    assert "From 1 Jan 2024: by default, January of the year before the commitment starts." in words
    assert "2024: by default, the last full calendar year before the commitment starts" in words


def test_a_baseline_year_without_arrivals_in_some_months_is_flagged():
    # 2025: no US soybeans arrived from September to December, so the 2026 seasonal path expects nothing then.
    t = compute(as_of="2026-03-31")
    assert t.baseline_year == 2025
    assert "No US soybeans arrived in Sep 2025 to Dec 2025" in page.paths_text(t)


def test_month_ranges_join_runs():
    months = [pd.Period(m, "M") for m in ("2016-07", "2016-08", "2016-09", "2018-01")]
    assert page._month_ranges(months) == "Jul 2016 to Sep 2016, Jan 2018"
    assert page._month_ranges([]) == "none"


def test_the_expected_amount_is_shown_even_without_a_figure():
    # 31 Mar 2026, soy-25mmt-2026 on the linear path: 90 of 365 days of 25 MMT = 6.164 MMT.
    t = compute(as_of="2026-03-31", method="linear")
    assert t.progress is None
    row = page.headline_table(t).set_index("Measure").loc["Expected by 31 Mar 2026 (linear path)", "Value"]
    assert row == "6.2 million t"
