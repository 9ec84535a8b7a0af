"""The purchase tracker's assembly: which rows count, parameter checks, what-was-knowable, auto defaults."""


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


def check(**changed):
    """The report's parameter rules, on the notebook's defaults as of 31 Jan 2026, some of them changed."""
    return purchases.check_parameters(**{**DEFAULTS, "as_of": "2026-01-31", **changed})


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
    with pytest.raises(ParameterError, match="'commitment': 'nope' is not in commitments.csv"):
        check(commitment="nope")
    with pytest.raises(ParameterError, match="'flow_series': 'rumours' is not one of"):
        check(flow_series="rumours")
    with pytest.raises(ParameterError, match="'method': 'cubic' is not one of: linear, seasonal"):
        check(method="cubic")
    with pytest.raises(ParameterError, match="'trailing_days'"):
        check(trailing_days=0)
    with pytest.raises(ParameterError, match="'flows_from': 'January' is not an ISO date"):
        check(flows_from="January")
    with pytest.raises(ParameterError, match="'baseline_year': 'last year' is not a year or 'auto'"):
        check(baseline_year="last year")


def test_baseline_year_without_full_monthly_data_is_refused():
    with pytest.raises(ParameterError, match="'baseline_year': baseline year 2019 has no flow for"):
        check(baseline_year=2019)


def test_an_explicit_baseline_year_not_over_on_as_of_is_refused():
    with pytest.raises(ParameterError, match="'baseline_year': 2025 had not ended by as_of 2025-11-30"):
        check(as_of="2025-11-30", baseline_year=2025)


def test_a_commitment_is_unknown_before_it_was_announced():
    # Checked with the other parameters, so `truce build` refuses it before any kernel starts.
    with pytest.raises(ParameterError, match="'commitment': 'soy-12mmt' was announced on 2025-12-03, after as_of 2025-11-15"):
        check(as_of="2025-11-15", commitment="soy-12mmt")


def test_a_flows_window_starting_after_as_of_is_refused():
    with pytest.raises(ParameterError, match="'flows_from': '2026-02-01' is after as_of 2026-01-31"):
        check(flows_from="2026-02-01")


def test_bad_as_of_is_named():
    with pytest.raises(ParameterError, match="'as_of': 'yesterday' is not an ISO date"):
        compute(as_of="yesterday")


def test_early_view_sees_only_what_was_reported_by_then():
    t = compute(as_of="2025-11-15", commitment="soy-12mmt-2025")
    assert t.progress.counted_through == pd.Timestamp("2025-10-30")
    assert t.progress.achieved == 100_000 and t.status == "behind"


def test_default_report_cites_only_web_sources():
    t = compute(as_of="2026-01-31")
    assert t.sources["url"].str.startswith("http").all()


# ---- "auto" defaults follow as_of ----------------------------------------------------------------------

@pytest.mark.parametrize("as_of, commitment, flows_from, baseline_year", [
    # Before the first pledge (30 Oct 2025): no commitment; the 24 calendar months Jul 2016 .. Jun 2018.
    ("2018-06-30", None, "2016-07-01", None),
    ("2025-09-30", None, "2023-10-01", None),
    # The end-2025 pledge starts in 2025: January 2024 and the 2024 baseline.
    ("2025-11-30", "soy-12mmt-2025", "2024-01-01", 2024),
    # The end-February deadline (announced 3 Dec) replaces it; in January it is due before the 2026 pledge.
    ("2026-01-31", "soy-12mmt", "2024-01-01", 2024),
    # From March the 2026 calendar-year pledge: January 2025 and the 2025 baseline.
    ("2026-03-31", "soy-25mmt-2026", "2025-01-01", 2025),
])
def test_auto_parameters_resolve_for_the_as_of_date(as_of, commitment, flows_from, baseline_year):
    chosen = check(as_of=as_of)
    assert (None if chosen.record is None else chosen.record.name) == commitment
    assert chosen.flows_from == pd.Timestamp(flows_from)
    assert chosen.baseline_year == baseline_year


def test_explicit_values_override_auto():
    # On 31 May 2026 auto would give soy-25mmt-2026, January 2025 and 2025.
    chosen = check(commitment="soy-12mmt", flows_from="2025-06-01", baseline_year=2024, as_of="2026-05-31")
    assert (chosen.record.name, chosen.flows_from, chosen.baseline_year) == ("soy-12mmt", pd.Timestamp("2025-06-01"), 2024)
    assert not (chosen.commitment_auto or chosen.flows_from_auto or chosen.baseline_auto)


def test_a_pledge_that_starts_more_than_a_year_ahead_gets_the_24_month_window():
    # soy-25mmt-2028 starts 1 Jan 2028: January 2027 is after as_of, so the window is Dec 2023 .. Nov 2025.
    assert purchases.auto_flows_from(pd.Series({"start": pd.Timestamp("2028-01-01")}), "2025-11-30") == \
        pd.Timestamp("2023-12-01")


def test_before_any_pledge_the_report_holds_only_the_arrivals():
    t = compute(as_of="2018-06-30")
    assert not t.has_commitment and t.status == "no commitment"
    assert t.progress is None and t.by_series == {} and t.cumulative.empty
    # Arrivals known by 30 Jun 2018: December 2017 only (the 2017 and 2018 totals are annual, not monthly).
    assert t.flows.loc[t.flows["status"] != "no data", "month"].tolist() == [pd.Timestamp("2017-12-01")]
    assert t.first_pledge.name == "soy-12mmt-2025"


def test_a_pledge_announced_before_it_starts_is_not_measured_yet():
    t = compute(as_of="2025-11-30", commitment="soy-25mmt-2026")
    assert t.has_commitment and not t.started and t.status == "not started"
    assert t.baseline_year == 2024  # 2025 is not over on 30 Nov 2025


def test_the_page_dates_its_series_in_order():
    t = compute(as_of="2026-01-31", flow_series="cn_customs_imports_from_us")
    assert [s.key for s in t.dates.series] == [
        "commitments", "soybeans:cn_customs_imports_from_us", "soybeans:usda_sales_to_cn",
        "soybeans:reported_purchases_to_cn", "soybeans:us_exports_to_cn"]
    assert t.dates.as_of == pd.Timestamp("2026-01-31")
    assert t.dates.evidence_through <= t.as_of


def test_a_status_reading_after_as_of_is_not_cited():
    # soy-12mmt's status evidence is dated 20 Jan 2026: not known on 31 Dec 2025.
    early, later = compute(as_of="2025-12-31"), compute(as_of="2026-01-31")
    assert early.record.name == later.record.name == "soy-12mmt"
    evidence = early.record["evidence_source_id"]
    assert evidence not in set(early.sources["source_id"]) and evidence in set(later.sources["source_id"])
