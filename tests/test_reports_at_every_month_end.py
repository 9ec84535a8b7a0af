"""Every report's computations, prose, tables and chart builders run at every month-end since January 2018.

In-process (no kernel), so it covers a hundred dates in a few minutes. A figure with no rows must come
out as a sentence, never as a chart with an empty dataset (vl-convert cannot draw one); every chart spec
must be plain JSON (a pandas Timestamp that the kernel would quietly stringify breaks papermill and
JupyterLab) and must compile to the Vega 5 that JupyterLab draws; no prose or table may show a missing
value as nan, NaT or None.
"""

import datetime as dt
import re

import altair as alt
import pandas as pd
import pytest
from support import run_cells

from analysis.views import charts

FIRST = "2018-01-31"
MONTH_ENDS = [d.strftime("%Y-%m-%d") for d in pd.date_range(FIRST, dt.date.today(), freq="ME")]
REPORTS = ["history", "tariffs", "purchases", "rare_earths", "durability"]
MISSING = re.compile(r"\b(nan|NaT|None)\b")


def problems(outputs, as_of) -> list[str]:
    found = []
    for number, output in enumerate(outputs, 1):
        if isinstance(output, alt.TopLevelMixin):
            spec = output.to_dict()
            empty = [name for name, rows in spec.get("datasets", {}).items() if not rows]
            if empty or not spec.get("datasets"):
                found.append(f"{as_of}: output {number} is a chart with no rows")
            try:
                charts.lab_spec(spec)
            except Exception as err:  # every chart's failure is listed, not just the first
                found.append(f"{as_of}: output {number} cannot be drawn in JupyterLab: {err}")
        else:
            shown = getattr(output, "data", None)
            if isinstance(shown, str) and MISSING.search(re.sub(r"<[^>]+>", " ", shown)):
                found.append(f"{as_of}: output {number} shows {MISSING.search(re.sub(r'<[^>]+>', ' ', shown))[0]}")
    return found


def overrides(report: str, as_of: str) -> dict:
    if report == "durability" and as_of != MONTH_ENDS[-1]:
        # The backtest recomputes the index at every month-end since backtest_from; one full run (the
        # last date) covers them all, so the other dates backtest only their own year.
        return {"as_of": as_of, "backtest_from": max(FIRST[:8] + "01", f"{int(as_of[:4]) - 1}-{as_of[5:7]}-01")}
    return {"as_of": as_of}


@pytest.mark.parametrize("report", REPORTS)
def test_report_runs_at_every_month_end(report):
    failures = []
    for as_of in MONTH_ENDS:
        try:
            failures += problems(run_cells(report, **overrides(report, as_of)), as_of)
        except Exception as err:  # collect every date's failure, then fail once with the list
            failures.append(f"{as_of}: {type(err).__name__}: {err}")
    assert not failures, f"{len(failures)} of {len(MONTH_ENDS)} dates failed:\n" + "\n".join(failures[:20])


def test_the_dates_cover_january_2018_to_the_last_month_end():
    assert MONTH_ENDS[0] == FIRST and len(MONTH_ENDS) >= 106
