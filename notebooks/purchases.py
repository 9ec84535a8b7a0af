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
#     checks: analysis.domain.purchases
#     summary: China's purchases of US soybeans against its truce commitments, with
#       linear and seasonal target paths.
#     title: China's soybean purchase commitment tracker
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
commitment = "auto"  # a commitment_id with a soybean tonnage target in data/commitments.csv announced by as_of, or "auto": the one in force on as_of (announced by then and not replaced; the one whose period contains as_of, the one due first if several; else the one that started most recently; else the next to start)
flow_series = "usda_sales_to_cn"  # usda_sales_to_cn | reported_purchases_to_cn | cn_customs_imports_from_us | us_exports_to_cn
method = "seasonal"  # linear | seasonal: which target path sets the status
baseline_year = "auto"  # year whose monthly customs arrivals weight the seasonal path, or "auto": the last full calendar year before the commitment starts with a customs figure for every month by as_of
trailing_days = 90  # window, in days, of the recent-pace run-rate
flows_from = "auto"  # first month of the monthly-arrivals chart (ISO date, not after as_of), or "auto": January of the year before the commitment starts, else the 24 calendar months to as_of

# %%
from analysis.domain import purchases
from analysis.views import charts, dates
from analysis.views import purchases as page
from analysis.views import text
from analysis.views.text import md

charts.use_report_style()
t = purchases.compute(as_of=as_of, commitment=commitment, flow_series=flow_series, method=method,
                      baseline_year=baseline_year, trailing_days=trailing_days, flows_from=flows_from)

# %% [markdown]
# # China's soybean purchase commitment tracker

# %%
md(dates.dates_text(t.dates))

# %%
md(page.headline_text(t))

# %%
text.table(dates.series_table(t.dates))

# %%
text.table(page.headline_table(t))

# %% [markdown]
# ## What each source says
#
# The same commitment looks different depending on whose figures are used, as PIIE found for Phase One with
# Chinese and US trade data. The status above uses the series chosen in the parameters.

# %%
text.table(page.comparison_table(t))

# %% [markdown]
# ## Cumulative purchases against the target
#
# Each coloured line is one way of counting China's purchases since the commitment began; the dashed lines
# are where purchases would stand if the target were spread evenly over the period (linear) or in step with
# the usual monthly rhythm of China's imports of US soybeans (seasonal). The agreement itself sets only the
# final target; the paths are a yardstick, as in PIIE's Phase One tracker.

# %%
page.cumulative_chart(t)

# %%
md(page.paths_text(t))

# %% [markdown]
# ## Monthly arrivals in China
#
# China's customs statistics count soybeans when they arrive, one to three months after they are bought,
# and publish January and February together. Months the sources do not cover are marked, not drawn as zero.

# %%
page.flows_chart(t)

# %% [markdown]
# ## Gaps in the data

# %%
md(page.gaps_text(t))

# %% [markdown]
# ## How the figures are measured
#
# - **Purchases, sales and arrivals differ.** USDA export sales count a cargo when it is booked; China's customs
#   count it when it lands. Traders' and officials' tallies run ahead of both and include cargoes USDA lists
#   under "unknown destinations". Beijing has not confirmed the volumes announced in Washington.
# - **Status** compares purchases counted through the report date with the chosen target path: *met* once the
#   target is reached, *missed* once the deadline passes without it, otherwise *on track* or *behind*. Figures
#   marked "at least" are lower bounds, because a month is missing or the source gave a floor.
# - **Recent pace** is the average daily purchase over the trailing window, shown per month; the projected
#   date assumes that pace continues.

# %%
md(page.choices_text(t))

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
text.table(page.sources_table(t), link_column="Url")
