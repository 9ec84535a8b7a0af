"""Altair chart builders sharing one theme, and the renderer the notebooks use.

Each builder takes a tidy DataFrame prepared in ``analysis`` and returns one
chart. The ``truce`` renderer gives every chart output two specs and no code:

* the Vega-Lite spec as Altair writes it (``application/vnd.vegalite.v6+json``),
  which the publisher embeds in the offline HTML page with its own bundled Vega;
* the same chart compiled to Vega 5 (``application/vnd.vega.v5+json``), which
  JupyterLab 4 draws with its built-in renderer. JupyterLab cannot draw
  Vega-Lite 6, and its Vega renderer needs no network, no script in the
  output and no trust, so a chart draws after a reload, in a reopened or
  untrusted notebook and in the executed notebooks published beside the pages.

The output is the same on every path (``truce build``, papermill, JupyterLab),
and it holds no state: nothing depends on what an earlier cell sent.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
VEGA_MIME = "application/vnd.vega.v5+json"
# The Vega-Lite compiler (bundled in vl-convert) that writes the Vega 5 spec JupyterLab draws.
LAB_VEGALITE_VERSION = "5.21"
CHART_TEXT = "<chart: open in JupyterLab, or see the published report>"

PALETTE = ["#1f4e79", "#c0504d", "#7f7f7f", "#e3a21a", "#4f8a3c", "#8e5ea2"]
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"


@alt.theme.register("truce", enable=False)
def truce_theme() -> alt.theme.ThemeConfig:
    """Quiet house style: one font, light grid, a fixed colour order."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"gridColor": "#e6e6e6", "domainColor": "#999", "labelFontSize": 11, "titleFontSize": 12},
            "legend": {"orient": "bottom", "labelFontSize": 11, "titleFontSize": 12, "labelLimit": 0, "columns": 2},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
        }
    }


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that defines ``window.vegaEmbed``.

    Bundling takes a couple of seconds, so the result is kept in the user's
    cache folder, keyed by the vl-convert version that made it.
    """
    import vl_convert

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "truce-monitor"
    path = cache / f"vega-bundle-{vl_convert.__version__}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(bundle, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs time
    return bundle


def time_span(first, last, field: str) -> alt.Chart:
    """An invisible layer that stretches a shared time axis from ``first`` to ``last``.

    Layers that share a scale and each state an explicit temporal domain make
    Vega-Lite warn of a conflicting domain (it parses the dates differently in
    different layers). A data-driven domain is merged across layers without
    complaint, so the span is given as two transparent points instead.
    """
    frame = pd.DataFrame({field: pd.to_datetime([first, last])})
    return alt.Chart(frame).mark_point(opacity=0).encode(x=alt.X(f"{field}:T"))


def no_chart(reason: str):
    """What a figure with no rows shows instead: one sentence, never an empty or broken chart.

    Chart builders return this when their frame is empty, so a report asked
    about a date before its subject still builds and says why there is nothing to draw.
    """
    from IPython.display import Markdown

    return Markdown(f"*No chart: {reason}*")


def embed_script(element_id: str, spec: dict) -> str:
    """JavaScript that draws ``spec`` into ``#element_id`` once vegaEmbed is loaded."""
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    return f'vegaEmbed("#{element_id}", {payload}, {{"actions": false, "renderer": "svg"}});'


def json_spec(spec: dict) -> str:
    """``spec`` as strict JSON; a value JSON cannot hold is an error that names where it is.

    The kernel's own serialiser would quietly turn a pandas Timestamp into a
    string, so a spec could work in one path and fail in another; the chart
    builders must pass plain values (ISO date strings), and this holds them to it.
    """
    try:
        return json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise TypeError(f"chart spec is not plain JSON at {_non_json_path(spec)}: {err}") from err


def _non_json_path(value, path: str = "spec") -> str:
    """Where in a spec the first value JSON cannot hold sits (for the error message)."""
    if isinstance(value, dict):
        for key, item in value.items():
            found = _non_json_path(item, f"{path}[{key!r}]")
            if found:
                return found
        return ""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _non_json_path(item, f"{path}[{index}]")
            if found:
                return found
        return ""
    if value is None or isinstance(value, (str, bool, int)):
        return ""
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        return ""
    return f"{path} ({type(value).__name__})"


def lab_spec(spec: dict) -> dict:
    """The chart compiled to Vega 5, the newest Vega JupyterLab draws itself."""
    import vl_convert

    return vl_convert.vegalite_to_vega(json.loads(json_spec(spec)), vl_version=LAB_VEGALITE_VERSION)


# JupyterLab passes these to vega-embed: SVG like the published pages (each mark an element, so a
# browser test can count them) and no export menu.
LAB_EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def _truce_renderer(spec: dict, **_) -> tuple[dict, dict]:
    """The Vega-Lite spec for the publisher and its Vega 5 compilation for JupyterLab, with display options."""
    bundle = {VEGALITE_MIME: spec, VEGA_MIME: lab_spec(spec), "text/plain": CHART_TEXT}
    return bundle, {VEGA_MIME: {"embed_options": LAB_EMBED_OPTIONS}}


def use_report_style() -> None:
    """Enable the house theme and the offline renderer (call once per notebook)."""
    alt.renderers.register("truce", _truce_renderer)
    alt.renderers.enable("truce")
    alt.theme.enable("truce")


def cumulative_vs_target(frame: pd.DataFrame, unit_label: str) -> alt.LayerChart:
    """Cumulative purchases by series against the pro-rated target paths.

    ``frame`` is long: ``date``, ``value``, ``line`` (series or path name) and
    ``kind`` (``purchases`` or ``target``), as built by ``purchases.cumulative_frame``.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", title=f"Cumulative ({unit_label})", axis=alt.Axis(format="~s")),
        color=alt.Color("line:N", title=None),
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=",.0f")],
    )
    # Target paths are continuous; purchase reports are dated points, so join them stepwise.
    targets = base.transform_filter(alt.datum.kind == "target").mark_line(strokeDash=[6, 4], strokeWidth=2)
    purchases = base.transform_filter(alt.datum.kind == "purchases").mark_line(
        interpolate="step-after", point=True, strokeWidth=2.5
    )
    # A layer with no rows is left out (no source has a figure yet): it would draw nothing and can break the scale.
    layers = [layer for layer, kind in ((targets, "target"), (purchases, "purchases")) if (frame["kind"] == kind).any()]
    return alt.layer(*layers).properties(width=640, height=320)


STATUS_COLOURS = {"reported": PALETTE[0], "derived": PALETTE[3], "combined months": PALETTE[4], "no data": "#bbbbbb"}


def monthly_flows(frame: pd.DataFrame, unit_label: str) -> alt.LayerChart:
    """Monthly flows as bars; months without data are marked, never drawn as zero.

    ``frame``: ``month`` and ``period_end`` (the bucket's first and last day),
    ``value`` (NaN when missing) and ``status`` (``reported``, ``derived``,
    ``combined months`` or ``no data``), as built by ``purchases.compute``.
    """
    frame = frame.assign(bar_end=frame["period_end"] + pd.Timedelta(days=1))
    colour = alt.Color("status:N", title=None,
                       scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())))
    # A combined release (Jan-Feb) is one bar spanning both months: its height is the two-month total.
    bars = (
        alt.Chart(frame[frame["status"] != "no data"])
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("month:T", title=None),
            x2="bar_end:T",
            y=alt.Y("value:Q", title=f"Per month or combined release ({unit_label})", axis=alt.Axis(format="~s")),
            y2=alt.datum(0),  # a bar ranged in x must be given its baseline, or it draws as a dash
            color=colour,
            tooltip=[alt.Tooltip("month:T", title="From"), alt.Tooltip("period_end:T", title="To"),
                     alt.Tooltip("value:Q", format=",.0f"), "status:N"],
        )
    )
    # A gap is a grey cross on the baseline, so it cannot be read as a zero bar.
    gap_marks = (
        alt.Chart(frame[frame["status"] == "no data"])
        .mark_point(shape="cross", size=70, filled=True)
        .encode(x="month:T", y=alt.datum(0), color=colour,
                tooltip=[alt.Tooltip("yearmonth(month):T", title="No data for")])
    )
    # A zero month has no bar to see, so it is labelled, lest it read as a gap.
    # Text takes a single x, so the label sits mid-bucket.
    zero_rows = frame[frame["value"] == 0]
    zeros = (
        alt.Chart(zero_rows.assign(mid=zero_rows["month"] + (zero_rows["bar_end"] - zero_rows["month"]) / 2))
        .mark_text(text="0", dy=-7, fontSize=10, color=PALETTE[0])
        .encode(x=alt.X("mid:T"), y=alt.datum(0))
    )
    # Empty layers are left out: a layer with no rows gives its scale an infinite extent.
    layers = [layer for layer, rows in ((bars, frame["status"] != "no data"), (zeros, frame["value"] == 0),
                                        (gap_marks, frame["status"] == "no data")) if rows.any()]
    return alt.layer(*layers).properties(width=640, height=260)
