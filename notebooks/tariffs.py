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
#     checks: analysis.domain.scenarios
#     summary: The headline tariff in both directions, stacked by legal layer, with
#       PIIE's averages, key events and a stated scenario for the expiry of the tariff
#       suspensions.
#     title: US-China tariffs and the next cliff
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
chart_from = "2018-01-01"  # first date of the tariff chart (the trade war's first year); must be before as_of
scenario = "snap_back"  # at the expiry of the tariff suspensions: snap_back | extended | custom (a scenario, not a forecast)
custom_rate_us_on_china = 10.0  # scenario custom only: US all-goods rate on China from the expiry, percentage points
custom_rate_china_on_us = 10.0  # scenario custom only: China's all-goods rate on the US from the expiry, percentage points
time_limited = "end_as_scheduled"  # a time-limited layer whose scheduled end no source resolves: end_as_scheduled | continue

# %%
from analysis.views import charts
from analysis.views import dates
from analysis.views import text
from analysis.views import tariffs as tr
from analysis.domain import scenarios as ts
from analysis.views.text import md

charts.use_report_style()
r = ts.compute(as_of=as_of, chart_from=chart_from, scenario=scenario,
               custom_rates=ts.CustomRates(us_on_china=custom_rate_us_on_china, china_on_us=custom_rate_china_on_us),
               time_limited=time_limited)

# %% [markdown]
# # US-China tariffs and the next cliff

# %%
md(dates.dates_text(r.dates))

# %%
md(tr.headline_text(r))

# %%
text.table(dates.series_table(r.dates))

# %%
text.table(tr.headline_table(r))

# %% [markdown]
# ## The headline tariff, layer by layer
#
# The filled bands are the **all-goods layers**, stacked: each band is one legal authority, and the top edge of
# the stack is the headline rate every good from the other country pays on top of the normal (MFN) tariff.
# The solid step lines are **product-specific layers** (the US Section 301 tariffs, China's duties on listed
# US goods). They apply only to the goods on their lists, so they are drawn on their own and never added to
# the stack: a listed good pays its line *and* the stack. Before the IEEPA tariffs the US stack is empty and
# the US tariffs on China were Section 301 tariffs on listed goods; the dates are below the chart.
#
# Black points are PIIE's trade-weighted average tariff, which weighs every rate by the trade it covers, where
# PIIE published one; other shapes are other estimators, labelled. Grey rules with letters mark the major
# events listed below. Dashed lines are projections, not data: grey where no change is sourced and the last
# rates are carried, red from the expiry of the tariff suspensions under the chosen scenario.

# %%
tr.stack_chart(r)

# %%
md(tr.stack_text(r))

# %%
md(tr.detail_text(r))

# %%
tr.detail_chart(r)

# %% [markdown]
# ## The next cliff: a scenario, not a forecast

# %%
md(tr.scenario_text(r))

# %% [markdown]
# The table gives the all-goods headline rate in each direction from the expiry under each scenario, so the
# one on the chart can be compared with the others. Set `scenario` to `extended` or `custom` (with
# `custom_rate_us_on_china` and `custom_rate_china_on_us`) to draw another.

# %%
text.table(tr.outlook_table(r))

# %% [markdown]
# ## Key events on the chart

# %%
tr.events_block(r)

# %% [markdown]
# ## Gaps in the data

# %%
md(tr.gaps_text(r))

# %% [markdown]
# ## How the figures are measured
#
# - **Headline rates** are statutory additional rates in percentage points, from the day each took effect.
#   A layer keeps its rate until the next sourced row for it; a rate of zero ends it. Exemptions (for example
#   consumer electronics) are not modelled, which is why the headline runs above the trade-weighted averages.
# - **Averages** are published estimates and are never added up. PIIE's series is the reference; the CRS
#   figures count no exemptions, and the other estimates are single, sometimes unattributed, figures.
# - **Projections** start where the sourced rows stop describing a direction without assuming an outcome:
#   at the report date, at the expiry of the tariff suspensions, or at the scheduled end of a time-limited
#   layer that no source resolves, whichever comes first. The headline table gives that day for each direction
#   ("Read on").
# - **Chart start.** `chart_from` is a fixed date in the trade war's first year, not one that moves with the
#   as-of date; it must be before the as-of date.

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
text.table(tr.sources_table(r), link_column="Url")
