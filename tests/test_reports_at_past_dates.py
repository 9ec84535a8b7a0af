"""End-to-end: all five reports build and publish as of a day in 2018, 2020 and 2025, with their dates stated.

2018 is before most of the subjects (no truce, no soybean pledge, no export controls): the pages
must still build and say so in words, with no stray error text and no missing values shown.
"""

import re

import pytest
from support import STRAY, run_truce, visible_text

REPORTS = ("durability", "history", "purchases", "rare_earths", "tariffs")
PAST = ("2018-06-30", "2020-06-30", "2025-06-30")
MISSING = re.compile(r"\b(nan|NaT|None)\b")


@pytest.fixture(scope="module", params=PAST)
def site(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"as-of-{request.param}")
    result = run_truce("build", *REPORTS, "-p", "as_of", request.param, "--compiled", "2026-12-01", "--out", out)
    return request.param, out, result


def test_every_report_builds(site):
    as_of, out, result = site
    assert result.returncode == 0, result.stderr
    assert sorted(p.stem for p in out.glob("*.html")) == sorted(REPORTS + ("index",))


def test_every_page_states_its_three_dates(site):
    as_of, out, _ = site
    for name in REPORTS:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert f"As of <strong>{as_of}</strong> · evidence through <strong>" in page, name
        assert "compiled <strong>2026-12-01</strong>" in page, name
        assert f"-p as_of {as_of}" in page and "--compiled 2026-12-01" in page  # the rebuild command pins both


def test_no_page_shows_errors_or_missing_values(site):
    _, out, _ = site
    for name in REPORTS:
        text = visible_text((out / f"{name}.html").read_text(encoding="utf-8"))
        assert STRAY.findall(text) == [], name
        assert MISSING.findall(text) == [], name


def test_evidence_is_never_dated_after_as_of(site):
    as_of, out, _ = site
    for name in REPORTS:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        through = re.search(r"evidence through <strong>([^<]+)</strong>", page)[1]
        assert through == "no dated evidence yet" or through <= as_of, (name, through)
