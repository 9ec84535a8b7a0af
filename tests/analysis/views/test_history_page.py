"""The history page from the real ledger at past dates: every text reads computed values, every chart is strict JSON."""

import json
import re
from pathlib import Path

import altair as alt
import pytest

from analysis.domain import survival
from analysis.views import charts
from analysis.views import history as view

MISSING = re.compile(r"\b(nan|NaT|None|inf)\b")
NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "history.py"

# Before the first truce; the Osaka truce a day old; Phase One in force; between truces; the day the brief names
# (the open truce's status unknown after the evidence ends).
DATES = ("2018-06-30", "2019-06-30", "2021-06-30", "2023-06-30", "2026-12-03")


@pytest.fixture(scope="module", params=[(d, "breakdown") for d in DATES] + [("2026-12-03", "any")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def page(request):
    as_of, ending = request.param
    return survival.compute(as_of=as_of, horizon_days=180, ending=ending)


def texts(h):
    return {name: getattr(view, name)(h) for name in
            ("headline_text", "status_sentence", "censoring_text", "fit_text", "base_rate_text", "caveat_text",
             "codings_text", "ending_events_text")}


def test_every_text_reads_computed_values_without_missing_ones(page):
    for name, text in texts(page).items():
        assert isinstance(text, str), name
        assert not MISSING.search(text), (name, text)
    for table in (view.truces_table(page), view.codings_table(page), view.km_table(page)):
        cells = " ".join(str(v) for v in table.to_numpy().ravel())
        assert not MISSING.search(cells), cells


def test_the_status_is_one_plain_sentence(page):
    sentence = view.status_sentence(page)
    assert sentence.endswith(".") and "**" not in sentence and "\n" not in sentence


def test_charts_are_strict_json(page):
    for build in (view.timeline_chart, view.survival_chart):
        chart = build(page)
        if page.spells.empty:
            assert not isinstance(chart, alt.TopLevelMixin)
            continue
        spec = chart.to_dict()
        json.loads(charts.json_spec(spec))  # raises on a Timestamp, NaN or infinity anywhere in the spec
        assert all(len(rows) for rows in spec.get("datasets", {}).values())


def test_recorded_values_are_plain(page):
    p = view.constant_hazard_probability(page)
    assert p is None or 0 < p < 1
    assert page.age is None or isinstance(page.age, int)
    if page.current is None:
        assert p is None and page.age is None


def test_on_3_dec_2026_the_page_gives_the_open_truce_its_age_and_chance():
    h = survival.compute(as_of="2026-12-03", horizon_days=180, ending="breakdown")
    const = h.forecast.model("constant hazard")
    # 30 Oct 2025 to 3 Dec 2026: 399 days. The chance is the constant-hazard model's, its interval widened by the
    # coding of the open truce as ended where the evidence ends (7 Oct 2026).
    assert h.age == 399
    sentence = view.status_sentence(h)
    assert sentence.startswith("The Kuala Lumpur-Busan one-year truce is 399 days old on 3 Dec 2026 if still in force "
                               "(no source says what happened after 7 Oct 2026)")
    assert (f"a {100 * const.probability:.0f}% (90% interval {100 * const.low:.0f}–{100 * const.high:.0f}%) chance "
            "of lasting another 180 days") in sentence
    assert "**399 days** old on 3 Dec 2026" in view.headline_text(h)
    table = view.truces_table(h)
    assert table["Days (age on the as-of date if open)"].tolist() == ["155", "33", "716", "182",
                                                                      "399 on 3 Dec 2026 if still in force"]
    # The coding table: as recorded first, each ended truce's readings, every ending last; each change is in points.
    codings = view.codings_table(h)
    assert codings["Reading"].iloc[0] == "As recorded" and codings["Reading"].iloc[-1].startswith("Every ending")
    assert set(codings["Truce"].iloc[1:-1]) == set(h.spells.loc[h.spells["ended"], "name"])
    assert all(re.fullmatch(r"[+−]\d+\.\d points", c) for c in codings["Change from as recorded"].iloc[1:])
    every = h.codings.set_index("label").loc[survival.EVERY_ENDING]
    assert every["probability"] < const.probability  # two more endings counted: a lower chance


def test_between_truces_the_coding_table_has_no_chance_to_compare():
    h = survival.compute(as_of="2023-06-30", horizon_days=180, ending="breakdown")
    assert h.current is None and view.constant_hazard_probability(h) is None
    assert "As recorded there is no chance to compare a reading with." in view.codings_text(h)
    rows = view.codings_table(h).set_index("Reading")
    # Holding Phase One in force until 2025 puts a truce in force on this date: shown, but not compared.
    held = rows.loc["Phase One in force until the 2025 escalation"]
    assert held["Change from as recorded"] == "not comparable: a truce is in force only under this reading"
    assert "(for the Phase One agreement)" in held.iloc[4]


def test_the_survival_chart_draws_the_band_the_steps_and_both_fitted_curves():
    h = survival.compute(as_of="2026-12-03", horizon_days=180, ending="breakdown")
    spec = view.survival_chart(h).to_dict()
    curves = {row["curve"] for rows in spec["datasets"].values() for row in rows if "curve" in row}
    assert curves == {view.KM_CURVE, view.CONSTANT_CURVE, view.WEIBULL_CURVE}
    # One legend: every curve layer states the same colour domain.
    domains = [layer["encoding"]["color"]["scale"]["domain"] for layer in spec["layer"]
               if "color" in layer.get("encoding", {}) and "field" in layer["encoding"]["color"]]
    assert len(domains) == 5 and all(d == list(view.CURVE_COLOURS) for d in domains)
    km, fitted = view.survival_frames(h)
    assert (km["low"] <= km["percent"] + 1e-9).all() and (km["percent"] <= km["high"] + 1e-9).all()
    assert (fitted["low"] <= fitted["percent"] + 1e-9).all() and (fitted["percent"] <= fitted["high"] + 1e-9).all()
    # The fitted curves run past the open truce's age plus the horizon.
    assert fitted["time"].max() >= h.age + 180


def test_the_notebook_records_its_headline_values():
    source = NOTEBOOK.read_text(encoding="utf-8")
    for name in ("status", "open_truce_age_days", "base_rate", "constant_hazard_probability"):
        assert f'record("{name}", ' in source
    assert "from analysis.headline import record" in source
