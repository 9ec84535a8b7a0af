"""A sweep's summary page, ``index.html``: its runs in a table and charts of the recorded values.

The page opens offline: the charts are static SVG rendered by vl-convert
(no script, nothing loaded from the network) and the stylesheet is the
reports' own, inlined. Each numeric recorded value gets a chart against the
first swept parameter, one line per combination of the others.
"""

from __future__ import annotations

import re

from truce.publish import TEMPLATES_DIR
from truce.publish.stamp import escape

# At most this many charts: one per numeric recorded value, in name order.
MAX_CHARTS = 6
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def numeric_values(rows: list[dict]) -> list[str]:
    """Recorded names whose values are numbers (not bools) in every row that has them."""
    names = sorted({name for row in rows for name in row["recorded"]})
    return [name for name in names
            if any(row["recorded"].get(name) is not None for row in rows)
            and all(_is_number(row["recorded"].get(name)) or row["recorded"].get(name) is None for row in rows)]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _x_type(values: list) -> str:
    """Vega-Lite type of the x axis: temporal for ISO dates, quantitative for numbers, else ordinal."""
    if all(isinstance(v, str) and _ISO_DATE.match(v) for v in values):
        return "temporal"
    if all(_is_number(v) for v in values):
        return "quantitative"
    return "ordinal"


def chart_svg(rows: list[dict], value: str, swept: list[str]) -> str:
    """An SVG chart of recorded ``value`` against the first swept parameter, a line per the others' values."""
    import altair as alt
    import pandas as pd
    import vl_convert

    x = swept[0] if swept else "run_id"
    others = swept[1:]
    frame = pd.DataFrame([{
        x: row["run_id"] if x == "run_id" else row["parameters"].get(x),
        "series": " ".join(f"{name}={row['parameters'].get(name)}" for name in others) or "all runs",
        value: row["recorded"].get(value),
    } for row in rows if row["recorded"].get(value) is not None])
    encoding = {"x": alt.X(x, type=_x_type(list(frame[x])), title=x),
                "y": alt.Y(value, type="quantitative", title=value, scale=alt.Scale(zero=False))}
    if others:
        encoding["color"] = alt.Color("series", type="nominal", title=" ".join(others))
    chart = alt.Chart(frame).mark_line(point=True).encode(**encoding).properties(width=560, height=260,
                                                                                 title=f"{value} by {x}")
    return vl_convert.vegalite_to_svg(chart.to_dict())


def html(title: str, grid: str, rows: list[dict], parameter_names: list[str], swept: list[str],
         counts: dict[str, int]) -> str:
    """The whole page.

    Parameters
    ----------
    title : str
        The report's title.
    grid : str
        The grid file, as given.
    rows : list of dict
        One per run: ``run_id``, ``parameters``, ``recorded``, ``status``, ``error``, ``seconds``.
    parameter_names, swept : list of str
        Every parameter a run sets, and those the sweep varies.
    counts : dict
        Runs by status.
    """
    from truce.sweep.table import columns

    css = (TEMPLATES_DIR / "truce" / "report.css").read_text(encoding="utf-8")
    charted = [row for row in rows if row["status"] in ("ok", "skipped")]
    charts = [f'<figure class="truce-chart">{chart_svg(charted, name, swept)}</figure>'
              for name in numeric_values(charted)[:MAX_CHARTS]]
    if not charts:
        charts = ["<p>No run recorded a numeric value to chart (reports record them with "
                  "<code>analysis.headline.record</code>).</p>"]
    header, column_of = columns(parameter_names, rows)
    recorded_names = list(column_of)
    head = "".join(f"<th>{escape(name)}</th>" for name in header if name != "run_error")
    body = []
    for row in rows:
        error = f'<details><summary>error</summary><pre>{escape(row["error"])}</pre></details>' if row["error"] else ""
        seconds = "" if row["seconds"] is None else f"{row['seconds']:.1f}"
        link = f'<a href="runs/{escape(row["run_id"])}.ipynb"><code>{escape(row["run_id"])}</code></a>'
        cells = [link, *(escape(_shown(row["parameters"].get(n))) for n in parameter_names),
                 *(escape(_shown(row["recorded"].get(n))) for n in recorded_names),
                 f"{escape(row['status'])}{error}", seconds]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    summary = ", ".join(f"{status} {count}" for status, count in counts.items() if count)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>Sweep: {escape(title)}</title>\n<style>\n{css}.truce-sweep td:first-child {{ white-space: nowrap; }}\n"
        "</style>\n</head>\n"
        '<body class="truce-report">\n<main class="truce-page">\n'
        f"<h1>Sweep: {escape(title)}</h1>\n"
        f"<p>{len(rows)} run(s) of the grid <code>{escape(grid)}</code>: {escape(summary)}. "
        f"Swept: {escape(', '.join(swept) or 'nothing (one run)')}. Each run's executed notebook is linked "
        "from its id; the same table is in <code>sweep.csv</code>.</p>\n"
        + "\n".join(charts) +
        '\n<table class="truce-table truce-sweep"><thead><tr>' + head + "</tr></thead>\n<tbody>"
        + "".join(body) + "</tbody></table>\n</main>\n</body>\n</html>\n"
    )


def _shown(value) -> str:
    """A value in the table: numbers to 4 significant digits, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
