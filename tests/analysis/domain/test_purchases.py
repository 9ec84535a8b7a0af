"""The purchase tracker's assembly: which rows count, parameter checks, what-was-knowable."""


import pandas as pd
import pytest

from analysis.domain import commitments as cm
from analysis.domain import purchases
from analysis.errors import ParameterError
from support import notebook_defaults

DEAL = cm.Commitment("soy", 12e6, "2025-10-30", "2026-02-28")



DEFAULTS = notebook_defaults("purchases")


def compute(**changed):
    """The report computed with the notebook's defaults, some of them changed."""
    return purchases.compute(**{**DEFAULTS, **changed})


def rows(*items):
    return pd.DataFrame({"period_start": pd.to_datetime([i[0] for i in items]),
                         "period_end": pd.to_datetime([i[1] for i in items]),
                         "value": [i[2] for i in items]})


def test_since_start_curve_takes_running_totals_not_single_sales():
    frame = rows(("2025-10-30", "2025-10-30", 1e5),   # a sale on the first day: the total so far
                 ("2025-11-03", "2025-11-03", 1.3e5),  # a later one-day sale: not a total
                 ("2025-10-31", "2025-12-20", 7e6),    # "since the truce" to 20 Dec: a total
                 ("2025-09-01", "2026-01-08", 8e6))    # starts too early to be "since the truce"
    curve, used = purchases.since_start_curve(frame, DEAL)
    assert curve.to_dict() == {pd.Timestamp("2025-10-30"): 1e5, pd.Timestamp("2025-12-20"): 7e6}
    assert len(used) == 2


def test_parameters_are_checked_by_name():
    def check(**changed):
        values = {"as_of": "latest", "commitment": "soy-12mmt", "flow_series": "usda_sales_to_cn",
                  "method": "linear", "baseline_year": 2024, "trailing_days": 90, "flows_from": "2024-01-01"}
        return purchases.check_parameters(**{**values, **changed})

    with pytest.raises(ParameterError, match="'commitment': 'nope' is not in commitments.csv"):
        check(commitment="nope")
    with pytest.raises(ParameterError, match="'flow_series': 'rumours' is not one of"):
        check(flow_series="rumours")
    with pytest.raises(ParameterError, match="'method': 'cubic' is not one of: linear, seasonal"):
        check(method="cubic")
    with pytest.raises(ParameterError, match="'trailing_days'"):
        check(trailing_days=0)


def test_baseline_year_without_full_monthly_data_is_refused():
    with pytest.raises(ParameterError, match="'baseline_year': baseline year 2019 has no flow for"):
        compute(baseline_year=2019)


def test_a_commitment_is_unknown_before_it_was_announced():
    with pytest.raises(ParameterError, match="announced on 2025-12-03, after as_of 2025-11-15"):
        compute(as_of="2025-11-15", commitment="soy-12mmt")


def test_bad_as_of_is_named():
    with pytest.raises(ParameterError, match="'as_of': 'yesterday' is not an ISO date"):
        compute(as_of="yesterday")


def test_early_view_sees_only_what_was_reported_by_then():
    t = compute(as_of="2025-11-15", commitment="soy-12mmt-2025")
    assert t.progress.counted_through == pd.Timestamp("2025-10-30")
    assert t.progress.achieved == 100_000 and t.status == "behind"


def test_default_report_cites_only_web_sources():
    t = compute()
    assert t.sources["url"].str.startswith("http").all()

