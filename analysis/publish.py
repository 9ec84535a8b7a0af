"""Turn an executed notebook into a self-contained HTML report.

Code is hidden; charts kept as Vega-Lite specs in the notebook are rewritten
into ``<div>`` + module script pairs with stable ids (``fig-1``, ``fig-2``...),
and the Vega libraries are inlined once in the page head. The page loads
nothing from the network, so it renders offline, archived or emailed.
"""

from __future__ import annotations

import copy
import html

import nbformat

from analysis import config
from analysis.charts import VEGALITE_MIME, embed_script, vega_bundle

REPORT_CSS = config.TEMPLATES_DIR / "truce" / "report.css"


def charts_to_html(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """Replace every chart output with an HTML snippet that draws it.

    Returns
    -------
    (NotebookNode, int)
        A modified copy of ``nb`` and the number of charts found.
    """
    nb = copy.deepcopy(nb)
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VEGALITE_MIME not in data:
                continue
            count += 1
            element_id = f"fig-{count}"
            snippet = (
                f'<div class="truce-chart" id="{element_id}"></div>'
                f'<script type="module">{embed_script(element_id, data[VEGALITE_MIME])}</script>'
            )
            output["data"] = {"text/html": snippet}
    return nb, count


def strip_volatile_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop wall-clock times papermill records, so equal inputs give equal bytes."""
    nb = copy.deepcopy(nb)
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        pm = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            pm.pop(key, None)
    return nb


def to_html(nb: nbformat.NotebookNode, title: str, stamp_html: str = "", footer_html: str = "") -> str:
    """Render an executed notebook as one offline HTML page with the code hidden.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str
        Page title (escaped here).
    stamp_html, footer_html : str
        Trusted HTML placed at the top and bottom of the page.
    """
    from nbconvert import HTMLExporter

    nb, n_charts = charts_to_html(nb)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="truce",
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {
        "vega_bundle": vega_bundle() if n_charts else "",
        "report_css": REPORT_CSS.read_text(encoding="utf-8"),
        "stamp_html": stamp_html,
        "footer_html": footer_html,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def escape(text: str) -> str:
    """HTML-escape text that came from data or parameters."""
    return html.escape(str(text), quote=True)
