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
#     checks: analysis.domain.survival
#     summary: The US-China truces since 2018 side by side, with a Kaplan-Meier survival
#       curve and its Greenwood band, fitted survival models, and what each coding of
#       the truces' endings does to the chance that the truce in force lasts longer.
#     title: How long US-China truces have lasted
# ---

# %% tags=["parameters"]
as_of = "today"  # ISO date (YYYY-MM-DD), or "today": the day the report is built
horizon_days = 180  # N: the chance that the truce in force, at its current age, lasts another N days
ending = "breakdown"  # breakdown | any: which endings the survival curve counts (others are censored)

# %%
from analysis.headline import record
from analysis.views import charts
from analysis.domain import survival
from analysis.views import dates
from analysis.views import history
from analysis.views import text
from analysis.views.text import md

charts.use_report_style()
h = survival.compute(as_of=as_of, horizon_days=horizon_days, ending=ending)

# %% [markdown]
# # How long US-China truces have lasted

# %%
md(dates.dates_text(h.dates))

# %%
md(history.headline_text(h))

# %%
record("status", history.status_sentence(h))
record("open_truce_age_days", h.age)
record("base_rate", h.rate.probability if h.rate is not None else None)
record("constant_hazard_probability", history.constant_hazard_probability(h));

# %%
text.table(dates.series_table(h.dates))

# %% [markdown]
# ## The truces side by side
#
# Durations run from the first day of a truce to the day it ended, as recorded in the truce ledger. Compliance is
# shown only where a share of a purchase commitment was measured; where sources disagree, every version is listed
# with the preferred one first.

# %%
text.table(history.truces_table(h))

# %%
history.timeline_chart(h)

# %% [markdown]
# ## What happened around each ending

# %%
md(history.ending_events_text(h))

# %%
text.table(history.ending_events_table(h))

# %% [markdown]
# ## How long truces survive
#
# The Kaplan-Meier curve (the steps) is the share of truces still in force after a given number of days. It uses
# every truce, including those that have not ended or ended without a breakdown, by *censoring* them: they count as
# surviving up to the day they were last seen, and drop out of the calculation after that. Over the steps are two
# fitted models of the same spells, each with its uncertainty shaded.

# %%
history.survival_chart(h)

# %%
md(history.censoring_text(h))

# %%
md(history.fit_text(h))

# %%
text.table(history.km_table(h))

# %% [markdown]
# ## Base rate for the truce in force

# %%
md(history.base_rate_text(h))

# %%
md(history.caveat_text(h))

# %% [markdown]
# ## How each ending is coded, and what the other readings do

# %%
md(history.codings_text(h))

# %%
text.table(history.codings_table(h))

# %% [markdown]
# ## How the figures are measured
#
# - **Duration** is the number of days from a truce's start to its end. The start is the summit or statement that
#   began it; the end is the day the breakdown was announced, the purchase period closed, or a new deal took over.
# - **Kaplan-Meier**: at each duration at which a truce ended, the share surviving is multiplied by
#   (1 - endings / truces still at risk). A truce censored at a duration is still at risk at that duration.
# - **Greenwood band**: the Kaplan-Meier curve's 95% confidence band, from Greenwood's variance (a sum over the
#   endings of endings / (at risk × (at risk − endings))), taken on a log-log scale so it stays between 0 and 100%.
# - **Base rate**: S(age + N) / S(age), the share of truces that, having reached the current truce's age on the
#   report date, lasted another N days. Beyond the longest duration observed the curve says nothing, so the rate is
#   reported as not estimable rather than extrapolated.
# - **Fitted models**: a constant daily chance of ending (its uncertainty a Gamma distribution updated with the
#   endings and days in force) and a Weibull model whose daily chance may change with age, both fitted to the same
#   spells with the open truce counted at its age on the report date. The chance of lasting another N days is
#   averaged over each model's uncertainty and given with its 90% interval. When the open truce's status is not
#   known, the interval also covers its having ended where the evidence ends.
# - **Other codings**: each reading in the coding table changes one truce's recorded ending (what ended it, or when)
#   and refits the constant-hazard model; nothing else changes.
# - **What is knowable**: a truce counts only if it had started by the report date, and an end only if it had
#   happened by then. A final compliance share is shown only once the truce is over. A truce with no recorded end
#   is followed to the report date, because the truce ledger holds until a sourced change; once a scheduled expiry
#   has passed after the date the evidence runs to (see the dates above) with no sourced outcome, its status after
#   that date is reported as not known and the fitted models' intervals also cover its having ended then.

# %%
md(dates.method_text())

# %% [markdown]
# ## Sources

# %%
text.table(history.sources_table(h), link_column="Url")
