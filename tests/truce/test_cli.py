"""End-to-end: the `truce` command builds, lists, validates, and fails safely."""

import json
import re
import shutil

import pytest

from analysis import config
from support import failing_purchases_notebook, run_truce as truce



@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the purchases report with a non-default as_of."""
    out = tmp_path_factory.mktemp("reports")
    result = truce("build", "purchases", "-p", "as_of", "2026-01-31", "--out", out)
    return out, result


def test_build_publishes_html_and_the_executed_notebook(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    assert "[1/1] purchases: published" in result.stdout
    assert (out / "purchases.html").stat().st_size > 100_000
    assert (out / "purchases.ipynb").exists()


def test_published_html_loads_nothing_from_the_network(built):
    page = (built[0] / "purchases.html").read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="https?://', page)
    assert not re.search(r'<link[^>]+href="https?://', page)
    assert page.count("window.vegaEmbed=") == 1  # the library is inlined once, not per chart
    assert 'id="fig-1"' in page and 'id="fig-2"' in page
    assert "import pandas" not in page and "purchases.compute(" not in page  # code is hidden


def test_injected_parameters_are_recorded(built):
    nb = json.loads((built[0] / "purchases.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == {"as_of": "2026-01-31"}
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'as_of = "2026-01-31"' in "".join(injected[0]["source"])


def test_report_reads_the_as_of_date(built):
    page = (built[0] / "purchases.html").read_text(encoding="utf-8")
    assert "As of 31 Jan 2026" in page


def test_failing_notebook_keeps_the_published_report(tmp_path):
    published = tmp_path / "purchases.html"
    published.write_text("previous report", encoding="utf-8")
    # A pledge announced after as_of, asked for in the notebook's code, is refused inside the kernel.
    result = truce("build", "purchases", "--out", tmp_path,
                   env=failing_purchases_notebook(tmp_path / "notebooks"))
    assert result.returncode == 1
    assert "purchases: FAILED" in result.stderr
    assert "ParameterError" in result.stderr and "'commitment'" in result.stderr
    assert "purchases.compute(" in result.stderr  # the failing cell's source is printed
    assert published.read_text(encoding="utf-8") == "previous report"
    failed = json.loads((tmp_path / "_failed" / "purchases.ipynb").read_text(encoding="utf-8"))
    assert any(o.get("output_type") == "error" for c in failed["cells"] for o in c.get("outputs", []))
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_data_row_names_file_line_and_column(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data)
    lines = (data / "soybeans.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",t," in lines[4]
    lines[4] = lines[4].replace(",t,", ",bushels,", 1)
    (data / "soybeans.csv").write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = truce("build", "purchases", "--out", out, env={"TRUCE_DATA_DIR": str(data)})
    assert result.returncode == 2  # the report's checks read the data before any kernel starts
    assert f"{data / 'soybeans.csv'}:5: unit: 'bushels' is not one of: t, usd" in result.stderr
    assert not (out / "purchases.html").exists()


def test_unknown_parameter_is_refused_before_anything_runs(tmp_path):
    result = truce("build", "purchases", "-p", "as_off", "2026-01-31", "--out", tmp_path)
    assert result.returncode == 2
    assert "parameter 'as_off': unknown parameter" in result.stderr
    assert not any(tmp_path.iterdir())


def test_mistyped_parameter_and_unknown_report(tmp_path):
    result = truce("build", "purchases", "-p", "trailing_days", "soon", "--out", tmp_path)
    assert result.returncode == 2 and "expected int" in result.stderr
    result = truce("build", "nosuch", "--out", tmp_path)
    assert result.returncode == 2 and "unknown report nosuch" in result.stderr


def test_parameters_file(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("as_of: 2026-01-31\nwrong_name: 1\n")
    result = truce("build", "purchases", "-f", params, "--out", tmp_path)
    assert result.returncode == 2 and "'wrong_name': unknown parameter" in result.stderr
    params.write_text("- not a mapping\n")
    result = truce("build", "purchases", "-f", params, "--out", tmp_path)
    assert result.returncode == 2 and "must hold a mapping" in result.stderr


def test_list_shows_reports_parameters_and_defaults():
    result = truce("list")
    assert result.returncode == 0
    assert "purchases: China's soybean purchase commitment tracker" in result.stdout
    assert "as_of = 'today'  # ISO date" in result.stdout
    assert "method = 'seasonal'  # linear | seasonal" in result.stdout


def test_help_explains_commands_and_exit_codes():
    result = truce("--help")
    assert result.returncode == 0
    for word in ("build", "list", "validate", "exit codes"):
        assert word in result.stdout
    assert truce("build", "--help").stdout.count("-p NAME VALUE") >= 1


@pytest.mark.parametrize("args, message", [
    (("-p", "as_of", "2026-02-30"), "parameter 'as_of': '2026-02-30' is not an ISO date"),
    (("-p", "as_of", "yesterday"), "parameter 'as_of': 'yesterday' is not an ISO date (YYYY-MM-DD) or 'today'"),
    (("--compiled", "soon"), "parameter '--compiled': 'soon' is not an ISO date (YYYY-MM-DD)"),
    (("purchases", "-p", "method", "cubic"), "parameter 'method': 'cubic' is not one of: linear, seasonal"),
    (("purchases", "-p", "commitment", "p1-2020-agriculture"),
     "parameter 'commitment': 'p1-2020-agriculture' has no soybean tonnage target; choose one of: "),
    (("durability", "-p", "weight_events", "-0.5"), "parameter 'weight_events': -0.5 is negative"),
    (("--timeout", "0"), "parameter '--timeout': 0 must be a positive number of seconds"),
])
def test_bad_parameters_exit_2_before_any_kernel_starts(tmp_path, args, message):
    result = truce("build", *args, "--out", tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "building" not in result.stdout and list(tmp_path.iterdir()) == []


def test_a_choice_list_names_only_valid_choices(tmp_path):
    result = truce("build", "purchases", "-p", "commitment", "p1-2020-agriculture", "--out", tmp_path)
    choices = result.stderr.rsplit("choose one of: ", 1)[1].strip().split(", ")
    assert choices and all(c.startswith("soy-") for c in choices)


def test_an_as_of_after_today_is_refused_unless_allowed(tmp_path):
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = truce("build", "history", "-p", "as_of", tomorrow, "--out", tmp_path)
    assert result.returncode == 2
    assert f"{tomorrow} is after today ({dt.date.today().isoformat()})" in result.stderr
    assert "--allow-future" in result.stderr


def test_a_notebook_that_is_not_a_report_is_passed_over(tmp_path):
    import nbformat

    folder = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, folder)
    nbformat.write(nbformat.v4.new_notebook(), folder / "Untitled.ipynb")
    env = {config.NOTEBOOKS_DIR_ENV: str(folder)}
    listed = truce("list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "note: Untitled.ipynb is not a report" in listed.stdout and "purchases:" in listed.stdout
    result = truce("build", "Untitled", "--out", tmp_path / "out", env=env)
    assert result.returncode == 2 and "unknown report Untitled" in result.stderr
