"""The survival probability in words: the headline, the models table and the method, built from the forecast."""

import pandas as pd
import pytest

from analysis.domain import hazard
from analysis.views import probability

PRIOR = hazard.Prior(shape=1.0, rate_days=365.0)


def ledger(rows):
    frame = pd.DataFrame(rows, columns=["truce_id", "name", "start", "end", "ended_by"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


LEDGER = ledger([("a", "Alpha truce", "2020-01-01", "2020-01-11", "escalation"),
                 ("b", "Beta truce", "2020-02-01", None, "open")])


def test_headline_gives_each_model_its_chance_and_interval():
    f = hazard.fit(LEDGER, "2020-03-02", 10, prior=PRIOR)
    const, weibull = f.model("constant hazard"), f.model("Weibull")
    line = probability.headline_text(f)
    # (405 / 415) ** 2 = 0.952388 -> 95%.
    assert line.startswith("The chance the truce in force on 2 Mar 2020 (the Beta truce, 30 days old) lasts another "
                           "10 days: 95% (90% interval ")
    assert f"{100 * const.low:.0f}–{100 * const.high:.0f}%), constant-hazard model" in line
    assert f"Weibull: {100 * weibull.probability:.0f}% ({100 * weibull.low:.0f}–{100 * weibull.high:.0f}%)" in line
    assert "not known" not in line


def test_an_unknown_status_is_said_and_the_table_shows_both_codings():
    f = hazard.fit(LEDGER, "2020-03-02", 10, unknown_after=pd.Timestamp("2020-02-21"), prior=PRIOR)
    line = probability.headline_text(f)
    assert "still in force after 21 Feb 2020 is not known" in line and "ended on 21 Feb 2020" in line
    table = probability.models_table(f)
    # Two models, each with two codings and the reported row.
    assert len(table) == 6
    assert table["Open truce coded as"].tolist()[:3] == [hazard.STILL_OPEN, hazard.ENDED_AT_UNKNOWN,
                                                          "reported: still open; interval spans both codings"]
    assert "Status not known" in probability.method_text(f)


@pytest.mark.parametrize("as_of, expected", [
    ("2019-06-30", "No truce had begun by 30 Jun 2019: the first, the Alpha truce, began on 1 Jan 2020"),
    ("2020-01-20", "No truce was in force on 20 Jan 2020: the last, the Alpha truce, broke down on 11 Jan 2020"),
])
def test_with_no_truce_in_force_a_sentence_says_so(as_of, expected):
    f = hazard.fit(LEDGER, as_of, 10, prior=PRIOR, first=LEDGER.iloc[0])
    assert probability.headline_text(f).startswith(expected)
    assert probability.models_table(f).empty
    assert probability.method_text(f).startswith(expected)


def test_method_text_uses_the_forecasts_own_numbers():
    f = hazard.fit(LEDGER, "2020-03-02", 10, prior=PRIOR)
    method = probability.method_text(f)
    # 2 truces, 1 breakdown, 10 + 30 = 40 days; the open one is 30 days old; 1 / sqrt(1 + 1) = 71%.
    assert "2 truces, 1 ending counted (breakdowns) and 40 days in force" in method
    assert "(30 days for the Beta truce)" in method
    assert "about 71% of its value" in method
    assert "memoryless" in method and "What the number is not" in method


def test_real_headline_on_3_dec_2026():
    f = hazard.forecast(as_of="2026-12-03")
    line = probability.headline_text(f)
    assert line.startswith("The chance the truce in force on 3 Dec 2026 (the Kuala Lumpur-Busan one-year truce, "
                           "399 days old) lasts another 90 days: ")
    assert "is not known" in line
