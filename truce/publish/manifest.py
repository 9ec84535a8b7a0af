"""The report site's manifest and its landing page, ``index.html``.

``manifest.json`` is the only place a build time appears. For each report it
records the sha256 of every published file, the parameters, the as-of date,
the data version, the commit and the data files read (with their sha256),
in the spirit of a release manifest with ``data_as_of`` and checksums.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from truce.publish import TEMPLATES_DIR
from truce.publish.changes import status_paragraph
from truce.publish.stamp import escape

MANIFEST = "manifest.json"


def load(out_dir: Path) -> dict:
    """Read ``<out_dir>/manifest.json``; an unreadable or missing one starts afresh."""
    path = Path(out_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"reports": {}}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("reports"), dict):
        return {"reports": {}}
    return manifest


def updated(manifest: dict, entries: dict[str, dict], out_dir: Path) -> dict:
    """A copy of ``manifest`` with ``entries`` replacing their reports' records.

    Reports whose HTML is no longer in ``out_dir`` are dropped, so the
    manifest only describes what is published.
    """
    reports = {**manifest.get("reports", {}), **entries}
    reports = {name: entry for name, entry in sorted(reports.items()) if (Path(out_dir) / f"{name}.html").exists()}
    as_of = max((e.get("as_of", "") for e in reports.values()), default="")
    return {
        "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "data_as_of": as_of,
        "reports": reports,
    }


def dumps(manifest: dict) -> bytes:
    """Stable JSON bytes (sorted keys, fixed indentation)."""
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def index_html(manifest: dict) -> str:
    """The landing page: one row per published report with its provenance and links."""
    css = (TEMPLATES_DIR / "truce" / "report.css").read_text(encoding="utf-8")
    rows = []
    for name, entry in manifest.get("reports", {}).items():
        params = entry.get("parameters", {})
        # Sorted, as manifest.json stores them: a page rewritten from the reloaded manifest reads the same.
        shown = "; ".join(f"{escape(k)} = {escape(repr(v))}" for k, v in sorted(params.items())) or "defaults"
        vintage = f"<br>vintage {escape(entry['vintage'])}" if entry.get("vintage") else ""
        rows.append(
            "<tr>"
            f'<td><a href="{escape(name)}.html"><strong>{escape(entry.get("title", name))}</strong></a><br>'
            f'{escape(entry.get("summary", ""))}</td>'
            f"<td>{escape(entry.get('as_of', ''))}<br><small>evidence through "
            f"{escape(entry.get('evidence_through') or 'none')}<br>compiled {escape(entry.get('compiled', ''))}</small></td>"
            f"<td>{shown}</td>"
            f"<td><code>{escape(entry.get('data_version', ''))}</code>{vintage}</td>"
            f"<td><code>{escape(entry.get('commit', ''))}</code></td>"
            f'<td><a href="{escape(name)}.html">HTML</a> · <a href="{escape(name)}.ipynb">notebook</a></td>'
            "</tr>"
        )
    body = "".join(rows) or '<tr><td colspan="6">No reports have been published yet.</td></tr>'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        "<title>US-China Truce Monitor: reports</title>\n"
        f"<style>\n{css}</style>\n</head>\n"
        '<body class="truce-report">\n<main class="truce-page">\n'
        "<h1>US-China Truce Monitor</h1>\n"
        f"{status_paragraph(manifest)}"
        "<p>How durable is the US-China trade truce? Each report below is self-contained: it opens offline, "
        "names its sources, and ends with the command that rebuilds it. Each states three dates: <em>as of</em>, the day it "
        "is judged at; <em>evidence through</em>, the newest dated figure it used; and <em>compiled</em>, the day "
        "it was built. The data version is a hash of the "
        "data files the report read; the code version is the commit it was built from.</p>\n"
        '<table class="truce-table truce-index"><thead><tr><th>Report</th><th>As of</th>'
        "<th>Parameters changed</th><th>Data version</th><th>Code</th><th>Files</th></tr></thead>\n"
        f"<tbody>{body}</tbody></table>\n"
        "</main>\n</body>\n</html>\n"
    )
