"""Parameters cells are parsed without running them; overrides are checked strictly."""

import datetime as dt
import json

import pytest

from analysis import config
from analysis.errors import ParameterError
from truce.build.parameters import Parameter, pin_today, read_parameters, resolve


def notebook(tmp_path, source, tags=("parameters",)):
    path = tmp_path / "nb.ipynb"
    cell = {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": [], "execution_count": None}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_reads_names_defaults_and_help(tmp_path):
    path = notebook(tmp_path, 'as_of = "today"  # ISO date\nyears = 3\nlabel = "a # not help"  # real help\n')
    params = read_parameters(path)
    assert [(p.name, p.default, p.help) for p in params] == [
        ("as_of", "today", "ISO date"), ("years", 3, ""), ("label", "a # not help", "real help"),
    ]


def test_rejects_code_in_the_parameters_cell(tmp_path):
    with pytest.raises(ValueError, match="line 2 is not `name = literal`"):
        read_parameters(notebook(tmp_path, "a = 1\nprint(a)\n"))
    with pytest.raises(ValueError, match="'b' is not a plain literal"):
        read_parameters(notebook(tmp_path, "b = len('x')\n"))


def test_requires_a_tagged_cell(tmp_path):
    with pytest.raises(ValueError, match="no cell is tagged 'parameters'"):
        read_parameters(notebook(tmp_path, "a = 1\n", tags=()))


def test_every_report_has_a_readable_parameters_cell_with_help():
    for path in config.NOTEBOOKS_DIR.glob("*.ipynb"):
        params = read_parameters(path)
        assert params and all(p.help for p in params), path.name
        assert params[0].name == "as_of"


PARAMS = read_parameters(config.NOTEBOOKS_DIR / "purchases.ipynb")


def test_unknown_name_is_an_error():
    with pytest.raises(ParameterError, match="parameter 'as_off': unknown parameter; this report takes: as_of"):
        resolve(PARAMS, {"as_off": "2026-01-01"})


def test_cli_strings_become_the_default_type():
    got = resolve(PARAMS, {"baseline_year": "2023", "as_of": "2026-01-31"}, frozenset({"baseline_year", "as_of"}))
    assert got == {"baseline_year": 2023, "as_of": "2026-01-31"}


def test_yaml_dates_become_iso_strings():
    assert resolve(PARAMS, {"as_of": dt.date(2026, 1, 31)}) == {"as_of": "2026-01-31"}


def test_wrong_type_is_an_error():
    with pytest.raises(ParameterError, match="parameter 'trailing_days': expected int like 90, got 'soon'"):
        resolve(PARAMS, {"trailing_days": "soon"}, frozenset({"trailing_days"}))
    with pytest.raises(ParameterError, match="expected str"):
        resolve(PARAMS, {"method": 3})


AUTO = [Parameter("as_of", "today", ""), Parameter("chart_from", "auto", ""), Parameter("year", "auto", "")]


def test_an_auto_parameter_takes_auto_or_any_plain_value():
    cli = frozenset({"chart_from", "year"})
    assert resolve(AUTO, {"chart_from": "auto", "year": "2019"}, cli) == {"chart_from": "auto", "year": 2019}
    assert resolve(AUTO, {"chart_from": "2024-01-01"}, cli) == {"chart_from": "2024-01-01"}  # a YAML date
    assert resolve(AUTO, {"chart_from": dt.date(2024, 1, 1)}) == {"chart_from": "2024-01-01"}
    with pytest.raises(ParameterError, match="parameter 'year': expected 'auto' or a plain value, got \\[2019\\]"):
        resolve(AUTO, {"year": [2019]})


def test_today_is_pinned_to_the_build_date_given_or_by_default():
    day = dt.date(2026, 12, 3)
    assert pin_today({}, AUTO, day) == {"as_of": "2026-12-03"}
    assert pin_today({"as_of": "today", "year": 2019}, AUTO, day) == {"as_of": "2026-12-03", "year": 2019}
    assert pin_today({"as_of": "2025-06-30"}, AUTO, day) == {"as_of": "2025-06-30"}
    assert pin_today({}, AUTO[1:], day) == {}  # a report without as_of is left alone
