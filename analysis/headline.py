"""Record a report's headline values, for the manifest, the sweep table and the edition-to-edition comparison.

A notebook calls ``record("probability", 0.88)`` once per headline value.
Under ``truce build`` or ``truce sweep`` the values go to the run log and end
up in the executed notebook's metadata (``metadata.truce.recorded``), the
report's manifest entry, ``changes.json`` and ``sweep.csv``. In JupyterLab,
with no run log, recording does nothing and returns the value.

By convention a report records ``status``: one plain sentence that answers
its question, which the site index quotes.
"""

from __future__ import annotations

import math
import re

from analysis import runlog

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def _plain(name: str, value):
    """A JSON scalar for ``value``: numpy numbers become Python ones, NaN becomes None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    raise TypeError(f"record({name!r}, ...): {type(value).__name__} is not a number, string, bool or None")


def record(name: str, value):
    """Record one headline value of this run under ``name`` (lower_snake_case); return ``value``.

    Raises
    ------
    ValueError
        For a name that is not lower_snake_case.
    TypeError
        For a value that is not a number, string, bool or None.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"record: {name!r} is not a lower_snake_case name")
    runlog.record(recorded={name: _plain(name, value)})
    return value


def record_all(values: dict) -> dict:
    """Record every ``name: value`` of ``values`` (a report's headline values, built by its views module)."""
    for name, value in values.items():
        record(name, value)
    return values
