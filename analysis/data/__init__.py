"""Reading ``data/``: the Data Package's schemas, the loaders, dated series and evidence grades.

Knows nothing of reports: it imports neither :mod:`analysis.domain` nor :mod:`analysis.views`.
"""
