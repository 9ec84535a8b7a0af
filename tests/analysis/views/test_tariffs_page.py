"""The tariff page's prose and figures: before the first tariff layer, before the first all-goods layer, and now."""

import dataclasses
import functools

import altair as alt
import pandas as pd
import pytest

from analysis.domain import scenarios as ts
from analysis.views import tariffs as tr
from support import notebook_defaults

US, CN = "us_on_china", "china_on_us"


@functools.lru_cache(maxsize=None)
def report(as_of: str, chart_from: str | None = None) -> ts.TariffReport:
    """The report on the real data with the notebook's defaults, as of ``as_of``."""
    p = notebook_defaults("tariffs")
    rates = ts.CustomRates(us_on_china=p["custom_rate_us_on_china"], china_on_us=p["custom_rate_china_on_us"])
    return ts.compute(as_of=as_of, chart_from=chart_from or p["chart_from"], scenario=p["scenario"],
                      custom_rates=rates, time_limited=p["time_limited"])


def shown(output) -> str:
    """The Markdown a no-chart figure shows."""
    assert not isinstance(output, alt.TopLevelMixin), "expected a sentence, got a chart"
    return output.data


def test_before_the_first_layer_the_headline_says_so_and_names_it():
    text = tr.headline_text(report("2018-06-30"))
    assert text.startswith("**No tariff layer is in force in either direction on 30 Jun 2018.** The first dated in "
                           "this project's sources, US tariffs on China: Section 301 (listed goods only), applies "
                           "from **1 Dec 2018**.")
    # The one figure dated by then is PIIE's January 2018 average of the US tariff.
    assert "PIIE's trade-weighted average of US tariffs on China: 3% for 1 Jan 2018." in text
    assert "no expiry to project" in text


def test_before_the_first_layer_both_figures_are_sentences():
    r = report("2018-06-30")
    assert shown(tr.stack_chart(r)) == ("*No chart: no tariff layer dated in this project's sources is in force "
                                        "before 1 Dec 2018.*")
    assert "none applies in the period shown" in shown(tr.detail_chart(r))
    assert tr.detail_text(r) == ""  # no caption without a close-up
    assert tr.scenario_text(r) == "No tariff suspension was in force on 30 Jun 2018, so there is no expiry to project."
    assert tr.outlook_table(r)["Expiry"].tolist() == ["none", "none"]


def test_with_no_layer_in_the_period_and_none_to_come_the_chart_says_so_plainly():
    r = report("2018-06-30")
    after = dataclasses.replace(r, first_layer=ts.FirstLayer(pd.Timestamp("2018-01-01"), US, "section_301"))
    assert shown(tr.stack_chart(after)) == "*No chart: no tariff layer is in force in the period shown.*"
    assert tr.first_layer_text(after) == ("**No tariff layer is in force in either direction on 30 Jun 2018.** "
                                          "PIIE's trade-weighted average of US tariffs on China: 3% for 1 Jan 2018.")


def test_between_the_first_listed_layer_and_the_first_all_goods_layer():
    r = report("2020-06-30")
    text = tr.headline_text(r)
    assert "US tariffs on China: no all-goods tariff; Section 301 (listed goods only): up to 25%" in text
    # China's 2018-19 retaliation is not dated in the sources: the page says so and gives PIIE's average.
    assert ("China's tariffs on the US: no tariff layer dated in this project's sources is in force "
            "(PIIE's trade-weighted average: 21.1% for 14 Feb 2020)") in text
    chart = tr.stack_chart(r)
    assert isinstance(chart, alt.VConcatChart)
    assert all(rows for rows in chart.to_dict()["datasets"].values())
    assert "none applies in the period shown" in shown(tr.detail_chart(r))


def test_a_chart_that_starts_in_the_first_all_goods_year_has_no_close_up():
    r = report("2025-06-30", chart_from="2025-01-01")
    assert r.detail is None
    assert shown(tr.detail_chart(r)) == ("*No chart: the chart above already starts in the year the first "
                                         "all-goods layer applied.*")


def test_the_headline_reads_the_ledger_date_from_the_page_dates_and_says_where_each_side_is_read():
    r = report("2026-12-01")
    ledger = r.dates.get("tariff_rates").through
    assert ledger == pd.Timestamp("2026-07-24")
    text = tr.headline_text(r)
    assert "from the tariff-rate ledger (its newest change is dated 24 Jul 2026;" in text
    # The US path stops at its suspension's expiry, which no source resolves; China's runs to the as-of date.
    assert ("US tariffs on China: **12.5%** on all goods (in force from 24 Jul 2026), down from a peak of **145%** "
            "(from 10 Apr 2025), as read on 10 Nov 2026 (the expiry of its tariff suspension; the chart projects "
            "after it)") in text
    assert "China's tariffs on the US: **10%** on all goods (in force from 14 May 2025)" in text
    assert tr.headline_table(r)["Read on"].tolist() == ["10 Nov 2026", "1 Dec 2026"]
    page = " ".join([text, tr.stack_text(r), tr.scenario_text(r), tr.gaps_text(r)])
    assert "sourced up to" not in page


def test_gaps_date_the_averages_from_the_page_dates():
    r = report("2026-12-01")
    through = r.dates.get("tariff_averages").through
    assert tr.gaps_text(r).splitlines()[0] == (
        f"- Published average-tariff estimates, all estimators: the newest is for {through:%-d %b %Y}.")


@pytest.mark.parametrize("as_of", ["2018-01-31", "2018-12-31", "2025-03-31", "2026-12-01"])
def test_every_chart_returned_has_rows_in_every_dataset(as_of):
    r = report(as_of)
    for figure in (tr.stack_chart(r), tr.detail_chart(r)):
        if isinstance(figure, alt.TopLevelMixin):
            datasets = figure.to_dict()["datasets"]
            assert datasets and all(rows for rows in datasets.values())
        else:
            assert figure.data.startswith("*No chart: ")


def test_with_no_major_event_yet_the_events_section_is_a_sentence():
    assert tr.events_block(report("2018-06-30")).data == ("No major event is dated between 1 Jan 2018 and 30 Jun 2018, "
                                                         "so the chart has no event letters.")
    assert "<table" in tr.events_block(report("2020-06-30")).data
