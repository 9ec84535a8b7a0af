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
#     summary: Tariffs in both directions as every estimator's latest trade-weighted
#       average, then the statutory stack by legal layer, the China-specific premium
#       and a fan of scenarios for the next cliff.
#     title: US-China tariffs and the next cliff
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
chart_from = "2018-01-01"  # first date of the tariff chart (the trade war's first year); must be before as_of
scenario = "status_quo"  # the scenario the text and table name at the next cliff: status_quo | snap_back | custom (the fan draws all three; scenarios, not forecasts)
custom_rate_us_on_china = 10.0  # the custom scenario: US all-goods rate on China from the cliff, percentage points
custom_rate_china_on_us = 10.0  # the custom scenario: China's all-goods rate on the US from the cliff, percentage points
time_limited = "end_as_scheduled"  # a time-limited layer whose scheduled end no source resolves: end_as_scheduled | continue

# %%
from analysis.views import charts
from analysis.views import dates
from analysis.views import text
from analysis.views import tariffs as tr
from analysis.domain import scenarios as ts
from analysis.views.text import md
from analysis.headline import record_all

charts.use_report_style()
r = ts.compute(as_of=as_of, chart_from=chart_from, scenario=scenario,
               custom_rates=ts.CustomRates(us_on_china=custom_rate_us_on_china, china_on_us=custom_rate_china_on_us),
               time_limited=time_limited)

# %% [markdown]
# # US-China tariffs and the next cliff

# %%
md(dates.dates_text(r.dates))

# %%
md(tr.lead_text(r))

# %%
record_all(tr.headline_values(r));

# %%
tr.estimates_block(r)

# %%
md(tr.premium_text(r))

# %%
text.table(dates.series_table(r.dates))

# %% [markdown]
# ## The statutory stack, layer by layer
#
# The estimates above weigh each tariff by the trade it covers. The statutory stack is the other view: the
# legal rates themselves. The filled bands are the **all-goods layers**, stacked: each band is one legal
# authority, and the top edge of the stack is the additional rate every good from the other country pays on
# top of the normal (MFN) tariff. A band drawn faded is carried at its last rate after the last date a source
# confirms it (marked in red): it is not known to have ended. Black points are the published averages, one
# shape per estimator. Grey rules with letters mark the major events listed further down.

# %%
md(tr.headline_text(r))

# %%
text.table(tr.headline_table(r))

# %%
tr.stack_chart(r)

# %%
md(tr.stack_text(r))

# %%
md(tr.detail_text(r))

# %%
tr.detail_chart(r)

# %% [markdown]
# ### Product-specific layers
#
# The Section 301 lists, Section 232 and China's duties on listed US goods apply only to the goods on their
# lists, so they are never added to the stack: a listed good pays its line *and* the stack. Each bar is one
# rate step; a bar that stops at a red mark is not confirmed by any source after that date, which is not the
# same as having ended. The table lists every legal layer with its rates by date, its authority and sources.

# %%
tr.spans_chart(r)

# %%
tr.layers_block(r)

# %% [markdown]
# ## The China-specific premium

# %%
tr.premium_chart(r)

# %% [markdown]
# ## The next cliff: a fan of scenarios, not a forecast
#
# From the next cliff each direction is drawn three ways with equal weight: the **status quo** (nothing is added;
# the suspensions are extended or left as they are), the **snap-back** (suspended points return where the layer
# they came from still stands) and a **custom** rate you set. Before the cliff, a grey dotted line carries the
# last sourced rates. Each scenario's legal basis is below.

# %%
tr.fan_chart(r)

# %%
md(tr.scenario_text(r))

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
# - **Effective against statutory.** An *effective* (trade-weighted) rate averages every tariff line by the
#   imports it covers, so it includes the product-specific layers and nets out exemptions. A *statutory* rate is
#   the legal rate itself. Most estimators publish a statutory rate weighted by trade: what the law says goods
#   should pay, not what customs collected. Only a rate of duties collected divided by imports (USAFacts) says
#   what was paid; it lags, because duties are collected when goods arrive. The table labels each.
# - **Why the estimators differ.** They weigh by different years' trade, count exemptions differently (CRS counts
#   none), date changes by law or by arrival, and some are models or single figures. The page shows each one's
#   latest figure with its date and grade rather than choosing one, and states the range they span; a figure made
#   before the stack last changed describes an older set of rules and the table says so.
# - **The statutory stack** adds up only the all-goods layers, in percentage points from the day each took effect.
#   A layer keeps its rate until the next sourced row for it; a rate of zero ends it; a layer whose last row says
#   how far a source confirms it is drawn to that date and marked, never shown as ended. The stack leaves out the
#   product-specific layers and ignores exemptions, so it can run below or above the trade-weighted estimates;
#   the lead says which, computed on the as-of date.
# - **The China-specific premium** is the US all-goods rate on Chinese goods minus the all-goods rate most other
#   countries face on the same day, both read from their dated layers. Once the global layers (the IEEPA
#   baseline, the Section 122 surcharge) apply to everyone, most of what China pays is not China-specific.
#   China's additional tariffs in this data apply to US goods only, so its premium is its whole stack.
# - **The next cliff** is the earliest deadline of a tariff suspension whose layer still stands, read from the
#   commitments known on the as-of date. A suspension of a layer a court voided is moot: its deadline moves no
#   rate.
# - **The fan** starts where the sourced rows stop describing a direction without assuming an outcome: the report
#   date, the cliff, or the scheduled end of a time-limited layer no source resolves, whichever comes first. The
#   scenarios are drawn alike because none is a forecast.
# - **Chart start.** `chart_from` is a fixed date in the trade war's first year, not one that moves with the
#   as-of date; it must be before the as-of date.

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
text.table(tr.sources_table(r), link_column="Url")
