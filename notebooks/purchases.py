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
#     summary: China's purchase pledges in force (soybean tonnage, farm goods by value,
#       aircraft), each judged at its latest figure, with every source side by side.
#     title: China's soybean purchase commitment tracker
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
commitment = "auto"  # the soybean tonnage pledge the tracker measures: a commitment_id with a soybean tonnage target in data/commitments.csv announced by as_of, or "auto": the one in force on as_of (announced by then and not replaced; the one whose period contains as_of, the one due first if several; else the one that started most recently; else the next to start)
flow_series = "auto"  # the series that sets the status: usda_sales_to_cn | reported_purchases_to_cn | cn_customs_imports_from_us | us_exports_to_cn, or "auto": among series with a figure since the pledge began, official before traders' tallies, purchases before shipments and arrivals, then the most recent figure
method = "seasonal"  # linear | seasonal: the path that judges series with a sourced seasonal profile (customs arrivals); sales, tallies and exports are always judged on the linear path
baseline_year = "auto"  # year of customs arrivals that weights the seasonal path, or "auto": every full calendar year before the pledge starts (up to five) with a customs figure for every month by as_of, each year weighing the same
trailing_days = 90  # window, in days before the last figure, of the recent-pace run-rate
flows_from = "auto"  # first month of the monthly-arrivals chart (ISO date, not after as_of), or "auto": January of the year before the commitment starts, else the 24 calendar months to as_of
met_from_any_source = True  # True: a pledge is "met" when any graded source (another series, or the status reading in commitments.csv) shows the target reached, named on the page; False: only the series that sets the status

# %%
from analysis.domain import purchases
from analysis.views import charts, dates
from analysis.views import purchases as page
from analysis.views import text
from analysis.views.text import md
from analysis.headline import record_all

charts.use_report_style()
t = purchases.compute(as_of=as_of, commitment=commitment, flow_series=flow_series, method=method,
                      baseline_year=baseline_year, trailing_days=trailing_days, flows_from=flows_from,
                      met_from_any_source=met_from_any_source)

# %% [markdown]
# # China's purchase pledges: where each stands

# %%
md(dates.dates_text(t.dates))

# %%
md(page.live_text(t))

# %%
text.table(page.live_table(t))

# %% [markdown]
# ## The soybean tonnage pledge tracked

# %%
md(page.headline_text(t))

# %%
record_all(page.headline_values(t));

# %%
text.table(page.headline_table(t))

# %%
page.cumulative_chart(t)

# %%
md(page.paths_text(t))

# %% [markdown]
# ## What each source says
#
# The same pledge looks different depending on whose figures are used, as PIIE found for Phase One with
# Chinese and US trade data. Each row is judged on its own at its own latest figure; the status above uses the
# series chosen by the rule stated below.

# %%
text.table(page.comparison_table(t))

# %%
md(page.band_text(t))

# %%
page.reconciliation_chart(t)

# %% [markdown]
# ## Pledges already resolved or replaced

# %%
md(page.history_text(t))

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
# USDA export sales count a cargo when it is booked; China's customs count it when it lands; US export
# statistics when it leaves port. Traders' and officials' tallies run ahead of all three and include cargoes
# USDA lists under "unknown destinations". Beijing has not confirmed the volumes announced in Washington.

# %%
md(page.method_text(t))

# %%
md(page.choices_text(t))

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
text.table(page.sources_table(t), link_column="Url")
