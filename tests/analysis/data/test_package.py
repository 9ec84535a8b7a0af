"""The Data Package descriptor: frictionless accepts it, it matches the files, and the
frictionless findings name the same file, physical line and column as the loaders.

The rows here are synthetic and live only in temporary folders.
"""

import csv
import json
import shutil

import pytest
from frictionless import Package

from analysis import config
from analysis.data import loaders
from analysis.data.schema import frictionless_problems, load_package, load_schema, read_table

HEADER = "series,period_start,period_end,value,unit,bound,derived,derivation,preferred,source_id,note\n"
GOOD = "cn_customs_imports_from_us,2025-01-01,2025-01-31,100,t,exact,false,,true,test-a,\n"
MULTI_LINE = ('cn_customs_imports_from_us,2025-03-01,2025-03-31,50,t,approx,true,"Q1 minus Jan, Feb",'
              'true,test-b,"first line\nsecond line"\n')


def test_the_package_is_valid_for_frictionless():
    report = Package(str(config.schema_path())).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_one_resource_per_dataset_matching_each_header():
    package = load_package()
    assert [r["name"] for r in package["resources"]] == list(loaders.DATASETS)
    for resource in package["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"
        assert resource["profile"] == "tabular-data-resource"
        with open(config.DEFAULT_DATA_DIR / resource["path"], newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert [fld["name"] for fld in resource["schema"]["fields"]] == header, resource["name"]


def test_every_source_id_is_a_foreign_key_to_sources():
    for resource in load_package()["resources"][1:]:
        keys = {k["fields"]: k["reference"] for k in resource["schema"]["foreignKeys"]}
        assert keys["source_id"] == {"resource": "sources", "fields": "source_id"}, resource["name"]


def test_descriptions_speak_of_the_data_only():
    text = json.dumps(load_package()).lower()
    assert "research notes" not in text and "our own words" not in text


def test_project_rules_come_from_the_descriptor():
    soy = load_schema("soybeans")
    assert soy.one_preferred_per == ("series", "period_start", "period_end", "unit")
    assert [r["kind"] for r in soy.row_rules] == ["date_order", "required_if"]
    assert soy.references == {"source_id": {"dataset": "sources", "key": "source_id"}}
    assert load_schema("commitments").references["supersedes"] == {"dataset": "commitments", "key": "commitment_id"}
    unit = next(f for f in soy.fields if f.name == "unit")
    assert unit.unit == "t = metric tons; usd = US dollars" and unit.description == "Unit of value."


@pytest.fixture
def soybeans(tmp_path):
    def write(body):
        path = tmp_path / "soybeans.csv"
        path.write_text(body, encoding="utf-8")
        return path
    return write


def frictionless_only(path):
    """What frictionless finds on its own: the table's own problems are set aside first."""
    table = read_table("soybeans", path)
    assert table.problems, "the crafted file should be invalid"
    table.problems = []
    return [str(p) for p in frictionless_problems(table)]


def test_frictionless_rows_are_mapped_to_physical_lines(soybeans):
    path = soybeans(HEADER + MULTI_LINE + GOOD.replace("true,test-a", "maybe,test-a"))
    assert frictionless_only(path) == [f"{path}:4: preferred: 'maybe' is not a boolean (true or false)"]


def test_frictionless_constraint_errors_keep_the_project_wording(soybeans):
    path = soybeans(HEADER + MULTI_LINE + GOOD.replace(",100,t,", ",-100,bushels,"))
    assert sorted(frictionless_only(path)) == [
        f"{path}:4: unit: 'bushels' is not one of: t, usd",
        f"{path}:4: value: -100 is below the minimum 0",
    ]


def test_frictionless_duplicate_key_names_the_first_line(soybeans):
    rival = GOOD.replace(",100,", ",120,")
    path = soybeans(HEADER + GOOD + MULTI_LINE + rival + rival)
    found = frictionless_only(path)
    assert found == [
        f"{path}:5: series,period_start,period_end,unit,source_id: duplicate key (first on line 2)",
        f"{path}:6: series,period_start,period_end,unit,source_id: duplicate key (first on line 2)",
    ]


def test_validate_all_lists_each_problem_once(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("README.md"))
    path = folder / "truces.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1].replace(",2018-12-01,", ",2018-12-32,", 1)]), encoding="utf-8")
    problems = [(p.path, p.line, p.column) for p in loaders.validate_all(folder)]
    assert len(problems) == len(set(problems)) > 0
    assert (path, len(lines) + 1, "start") in problems
