"""What the purchase tracker shows: the per-source comparison."""


from analysis.domain import commitments as cm
from analysis.domain import purchases
from analysis.views import purchases as page
from support import notebook_defaults



def test_default_report_compares_every_source():
    t = purchases.compute(**notebook_defaults("purchases"))
    table = page.comparison_table(t)
    assert len(table) == len(purchases.SERIES)
    assert set(table["Status"]) <= set(cm.STATUSES) | {"no data"}
