"""Loaders reject each kind of bad row with the file, line and column in the message.

The rows here are synthetic and live only in temporary folders.
"""

import pandas as pd
import pytest

from analysis.data import loaders
from analysis.errors import DataError

SOURCES = """source_id,publisher,title,url,published,accessed,reliability,note
test-a,Test Publisher,Test page A,https://example.org/a,2025-01-02,2026-11-23,news,
test-b,Test Publisher,Test page B,https://example.org/b,,2026-11-23,secondary,
"""
HEADER = "series,period_start,period_end,value,unit,bound,derived,derivation,preferred,source_id,note\n"
GOOD_ROWS = [
    "cn_customs_imports_from_us,2025-01-01,2025-01-31,100,t,exact,false,,true,test-a,\n",
    "cn_customs_imports_from_us,2025-02-01,2025-02-28,0,t,exact,false,,true,test-a,\n",
    'cn_customs_imports_from_us,2025-03-01,2025-03-31,50,t,approx,true,"Q1 (150) minus Jan (100), Feb (0)",true,test-b,"a, quoted note"\n',
]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder holding a valid sources.csv; tests write soybeans.csv into it."""
    (tmp_path / "sources.csv").write_text(SOURCES, encoding="utf-8")
    monkeypatch.setenv("TRUCE_DATA_DIR", str(tmp_path))
    return tmp_path


def write_soybeans(folder, body: str | bytes):
    path = folder / "soybeans.csv"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def problems_of(folder, body):
    path = write_soybeans(folder, body)
    with pytest.raises(DataError) as caught:
        loaders.load_soybeans()
    return path, [str(p) for p in caught.value.problems], str(caught.value)


def test_good_file_loads_with_types(data_dir):
    write_soybeans(data_dir, HEADER + "".join(GOOD_ROWS))
    frame = loaders.load_soybeans()
    assert len(frame) == 3
    assert frame["period_start"].dtype.kind == "M"
    assert frame["value"].tolist() == [100.0, 0.0, 50.0]
    assert frame["derived"].tolist() == [False, False, True]
    assert frame.loc[2, "note"] == "a, quoted note"


def test_missing_column(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER.replace(",bound", "") + "x\n")
    assert f"{path}:1: bound: required column is missing" in problems


def test_unparseable_date(data_dir):
    rows = GOOD_ROWS[:1] + [GOOD_ROWS[1].replace("2025-02-28", "2025-02-30")]
    path, problems, _ = problems_of(data_dir, HEADER + "".join(rows))
    assert problems == [f"{path}:3: period_end: '2025-02-30' is not a valid calendar date"]


def test_date_in_the_wrong_format(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0].replace("2025-01-31", "31/01/2025"))
    assert problems == [f"{path}:2: period_end: '31/01/2025' is not an ISO date (YYYY-MM-DD)"]


def test_negative_tonnage(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0].replace(",100,", ",-100,"))
    assert problems == [f"{path}:2: value: -100 is below the minimum 0"]


def test_unknown_enum_value(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0].replace(",t,exact", ",bushels,exact"))
    assert problems == [f"{path}:2: unit: 'bushels' is not one of: t, usd"]


def test_dangling_source_id(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0].replace("test-a", "nowhere"))
    assert problems == [f"{path}:2: source_id: 'nowhere' is not a source_id in sources.csv"]


def test_duplicate_key(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0] + GOOD_ROWS[0])
    assert f"{path}:3: series,period_start,period_end,unit,source_id: duplicate key" in problems[0]
    assert "(first on line 2)" in problems[0]


def test_empty_file(data_dir):
    path, problems, _ = problems_of(data_dir, "")
    assert problems == [f"{path}:1: file is empty (expected a header row)"]


def test_not_utf8(data_dir):
    body = (HEADER + GOOD_ROWS[0]).encode("utf-8") + "Sao Paulo,é\n".encode("latin-1")
    path, problems, _ = problems_of(data_dir, body)
    assert problems == [f"{path}:3: file is not UTF-8 (byte 0xe9)"]


def test_too_many_fields(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0] + GOOD_ROWS[1].replace("\n", ",extra\n"))
    assert problems == [f"{path}:3: expected 11 fields, found 12"]


def test_derived_row_needs_its_arithmetic(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[2].replace('"Q1 (150) minus Jan (100), Feb (0)"', ""))
    assert problems == [f"{path}:2: derivation: is required when derived is true"]


def test_conflicting_rows_need_exactly_one_preferred(data_dir):
    rival = GOOD_ROWS[0].replace(",100,", ",120,").replace("test-a", "test-b")
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0] + rival)
    assert problems == [
        f"{path}:3: preferred: 2 preferred rows for (cn_customs_imports_from_us, 2025-01-01, 2025-01-31, t); "
        "exactly one must be true"
    ]


def test_period_that_ends_before_it_starts(data_dir):
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0].replace("2025-01-31", "2024-12-31"))
    assert problems == [f"{path}:2: period_end: 2024-12-31 is before period_start 2025-01-01"]


def test_quoted_field_spanning_lines_keeps_later_line_numbers_right(data_dir):
    multi = GOOD_ROWS[2].replace('"a, quoted note"', '"first line\nsecond line"')
    path, problems, _ = problems_of(data_dir, HEADER + multi + GOOD_ROWS[0].replace("true,test-a", "maybe,test-a"))
    assert problems == [f"{path}:4: preferred: 'maybe' is not a boolean (true or false)"]


def test_every_problem_is_reported_at_once(data_dir):
    bad = GOOD_ROWS[0].replace(",100,", ",-1,").replace("test-a", "nowhere")
    path, problems, message = problems_of(data_dir, HEADER + bad)
    assert len(problems) == 2 and "2 data problem(s)" in message


def test_missing_file_is_named(data_dir):
    with pytest.raises(DataError, match="soybeans.csv:0: file not found"):
        loaders.load_soybeans()


def test_bad_sources_file_fails_the_dependent_load(data_dir):
    (data_dir / "sources.csv").write_text(SOURCES.replace("news", "rumour"), encoding="utf-8")
    path, problems, _ = problems_of(data_dir, HEADER + GOOD_ROWS[0])
    assert f"{data_dir / 'sources.csv'}:2: reliability: 'rumour' is not one of: primary, news, secondary" in problems


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="unknown dataset 'soy'"):
        loaders.load("soy")


def test_validate_all_reports_missing_datasets(data_dir):
    write_soybeans(data_dir, HEADER + "".join(GOOD_ROWS))
    problems = [str(p) for p in loaders.validate_all(data_dir)]
    assert f"{data_dir / 'events.csv'}:0: file not found" in problems
    assert not any("soybeans.csv" in p for p in problems)


def test_data_dictionary_lists_units_and_allowed_values():
    frame = loaders.describe("soybeans")
    unit = frame.set_index("column").loc["unit"]
    assert unit["allowed"] == "t, usd" and "metric tons" in unit["unit"]
    assert isinstance(frame, pd.DataFrame)
