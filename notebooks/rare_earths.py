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
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
baseline_start = "auto"  # first day of the baseline (index 100), or "auto": nine whole months ending with the month of baseline_end
baseline_end = "auto"  # last day of the baseline, or "auto": end of the month before the first control regime (events.csv); a date given must have passed by as_of
chart_from = "auto"  # first month of the charts and monthly table, or "auto": six months before the baseline once it has ended by as_of, else 24 months before as_of

# %%
from analysis.domain import rare_earths
from analysis.views import charts, dates
from analysis.views import rare_earths as page
from analysis.views import text
from analysis.views.text import md
from analysis.headline import record_all

charts.use_report_style()
r = rare_earths.compute(as_of=as_of, baseline_start=baseline_start, baseline_end=baseline_end, chart_from=chart_from)

# %% [markdown]
# # Rare-earth magnet exports under China's export controls

# %%
md(dates.dates_text(r.dates))

# %%
md(page.headline_text(r))

# %%
record_all(page.headline_values(r));

# %%
text.table(dates.series_table(r.dates))

# %%
text.table(page.recovery_table(r))

# %% [markdown]
# ## Monthly exports
#
# Bars are China's customs figures for permanent-magnet exports, per month; China publishes January and
# February together, and that release is one bar spanning both months. A cross on the axis marks a month with
# no figure in the sources: it is a gap, not a zero. Colours say how solid each figure is: *derived* figures
# were computed from a growth rate the source gave; *weak* ones rest only on secondary pages. Shaded bands,
# where a regime had begun, are the export-control regimes in the table further down.

# %%
page.exports_chart(r)

# %% [markdown]
# ## Against the pre-control baseline

# %%
md(page.baseline_text(r))

# %% [markdown]
# Each dash spans the months its figure covers, at that period's monthly average; the dashed line is the
# baseline. Gaps are left blank rather than joined, so no line is drawn across months without data.

# %%
page.index_chart(r)

# %% [markdown]
# ## Month by month
#
# Year-on-year changes appear only where the same months a year earlier have a figure. The recovery ratio in
# the table at the top is the latest period's monthly average as a share of the baseline monthly average.

# %%
md(page.yoy_text(r))

# %%
page.monthly_section(r)

# %% [markdown]
# ## Control regimes

# %%
md(page.regimes_text(r))

# %%
page.regime_section(r)

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

# %%
md(page.method_text(r))

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
page.sources_section(r)
