"""The tariff page's prose and figures: before the first tariff layer, before the first all-goods layer, and now."""

import dataclasses
import functools

import altair as alt
import pandas as pd
import pytest

from analysis.domain import scenarios as ts
from analysis.domain import tariffs as tf_mod
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


def before_first() -> ts.TariffReport:
    """The report the day before the first tariff layer dated in the data (read from the data, not typed)."""
    first = ts.first_layer(ts.load_tariffs())
    return report((first.date - pd.Timedelta(days=1)).date().isoformat(), chart_from="2017-01-01")


def test_before_the_first_layer_the_headline_says_so_and_names_it():
    r = before_first()
    first = r.first_layer
    text = tr.headline_text(r)
    assert text.startswith(f"**No tariff layer is in force in either direction on {r.as_of:%-d %b %Y}.** The first "
                           f"dated in this project's sources, {ts.DIRECTIONS[first.direction]}: "
                           f"{ts.layer_label(first.layer)}, applies from **{first.date:%-d %b %Y}**.")
    assert "no expiry to project" in text


def test_before_the_first_layer_every_figure_is_a_sentence():
    r = before_first()
    assert shown(tr.stack_chart(r)) == ("*No chart: no tariff layer dated in this project's sources is in force "
                                        f"before {r.first_layer.date:%-d %b %Y}.*")
    assert "none applies in the period shown" in shown(tr.detail_chart(r))
    assert tr.detail_text(r) == ""  # no caption without a close-up
    assert shown(tr.spans_chart(r)).startswith("*No chart: no product-specific tariff layer")
    assert shown(tr.fan_chart(r)).startswith("*No chart: no tariff suspension was in force")
    assert tr.scenario_text(r) == (f"No tariff suspension was in force on {r.as_of:%-d %b %Y}, so there is no expiry "
                                   f"to project.")
    assert tr.outlook_table(r)["Cliff"].tolist() == ["none", "none"]


def test_with_no_layer_in_the_period_and_none_to_come_the_chart_says_so_plainly():
    r = before_first()
    after = dataclasses.replace(r, first_layer=ts.FirstLayer(pd.Timestamp("2017-01-01"), US, "section_301"))
    assert shown(tr.stack_chart(after)) == "*No chart: no tariff layer is in force in the period shown.*"


def test_between_the_first_listed_layer_and_the_first_all_goods_layer():
    r = report("2020-06-30")
    text = tr.headline_text(r)
    assert "US tariffs on China: no all-goods tariff; " in text and "up to" in text
    # Only product-specific layers: the stack chart says where they are drawn, and their chart has rows.
    assert "product-specific layers are drawn in the next chart" in shown(tr.stack_chart(r))
    chart = tr.spans_chart(r)
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
    # The US suspension is moot (its IEEPA layer was voided), so its deadline no longer stops the US path:
    # both sides are read on the as-of date.
    assert "US tariffs on China: **12.5%** on all goods (in force from 24 Jul 2026)" in text
    assert "down from a peak of **145%** (from 10 Apr 2025)" in text
    assert "China's tariffs on the US: **10%** on all goods (in force from 14 May 2025)" in text
    assert tr.headline_table(r)["Read on"].tolist() == ["1 Dec 2026", "1 Dec 2026"]
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
    for figure in (tr.stack_chart(r), tr.detail_chart(r), tr.spans_chart(r), tr.premium_chart(r), tr.fan_chart(r)):
        if isinstance(figure, alt.TopLevelMixin):
            datasets = figure.to_dict()["datasets"]
            assert datasets and all(rows for rows in datasets.values())
        else:
            assert figure.data.startswith("*No chart: ")


def test_with_no_major_event_yet_the_events_section_is_a_sentence():
    assert tr.events_block(report("2018-06-30")).data == ("No major event is dated between 1 Jan 2018 and 30 Jun 2018, "
                                                         "so the chart has no event letters.")
    assert "<table" in tr.events_block(report("2020-06-30")).data


# ---------------------------------------------------------------- the lead, the estimates and the fan


def crafted_lead(stack_us: float, stack_cn: float) -> ts.TariffReport:
    """The report of 1 Dec 2026 with hand-made estimates and stack rates, so the lead's arithmetic is checkable."""
    r = report("2026-12-01")
    estimates = pd.DataFrame({
        "direction": [US, US, US, US, CN], "layer": ["barclays_average", "budget_lab_average", "piie_average",
                                                     "usafacts_average", "crs_average"],
        "effective": pd.to_datetime(["2026-09-25", "2026-07-01", "2025-10-10", "2026-02-01", "2026-07-01"]),
        "rate": [23.0, 23.7, 57.0, 29.6, 31.0],
        "basis": [tf_mod.STATUTORY] * 3 + [tf_mod.DUTIES_COLLECTED, tf_mod.STATUTORY],
        "age_days": [67, 153, 417, 303, 153], "source_id": ["a", "b", "c", "d", "e"],
        "publisher": ["CNBC", "Preseen", "Newser", "Preseen", "CRS"],
        "reliability": ["secondary", "secondary", "news", "secondary", "secondary"],
    })
    outlooks = {US: dataclasses.replace(r.outlooks[US], sourced_rate=stack_us),
                CN: dataclasses.replace(r.outlooks[CN], sourced_rate=stack_cn)}
    return dataclasses.replace(r, estimates=estimates, outlooks=outlooks,
                               stack_changed={US: pd.Timestamp("2026-07-24"), CN: pd.Timestamp("2025-05-14")})


def test_the_lead_states_the_range_the_newest_and_where_the_stack_sits_computed():
    text = tr.lead_text(crafted_lead(12.5, 10.0))
    # US statutory figures 23, 23.7 and 57 (USAFacts is duties collected, so out of the range). Only Barclays
    # (25 Sep) is dated on or after the stack's last change (24 Jul 2026), so it leads; all three span 23% to 57%.
    assert ("**US tariffs on China: 23%** by the 1 estimator whose latest figure is dated on or after the stack's "
            "last change (24 Jul 2026) (statutory, not collected). The newest is Barclays 23% for 25 Sep 2026 "
            "(secondary). With the older figures of the other 2, the latest estimates of all 3 span 23% to 57%; the "
            "oldest, PIIE 57% for 10 Oct 2025 (news), is 417 days old.") in text
    assert "Duties collected: USAFacts 29.6% for 1 Feb 2026 (secondary)." in text
    assert "**12.5%** on 1 Dec 2026, runs **below every one of them**" in text
    # China: one estimator (31%), dated after its stack last changed (14 May 2025); its stack of 10 is below it.
    assert "**China's tariffs on the US: 31%** by the latest trade-weighted estimate of the one estimator" in text
    # The stack is compared with the estimates that lead: 145 runs above 23; 23 sits within 23 to 23.
    assert "runs **above every one of them**" in tr.lead_text(crafted_lead(145.0, 10.0))
    assert "runs **within their range**" in tr.lead_text(crafted_lead(23.0, 10.0))


def test_the_estimates_table_dates_grades_and_labels_every_figure():
    table = tr.estimates_table(crafted_lead(12.5, 10.0))
    assert table["Measures"].tolist() == ["statutory, not collected"] * 3 + ["duties collected", "statutory, not collected"]
    assert table["After the stack's last change"].tolist()[:3] == ["yes", "no (before 24 Jul 2026)",
                                                                   "no (before 24 Jul 2026)"]
    assert table["Age on the as-of date"].tolist()[:3] == ["67 days", "153 days (stale)", "417 days (stale)"]
    assert table["Grade"].tolist()[2] == "news"


def test_the_fan_gives_each_scenario_its_legal_basis():
    r = report("2026-12-01")
    text = tr.scenario_text(r)
    assert "**Scenario shown: status quo.**" in text and "not a forecast" in text and "10 Jan 2027" in text
    # The US points sat on the voided IEEPA layer: no standing authority; China's return on their own.
    assert "IEEPA" in text and "moot" in text and "No standing authority" in text
    assert "return on their own at the expiry unless the suspension is extended" in text
    assert "*Custom*: the rate set in `custom_rate_us_on_china`" in text
    fan = tr.fan_chart(r)
    assert isinstance(fan, alt.VConcatChart) and all(rows for rows in fan.to_dict()["datasets"].values())
