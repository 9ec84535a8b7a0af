"""A scheduled refresh moves the purchases headline: USDA running totals, re-based to each pledge.

`truce refresh` runs offline against the recorded responses (synthetic figures, tests only) into a
copy of data/. The refreshed `usda_sales_to_cn` rows, read the way the tracker reads them (through
TRUCE_DATA_DIR, preferred rows known by the as-of date), are re-based with
`analysis.domain.usda_sales.rebased` to each pledge's start.

The fixture numbers (tonnes), from tests/truce/refresh/fixtures/refresh/:

    esr_2026.json, MY2025/26 running totals: 18 Sep 2025 0; 6 Nov 232,000; 13 Nov 1,024,000;
        4 Dec 3,581,500; 8 Jan 2026 6,930,750; 27 Aug 2026 12,160,600. Next-year (MY2026/27)
        sales on the books: 0 every week except 27 Aug 2026, 1,500,000.
    esr_2027.json, MY2026/27 running totals: 3 Sep 2026 1,500,000 (the new-crop sales carried in
        from before 1 Sep, and no sales that week); 10 Sep 1,762,000; 19 Nov 8,990,000. No next-year sales.

Worked by hand:

    12 Mt pledge from 30 Oct 2025. The last week before the start is 18 Sep (0 t); the fixture has no
    week between 18 Sep and 6 Nov. Since-start totals = total - 0: 6 Nov 232,000; 13 Nov 1,024,000;
    4 Dec 3,581,500; 8 Jan 6,930,750. Counted from 19 Sep, 41 days early: an upper bound.
    Without next-year figures they also leave out new-crop sales (a lower bound), so: approx.

    25 Mt in calendar 2026, from 1 Jan 2026. Base week 4 Dec 2025 (3,581,500), 27 days early.
    8 Jan: 6,930,750 - 3,581,500 = 3,349,250.
    27 Aug: 12,160,600 - 3,581,500 = 8,579,100; with next-year sales + 1,500,000 - 0 = 10,079,100.
    3 Sep: 8,579,100 + 1,500,000 = 10,079,100 (- 0 next-year sales booked by 4 Dec 2025).
    10 Sep: 8,579,100 + 1,762,000 = 10,341,100.
    19 Nov: 8,579,100 + 8,990,000 = 17,569,100, the headline figure on 23 Nov 2026.
"""

import copy
import json
import shutil

import pandas as pd
import pytest

from analysis import config
from analysis.data import loaders, schema
from analysis.data.series import known_as_of, preferred
from analysis.domain.usda_sales import NEXT_YEAR_SERIES, SERIES, rebased
from test_refresh import CENSUS_KEY, ESR_KEY, TODAY, fake_session, normal_routes, run
from truce.refresh import census as census_client
from truce.refresh import esr as esr_client

TRUCE = pd.Timestamp("2025-10-30")
CALENDAR_2026 = pd.Timestamp("2026-01-01")
AS_OF = pd.Timestamp(TODAY)


def _copy_data(folder):
    folder.mkdir()
    for path in config.DEFAULT_DATA_DIR.glob("*.csv"):
        shutil.copyfile(path, folder / path.name)
    return folder


def _clear_schema_caches():
    schema.load_package.cache_clear()
    schema.load_schema.cache_clear()


def _sales(data_dir, series=(SERIES,)):
    """The rows the tracker reads: through TRUCE_DATA_DIR, preferred, known by as_of."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.DATA_DIR_ENV, str(data_dir))
        soybeans = loaders.load_soybeans()
    return pd.concat([known_as_of(preferred(soybeans, name, "t"), AS_OF) for name in series], ignore_index=True)


def _refresh(data_dir):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(esr_client.KEY_ENV, ESR_KEY)
        patch.setenv(census_client.KEY_ENV, CENSUS_KEY)
        code, out = run(data_dir, fake_session(normal_routes())[0])
    assert code == 0, out
    return out


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """data/ before the refresh, and after it."""
    root = tmp_path_factory.mktemp("feeds")
    before = _copy_data(root / "before")
    after = _copy_data(root / "after")
    _refresh(after)
    return before, after


@pytest.fixture(scope="module")
def with_next_year(tmp_path_factory):
    """Refreshed sales rows with the next-year series (the schema lists it; kept explicit so the test says why)."""
    root = tmp_path_factory.mktemp("next-year")
    package = json.loads(config.schema_path().read_text(encoding="utf-8"))
    widened = copy.deepcopy(package)
    soybeans = next(r for r in widened["resources"] if r["name"] == "soybeans")
    series = next(f for f in soybeans["schema"]["fields"] if f["name"] == "series")
    if NEXT_YEAR_SERIES not in series["constraints"]["enum"]:
        series["constraints"]["enum"].append(NEXT_YEAR_SERIES)
    (root / "datapackage.json").write_text(json.dumps(widened), encoding="utf-8")
    data_dir = _copy_data(root / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "schema_path", lambda: root / "datapackage.json")
        _clear_schema_caches()
        try:
            out = _refresh(data_dir)
            rows = _sales(data_dir, (SERIES, NEXT_YEAR_SERIES))
        finally:
            patch.undo()
            _clear_schema_caches()
    return out, rows


def _since(rows, start):
    """Re-based totals that count from ``start``, by week end."""
    out = rebased(rows, start)
    totals = out[out["derived"] & (out["period_start"] == start)]
    return {str(end.date()): (value, bound) for end, value, bound in
            zip(totals["period_end"], totals["value"], totals["bound"])}, out


def test_refresh_moves_the_calendar_2026_headline(folders):
    before, after = folders
    # Before: no USDA figure counts from 1 Jan 2026 (the curated rows start elsewhere).
    old = rebased(_sales(before), CALENDAR_2026)
    assert not ((old["period_start"] - CALENDAR_2026).abs() <= pd.Timedelta(days=7)).any()

    totals, out = _since(_sales(after), CALENDAR_2026)
    values = {end: value for end, (value, _) in totals.items()}
    assert values == {"2026-01-08": 3_349_250, "2026-08-27": 8_579_100, "2026-09-03": 10_079_100,
                      "2026-09-10": 10_341_100, "2026-11-19": 17_569_100}
    # Inside MY2025/26 new-crop sales are left out and the count starts 27 days early: both ways, approx.
    assert {bound for _, bound in totals.values()} == {"approx"}
    (headline,) = out[out["derived"] & (out["period_end"] == pd.Timestamp("2026-11-19"))].itertuples()
    assert headline.source_id == "usda-fas-esr-api" and headline.unit == "t"
    assert headline.derivation.startswith(
        "MY2025/26 total to 2026-08-27 (12,160,600 t) minus MY2025/26 total to 2025-12-04 (3,581,500 t) "
        "plus MY2026/27 total to 2026-11-19 (8,990,000 t) = 17,569,100 t")
    assert "does not subtract MY2026/27 sales booked before the start" in headline.derivation
    assert out.attrs["not_rebased"] == []


def test_refresh_rebases_the_12_mt_pledge_from_the_truce(folders):
    _, after = folders
    totals, out = _since(_sales(after), TRUCE)
    within = {end: value for end, (value, _) in totals.items() if end <= "2026-02-28"}
    assert within == {"2025-11-06": 232_000, "2025-11-13": 1_024_000, "2025-12-04": 3_581_500,
                      "2026-01-08": 6_930_750}
    assert totals["2026-01-08"][1] == "approx"
    row = out[out["derived"] & (out["period_end"] == pd.Timestamp("2026-01-08"))].iloc[0]
    assert "counts sales from 2025-09-19, 41 days before the start" in row["derivation"]
    # The curated since-truce rows and the flash sale of 30 Oct pass through unchanged.
    curated = out[~out["derived"] & (out["period_start"] == TRUCE)]
    assert set(curated["source_id"]) == {"spglobal-2025-11-18-cn-resumes-us-soy", "ukragroconsult-cn-soy-bookings-nov-2025",
                                         "farmpolicynews-cn-soy-12mmt-jan-2026", "dimsums-2026-06-soy-pledge-tracking"}


def test_the_refresh_writes_next_year_rows_beside_the_sales(folders):
    before, after = folders
    assert NEXT_YEAR_SERIES not in (before / "soybeans.csv").read_text(encoding="utf-8")
    assert NEXT_YEAR_SERIES in (after / "soybeans.csv").read_text(encoding="utf-8")


def test_next_year_sales_make_the_count_continuous_across_1_september(with_next_year):
    out, rows = with_next_year
    assert "(with next-year sales)" in out
    booked = rows[rows["series"] == NEXT_YEAR_SERIES].set_index("period_end")["value"]
    assert booked[pd.Timestamp("2026-08-27")] == 1_500_000 and booked.drop(pd.Timestamp("2026-08-27")).eq(0).all()
    assert len(booked) == 8 + 3

    totals, result = _since(rows, CALENDAR_2026)
    values = {end: value for end, (value, _) in totals.items()}
    # 27 Aug now holds the 1.5 Mt booked for MY2026/27, so it equals 3 Sep: no jump at the year's turn.
    assert values == {"2026-01-08": 3_349_250, "2026-08-27": 10_079_100, "2026-09-03": 10_079_100,
                      "2026-09-10": 10_341_100, "2026-11-19": 17_569_100}
    # Only the early base week remains as a caveat: an upper bound.
    assert {bound for _, bound in totals.values()} == {"at_most"}
    assert not (result["series"] == NEXT_YEAR_SERIES).any()

    truce_totals, _ = _since(rows, TRUCE)
    assert truce_totals["2026-01-08"] == (6_930_750, "at_most")
