"""What the purchase tracker shows: the per-source comparison."""

import ast
import json

from analysis import config
from analysis.domain import commitments as cm
from analysis.domain import purchases
from analysis.views import purchases as page


def notebook_defaults(name: str) -> dict:
    """The report's defaults: the literals of the parameters cell of ``notebooks/<name>.ipynb``, in order."""
    notebook = json.loads((config.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse("".join(cell["source"])).body}


def test_default_report_compares_every_source():
    t = purchases.compute(**notebook_defaults("purchases"))
    table = page.comparison_table(t)
    assert len(table) == len(purchases.SERIES)
    assert set(table["Status"]) <= set(cm.STATUSES) | {"no data"}
