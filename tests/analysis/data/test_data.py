"""The curated datasets: all valid, internally consistent, and `truce validate` catches bad copies."""

import shutil

import pandas as pd
import pytest

from truce import cli
from analysis import config
from analysis.data import loaders
from analysis.data import series


def test_every_dataset_loads_and_validates():
    assert loaders.validate_all() == []
    for name in loaders.DATASETS:
        assert len(loaders.load(name)) > 0, name


def test_validate_command_passes_on_the_real_data(capsys):
    assert cli.main(["validate"]) == 0
    assert "all 8 datasets valid" in capsys.readouterr().out


def test_every_source_is_cited_and_every_citation_has_a_url():
    sources = loaders.load_sources()
    cited = set()
    for name in loaders.DATASETS[1:]:
        frame = loaders.load(name)
        for column in ("source_id", "evidence_source_id"):
            if column in frame:
                cited |= set(frame[column].dropna())
    assert cited == set(sources["source_id"])
    assert sources["url"].str.match(r"https?://").all()


def test_2024_monthly_profile_adds_up_to_the_annual_total():
    soy = loaders.load_soybeans()
    rows = series.preferred(soy, "cn_customs_imports_from_us", "t")
    months = series.monthly_partition(rows[rows["period_start"].dt.year == 2024])
    annual = rows[(rows["period_start"] == "2024-01-01") & (rows["period_end"] == "2024-12-31")]["value"].item()
    assert months["months"].sum() == 12
    # Derived months are rounded to 0.01 Mt and one input is given to 0.1 Mt: within half a percent.
    assert months["value"].sum() == pytest.approx(annual, rel=0.005)


def test_stacked_headline_rates_match_the_reported_figures():
    from analysis.domain.tariffs import stacked_headline

    tariffs = loaders.load_tariffs()
    assert stacked_headline(tariffs, "us_on_china", "2025-04-10") == 145
    assert stacked_headline(tariffs, "us_on_china", "2025-05-14") == 30
    assert stacked_headline(tariffs, "us_on_china", "2025-11-10") == 20
    assert stacked_headline(tariffs, "china_on_us", "2025-04-12") == 125
    assert stacked_headline(tariffs, "china_on_us", "2025-05-14") == 10


def test_no_row_claims_an_outcome_for_the_november_2026_expiry():
    events = loaders.load_events()
    after = events[events["date"] >= "2026-11-10"]
    assert set(after["type"]) <= {"expiry", "scheduling"}
    truces = loaders.load_truces()
    busan = truces[truces["start"] >= "2025-10-01"]
    assert busan["end"].isna().all() and set(busan["ended_by"]) <= {"open", "unknown"}


def test_phase_one_final_share_keeps_both_versions():
    p1 = loaders.load_phase_one()
    final = p1[(p1["category"] == "total") & (p1["measure"] == "share_of_commitment")]
    assert sorted(final["value"]) == [57.0, 58.0]
    assert final.loc[final["preferred"], "value"].item() == 58.0


# --- crafted bad copies: `truce validate PATH` names file, line and column, exits 2 ---------------


def corrupt(folder, name, edit):
    """Apply ``edit`` (lines -> lines, or bytes) to ``folder/<name>.csv``."""
    path = folder / f"{name}.csv"
    if edit == "empty":
        path.write_text("", encoding="utf-8")
    elif edit == "latin1":
        path.write_bytes(path.read_bytes() + "Montréal,x\n".encode("latin-1"))
    else:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(edit(lines)), encoding="utf-8")
    return path


def replace_in(line_no, old, new):
    def edit(lines):
        assert old in lines[line_no - 1], (old, lines[line_no - 1])
        lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
        return lines
    return edit


def drop_header_column(column):
    """Remove a column name from the header (the rows no longer matter: the header check stops there)."""
    def edit(lines):
        header = lines[0].rstrip("\n").split(",")
        header.remove(column)
        return [",".join(header) + "\n"] + lines[1:]
    return edit


def duplicate_line(line_no):
    return lambda lines: lines + [lines[line_no - 1]]


def add_field(line_no):
    def edit(lines):
        lines[line_no - 1] = lines[line_no - 1].rstrip("\n") + ",surplus\n"
        return lines
    return edit


def first_line_with(name, text):
    lines = (config.DEFAULT_DATA_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


CASES = {
    "missing column": ("truces", drop_header_column("ended_by"),
                       lambda p: f"{p}:1: ended_by: required column is missing"),
    "unparseable date": ("events", replace_in(2, ",2018-12-01,", ",2018-12-32,"),
                         lambda p: f"{p}:2: date: '2018-12-32' is not a valid calendar date"),
    "unknown enum": ("events", replace_in(2, ",both,", ",Mars,"),
                     lambda p: f"{p}:2: actor: 'Mars' is not one of: US, China, both, court"),
    "duplicate key": ("truces", duplicate_line(2), lambda p: f"{p}:7: truce_id: duplicate key"),
    "empty file": ("phase_one", "empty", lambda p: f"{p}:1: file is empty (expected a header row)"),
    "too many fields": ("tariffs", add_field(3), lambda p: f"{p}:3: expected 13 fields, found 14"),
}


@pytest.fixture
def data_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("schema", "README.md"))
    return folder


def run_validate(folder, capsys):
    code = cli.main(["validate", str(folder)])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_a_crafted_bad_copy(case, data_copy, capsys):
    name, edit, expected = CASES[case]
    path = corrupt(data_copy, name, edit)
    code, lines = run_validate(data_copy, capsys)
    assert code == 2
    assert any(line.startswith(expected(path)) for line in lines), lines[:5]


def test_validate_reports_a_negative_tonnage(data_copy, capsys):
    line_no = first_line_with("rare_earths", "magnet_exports_total,2025-04-01")
    path = corrupt(data_copy, "rare_earths", replace_in(line_no, ",2627,", ",-2627,"))
    code, lines = run_validate(data_copy, capsys)
    assert code == 2 and f"{path}:{line_no}: value: -2627 is below the minimum 0" in lines


def test_validate_reports_a_dangling_source_id(data_copy, capsys):
    sources = pd.read_csv(config.DEFAULT_DATA_DIR / "commitments.csv")
    victim = sources.loc[0, "source_id"]
    path = corrupt(data_copy, "commitments", replace_in(2, f",{victim},", ",no-such-source,"))
    code, lines = run_validate(data_copy, capsys)
    assert code == 2
    assert f"{path}:2: source_id: 'no-such-source' is not a source_id in sources.csv" in lines


def test_validate_reports_a_file_that_is_not_utf8(data_copy, capsys):
    path = corrupt(data_copy, "sources", "latin1")
    n_lines = len((config.DEFAULT_DATA_DIR / "sources.csv").read_text(encoding="utf-8").splitlines())
    code, lines = run_validate(data_copy, capsys)
    assert code == 2 and f"{path}:{n_lines + 1}: file is not UTF-8 (byte 0xe9)" in lines
