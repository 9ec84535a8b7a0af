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
    with pytest.raises(ParameterError, match="'met_from_any_source': 'yes' is not True or False"):
        check(met_from_any_source="yes")
    assert check(flow_series="auto").as_of == pd.Timestamp("2026-01-31")


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
    # By default the USDA sales: official, and a count of purchases (the customs month of October ends later).
    assert t.series == "usda_sales_to_cn"
    assert t.progress.counted_through == pd.Timestamp("2025-10-30")
    # 100,000 t through 30 Oct against 12e6 * 1/63 = 190,476 t due on day 1 of 63 (30 Oct to 31 Dec): behind.
    assert t.progress.achieved == 100_000 and t.status == "behind"
    assert t.progress.expected == pytest.approx(12e6 / 63)


def test_on_31_january_2026_usda_is_on_track_as_of_8_january_and_the_pledge_is_met_by_the_traders():
    t = compute(as_of="2026-01-31")
    assert (t.record.name, t.series) == ("soy-12mmt", "usda_sales_to_cn")
    own = t.by_series["usda_sales_to_cn"]
    # 8.0 MMT through 8 Jan against 12e6 * 71/122 = 6.98 MMT on the linear path that day (sales have no profile).
    assert (own.status, own.status_date, own.method) == ("on track", pd.Timestamp("2026-01-08"), "linear")
    assert own.expected == pytest.approx(12e6 * 71 / 122)
    # Three traders reported the 12 MMT bought on 20 Jan (Reuters): met, that source named.
    assert (t.status, t.progress.status_date) == ("met", pd.Timestamp("2026-01-20"))
    assert t.progress.met_by.source_id == "reuters-devdiscourse-2026-01-20-soy-12mmt"
    assert t.progress.met_by.source_id in set(t.sources["source_id"])
    # Without other sources the status is the series' own.
    assert compute(as_of="2026-01-31", met_from_any_source=False).status == "on track"


def test_after_the_deadline_usda_alone_reads_no_figure_since_8_january():
    t = compute(as_of="2026-03-31", commitment="soy-12mmt", flow_series="usda_sales_to_cn", met_from_any_source=False)
    assert (t.status, t.progress.status_date) == ("no figure since", pd.Timestamp("2026-01-08"))
    assert t.progress.projected is None


def test_the_traders_line_never_falls():
    # 12 MMT (20 Jan), at least 8.5 MMT (end-January), 12 MMT (5 Feb): the running maximum holds 12 MMT.
    t = compute(as_of="2026-03-31", commitment="soy-12mmt")
    line = t.cumulative[t.cumulative["series"] == "reported_purchases_to_cn"]["value"]
    assert line.is_monotonic_increasing and line.max() == 12e6
    points = t.measured.points["reported_purchases_to_cn"]
    assert points["held"].tolist() == [False, False, True, False]  # 7 MMT, 12 MMT, 8.5 MMT held, 12 MMT


def test_on_3_december_2026_the_live_pledges_and_the_history():
    t = compute(as_of="2026-12-03")
    assert [p.record.name for p in t.live] == ["soy-25mmt-2026", "beijing-cn-boeing", "beijing-cn-farm-17bn"]
    assert [p.kind for p in t.live] == ["tonnage", "units", "value"]
    # Only the traders' floor counts since 1 Jan 2026: at least 12.5 MMT through 21 Sep, against the linear path
    # 25e6 * 264 / 365 = 18.08 MMT (1 Jan .. 21 Sep = 264 days). "More than half" may be anything above 12.5,
    # so a floor below the path cannot show the pledge behind: unresolved as of 21 Sep.
    assert t.series == "reported_purchases_to_cn"
    assert (t.status, t.progress.status_date, t.progress.lower_bound) == ("unresolved", pd.Timestamp("2026-09-21"), True)
    assert t.progress.expected == pytest.approx(25e6 * 264 / 365)
    # The projection runs from 21 Sep: 12.5 MMT left at 12.5e6 / 264 a day (from 31 Dec) = 264 days -> 12 Jun 2027.
    assert t.progress.projected == pd.Timestamp("2027-06-12")
    farm = t.live[2]
    assert farm.tranche.amount == pytest.approx(17e9 * 229 / 365) and farm.measured is None
    past = {p.record.name: p for p in t.history}
    assert past["soy-12mmt-2025"].replaced_by.name == "soy-12mmt"
    resolved = past["soy-12mmt"].measured.progress
    assert (resolved.status, resolved.status_date) == ("met", pd.Timestamp("2026-01-20"))
    # USDA-reported sales on their own: at least 11.96 MMT only by (end) June 2026, a floor below 12 MMT.
    usda = past["soy-12mmt"].measured.by_series["usda_sales_to_cn"]
    assert (usda.achieved, usda.status) == (11.96e6, "unresolved")


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
    assert chosen.baseline_year == baseline_year  # the newest year of the profile


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
        "commitments", "commitment_status", "soybeans:cn_customs_imports_from_us", "soybeans:usda_sales_to_cn",
        "soybeans:reported_purchases_to_cn", "soybeans:us_exports_to_cn"]
    assert t.dates.as_of == pd.Timestamp("2026-01-31")
    assert t.dates.evidence_through <= t.as_of


def test_a_status_reading_after_as_of_is_not_cited():
    # soy-12mmt's status evidence is dated 20 Jan 2026: not known on 31 Dec 2025.
    early, later = compute(as_of="2025-12-31"), compute(as_of="2026-01-31")
    assert early.record.name == later.record.name == "soy-12mmt"
    evidence = early.record["evidence_source_id"]
    assert evidence not in set(early.sources["source_id"]) and evidence in set(later.sources["source_id"])
