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
#     checks: analysis.domain.rare_earths
#     summary: China's monthly exports of rare-earth magnets, in total and to the US,
#       indexed to a pre-control baseline and set against each export-control regime.
#     title: Rare-earth magnet exports under China's export controls
# ---

# %% tags=["parameters"]
as_of = "latest"  # ISO date (YYYY-MM-DD), or "latest": the day the data was compiled (newest accessed date in sources.csv)
baseline_start = "2024-07-01"  # first day of the baseline period (index = 100)
baseline_end = "2025-03-31"  # last day of the baseline period; only months with a figure in both series count
chart_from = "2024-01-01"  # first month of the charts and the monthly table

# %%
from analysis.domain import rare_earths
from analysis.views import charts
from analysis.views import rare_earths as page
from analysis.views import text
from analysis.views.text import md

charts.use_report_style()
r = rare_earths.compute(as_of=as_of, baseline_start=baseline_start, baseline_end=baseline_end, chart_from=chart_from)

# %% [markdown]
# # Rare-earth magnet exports under China's export controls

# %%
md(page.headline_text(r))

# %%
text.table(page.recovery_table(r))

# %% [markdown]
# ## Monthly exports
#
# Bars are China's customs figures for permanent-magnet exports, per month; China publishes January and
# February together, and that release is one bar spanning both months. A cross on the axis marks a month with
# no figure in the sources: it is a gap, not a zero. Colours say how solid each figure is: *derived* figures
# were computed from a growth rate the source gave; *weak* ones rest only on secondary pages. The shaded
# bands are the export-control regimes in the table further down.

# %%
page.exports_chart(r.monthly, r.regimes)

# %% [markdown]
# ## Against the pre-control baseline

# %%
md(page.baseline_text(r))

# %% [markdown]
# Each dash spans the months its figure covers, at that period's monthly average; the dashed line is the
# baseline. Gaps are left blank rather than joined, so no line is drawn across months without data.

# %%
page.index_chart(r.monthly, r.regimes)

# %% [markdown]
# ## Month by month
#
# Year-on-year changes appear only where the same months a year earlier have a figure. The recovery ratio in
# the table at the top is the latest period's monthly average as a share of the baseline monthly average.

# %%
md(page.yoy_text(r))

# %%
text.table(page.monthly_table(r))

# %% [markdown]
# ## Control regimes
#
# Each regime starts on the date of the event that created it and runs to the day before the next; the last
# runs to the report date. The licensing of medium and heavy rare earths introduced in April stays in force
# throughout: the suspension covered only the October package.

# %%
text.table(page.regime_table(r))

# %% [markdown]
# ## Gaps in the data
#
# Months from the start of the charts with no figure:

# %%
md(page.gaps_text(r))

# %% [markdown]
# ## How the figures are measured
#
# - **Scope**: permanent magnets only. Rare-earth elements and compounds are a different customs category and
#   are never added to magnets; they are not shown here.
# - **Buckets**: single months are used first; a combined January-February release fills the two months when
#   no single month reported by customs covers them, and a month derived from a neighbour's growth rate gives
#   way to it. Year-to-date and annual totals are never used, so nothing is counted twice.
# - **Evidence**: a figure is *weak* when every source for it is a secondary page, and *derived* when it is
#   arithmetic on other sourced figures (the data file states the arithmetic).

# %% [markdown]
# ## Sources

# %%
text.table(page.sources_table(r), link_column="Url")
