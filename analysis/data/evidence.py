"""The three dates every page states, with one definition of "evidence through".

- **as of**: the day the analysis is judged at (the ``as_of`` parameter;
  ``"today"`` is the day the report is built).
- **evidence through**: for each series a page uses, the newest date a row of
  it speaks for, among rows dated on or before ``as_of`` whose source is
  graded at least :data:`MIN_GRADE` (every graded row: the pages use
  secondary figures too, flagged as weak). The page's evidence-through date is
  the newest of its series. Beside it each series also gives its *firm* date,
  from rows graded at least :data:`FIRM_GRADE` alone, so a reader sees when
  the newest figures rest only on secondary pages.
- **compiled**: the day the build ran (``TRUCE_COMPILED`` when a rebuild pins
  it, else today).

Every page reads these dates from here, so two pages that use the same series
always give it the same date. A series whose newest row is older than its
stated threshold on ``as_of`` is *stale*: the page flags it on its first
screen, and a verdict that needs it says "no figure since <date>".
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pandas as pd

from analysis import runlog
from analysis.data import loaders
from analysis.data import series as obs

# Reliability grades in sources.csv, most reliable first.
GRADES = ("primary", "news", "secondary")
# Rows at or above this grade date the evidence ...
MIN_GRADE = "secondary"
# ... and rows at or above this one give the firm date beside it.
FIRM_GRADE = "news"
COMPILED_ENV = "TRUCE_COMPILED"


@dataclass(frozen=True)
class SeriesSpec:
    """One series a page can use: where its rows are and how old they may grow."""

    key: str
    label: str
    dataset: str
    column: str  # the column that dates a row
    where: tuple = ()  # (column, value) pairs selecting the series' rows
    stale_after_days: int | None = None  # None: a ledger of changes, not a flow; it cannot go stale
    cadence: str = ""

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        for column, value in self.where:
            frame = frame[frame[column] == value]
        return frame


def _soy(key: str, label: str, days: int, cadence: str) -> SeriesSpec:
    return SeriesSpec(f"soybeans:{key}", label, "soybeans", "period_end", (("series", key),), days, cadence)


def _magnets(key: str, label: str) -> SeriesSpec:
    return SeriesSpec(f"rare_earths:{key}", label, "rare_earths", "period_end", (("series", key),), 60,
                      "monthly customs release")


# Thresholds: monthly statistics are released about a month after the month ends, so a
# monthly series is stale once its newest month ended more than 60 days before as_of;
# weekly sales and traders' tallies, and the events ledger, after 30 days; published
# average-tariff estimates, which appear a few times a year, after 120 days.
SERIES = {spec.key: spec for spec in (
    SeriesSpec("events", "Events ledger", "events", "evidence", (), 30, "dated events"),
    SeriesSpec("tariff_rates", "Statutory tariff rates", "tariffs", "effective", (("kind", "headline"),), None,
               "changes when a measure takes effect"),
    SeriesSpec("tariff_averages", "Published average-tariff estimates", "tariffs", "effective", (("kind", "average"),),
               120, "a few estimates a year"),
    SeriesSpec("commitments", "Commitments ledger", "commitments", "announced", (), None,
               "changes when a pledge is made"),
    SeriesSpec("commitment_status", "Commitment status readings", "commitments", "status_as_of", (), None,
               "read from news of each pledge"),
    SeriesSpec("truces", "Truce ledger", "truces", "start", (), None, "changes when a truce begins or ends"),
    SeriesSpec("phase_one", "PIIE Phase One tracker", "phase_one", "as_of", (), None, "closed: final figures"),
    _soy("usda_sales_to_cn", "USDA export sales to China", 30, "weekly export sales"),
    _soy("reported_purchases_to_cn", "Traders' and officials' purchase tallies", 30, "irregular tallies"),
    _soy("cn_customs_imports_from_us", "China customs arrivals from the US", 60, "monthly customs release"),
    _soy("us_exports_to_cn", "US exports to China (Census)", 60, "monthly trade release"),
    _magnets("magnet_exports_total", "Magnet exports, all destinations"),
    _magnets("magnet_exports_to_us", "Magnet exports to the US"),
)}


def compiled_date() -> pd.Timestamp:
    """The day the report is compiled: ``$TRUCE_COMPILED`` when a rebuild pins it, else today."""
    pinned = os.environ.get(COMPILED_ENV)
    if pinned:
        return obs.iso_date(COMPILED_ENV, pinned)
    return pd.Timestamp(dt.date.today())


def dated_rows(spec: SeriesSpec, frames: dict | None = None) -> pd.DataFrame:
    """The series' rows with ``when`` (the date each speaks for) and ``reliability``.

    Truce rows are dated by their start and, once ended, by their end; events by
    :func:`analysis.data.series.event_evidence` (a scheduled item counts from when it was reported).
    """
    frames = frames or {}
    frame = frames[spec.dataset] if spec.dataset in frames else loaders.load(spec.dataset)
    sources = frames["sources"] if "sources" in frames else loaders.load("sources")
    if spec.dataset == "events":
        frame = obs.event_evidence(frame)
    rows = spec.rows(frame)
    columns = ("start", "end") if spec.dataset == "truces" else (spec.column,)
    graded = pd.concat([pd.DataFrame({"when": rows[c].to_numpy(), "source_id": rows["source_id"].to_numpy()})
                        for c in columns], ignore_index=True)
    graded = graded.merge(sources[["source_id", "reliability"]], on="source_id", how="left")
    return graded.dropna(subset=["when"])


def through(spec: SeriesSpec, as_of, frames: dict | None = None, grade: str = MIN_GRADE) -> pd.Timestamp | None:
    """Newest date the series speaks for on ``as_of``, from rows graded at least ``grade``.

    ``None`` when no such row is dated on or before ``as_of``.
    """
    return _newest(dated_rows(spec, frames), as_of, grade)


def at_least(rows: pd.DataFrame, grade: str = MIN_GRADE) -> pd.Series:
    """Which of :func:`dated_rows`' rows rest on a source graded ``grade`` or better."""
    return rows["reliability"].isin(GRADES[:GRADES.index(grade) + 1])


def _newest(rows: pd.DataFrame, as_of, grade: str) -> pd.Timestamp | None:
    usable = rows[at_least(rows, grade) & (rows["when"] <= pd.Timestamp(as_of))]
    return None if usable.empty else pd.Timestamp(usable["when"].max())


@dataclass(frozen=True)
class SeriesDate:
    """One line of a page's "data through" list."""

    key: str
    label: str
    through: pd.Timestamp | None
    firm_through: pd.Timestamp | None  # from rows graded at least FIRM_GRADE
    age_days: int | None  # days from ``through`` to as_of
    stale_after_days: int | None
    cadence: str

    @property
    def stale(self) -> bool:
        """Older than its threshold on as_of (a series with no figure yet is not stale: see ``missing``)."""
        if self.through is None:
            return False
        return self.stale_after_days is not None and self.age_days > self.stale_after_days

    @property
    def missing(self) -> bool:
        """No graded figure of the series is dated by as_of."""
        return self.through is None


@dataclass(frozen=True)
class ReportDates:
    """The three dates of one page, and the data-through date of each series it uses."""

    as_of: pd.Timestamp
    compiled: pd.Timestamp
    series: tuple  # of SeriesDate, in the order the page uses them

    @property
    def evidence_through(self) -> pd.Timestamp | None:
        """The newest data-through date among the page's series."""
        dates = [s.through for s in self.series if s.through is not None]
        return max(dates) if dates else None

    @property
    def stale(self) -> tuple:
        return tuple(s for s in self.series if s.stale)

    @property
    def missing(self) -> tuple:
        return tuple(s for s in self.series if s.missing)

    def get(self, key: str) -> SeriesDate:
        return next(s for s in self.series if s.key == key)


def report_dates(keys, as_of, frames: dict | None = None) -> ReportDates:
    """The dates a page states for the series ``keys`` on ``as_of``, recorded for the build's stamp.

    Parameters
    ----------
    keys : iterable of str
        Keys of :data:`SERIES`, in the order the page should list them.
    as_of : date-like
    frames : dict, optional
        Already-loaded datasets by name (``sources`` among them), to avoid reading files twice.
    """
    as_of = pd.Timestamp(as_of).normalize()
    frames = dict(frames or {})
    for name in {"sources", *(SERIES[k].dataset for k in keys)} - set(frames):
        frames[name] = loaders.load(name)
    listed = []
    for key in keys:
        spec = SERIES[key]
        rows = dated_rows(spec, frames)
        last = _newest(rows, as_of, MIN_GRADE)
        listed.append(SeriesDate(key, spec.label, last, _newest(rows, as_of, FIRM_GRADE),
                                 None if last is None else (as_of - last).days,
                                 spec.stale_after_days, spec.cadence))
    dates = ReportDates(as_of, compiled_date(), tuple(listed))
    newest = dates.evidence_through
    runlog.record(as_of=as_of.strftime("%Y-%m-%d"), compiled=dates.compiled.strftime("%Y-%m-%d"),
                  evidence_through=None if newest is None else newest.strftime("%Y-%m-%d"),
                  series=[{"label": s.label, "through": None if s.through is None else s.through.strftime("%Y-%m-%d"),
                           "stale": s.stale} for s in listed])
    return dates
