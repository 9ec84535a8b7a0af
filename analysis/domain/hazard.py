"""The chance that the truce in force lasts another N days, with a 90% credible interval.

Two small Bayesian survival models are fitted to the truce *spells* known on
``as_of`` (:func:`analysis.domain.survival.spells`): each truce's duration in
days and whether it ended in the event counted (a breakdown by default).
A truce still open on ``as_of`` is right-censored at its age *on that day*:
it adds days of exposure and no ending.

Constant hazard (exponential)
    Every day a truce is in force it ends with the same small chance ``λ``.
    The prior on ``λ`` is ``Gamma(a0, b0)`` (shape, rate in days); with
    ``e`` endings over ``T`` days of exposure the posterior is
    ``Gamma(a0 + e, b0 + T)``. The chance of lasting another ``N`` days is
    ``E[exp(-λN)] = (b / (b + N)) ** a`` for posterior ``Gamma(a, b)``, and
    its 90% interval maps the posterior's 5% and 95% quantiles of ``λ``
    through ``exp(-λN)``. The model is memoryless: a truce's age does not
    change its chance.
Weibull
    ``S(t) = exp(-(t / scale) ** k)``: ``k < 1`` means a truce grows safer with
    age, ``k > 1`` more fragile. The posterior is evaluated on a grid over
    ``log k`` and ``log scale``; the chance for a truce of age ``a`` is
    ``S(a + N) / S(a)``, averaged over the posterior, with its 90% interval.
    The prior on ``1 / scale`` is the same ``Gamma(a0, b0)``, so with ``k``
    fixed at 1 the two models coincide.

An open truce whose status is unknown
    When a scheduled expiry passed with no sourced outcome
    (:func:`analysis.domain.survival.status_unknown_after` gives the date the
    evidence ends, ``u``), nothing says whether the open truce ended after
    ``u``. The open spell is then coded both ways: still open (censored at its
    age on ``as_of``, as the ledger holds until a sourced change) and ended at
    ``u`` (one more ending, exposure only to ``u``). The headline probability
    is the still-open coding's; the interval reported is the union of the two
    codings' intervals, so the unknown widens it instead of dropping out.
    Both codings answer the same question: the chance that the truce, if it is
    still in force on ``as_of``, lasts another ``N`` days.

A scheduled cliff inside the horizon
    The truce's suspensions run to deadlines (its *cliffs*): the day the
    suspended tariffs, export controls or port fees return unless something
    moves them. A cliff inside the next ``N`` days is a hazard *spike*: on top
    of the daily hazard, the truce ends around that date with chance ``q``.
    ``q ~ Beta(c0, d0)`` (prior :data:`SPIKE_PRIOR`, mean 25%, worth two
    cliffs) updated with every cliff a truce in force has already met whose
    outcome is sourced: ``c0 + endings within SPIKE_WINDOW_DAYS of a cliff``,
    ``d0 + cliffs met without one``. The chance of lasting becomes
    ``S(N) * (1 - q)`` (independent), its interval taken over both posteriors.

The arithmetic is numpy; the Gamma and Beta quantiles are scipy's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import beta, gamma

from analysis.data import evidence
from analysis.data import series as obs
from analysis.data.loaders import (load_commitments, load_events, load_phase_one, load_sources, load_tariffs,
                                   load_truces)
from analysis.domain import commitments as cm
from analysis.domain import survival
from analysis.domain import tariffs as tf

INTERVAL = 0.90  # the credible interval reported
# Prior on the daily hazard: one pseudo-ending over b0 pseudo-days. b0 = 365 / ln 2 puts the prior mean hazard at
# ln 2 / 365 a day, the hazard of a truce whose median life is one year; a0 = 1 makes it worth a single truce.
PRIOR_SHAPE = 1.0
PRIOR_RATE_DAYS = 365 / math.log(2)
# Weibull shape prior: log k ~ Normal(0, 0.5), centred on k = 1 (constant hazard); k from about 0.4 to 2.7 at 95%.
SHAPE_LOG_SD = 0.5
# The Weibull grid: log k spans +/-4 prior standard deviations; log scale spans 1 day to 100,000 years.
GRID_POINTS = 80
LOG_SHAPE_RANGE = (-4 * SHAPE_LOG_SD, 4 * SHAPE_LOG_SD)
LOG_SCALE_RANGE = (math.log(1.0), math.log(365.0 * 100_000))
Z95 = 1.959963984540054  # the standard normal's 97.5% point, for Greenwood's 95% band

# The cliff spike: Beta(c0, d0) on the chance that a truce ends around a scheduled cliff. Mean c0 / (c0 + d0) = 25%,
# worth c0 + d0 = 2 cliffs, so a handful of cliffs met moves it a long way. "Around" is within this many days.
SPIKE_PRIOR = (0.5, 1.5)
SPIKE_WINDOW_DAYS = 14
# Points per posterior when the hazard and the spike are combined (equal-probability quantile grids).
SPIKE_GRID = 200

STILL_OPEN = "still open on the as-of date"
ENDED_AT_UNKNOWN = "ended where the evidence ends"


# --- The Gamma distribution without scipy -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prior:
    """The stated, weakly informative priors of both models."""

    shape: float = PRIOR_SHAPE  # a0: Gamma shape of the daily hazard (pseudo-endings)
    rate_days: float = PRIOR_RATE_DAYS  # b0: Gamma rate of the daily hazard (pseudo-days of exposure)
    weibull_log_shape_sd: float = SHAPE_LOG_SD  # sd of log k, centred at log 1 = 0

    @property
    def mean_hazard(self) -> float:
        return self.shape / self.rate_days

    @property
    def median_life_days(self) -> float:
        """The median life of a truce whose hazard is the prior mean: ``ln 2 / (a0 / b0)``."""
        return math.log(2) / self.mean_hazard

    def describe(self) -> str:
        """The priors in one plain sentence (no typed numbers: everything comes from the fields)."""
        return (f"daily hazard ~ Gamma(shape {self.shape:g}, rate {self.rate_days:,.0f} days): worth "
                f"{self.shape:g} ending over {self.rate_days:,.0f} days of exposure, its mean is the hazard of a "
                f"truce with a median life of {self.median_life_days:,.0f} days; Weibull shape k ~ log-normal "
                f"centred at 1 (sd of log k {self.weibull_log_shape_sd:g}), and 1/scale ~ the same Gamma")


@dataclass(frozen=True)
class ModelForecast:
    """One model's chance of lasting another ``horizon`` days, with its 90% interval."""

    model: str  # "constant hazard" or "Weibull"
    probability: float  # posterior mean chance, for the still-open coding
    low: float  # 90% interval, the union over codings when the truce's status is unknown
    high: float
    codings: pd.DataFrame  # one row per coding of the open spell: coding, events, exposure, probability, low, high


@dataclass(frozen=True)
class SurvivalForecast:
    """The chance that the truce in force on ``as_of`` lasts another ``horizon_days`` days."""

    as_of: pd.Timestamp
    horizon_days: int
    ending: str  # which endings count (survival.ENDINGS)
    current: pd.Series | None  # the truce in force on as_of (a spells row), or None
    age_days: int | None  # its age on as_of; None when no truce is open
    events: int  # endings counted, still-open coding
    exposure: int  # days in force summed over every spell, still-open coding
    models: tuple  # ModelForecast, constant hazard first; empty when no truce is open
    prior: Prior
    spells: pd.DataFrame  # the spells used (still-open coding)
    unknown_after: pd.Timestamp | None  # the open truce's status is unknown after this date
    unsourced: pd.DataFrame = field(default_factory=pd.DataFrame)  # the expiries that passed unsourced
    first: pd.Series | None = None  # the ledger's first truce, named when none had begun by as_of
    cliff: Spike | None = None  # the scheduled-cliff spike; None when the forecast was made without commitments

    @property
    def interval(self) -> float:
        return INTERVAL

    @property
    def in_force(self) -> bool:
        return self.current is not None

    @property
    def last_ended(self) -> pd.Series | None:
        ended = self.spells[self.spells["ended"]]
        return None if ended.empty else ended.sort_values("end").iloc[-1]

    def model(self, name: str) -> ModelForecast:
        return next(m for m in self.models if m.model == name)


# --- Constant hazard ----------------------------------------------------------------------------------------------

def exponential_posterior(events: int, exposure: float, prior: Prior = Prior()) -> tuple[float, float]:
    """Posterior ``(shape, rate)`` of the daily hazard: ``(a0 + events, b0 + exposure)``."""
    return prior.shape + events, prior.rate_days + exposure


def exponential_survival(shape: float, rate: float, horizon: float, interval: float = INTERVAL) -> tuple:
    """``(mean, low, high)`` of ``exp(-λN)`` for ``λ ~ Gamma(shape, rate)``.

    The mean is the Gamma's Laplace transform at ``N``: ``(rate / (rate + N)) ** shape``.
    ``exp(-λN)`` falls as ``λ`` rises, so the upper hazard quantile gives the low end.
    """
    tail = (1 - interval) / 2
    mean = (rate / (rate + horizon)) ** shape
    posterior = gamma(shape, scale=1 / rate)
    return mean, math.exp(-posterior.ppf(1 - tail) * horizon), math.exp(-posterior.ppf(tail) * horizon)


# --- Weibull on a grid --------------------------------------------------------------------------------------------

def weibull_posterior(durations, observed, prior: Prior = Prior(), shapes=None, scales=None) -> tuple:
    """Grid posterior of a Weibull fitted to right-censored durations.

    Parameters
    ----------
    durations, observed : array-like
        Days, and whether each ended (True) or was censored (False).
    shapes, scales : array-like, optional
        Grid points for ``k`` and ``scale`` (days); by default ``GRID_POINTS``
        evenly spaced in ``log k`` and ``log scale`` over ``LOG_SHAPE_RANGE``
        and ``LOG_SCALE_RANGE``. The grid is treated as equally spaced in the
        logs, so the priors are written as densities of ``log k`` and ``log scale``.

    Returns
    -------
    (k, scale, weight)
        2-D arrays over the grid; ``weight`` sums to one.
    """
    t = np.asarray(durations, dtype=float)
    d = np.asarray(observed, dtype=bool)
    if (t[d] <= 0).any():
        raise ValueError("an ending at duration 0 has no Weibull likelihood: every ended spell must last a day or more")
    shapes = np.exp(np.linspace(*LOG_SHAPE_RANGE, GRID_POINTS)) if shapes is None else np.asarray(shapes, float)
    scales = np.exp(np.linspace(*LOG_SCALE_RANGE, GRID_POINTS)) if scales is None else np.asarray(scales, float)
    k, scale = np.meshgrid(shapes, scales, indexing="ij")
    kk, ss = k[..., None], scale[..., None]
    # Censored log-likelihood: endings add log f(t) = log k - log scale + (k - 1) log(t / scale); everyone adds log S(t).
    z = t / ss
    log_lik = -(z ** kk).sum(-1)
    if d.any():
        te = t[d]
        log_lik = log_lik + (np.log(kk) - np.log(ss) + (kk - 1) * np.log(te / ss)).sum(-1)
    # Priors as densities in the grid's coordinates: log k ~ Normal(0, sd); for 1/scale = h ~ Gamma(a0, b0),
    # the density of log scale is h * Gamma pdf(h), proportional to h ** a0 * exp(-b0 h).
    hazard = 1 / scale
    log_prior = -0.5 * (np.log(k) / prior.weibull_log_shape_sd) ** 2 + prior.shape * np.log(hazard) - prior.rate_days * hazard
    log_post = log_lik + log_prior
    weight = np.exp(log_post - log_post.max())
    return k, scale, weight / weight.sum()


def weighted_quantiles(values, weights, qs) -> np.ndarray:
    """Quantiles of a discrete distribution (values with weights), interpolated on the cumulative weight."""
    v, w = np.asarray(values, float).ravel(), np.asarray(weights, float).ravel()
    order = np.argsort(v)
    v, w = v[order], w[order]
    cumulative = np.cumsum(w) - w / 2  # each point sits at the middle of its own weight
    return np.interp(qs, cumulative / w.sum(), v)


def weibull_chances(durations, observed, age: float, horizon: float, prior: Prior = Prior(), shapes=None,
                    scales=None) -> tuple[np.ndarray, np.ndarray]:
    """``S(age + N) / S(age)`` at every point of the Weibull grid posterior, with the points' weights."""
    k, scale, weight = weibull_posterior(durations, observed, prior, shapes, scales)
    # S(a + N) / S(a) = exp(-((a + N) / scale) ** k + (a / scale) ** k)
    return np.exp(-((age + horizon) / scale) ** k + (age / scale) ** k), weight


def weibull_survival(durations, observed, age: float, horizon: float, prior: Prior = Prior(), shapes=None,
                     scales=None, interval: float = INTERVAL) -> tuple:
    """``(mean, low, high)`` of ``S(age + N) / S(age)`` over the Weibull grid posterior."""
    chance, weight = weibull_chances(durations, observed, age, horizon, prior, shapes, scales)
    tail = (1 - interval) / 2
    low, high = weighted_quantiles(chance, weight, [tail, 1 - tail])
    return float((chance * weight).sum()), float(low), float(high)


# --- Kaplan-Meier with Greenwood's band ---------------------------------------------------------------------------

def greenwood_band(durations, observed, z: float = Z95) -> pd.DataFrame:
    """Kaplan-Meier with Greenwood's variance and a 95% band.

    ``Var S(t) = S(t)^2 * sum over ending times t_i <= t of d_i / (n_i (n_i - d_i))`` (Greenwood).
    The band is built on ``log(-log S)`` so that it stays inside [0, 1]:
    ``S ** exp(±z * sqrt(V))`` with ``V = sum d / (n (n - d)) / (log S)^2``.
    Where ``S`` is still 1 nothing has ended and the band is the point itself;
    where ``S`` reaches 0 (every truce at risk ended) Greenwood's sum is infinite
    and the band is left missing (NaN) rather than invented.

    Returns
    -------
    DataFrame
        ``time``, ``at_risk``, ``events``, ``survival``, ``variance``, ``low``, ``high``.
    """
    km = survival.kaplan_meier(durations, observed)
    n, e = km["at_risk"].to_numpy(float), km["events"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(e > 0, e / (n * (n - e)), 0.0))
        s = km["survival"].to_numpy(float)
        variance = s ** 2 * greenwood
        log_s = np.log(s)
        spread = z * np.sqrt(greenwood) / np.abs(log_s)
        low, high = s ** np.exp(spread), s ** np.exp(-spread)
    variance = np.where(s > 0, variance, np.nan)
    low = np.where(s >= 1, 1.0, np.where(s > 0, low, np.nan))
    high = np.where(s >= 1, 1.0, np.where(s > 0, high, np.nan))
    return pd.DataFrame({"time": km["time"], "at_risk": km["at_risk"], "events": km["events"], "survival": s,
                         "variance": variance, "low": low, "high": high})


# --- A scheduled cliff as a hazard spike --------------------------------------------------------------------------

@dataclass(frozen=True)
class Spike:
    """The chance ``q`` that the truce ends around a scheduled cliff, and the cliff inside the horizon if any."""

    cliff: pd.Timestamp | None  # the first scheduled cliff inside (as_of, as_of + N], or None: no spike applies
    next_cliff: pd.Timestamp | None  # the first cliff after as_of, inside the horizon or not
    met: tuple  # the cliffs a truce in force met by as_of with a sourced outcome (Timestamps)
    ended: int  # how many of them saw a counted ending within SPIKE_WINDOW_DAYS
    a: float  # Beta posterior of q
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    def quantiles(self, qs) -> np.ndarray:
        return beta(self.a, self.b).ppf(qs)

    @property
    def applies(self) -> bool:
        return self.cliff is not None


def cliff_dates(commitments: pd.DataFrame, as_of) -> pd.Series:
    """The distinct deadlines of the truce suspensions known on ``as_of``, oldest first."""
    known = commitments[(commitments["announced"] <= pd.Timestamp(as_of))
                        & commitments["metric"].isin(cm.SUSPENSION_METRICS)]
    return pd.Series(sorted(known["deadline"].dropna().unique()), dtype="datetime64[ns]")


def spike(commitments: pd.DataFrame, spell_table: pd.DataFrame, as_of, horizon_days: int, through=None,
          moot=frozenset(), prior: tuple = SPIKE_PRIOR, window_days: int = SPIKE_WINDOW_DAYS, moved=None) -> Spike:
    """The cliff spike on ``as_of``: ``q``'s posterior from the cliffs met so far, and the cliff ahead if any.

    A cliff counts as *met* when a truce was in force on it and its outcome is
    sourced by ``as_of``: the deadline is on or before ``through`` (where the
    evidence ends), an extension known then moved it, or a counted ending fell
    within ``window_days`` of it. A cliff that passed with no sourced outcome
    is not counted either way (it widens the main interval instead). ``moved``:
    the deadlines extensions known on ``as_of`` replaced, when already at hand.
    """
    as_of = pd.Timestamp(as_of)
    dates = cliff_dates(commitments, as_of)
    moved = set(cm.extensions(commitments, as_of)["old_deadline"]) if moved is None else set(moved)
    window = pd.Timedelta(days=window_days)
    ends = spell_table.loc[spell_table["observed"], "until"]
    met, ended = [], 0
    for date in dates[dates <= as_of]:
        in_force = ((spell_table["start"] <= date) & (spell_table["until"] >= date - window)).any()
        near_end = bool(((ends - date).abs() <= window).any())
        sourced = near_end or date in moved or (through is not None and date <= pd.Timestamp(through))
        if in_force and sourced:
            met.append(pd.Timestamp(date))
            ended += near_end
    ahead = cm.next_cliff(commitments, as_of, moot)
    nxt = None if ahead.empty else pd.Timestamp(ahead["deadline"].min())
    inside = nxt if nxt is not None and nxt <= as_of + pd.Timedelta(days=int(horizon_days)) else None
    return Spike(inside, nxt, tuple(met), ended, prior[0] + ended, prior[1] + len(met) - ended)


def _grid(n: int = SPIKE_GRID) -> np.ndarray:
    """Equal-probability points (midpoints of n equal slices of [0, 1])."""
    return (np.arange(n) + 0.5) / n


def with_spike(chances, weights, cliff: Spike, interval: float = INTERVAL, mean: float | None = None) -> tuple:
    """``(mean, low, high)`` of ``chance * (1 - q)``: a posterior of chances (values, weights) times the spike's.

    ``mean``, when given, is the chances' exact posterior mean (the grid's own mean otherwise).
    """
    c, w = np.asarray(chances, float).ravel(), np.asarray(weights, float).ravel()
    base = float((c * w).sum() / w.sum()) if mean is None else mean
    if len(c) > SPIKE_GRID:  # a large grid posterior (Weibull) is first summarised by equal-probability points
        c, w = weighted_quantiles(c, w, _grid()), np.full(SPIKE_GRID, 1 / SPIKE_GRID)
    keep = 1 - cliff.quantiles(_grid())
    product = c[:, None] * keep[None, :]
    weight = np.repeat(w / w.sum(), len(keep)) / len(keep)
    tail = (1 - interval) / 2
    low, high = weighted_quantiles(product.ravel(), weight, [tail, 1 - tail])
    return base * (1 - cliff.mean), float(low), float(high)


def exponential_chances(shape: float, rate: float, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """The constant-hazard posterior of ``exp(-λN)`` as equal-weight points, for :func:`with_spike`.

    They shape the interval; the mean stays the exact Laplace transform of :func:`exponential_survival`.
    """
    lam = gamma(shape, scale=1 / rate).ppf(_grid())
    return np.exp(-lam * horizon), np.full(len(lam), 1 / len(lam))


# --- The forecast -------------------------------------------------------------------------------------------------

def ended_at_unknown(table: pd.DataFrame, unknown_after) -> pd.DataFrame | None:
    """The spells with the open truce coded as ended at ``unknown_after``; None when that coding does not apply.

    It does not apply when no truce is open, or the open one began on or after
    ``unknown_after`` (it cannot have ended before it began).
    """
    now = survival.current(table)
    if unknown_after is None or now is None or pd.Timestamp(unknown_after) <= now["start"]:
        return None
    coded = table.copy()
    row = now.name
    coded.loc[row, "until"] = pd.Timestamp(unknown_after)
    coded.loc[row, "duration"] = int((pd.Timestamp(unknown_after) - now["start"]).days)
    coded.loc[row, "observed"] = True
    return coded


def fit(truces: pd.DataFrame, as_of, horizon_days: int, unknown_after=None, ending: str = "breakdown",
        prior: Prior = Prior(), unsourced: pd.DataFrame | None = None, first: pd.Series | None = None,
        shapes=None, scales=None, commitments: pd.DataFrame | None = None, through=None,
        moot=frozenset(), moved=None) -> SurvivalForecast:
    """The forecast from loaded truces; :func:`forecast` loads the data and finds ``unknown_after``.

    The spells are always taken with the open truce censored at ``as_of``
    (its age on that day); ``unknown_after`` only adds the second coding
    (ended at that date) whose interval widens the reported one. With
    ``commitments`` (and ``through``, where the evidence ends, and the ``moot``
    suspensions), a scheduled cliff inside the horizon multiplies each chance
    by the spike's ``1 - q`` (:func:`spike`); without them no spike is applied.
    """
    as_of = pd.Timestamp(as_of)
    table = survival.spells(truces, as_of, None, ending)
    now = survival.current(table)
    events, exposure = int(table["observed"].sum()), int(table["duration"].sum())
    cliff = None if commitments is None else spike(commitments, table, as_of, horizon_days, through, moot,
                                                   moved=moved)
    models = ()
    if now is not None:
        age = int(now["duration"])
        codings = [(STILL_OPEN, table)]
        alternative = ended_at_unknown(table, unknown_after)
        if alternative is not None:
            codings.append((ENDED_AT_UNKNOWN, alternative))
        rows = {"constant hazard": [], "Weibull": []}
        for label, spell_table in codings:
            e, t = int(spell_table["observed"].sum()), int(spell_table["duration"].sum())
            a, b = exponential_posterior(e, t, prior)
            constant = exponential_survival(a, b, horizon_days)
            # Each coding answers the same question: a truce in force on as_of, at its age then.
            weibull = weibull_survival(spell_table["duration"], spell_table["observed"], age, horizon_days, prior,
                                       shapes, scales)
            if cliff is not None and cliff.applies:
                spiked_constant = with_spike(*exponential_chances(a, b, horizon_days), cliff, mean=constant[0])
                spiked_weibull = with_spike(*weibull_chances(spell_table["duration"], spell_table["observed"], age,
                                                             horizon_days, prior, shapes, scales), cliff)
            else:
                spiked_constant, spiked_weibull = constant, weibull
            rows["constant hazard"].append((label, e, t, *spiked_constant, constant[0]))
            rows["Weibull"].append((label, e, t, *spiked_weibull, weibull[0]))
        built = []
        for name, found in rows.items():
            frame = pd.DataFrame(found, columns=["coding", "events", "exposure", "probability", "low", "high",
                                                 "without_cliff"])
            built.append(ModelForecast(name, float(frame["probability"].iloc[0]), float(frame["low"].min()),
                                       float(frame["high"].max()), frame))
        models = tuple(built)
    return SurvivalForecast(as_of, int(horizon_days), ending, now, None if now is None else int(now["duration"]),
                            events, exposure, models, prior, table,
                            None if unknown_after is None else pd.Timestamp(unknown_after),
                            pd.DataFrame() if unsourced is None else unsourced, first, cliff)


def load_inputs() -> dict:
    """The frames a forecast reads, loaded once (a backtest forecasts at many dates from them)."""
    return {"truces": load_truces(), "events": load_events(), "phase_one": load_phase_one(),
            "commitments": load_commitments(), "sources": load_sources(), "tariffs": load_tariffs()}


def forecast_at(inputs: dict, as_of, horizon_days: int, ending: str = "breakdown",
                prior: Prior = Prior()) -> SurvivalForecast:
    """The forecast on ``as_of`` from frames loaded by :func:`load_inputs`, from what was knowable that day.

    ``unknown_after`` follows :func:`analysis.domain.survival.compute`: where
    the evidence ends on ``as_of``, when a scheduled expiry passed after it with
    no sourced outcome (deadlines an extension moved do not count).
    """
    as_of = pd.Timestamp(as_of)
    truces, events, commitments = inputs["truces"], inputs["events"], inputs["commitments"]
    dates = evidence.report_dates(survival.EVIDENCE_KEYS, as_of, inputs)
    moved = frozenset(cm.extensions(commitments, as_of)["old_deadline"])
    unsourced = survival.unsourced_expiries(events, as_of, dates.evidence_through, moved)
    unknown_after = survival.status_unknown_after(events, as_of, dates.evidence_through, moved)
    moot = tf.moot_suspensions(commitments, inputs["tariffs"], as_of)
    return fit(truces, as_of, horizon_days, unknown_after, ending, prior, unsourced, survival.first_truce(truces),
               commitments=commitments, through=dates.evidence_through, moot=moot)


def forecast(*, as_of, horizon_days: int = 90, ending: str = "breakdown", prior: Prior = Prior()) -> SurvivalForecast:
    """Load the data and forecast as the history page would judge on ``as_of`` (:func:`forecast_at`)."""
    as_of_text = as_of if isinstance(as_of, str) else pd.Timestamp(as_of).strftime("%Y-%m-%d")
    survival.check_parameters(as_of=as_of_text, horizon_days=horizon_days, ending=ending)
    return forecast_at(load_inputs(), obs.resolve_as_of(as_of_text), horizon_days, ending, prior)
