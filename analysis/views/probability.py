"""The survival probability in words and a table: the chance the truce in force lasts another N days.

The models are fitted in :mod:`analysis.domain.hazard`; this module only
turns a :class:`~analysis.domain.hazard.SurvivalForecast` into prose and a
table. Every number comes from the forecast, none is typed here.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from analysis.domain import hazard
from analysis.domain.hazard import SurvivalForecast
from analysis.views import text
from analysis.views.history import no_truce_sentence

# Which endings the models count, in words.
COUNTED = {"breakdown": "breakdowns", "any": "endings of any kind (breakdown, expiry, replacement by a new deal)"}


def _pct(p: float) -> str:
    return text.percent(100 * p)


def _interval(low: float, high: float) -> str:
    """``38–83%``."""
    return f"{100 * low:.0f}–{_pct(high)}"


def _count(n, noun: str) -> str:
    return f"{int(n):,} {noun}" + ("" if int(n) == 1 else "s")


def _unsourced_dates(f: SurvivalForecast) -> str:
    days = [text.day(d) for d in dict.fromkeys(f.unsourced["date"])] if len(f.unsourced) else []
    if not days:
        return ""
    return days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]


def no_truce_text(f: SurvivalForecast) -> str:
    """One sentence for a date with no truce in force: none had begun, or the last had ended."""
    consequence = (", so there is no chance of one lasting to give" if f.spells.empty and f.first is None
                   else ", so there is no truce whose chance of lasting could be given")
    return no_truce_sentence(f.as_of, f.spells, f.first, None if f.spells.empty else f.last_ended, consequence)


def unknown_text(f: SurvivalForecast) -> str:
    """Why the interval is wider when the open truce's status is unknown; empty when it is known."""
    if f.unknown_after is None:
        return ""
    passed = _unsourced_dates(f)
    why = f" (the scheduled expiry of {passed} passed with no sourced outcome)" if passed else ""
    return (f"Whether it is still in force after {text.day(f.unknown_after)} is not known{why}: the chance assumes "
            f"it is, and the interval also covers the case that it ended on {text.day(f.unknown_after)}.")


def cliff_text(f: SurvivalForecast) -> str:
    """The scheduled cliff inside the horizon and what it takes off the chance; empty when none applies."""
    cliff = f.cliff
    if cliff is None or not cliff.applies:
        if cliff is not None and cliff.next_cliff is not None:
            return (f"The next scheduled cliff, {text.day(cliff.next_cliff)}, lies beyond the "
                    f"{_count(f.horizon_days, 'day')}, so it adds nothing here.")
        return ""
    const = f.model("constant hazard")
    before = float(const.codings["without_cliff"].iloc[0])
    return (f"It includes the scheduled cliff of {text.day(cliff.cliff)}, when the truce's suspensions fall due: "
            f"without it the constant-hazard chance would be {_pct(before)}; the cliff's own "
            f"chance of ending the truce, {_pct(cliff.mean)} (from "
            f"{_count(len(cliff.met), 'cliff')} met so far, {cliff.ended} with an ending near it), takes its share off that.")


def headline_text(f: SurvivalForecast) -> str:
    """The headline: the chance the truce in force lasts another N days, with its 90% interval, by model."""
    if not f.in_force:
        return no_truce_text(f)
    const, weibull = f.model("constant hazard"), f.model("Weibull")
    share = f"{100 * f.interval:.0f}%"
    sentence = (f"The chance the truce in force on {text.day(f.as_of)} (the {html.escape(f.current['name'])}, "
                f"{_count(f.age_days, 'day')} old) lasts another {_count(f.horizon_days, 'day')}: "
                f"{_pct(const.probability)} ({share} interval {_interval(const.low, const.high)}), constant-hazard "
                f"model; Weibull: {_pct(weibull.probability)} ({_interval(weibull.low, weibull.high)}).")
    extra = " ".join(part for part in (cliff_text(f), unknown_text(f)) if part)
    return sentence + (" " + extra if extra else "")


def status_sentence(f: SurvivalForecast) -> str:
    """One plain sentence for the site index: the chance and its interval, or why there is none."""
    if not f.in_force:
        return no_truce_text(f)
    const = f.model("constant hazard")
    return (f"{_pct(const.probability)} chance ({100 * f.interval:.0f}% interval {_interval(const.low, const.high)}) "
            f"that the {html.escape(f.current['name'])} lasts another {_count(f.horizon_days, 'day')}.")


def headline_values(f: SurvivalForecast) -> dict:
    """The forecast's values a build records (:func:`analysis.headline.record_all`), rounded as the page shows them."""
    if not f.in_force:
        return {"status": status_sentence(f), "truce_in_force": None, "probability": None, "probability_low": None,
                "probability_high": None}
    const = f.model("constant hazard")
    return {"status": status_sentence(f), "truce_in_force": f.current["truce_id"],
            "probability": round(const.probability, 2), "probability_low": round(const.low, 2),
            "probability_high": round(const.high, 2)}


def models_table(f: SurvivalForecast) -> pd.DataFrame:
    """Each model's chance and interval; with the status unknown, each coding of the open truce too."""
    columns = ["Model", "Open truce coded as", "Endings counted", "Days in force", "Chance", "90% interval",
               "Without the cliff"]
    rows = []
    for m in f.models:
        for c in m.codings.itertuples():
            rows.append({"Model": m.model, "Open truce coded as": c.coding, "Endings counted": f"{c.events:,}",
                         "Days in force": f"{c.exposure:,}", "Chance": _pct(c.probability),
                         "90% interval": _interval(c.low, c.high), "Without the cliff": _pct(c.without_cliff)})
        if len(m.codings) > 1:
            rows.append({"Model": m.model, "Open truce coded as": "reported: still open; interval spans both codings",
                         "Endings counted": "", "Days in force": "", "Chance": _pct(m.probability),
                         "90% interval": _interval(m.low, m.high),
                         "Without the cliff": _pct(float(m.codings["without_cliff"].iloc[0]))})
    return pd.DataFrame(rows, columns=columns)


def cliff_method_text(f: SurvivalForecast) -> str:
    """How a scheduled cliff enters the chance, with this forecast's numbers."""
    cliff = f.cliff
    if cliff is None:
        return ""
    prior_mean = hazard.SPIKE_PRIOR[0] / sum(hazard.SPIKE_PRIOR)
    met = ", ".join(text.day(d) for d in cliff.met) or "none yet"
    low, high = cliff.quantiles([(1 - f.interval) / 2, 1 - (1 - f.interval) / 2])
    return (f"**Scheduled cliffs.** The truce's suspensions run to deadlines; on such a cliff the suspended "
            "tariffs, export controls or port fees return unless something moves them. A cliff inside the horizon "
            "is not a countdown score but a one-off chance that the truce ends around that date, on top of the "
            f"daily chance. Before the data that chance is given a weak prior (mean {_pct(prior_mean)}, worth "
            f"{sum(hazard.SPIKE_PRIOR):g} cliffs); each cliff a truce in force has met with a sourced outcome then "
            f"counts, as an ending if a counted ending fell within {hazard.SPIKE_WINDOW_DAYS} days of it. Cliffs met "
            f"by {text.day(f.as_of)}: {met}; {cliff.ended} with an ending near it. That puts the chance at "
            f"{_pct(cliff.mean)} ({100 * f.interval:.0f}% interval {_interval(low, high)}). The truce's chance of "
            "lasting is multiplied by one minus it, and the interval is taken over both uncertainties. A cliff that "
            "passed with no sourced outcome is not counted either way; it widens the interval instead (below).")


def method_text(f: SurvivalForecast) -> str:
    """How the chance is computed, in plain words, with this forecast's own numbers."""
    p = f.prior
    spells = f.spells
    counted = COUNTED.get(f.ending, f.ending)
    # The posterior hazard is Gamma(a0 + e, ...): its standard deviation is 1 / sqrt(a0 + e) of its mean.
    shape = p.shape + f.events
    spread = 100 / math.sqrt(shape)
    parts = [
        f"**Spells.** Each truce that had begun by {text.day(f.as_of)} is one spell: "
        f"{_count(len(spells), 'truce')}, {_count(f.events, 'ending')} counted ({counted}) and "
        f"{f.exposure:,} days in force in all. Other endings count as the truce having lasted at least that long "
        "(censored), not as a failure.",
        "**Censoring on the as-of date.** A truce still open is counted at its age on the as-of date"
        + (f" ({_count(f.age_days, 'day')} for the {html.escape(f.current['name'])})" if f.in_force else "")
        + ": it adds days in force and no ending. Its age is measured on that day, not at the end of the data.",
        f"**Constant hazard.** Every day in force a truce is taken to end with the same small chance. Before the data "
        f"that chance is given a weak prior: {p.describe()}. The data then add their endings and days in force, and "
        f"the chance of lasting another {_count(f.horizon_days, 'day')} is averaged over what the daily chance may "
        "be. The model is memoryless: a truce's age does not change its chance.",
        "**Weibull.** The alternative lets the daily chance rise or fall with age (shape below 1: a truce grows safer "
        "as it ages; above 1: more fragile). It is fitted on a grid of shapes and scales with the prior above, and "
        "its chance is that a truce of the current age survives the next days given it has survived so far.",
        f"**Why the interval is wide.** Only {_count(f.events, 'ending')} {'has' if f.events == 1 else 'have'} been "
        f"seen; with the prior's weight that leaves the daily chance uncertain by about {spread:.0f}% of its value "
        f"(one standard deviation). The {100 * f.interval:.0f}% interval says where the chance lies with that "
        "probability given these few cases and the prior; more truces would narrow it.",
    ]
    parts.append(cliff_method_text(f))
    if f.unknown_after is not None:
        parts.append(f"**Status not known.** After {text.day(f.unknown_after)} no source says whether the open truce "
                     "still holds. It is counted both ways: still open on the as-of date, and ended"
                     + (" (as a breakdown)" if f.ending == "breakdown" else "")
                     + f" on {text.day(f.unknown_after)}. The chance shown is the still-open one; the interval spans "
                     "both, so the unknown widens it rather than dropping out.")
    parts.append("**What the number is not.** It is a base rate from how long past US–China truces lasted, with the "
                 "scheduled cliffs added, not a reading of current news, purchases or tariffs. It is the chance that "
                 "the truce, if in force on the as-of date, is still in force at the end of the horizon.")
    if not f.in_force:
        parts.insert(0, no_truce_text(f))
    return "\n\n".join(parts)

