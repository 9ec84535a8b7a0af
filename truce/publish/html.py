"""Turn an executed notebook into a self-contained HTML report.

Code is hidden; charts kept as Vega-Lite specs in the notebook are rewritten
into ``<div>`` + module script pairs with stable ids (``fig-1``, ``fig-2``...),
and the Vega libraries are inlined once in the page head. The page loads
nothing from the network, so it renders offline, archived or emailed.
"""

from __future__ import annotations

import copy

import nbformat

from truce.publish import TEMPLATES_DIR
from analysis.views.charts import VEGALITE_MIME, embed_script, vega_bundle
from truce.publish.stamp import escape

REPORT_CSS = TEMPLATES_DIR / "truce" / "report.css"


def chart_specs(nb: nbformat.NotebookNode) -> list[dict]:
    """Every chart's Vega-Lite spec, in page order (figure ``fig-N`` is item N-1)."""
    return [
        output["data"][VEGALITE_MIME]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if VEGALITE_MIME in output.get("data", {})
    ]


def charts_to_html(nb: nbformat.NotebookNode, figure_links: str | None = None) -> tuple[nbformat.NotebookNode, int]:
    """Replace every chart output with an HTML snippet that draws it.

    Parameters
    ----------
    nb : NotebookNode
    figure_links : str, optional
        Folder (relative to the page) holding ``fig-N.svg/.png/.csv``; when
        given, each chart gets download links under it.

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
            links = ""
            if figure_links:
                base = escape(f"{figure_links}/{element_id}")
                links = (f'<div class="truce-figure-links">Figure {count}: '
                         f'<a href="{base}.svg">SVG</a> · <a href="{base}.png">PNG</a> · '
                         f'<a href="{base}.csv">data (CSV)</a></div>')
            snippet = (
                f'<div class="truce-chart" id="{element_id}"></div>'
                f'<script type="module">{embed_script(element_id, data[VEGALITE_MIME])}</script>{links}'
            )
            output["data"] = {"text/html": snippet}
    return nb, count


def chart_data(spec: dict):
    """The data behind a chart as one DataFrame (several datasets get a ``dataset`` column)."""
    import pandas as pd

    datasets = spec.get("datasets", {})
    if not datasets and isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        datasets = {"data": spec["data"]["values"]}
    frames = [pd.DataFrame(rows).assign(dataset=name) for name, rows in datasets.items()]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].drop(columns="dataset")
    return pd.concat(frames, ignore_index=True)


def dataset_name(spec: dict) -> str | None:
    """The name a chart asks its data to be published under as well (``usermeta.truce.dataset``), if any.

    A chart whose data are a series of their own, such as the dashboard's monthly forecast vintages, gets a
    stable file name beside the numbered figures, so later editions and other tools can find it.
    """
    name = spec.get("usermeta", {}).get("truce", {}).get("dataset")
    if name is not None and not (isinstance(name, str) and name.replace("_", "").replace("-", "").isalnum()):
        raise ValueError(f"usermeta.truce.dataset {name!r} must be a plain file name (letters, digits, - and _)")
    return name


def render_figures(spec: dict) -> dict[str, bytes]:
    """A chart as static files for slides: ``svg`` and ``png`` (2x), plus its data as ``csv``."""
    import vl_convert

    return {
        "svg": vl_convert.vegalite_to_svg(spec).encode("utf-8"),
        "png": vl_convert.vegalite_to_png(spec, scale=2),
        "csv": chart_data(spec).to_csv(index=False, lineterminator="\n").encode("utf-8"),
    }


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


def to_html(nb: nbformat.NotebookNode, title: str, stamp_html: str = "", footer_html: str = "",
            figure_links: str | None = None, show_code: bool = False) -> str:
    """Render an executed notebook as one offline HTML page with the code hidden.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str
        Page title (escaped here).
    stamp_html, footer_html : str
        Trusted HTML placed at the top and bottom of the page.
    figure_links : str, optional
        Folder of the static figures, for download links under each chart.
    show_code : bool
        Keep code cells visible (for the debugging copy of a failed run).
    """
    from nbconvert import HTMLExporter

    nb, n_charts = charts_to_html(nb, figure_links)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="truce",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=not show_code,
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
