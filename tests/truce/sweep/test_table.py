"""sweep.csv has a fixed column order, and a recorded name never hides a parameter or a run column."""

import csv
import io

from truce.sweep import page, table


def row(run_id, parameters, recorded, status="ok", error="", seconds=1.25):
    return {"run_id": run_id, "parameters": parameters, "recorded": recorded, "status": status, "error": error,
            "seconds": seconds}


ROWS = [
    row("aaaa0001", {"as_of": "2026-01-31", "ending": "any"}, {"status": "holding", "probability": 0.5, "ok": True}),
    row("aaaa0002", {"as_of": "2026-02-28", "ending": "any"}, {}, status="failed", error="cell 3 failed:\n  boom"),
    row("aaaa0003", {"as_of": "2026-03-31"}, {"probability": 0.25, "ending": 4}, status="skipped", seconds=None),
]


def test_columns_are_id_parameters_recorded_then_the_run_and_clashes_are_renamed():
    text = table.csv_bytes(["as_of", "ending"], ROWS).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["run_id", "as_of", "ending", "recorded_ending", "ok", "probability", "status",
                        "run_status", "run_error", "run_seconds"]
    assert lines[1] == ["aaaa0001", "2026-01-31", "any", "", "true", "0.5", "holding", "ok", "", "1.2"]
    assert lines[2] == ["aaaa0002", "2026-02-28", "any", "", "", "", "", "failed", "cell 3 failed:\n  boom", "1.2"]
    assert lines[3] == ["aaaa0003", "2026-03-31", "", "4", "", "0.25", "", "skipped", "", ""]


def test_only_numbers_are_charted():
    assert page.numeric_values(ROWS) == ["ending", "probability"]


def test_the_page_charts_numbers_against_the_first_swept_parameter_and_links_each_notebook():
    charted = [r for r in ROWS if r["status"] != "failed"]
    svg = page.chart_svg(charted, "probability", ["as_of"])
    assert svg.startswith("<svg") and "probability by as_of" in svg
    html = page.html("Title & more", "grid.yaml", ROWS, ["as_of", "ending"], ["as_of", "ending"],
                     {"ok": 1, "failed": 1, "skipped": 1, "not run": 0})
    assert "Sweep: Title &amp; more" in html and "ok 1, failed 1, skipped 1." in html
    assert '<a href="runs/aaaa0002.ipynb">' in html and "cell 3 failed:" in html
    assert "<script" not in html
