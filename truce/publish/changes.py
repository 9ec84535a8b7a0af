"""What changed since the last edition: the page box, ``changes.json`` and the index's status paragraph.

A report records its headline values with :func:`analysis.headline.record`;
the build keeps them in the report's manifest entry (``recorded``). The next
build of the report compares its values with those of the entry it replaces,
the *previous edition*, so each page can say what moved, and a scheduled run
can alert on it by reading ``changes.json`` (see README, "Alerting on a change").
"""

from __future__ import annotations

import json

from truce.publish.stamp import escape

CHANGES = "changes.json"
# A recorded name holding one of these words is a status: its change is what a scheduled run alerts on.
STATUS_WORDS = ("status", "verdict")


def is_status(name: str) -> bool:
    return any(word in name for word in STATUS_WORDS)


def compare(previous: dict | None, recorded: dict) -> dict:
    """The differences between a previous manifest entry's recorded values and this run's.

    Returns
    -------
    dict
        ``previous`` (its as-of and compiled dates, or None for a first
        edition), ``changed`` (name, before, after, sorted by name), ``added``,
        ``removed``, ``unchanged`` (names) and ``status_changed`` (bool).
    """
    if not previous:
        return {"previous": None, "changed": [], "added": sorted(recorded), "removed": [], "unchanged": [],
                "status_changed": False}
    before = previous.get("recorded") or {}
    changed = [{"name": k, "before": before[k], "after": recorded[k]}
               for k in sorted(set(before) & set(recorded)) if before[k] != recorded[k]]
    return {
        "previous": {"as_of": previous.get("as_of"), "compiled": previous.get("compiled")},
        "changed": changed,
        "added": sorted(set(recorded) - set(before)),
        "removed": sorted(set(before) - set(recorded)),
        "unchanged": sorted(k for k in set(before) & set(recorded) if before[k] == recorded[k]),
        "status_changed": any(is_status(c["name"]) for c in changed)
        or any(is_status(k) for k in set(before) ^ set(recorded)),
    }


def shown(value, name: str = "") -> str:
    """A recorded value as a reader sees it: a probability in percent, other numbers rounded, None as 'none'."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and name.startswith("probability"):
        return f"{100 * value:.0f}%"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _label(name: str) -> str:
    return name.replace("_", " ")


def box_html(difference: dict) -> str:
    """The short "Since the last edition" box placed under the stamp at the top of a page."""
    previous = difference["previous"]
    if previous is None:
        body = "<p>First edition in this folder: there is no earlier edition to compare with.</p>"
    else:
        when = (f"the edition as of {escape(previous.get('as_of') or 'unknown')}, "
                f"compiled {escape(previous.get('compiled') or 'unknown')}")
        items = []
        for change in difference["changed"]:
            if isinstance(change["after"], str) and len(change["after"]) > 40:
                items.append(f"<li><strong>{escape(_label(change['name']))}</strong> now reads: "
                             f"{escape(change['after'])} <small>(was: {escape(shown(change['before'], change['name']))})</small></li>")
            else:
                items.append(f"<li><strong>{escape(_label(change['name']))}</strong>: "
                             f"{escape(shown(change['before'], change['name']))} &rarr; "
                             f"{escape(shown(change['after'], change['name']))}</li>")
        for name in difference["added"]:
            items.append(f"<li><strong>{escape(_label(name))}</strong>: new in this edition</li>")
        for name in difference["removed"]:
            items.append(f"<li><strong>{escape(_label(name))}</strong>: no longer reported</li>")
        if items:
            body = f"<p>Compared with {when}:</p><ul>{''.join(items)}</ul>"
        else:
            body = f"<p>No headline value changed since {when}.</p>"
    return f'<section class="truce-changes"><h2>Since the last edition</h2>{body}</section>\n'


def site_changes(previous_manifest: dict, entries: dict[str, dict]) -> dict:
    """``changes.json``: for each report rebuilt now, its differences from its previous edition."""
    old = previous_manifest.get("reports", {})
    return {"reports": {name: {"as_of": entry.get("as_of"), "compiled": entry.get("compiled"),
                               **compare(old.get(name), entry.get("recorded") or {})}
                        for name, entry in sorted(entries.items())}}


def dumps(changes: dict) -> bytes:
    return (json.dumps(changes, indent=2, sort_keys=True) + "\n").encode("utf-8")


def status_paragraph(manifest: dict) -> str:
    """One paragraph for the top of ``index.html``: each report's recorded status sentence."""
    lines = []
    for name, entry in manifest.get("reports", {}).items():
        status = (entry.get("recorded") or {}).get("status")
        if status:
            lines.append(f'<a href="{escape(name)}.html">{escape(entry.get("title", name))}</a> '
                         f'(as of {escape(entry.get("as_of", ""))}): {escape(status)}')
    if not lines:
        return ""
    return '<p class="truce-status"><strong>Where things stand.</strong> ' + " ".join(
        line if line.endswith(".") else line + "." for line in lines) + "</p>\n"
