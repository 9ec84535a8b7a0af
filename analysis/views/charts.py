"""Altair chart builders sharing one theme, and the renderer the notebooks use.

Each builder takes a tidy DataFrame prepared in ``analysis`` and returns one
chart. The ``truce`` renderer keeps the Vega-Lite spec in the notebook output
(``application/vnd.vegalite.v6+json``) so the publisher can embed the charts in
an offline HTML page; in an interactive session it also emits HTML that draws
the chart with a locally bundled copy of Vega, so JupyterLab needs no network.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

VEGALITE_MIME = "application/vnd.vegalite.v6+json"
BUILD_ENV = "TRUCE_BUILD"  # set by `truce build`: outputs keep only the spec

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


_bundle_sent = False


def _truce_renderer(spec: dict, **_) -> dict:
    """Return the spec, plus self-contained HTML when not inside a build."""
    bundle = {VEGALITE_MIME: spec, "text/plain": "<chart: rendered in the published report>"}
    if os.environ.get(BUILD_ENV):
        return bundle
    global _bundle_sent
    element_id = "vl-" + hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    library = "" if _bundle_sent else vega_bundle()
    _bundle_sent = True
    bundle["text/html"] = (
        f'<div id="{element_id}"></div><script type="module">{library}\n'
        f"{embed_script(element_id, spec)}</script>"
    )
    return bundle


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
