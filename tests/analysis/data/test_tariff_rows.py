"""Hard checks on the real tariff rows (data/tariffs.csv): the legal layers the issue asks for are there with
their sourced dates and rates, each layer reads in date order, `sourced_through` sits only where the format
allows it, and the stacks in force on chosen dates match sums worked by hand below.

The stack helper here is deliberately independent of analysis.domain.tariffs: these tests check the data,
not the code that draws it.
"""

import re

import pandas as pd
import pytest

from analysis.data import loaders

US, CN, OTHERS = "us_on_china", "china_on_us", "us_on_others"


@pytest.fixture(scope="module")
def rows():
    return loaders.load_tariffs()


@pytest.fixture(scope="module")
def headline(rows):
    return rows[(rows["kind"] == "headline") & rows["preferred"]]


def steps(headline, direction, layer):
    """(effective as ISO text, rate) for one layer, in file order."""
    part = headline[(headline["direction"] == direction) & (headline["layer"] == layer)]
    return [(d.date().isoformat(), r) for d, r in zip(part["effective"], part["rate"])]


def stack(headline, direction, date):
    """Sum of the all-goods layers in force on `date`: each layer's latest row dated on or before it."""
    known = headline[(headline["direction"] == direction) & headline["in_stack"]
                     & (headline["effective"] <= pd.Timestamp(date))]
    latest = known.sort_values("effective").groupby("layer").tail(1)
    return float(latest["rate"].sum())


def test_the_old_catch_all_section_301_layer_is_gone(rows):
    assert "section_301" not in set(rows["layer"])


def test_each_section_301_list_starts_on_its_sourced_date_at_its_sourced_rate(headline):
    # Dates and rates as the sources give them (USTR notices relayed by law firms and customs brokers):
    # List 1 25% on 6 Jul 2018; List 2 25% on 23 Aug 2018; List 3 10% on 24 Sep 2018 then 25% on 10 May 2019;
    # List 4A 15% on 1 Sep 2019 then 7.5% on 14 Feb 2020 (Phase One); the 2024 review's top tier 100% (EVs)
    # from 27 Sep 2024; the forced-labour action 12.5% from 24 Jul 2026.
    assert steps(headline, US, "section_301_list1") == [("2018-07-06", 25)]
    assert steps(headline, US, "section_301_list2") == [("2018-08-23", 25)]
    assert steps(headline, US, "section_301_list3") == [("2018-09-24", 10), ("2019-05-10", 25)]
    assert steps(headline, US, "section_301_list4a") == [("2019-09-01", 15), ("2020-02-14", 7.5)]
    assert steps(headline, US, "section_301_2024_review") == [("2024-09-27", 100)]
    assert steps(headline, US, "section_301_forced_labour") == [("2026-07-24", 12.5)]


def test_only_the_forced_labour_action_among_the_301_layers_is_all_goods(headline):
    s301 = headline[headline["layer"].str.startswith("section_301")]
    in_stack = set(s301.loc[s301["in_stack"], "layer"])
    assert in_stack == {"section_301_forced_labour"}


def test_section_232_layers_are_product_specific_and_the_same_for_china_and_for_others(headline):
    # Section 232 applies to all origins: steel 25% from 23 Mar 2018 and 50% from 4 Jun 2025; aluminium 10%,
    # 25% from 12 Mar 2025, 50% from 4 Jun 2025; copper 50% from 1 Aug 2025; the 50% top tier repeated for
    # the restructuring of 6 Apr 2026 and the adjustment of 8 Jun 2026; autos 25% from 3 Apr 2025.
    metals_2026 = [("2026-04-06", 50), ("2026-06-08", 50)]
    assert steps(headline, US, "section_232_steel") == [("2018-03-23", 25), ("2025-06-04", 50)] + metals_2026
    assert steps(headline, US, "section_232_aluminium") == [
        ("2018-03-23", 10), ("2025-03-12", 25), ("2025-06-04", 50)] + metals_2026
    assert steps(headline, US, "section_232_copper") == [("2025-08-01", 50)] + metals_2026
    assert steps(headline, US, "section_232_autos") == [("2025-04-03", 25)]
    s232 = headline[headline["layer"].str.startswith("section_232")]
    assert not s232["in_stack"].any()
    for layer in ("section_232_steel", "section_232_aluminium", "section_232_copper", "section_232_autos"):
        assert steps(headline, OTHERS, layer) == steps(headline, US, layer), layer


def test_china_2018_19_retaliation_rounds_carry_their_top_tier(headline):
    # $34bn and $16bn at 25% on the US list days; $60bn at 5-10% (top 10) on 24 Sep 2018, raised in parts
    # to 25/20/10 (top 25) on 1 Jun 2019; $75bn at 5-10% (top 10) on 1 Sep 2019, halved to 2.5-5 (top 5)
    # when Phase One took effect on 14 Feb 2020.
    assert steps(headline, CN, "cn_retaliation_2018_34bn") == [("2018-07-06", 25)]
    assert steps(headline, CN, "cn_retaliation_2018_16bn") == [("2018-08-23", 25)]
    assert steps(headline, CN, "cn_retaliation_2018_60bn") == [("2018-09-24", 10), ("2019-06-01", 25)]
    assert steps(headline, CN, "cn_retaliation_2019_75bn") == [("2019-09-01", 10), ("2020-02-14", 5)]
    retaliation = headline[headline["layer"].str.startswith("cn_retaliation_")]
    assert not retaliation["in_stack"].any()


def test_each_layer_reads_in_date_order(rows):
    for (direction, layer, kind), part in rows.groupby(["direction", "layer", "kind"], sort=False):
        dates = list(part["effective"])
        assert dates == sorted(dates), (direction, layer, kind)


def test_sourced_through_sits_only_on_a_layer_last_row_that_does_not_end_it(rows, headline):
    marked = rows[rows["sourced_through"].notna()]
    assert set(marked["kind"]) == {"headline"}
    for _, r in marked.iterrows():
        part = headline[(headline["direction"] == r["direction"]) & (headline["layer"] == r["layer"])]
        assert r["effective"] == part["effective"].max(), (r["direction"], r["layer"])
        assert r["rate"] > 0, (r["direction"], r["layer"])
        assert r["sourced_through"] >= r["effective"]


def test_sourced_through_dates_of_the_layers_the_issue_names(headline):
    last = headline.sort_values("effective").groupby(["direction", "layer"]).tail(1).set_index(["direction", "layer"])
    through = last["sourced_through"].dt.strftime("%Y-%m-%d")
    # USTR's continuation of the China 301 actions (Federal Register of 7 Oct 2026, via KPMG).
    for layer in ("section_301_list1", "section_301_list2", "section_301_list3", "section_301_list4a",
                  "section_301_2024_review"):
        assert through[(US, layer)] == "2026-10-07", layer
    # No source after the forced-labour duty's first day; China's Feb 2025 energy tariffs last seen at Busan.
    assert through[(US, "section_301_forced_labour")] == "2026-07-24"
    assert through[(CN, "cn_fentanyl_retaliation")] == "2025-11-10"
    # The metals to the June 2026 proclamation's first day; autos to the CRS version of 5 Sep 2025.
    for layer in ("section_232_steel", "section_232_aluminium", "section_232_copper"):
        assert through[(US, layer)] == through[(OTHERS, layer)] == "2026-06-08", layer
    assert through[(US, "section_232_autos")] == "2025-09-05"
    # Layers ended by a 0 row carry no date.
    for direction, layer in ((US, "ieepa_fentanyl"), (US, "ieepa_reciprocal"), (US, "section_122"),
                             (OTHERS, "ieepa_reciprocal"), (OTHERS, "section_122"), (CN, "cn_farm_retaliation")):
        assert last.loc[(direction, layer), "rate"] == 0
        assert pd.isna(last.loc[(direction, layer), "sourced_through"]), (direction, layer)


def test_every_source_named_in_a_note_exists(rows):
    sources = set(loaders.load_sources()["source_id"])
    named = set()
    for note in rows["note"].dropna():
        named |= set(re.findall(r"\b[a-z]+(?:-[a-z0-9]+){3,}\b", note))
    assert named, "the notes name the sources behind sourced_through"
    assert named <= sources, sorted(named - sources)


def test_the_others_stack_follows_the_global_baseline_layers(headline):
    # 1 Jun 2025: IEEPA baseline 10 (since 5 Apr 2025), no Section 122 yet -> 10.
    # 1 Mar 2026: IEEPA 0 (since 24 Feb 2026) + Section 122 10 (since 24 Feb 2026) -> 10.
    # 1 Aug 2026: IEEPA 0 + Section 122 0 (lapsed 24 Jul 2026); the forced-labour 301 covers 60 named
    #             economies, not the others -> 0.
    assert stack(headline, OTHERS, "2025-06-01") == 10
    assert stack(headline, OTHERS, "2026-03-01") == 10
    assert stack(headline, OTHERS, "2026-08-01") == 0
    assert set(headline.loc[headline["direction"] == OTHERS, "layer"]) <= set(
        headline.loc[headline["direction"] == US, "layer"])


def test_china_premium_from_both_stacks_on_chosen_dates(headline):
    # 1 Jun 2025: China 20 fentanyl + 10 reciprocal = 30; others 10 -> premium 20.
    # 1 Mar 2026: China 10 (Section 122 only); others 10 -> premium 0.
    # 1 Aug 2026: China 12.5 (forced-labour 301); others 0 -> premium 12.5.
    for date, china, others in (("2025-06-01", 30, 10), ("2026-03-01", 10, 10), ("2026-08-01", 12.5, 0)):
        assert stack(headline, US, date) == china, date
        assert stack(headline, OTHERS, date) == others, date
