"""What the rare-earth magnet report shows: labels for readers."""

from analysis.views import rare_earths as page


def test_small_helpers():
    assert page.period_label("2025-12-01", "2026-01-31") == "Dec 2025-Jan 2026"
