"""A grid file becomes checked runs, or a ParameterError naming the file, the run and the parameter."""

import datetime as dt

import pytest

from analysis.errors import ParameterError
from truce.build.catalog import select
from truce.sweep import grid

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def history():
    return select(["history"])[0]


def write(tmp_path, text):
    path = tmp_path / "grid.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def runs(tmp_path, history, text):
    path = write(tmp_path, text)
    return grid.check(path, history, grid.read(path), TODAY)


def test_a_mapping_of_lists_is_their_product_and_a_single_value_is_fixed(tmp_path, history):
    found = runs(tmp_path, history, "as_of: [2025-06-30, 2025-12-31]\nending: [breakdown, any]\nhorizon_days: 90\n")
    assert [r.parameters for r in found] == [
        {"as_of": "2025-06-30", "ending": "breakdown", "horizon_days": 90},
        {"as_of": "2025-06-30", "ending": "any", "horizon_days": 90},
        {"as_of": "2025-12-31", "ending": "breakdown", "horizon_days": 90},
        {"as_of": "2025-12-31", "ending": "any", "horizon_days": 90},
    ]
    assert [r.number for r in found] == [1, 2, 3, 4]
    assert grid.swept(found) == ["as_of", "ending"]
    assert found[1].label(grid.swept(found)) == f"{found[1].run_id} as_of=2025-06-30 ending=any"


def test_runs_lists_explicit_parameter_sets(tmp_path, history):
    found = runs(tmp_path, history, "runs:\n  - {as_of: 2025-06-30}\n  - {as_of: 2025-06-30, horizon_days: 90}\n")
    assert [r.parameters for r in found] == [{"as_of": "2025-06-30"}, {"as_of": "2025-06-30", "horizon_days": 90}]


def test_a_run_id_depends_on_the_parameters_only(tmp_path, history):
    one = runs(tmp_path, history, "as_of: [2025-06-30, 2025-12-31]\nending: [any]\n")
    other = runs(tmp_path, history, "ending: any\nas_of: [2025-12-31, 2025-06-30]\n")
    assert {r.run_id for r in one} == {r.run_id for r in other}
    assert all(len(r.run_id) == 8 for r in one)
    assert one[0].run_id == grid.run_id({"ending": "any", "as_of": "2025-06-30"})


def test_today_is_pinned_so_the_id_names_the_day(tmp_path, history):
    (run,) = runs(tmp_path, history, "as_of: today\n")
    assert run.parameters == {"as_of": "2026-12-03"}


@pytest.mark.parametrize("text, name, says", [
    ("as_of: [2025-06-30]\nwindow: [1, 2]\n", "window", "run 1 (as_of=2025-06-30 window=1): unknown parameter"),
    ("horizon_days: [90, ninety]\n", "horizon_days", "run 2 (horizon_days=ninety): expected int"),
    ("ending: [any, sometimes]\n", "ending", "run 2 (ending=sometimes): 'sometimes' is not one of"),
    ("as_of: [2025-06-30, 2027-01-31]\n", "as_of", "run 2 (as_of=2027-01-31): 2027-01-31 is after today"),
    ("runs:\n  - {ending: any}\n  - {ending: any}\n", "--grid", "run 2 (ending=any) repeats run 1"),
    ("ending: []\n", "ending", "the list of values is empty"),
    ("runs: []\n", "--grid", "`runs:` must be a non-empty list"),
    ("runs:\n  - {ending: any}\nas_of: 2025-06-30\n", "--grid", "put as_of in each run instead"),
    ("- ending\n", "--grid", "must map parameter names to lists"),
    ("ending: [any\n", "--grid", "is not valid YAML"),
])
def test_a_bad_grid_names_the_file_the_run_and_the_parameter(tmp_path, history, text, name, says):
    path = write(tmp_path, text)
    with pytest.raises(ParameterError) as caught:
        grid.check(path, history, grid.read(path), TODAY)
    assert caught.value.name == name
    assert str(path) in str(caught.value) and says in str(caught.value)


def test_a_missing_grid_file_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="cannot read"):
        grid.read(tmp_path / "missing.yaml")


def test_the_example_durability_grid_is_valid():
    from analysis import config

    path = config.PROJ_ROOT / "examples" / "sweep-durability.yaml"
    durability = select(["durability"])[0]
    found = grid.check(path, durability, grid.read(path), TODAY)
    assert len(found) == 28 and grid.swept(found) == ["as_of", "commitment_series"]
