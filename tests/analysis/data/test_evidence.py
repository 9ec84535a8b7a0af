"""One definition of "evidence through": hand-worked dates on crafted frames, and agreement across pages."""

import pandas as pd
import pytest

from analysis.data import evidence

ts = pd.Timestamp


def frames():
    sources = pd.DataFrame({"source_id": ["gov", "wire", "blog"], "reliability": ["primary", "news", "secondary"]})
    events = pd.DataFrame({
        "date": pd.to_datetime(["2026-05-14", "2026-07-23", "2026-09-23", "2027-01-10"]),
        "reported": pd.to_datetime([None, None, None, "2026-09-25"]),
        "type": ["talks", "escalation", "de-escalation", "expiry"],
        "source_id": ["wire", "gov", "blog", "blog"],
    })
    soybeans = pd.DataFrame({
        "series": ["usda_sales_to_cn", "usda_sales_to_cn", "us_exports_to_cn"],
        "period_end": pd.to_datetime(["2026-01-08", "2026-09-10", "2026-03-31"]),
        "source_id": ["wire", "blog", "gov"],
    })
    truces = pd.DataFrame({"start": pd.to_datetime(["2025-05-12", "2025-10-30"]),
                           "end": pd.to_datetime(["2025-10-09", None]), "source_id": ["wire", "wire"]})
    return {"sources": sources, "events": events, "soybeans": soybeans, "truces": truces}


def test_the_newest_row_dated_by_as_of_sets_the_date_and_the_firm_date_skips_secondary_pages():
    spec = evidence.SERIES["events"]
    # The expiry is due in 2027 but was reported on 25 Sep 2026: it is evidence from then, not from its due date.
    assert evidence.through(spec, "2026-12-03", frames()) == ts("2026-09-25")
    assert evidence.through(spec, "2026-12-03", frames(), grade="news") == ts("2026-07-23")
    assert evidence.through(spec, "2026-09-24", frames()) == ts("2026-09-23")
    assert evidence.through(spec, "2026-05-13", frames()) is None


def test_series_are_selected_by_their_rows_and_truces_count_their_ends():
    f = frames()
    assert evidence.through(evidence.SERIES["soybeans:us_exports_to_cn"], "2026-12-03", f) == ts("2026-03-31")
    assert evidence.through(evidence.SERIES["truces"], "2025-12-31", f) == ts("2025-10-30")
    assert evidence.through(evidence.SERIES["truces"], "2025-10-20", f) == ts("2025-10-09")


def test_report_dates_give_age_staleness_and_the_page_date():
    dates = evidence.report_dates(["soybeans:usda_sales_to_cn", "soybeans:us_exports_to_cn", "truces"],
                                  "2026-10-10", frames())
    usda, census, truces = dates.series
    # 10 Sep to 10 Oct is 30 days: not yet past the 30-day threshold of weekly sales.
    assert (usda.through, usda.firm_through, usda.age_days, usda.stale) == (ts("2026-09-10"), ts("2026-01-08"), 30, False)
    # 31 Mar to 10 Oct is 193 days: a monthly series older than 60 days is stale.
    assert (census.age_days, census.stale) == (193, True)
    assert truces.stale is False  # a ledger of changes holds until the next one
    assert dates.evidence_through == ts("2026-09-10")
    assert [s.key for s in dates.stale] == ["soybeans:us_exports_to_cn"]
    later = evidence.report_dates(["soybeans:usda_sales_to_cn"], "2026-10-11", frames())
    assert later.series[0].stale


def test_a_series_with_nothing_by_as_of_is_missing_not_stale_and_the_page_has_no_date():
    dates = evidence.report_dates(["soybeans:usda_sales_to_cn"], "2025-01-31", frames())
    assert dates.series[0].through is None and dates.series[0].missing and not dates.series[0].stale
    assert dates.evidence_through is None


def test_the_compiled_date_is_pinned_by_the_environment(monkeypatch):
    monkeypatch.setenv(evidence.COMPILED_ENV, "2026-12-01")
    assert evidence.compiled_date() == ts("2026-12-01")
    monkeypatch.setenv(evidence.COMPILED_ENV, "1 Dec")
    with pytest.raises(Exception, match="TRUCE_COMPILED"):
        evidence.compiled_date()


def test_every_series_reads_the_real_data_and_pages_agree_on_shared_series():
    """Two pages that use the same series give it the same date: there is one computation."""
    first = evidence.report_dates(list(evidence.SERIES), "2026-11-30")
    again = evidence.report_dates(["events", "truces"], "2026-11-30")
    assert first.get("events") == again.get("events") and first.get("truces") == again.get("truces")
    for s in first.series:
        assert s.through is None or s.through <= ts("2026-11-30")
