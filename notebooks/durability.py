# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: truce
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (truce-monitor)
#     language: python
#     name: truce-monitor
#   truce:
#     checks: analysis.domain.durability
#     summary: The chance the truce in force lasts another N days, with its interval,
#       and a 0-100 Truce Durability Index from commitments, recent events, tariffs,
#       the expiry calendar and the historical base rate, with a coverage rule, its
#       bounds, a specification range and a monthly backtest.
#     title: Truce durability dashboard
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
probability_days = 90  # N of the headline: the chance the truce in force on as_of lasts another N days
weight_commitments = 0.25  # weight of commitment fulfilment against pro-rated targets (0 or more)
weight_events = 0.25  # weight of the severity-weighted balance of recent events (0 or more)
weight_tariffs = 0.2  # weight of how far tariffs are below their peak (0 or more)
weight_expiry = 0.15  # weight of the days to the next scheduled truce expiry (0 or more)
weight_base_rate = 0.15  # weight of the historical base rate (0 or more)
event_window_days = 90  # trailing window, in days, of the event balance
horizon_days = 180  # N of the base rate: the chance the truce in force lasts another N days
expiry_scale_days = 365  # days to the next expiry at or beyond which that component scores 100
commitment_series = "usda_sales_to_cn"  # usda_sales_to_cn | reported_purchases_to_cn | cn_customs_imports_from_us | us_exports_to_cn
timeline_days = 180  # how far back, in days, the timeline of recent events reaches
backtest_from = "auto"  # first day of the monthly backtest (YYYY-MM-DD, on or before as_of), or "auto": 1 January of the year the first truce began, or the first of as_of's month if earlier
warning_months = 3  # the backtest reads the index 1 to this many months before each breakdown
reference_months = 6  # ... and compares it with the index this many months before the breakdown

# %%
from analysis.views import charts
from analysis.views import dates
from analysis.domain import durability
from analysis.views import probability
from analysis.views import durability as durability_report
from analysis.views import text
from analysis.views.text import md
from analysis.headline import record_all

charts.use_report_style()
weights = durability.Weights(commitments=weight_commitments, events=weight_events, tariffs=weight_tariffs,
                             expiry=weight_expiry, base_rate=weight_base_rate)
d = durability.compute(as_of=as_of, weights=weights, event_window_days=event_window_days, horizon_days=horizon_days,
                       expiry_scale_days=expiry_scale_days, commitment_series=commitment_series,
                       timeline_days=timeline_days, backtest_from=backtest_from, warning_months=warning_months,
                       reference_months=reference_months, probability_days=probability_days)

# %% [markdown]
# # Truce durability dashboard

# %%
md(dates.dates_text(d.dates))

# %%
md(probability.headline_text(d.forecast))

# %%
md(durability_report.headline_text(d))

# %%
record_all(durability_report.headline_values(d));

# %%
text.table(dates.series_table(d.dates))

# %% [markdown]
# ## The chance the truce lasts
#
# Two small survival models fitted to every truce since 2018, each giving the chance with its 90% credible
# interval, with a scheduled cliff inside the horizon as a one-off spike; the method section says how, and why so few
# truces make the interval wide.

# %%
text.table(probability.models_table(d.forecast))

# %% [markdown]
# ## The index and its components
#
# Each component scores the truce from 0 (fragile) to 100 (durable) from what was knowable on the report date. The
# index is their weighted mean. A component without data is marked *missing*, never scored, and counts as 0, so
# the index is a floor; beside it the page gives the ceiling, with every missing component at 100. When the missing
# components carry too much of the weight, no single number is published (see *How the index is built*).

# %%
text.table(durability_report.components_table(d))

# %%
md(durability_report.missing_text(d))

# %%
durability_report.contributions_chart(d)

# %% [markdown]
# ## The specification range
#
# The index recomputed under every combination of the soybean series, the coding of how past truces ended, the rule
# for a missing component and a grid of weights. The table gives, for each series and rule, the index with the
# weights as set and the endings as recorded, and the lowest and highest over the weights and codings.

# %%
md(durability_report.sensitivity_text(d))

# %%
text.table(durability_report.sensitivity_table(d))

# %% [markdown]
# ## Commitments scorecard
#
# Every commitment announced by the report date. *Status* is the reading recorded in the commitments file, shown
# only once its evidence is dated on or before the report date; *measured here* is the fulfilment this dashboard
# computes from purchase data, where a figure exists.

# %%
md(durability_report.commitments_text(d))

# %%
text.table(durability_report.scorecard_table(d))

# %% [markdown]
# ## Recent events

# %%
md(durability_report.timeline_text(d))

# %%
text.table(durability_report.timeline_table(d))

# %% [markdown]
# ## The expiry calendar

# %%
md(durability_report.expiry_text(d))

# %%
text.table(durability_report.expiry_table(d))

# %% [markdown]
# ## Backtest: the index month by month
#
# The index recomputed at the end of every month, each time from only what was knowable then. Shaded bands are
# truces; dashed red lines are the days a truce broke down. The line is the published index; the band its bounds
# (missing components at 0 and at 100). The line breaks where no component had data or the coverage rule withheld
# the index.

# %%
md(durability_report.backtest_span_text(d))

# %%
durability_report.backtest_chart(d)

# %% [markdown]
# ## Backtest: the chance month by month, scored
#
# The chance the truce in force lasts another N days, forecast at every month end from only what was knowable then,
# with its 90% interval; each point is coloured by what happened. Its data (the CSV link under the chart) are the
# published forecast vintages.

# %%
durability_report.forecasts_chart(d)

# %%
md(durability_report.scores_text(d))

# %%
text.table(durability_report.scores_table(d))

# %% [markdown]
# ## Backtest: did the readings fall before breakdowns?

# %%
md(durability_report.warnings_text(d))

# %%
text.table(durability_report.warnings_table(d))

# %% [markdown]
# ## How the chance is estimated

# %%
md(probability.method_text(d.forecast))

# %% [markdown]
# ## How the index is built

# %%
md(durability_report.method_text(d))

# %%
md(dates.method_text())

# %% [markdown]
# ## Gaps

# %%
md(durability_report.gaps_text(d))

# %% [markdown]
# ## Sources

# %%
text.table(durability_report.sources_table(d), link_column="Url")
