"""Tooling around the report notebooks: the ``truce`` command, builds, publishing and the API refresh.

A notebook never imports this package; it may import :mod:`analysis`, never the other way round.
"""
