"""Facts a report run tells the build: the data files it read and its as-of date.

The notebook runs in a kernel process, so ``truce build`` passes a file path
in ``TRUCE_RUN_LOG`` and the analysis code appends one JSON line per fact. In
JupyterLab the variable is unset and recording does nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RUN_LOG_ENV = "TRUCE_RUN_LOG"


def record(**facts) -> None:
    """Append ``facts`` (JSON-serialisable values) to the run log, if one is set."""
    target = os.environ.get(RUN_LOG_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(facts, sort_keys=True) + "\n")


def read(path: Path) -> dict:
    """Collect a run log: ``{"read": [paths in order, unique], "recorded": {name: value}, "as_of": last value, ...}``."""
    collected: dict = {"read": []}
    if not Path(path).exists():
        return collected
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        for key, value in json.loads(line).items():
            if key == "read":
                if value not in collected["read"]:
                    collected["read"].append(value)
            elif key == "recorded":  # headline values (analysis.headline.record), merged by name
                collected.setdefault("recorded", {}).update(value)
            else:
                collected[key] = value
    return collected
