"""Pure computations: commitments, tariffs, scenarios, survival, rare earths, purchases, durability.

Nothing here draws or formats: no Altair, no IPython, no :mod:`analysis.views`.
"""
