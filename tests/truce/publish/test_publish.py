"""Publishing: stable chart ids, offline HTML, figures for reuse, no wall-clock metadata."""

import nbformat
import pandas as pd
import pytest

from truce.publish import html as publish
from analysis.views.charts import VEGALITE_MIME

SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json", "mark": "bar",
        "data": {"name": "d"}, "datasets": {"d": [{"x": "a", "y": 1}, {"x": "b", "y": 2}]},
        "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}}}


def notebook_with_charts(n):
    nb = nbformat.v4.new_notebook()
    for _ in range(n):
        cell = nbformat.v4.new_code_cell("chart")
        cell.outputs = [nbformat.v4.new_output("display_data", data={VEGALITE_MIME: SPEC, "text/plain": "chart"})]
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_markdown_cell("Text with <b>markup</b>"))
    return nb


def test_charts_get_stable_ids_in_page_order():
    nb, count = publish.charts_to_html(notebook_with_charts(3), figure_links="figures/r")
    html = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])]
    assert count == 3
    assert [h.split('id="')[1].split('"')[0] for h in html] == ["fig-1", "fig-2", "fig-3"]
    assert 'href="figures/r/fig-2.png"' in html[1]


def test_spec_cannot_close_the_script_tag():
    spec = dict(SPEC, title="</script><script>alert(1)</script>")
    nb = notebook_with_charts(0)
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={VEGALITE_MIME: spec})]
    nb.cells.append(cell)
    html = publish.charts_to_html(nb)[0].cells[-1].outputs[0]["data"]["text/html"]
    assert html.count("</script>") == 1  # only the snippet's own closing tag


def test_page_embeds_vega_once_and_fetches_nothing():
    page = publish.to_html(notebook_with_charts(2), "Title <x>")
    assert page.count("window.vegaEmbed=") == 1
    assert "<title>Title &lt;x&gt;</title>" in page
    assert 'src="http' not in page and "cdnjs" not in page and "require.js" not in page


def test_page_without_charts_carries_no_library():
    assert "window.vegaEmbed=" not in publish.to_html(notebook_with_charts(0), "t")


def test_figures_render_as_svg_png_and_csv():
    files = publish.render_figures(SPEC)
    assert files["svg"].startswith(b"<svg")
    assert files["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert files["csv"] == b"x,y\na,1\nb,2\n"


def test_chart_data_labels_several_datasets():
    spec = dict(SPEC, datasets={"one": [{"v": 1}], "two": [{"v": 2}]})
    frame = publish.chart_data(spec)
    assert frame.to_dict("records") == [{"v": 1, "dataset": "one"}, {"v": 2, "dataset": "two"}]
    assert publish.chart_data({"mark": "bar"}).empty
    assert isinstance(frame, pd.DataFrame)


def test_volatile_metadata_is_stripped():
    nb = notebook_with_charts(1)
    nb.metadata["papermill"] = {"start_time": "t", "end_time": "t", "duration": 1.0, "parameters": {"a": 1}}
    nb.cells[0].metadata["papermill"] = {"start_time": "t", "duration": 1.0, "status": "completed"}
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "t"}
    clean = publish.strip_volatile_metadata(nb)
    assert clean.metadata["papermill"] == {"parameters": {"a": 1}}
    assert clean.cells[0].metadata == {"papermill": {"status": "completed"}}


def test_a_chart_may_name_its_dataset_and_only_with_a_plain_name():
    assert publish.dataset_name({"usermeta": {"truce": {"dataset": "forecasts"}}}) == "forecasts"
    assert publish.dataset_name({"mark": "line"}) is None
    with pytest.raises(ValueError, match="plain file name"):
        publish.dataset_name({"usermeta": {"truce": {"dataset": "../escape"}}})
