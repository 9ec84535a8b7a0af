"""What the purchase tracker shows: the per-source comparison, and the page before its subject exists."""


import altair as alt
import pandas as pd

from analysis.domain import purchases
from analysis.views import purchases as page
from support import notebook_defaults


def compute(**changed):
    return purchases.compute(**{**notebook_defaults("purchases"), **changed})


def test_default_report_compares_every_source():
    t = compute(as_of="2026-01-31")
    table = page.comparison_table(t).set_index("Source of the figure")
    assert len(table) == len(purchases.SERIES)
    # Each series is judged on its own at its own latest figure, and says which date.
    assert table.loc["USDA-reported export sales to China", "Status on its own"] == "on track as of 8 Jan 2026"
    assert table.loc["China customs arrivals from the US (lags purchases)", "Status on its own"] == \
        "behind as of 31 Dec 2025"
    assert table.loc["US exports to China (Census/USDA)", "Status on its own"] == "no figure yet"


def test_the_headline_says_met_names_the_source_and_dates_the_usda_figure():
    words = page.headline_text(compute(as_of="2026-01-31"))
    assert "is **met by 20 Jan 2026 (Purchases reported by traders and officials: 12.00 million t counted through " \
           "20 Jan 2026 (Reuters via Devdiscourse))**" in words
    assert "**at least 8.00 million t** counted through **8 Jan 2026**" in words
    assert "against 6.98 million t due on the linear path on that same date" in words
    assert "On its own this series reads *on track as of 8 Jan 2026*." in words
    assert "missed" not in words


def test_after_the_deadline_the_page_says_no_figure_since():
    t = compute(as_of="2026-03-31", commitment="soy-12mmt", flow_series="usda_sales_to_cn", met_from_any_source=False)
    assert "is **no figure since 8 Jan 2026**" in page.headline_text(t)
    assert "missed" not in page.headline_text(t)
    table = page.headline_table(t).set_index("Measure")["Value"]
    assert table["Target reached at recent pace"] == "n/a: the deadline has passed"


def test_the_first_screen_lists_the_live_pledges_on_3_december_2026():
    t = compute(as_of="2026-12-03")
    words = page.live_text(t)
    assert "`soy-25mmt-2026`: 25.00 million t of US soybeans, 1 Jan 2026 to 31 Dec 2026: **unresolved as of 21 Sep " \
           "2026: at least 12.50 million t counted through then, a floor below the 18.08 million t due on the path " \
           "that day, cannot show it behind**." in words
    # 17e9 * 229 / 365 = 10.67 bn, shown with its arithmetic.
    assert "**US&#36;10.7 bn** (derived: US&#36;17.0 bn × 229 of 365 days, 17 May 2026 to 31 Dec 2026)" in words
    assert "`beijing-cn-boeing`: 200 aircraft" in words and words.count("**No figure**") == 2
    assert list(page.live_table(t)["Pledge"]) == ["soy-25mmt-2026", "beijing-cn-boeing", "beijing-cn-farm-17bn"]
    history = page.history_text(t)
    assert "**replaced** on 3 Dec 2025 by `soy-12mmt`" in history
    assert "**met by 20 Jan 2026 (Purchases reported by traders and officials" in history
    assert "USDA-reported export sales to China: at least 11.96 million t counted through 30 Jun 2026" in history


def test_before_the_first_pledge_the_headline_says_so_and_names_it():
    t = compute(as_of="2018-06-30")
    assert page.headline_text(t).startswith(
        "No soybean purchase commitment with a tonnage target had been announced by 30 Jun 2018: the first, to buy "
        "12.0 million t of US soybeans between 30 Oct 2025 and 31 Dec 2025, was announced on 30 Oct 2025.")
    assert page.paths_text(t) == ("There is no target path: no soybean purchase commitment with a tonnage target "
                                  "had been announced by 30 Jun 2018.")
    assert set(page.comparison_table(t)["Status on its own"]) == {"no commitment"}


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
    assert "2024: by default, every full calendar year before the commitment starts" in words
    assert "On 31 Jan 2026 that is USDA-reported export sales to China." in words


def test_the_seasonal_profile_is_said_with_its_years_and_basis():
    # The 2026 pledge: 2024 and 2025 averaged, so September to December are not empty (2024 had arrivals then).
    t = compute(as_of="2026-03-31")
    assert t.baseline_years == (2024, 2025)
    words = page.paths_text(t)
    assert "in 2024, 2025 (each year weighs the same)" in words and "No US soybeans arrived" not in words
    # Sales are not pro-rated with arrivals: the page says so.
    assert "No seasonal profile of sales or tallies is sourced" in words


def test_month_ranges_join_runs():
    months = [pd.Period(m, "M") for m in ("2016-07", "2016-08", "2016-09", "2018-01")]
    assert page._month_ranges(months) == "Jul 2016 to Sep 2016, Jan 2018"
    assert page._month_ranges([]) == "none"


def test_the_expected_amount_is_shown_even_without_a_figure():
    # 31 Mar 2026, soy-25mmt-2026 on the linear path: 90 of 365 days of 25 MMT = 6.164 MMT.
    t = compute(as_of="2026-03-31", method="linear")
    assert t.progress.counted_through is None
    row = page.headline_table(t).set_index("Measure").loc["Due by 31 Mar 2026 (linear path)", "Value"]
    assert row == "6.16 million t"
