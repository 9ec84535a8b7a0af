"""Every published page, opened in headless Chromium with no network: charts drawn, no errors, no requests.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Without it the test is
skipped, unless ``TRUCE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

import subprocess
import sys

import pytest

from support import CHROMIUM, CHROMIUM_FLAGS as FLAGS, require_chromium

LOCAL = ("file:", "data:", "blob:", "about:")

require_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Every report, built once into a fresh folder."""
    out = tmp_path_factory.mktemp("browser-site")
    result = subprocess.run([sys.executable, "-m", "truce", "build", "--out", str(out)],
                            capture_output=True, text=True, cwd="/", timeout=900)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=FLAGS,
                                                       headless=True, offline=True)
        yield context
        context.close()


def open_page(browser, path):
    """Load a page; return it with the console messages and non-local requests it produced."""
    page = browser.new_page()
    messages, requests = [], []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, messages, requests


def pages(site):
    return sorted(site.glob("*.html"))


def test_site_has_the_index_and_every_report(site):
    names = {p.name for p in pages(site)}
    assert "index.html" in names and "purchases.html" in names


def test_every_chart_draws_marks_without_errors_or_network(site, browser):
    for path in pages(site):
        page, messages, requests = open_page(browser, path)
        charts = page.locator(".truce-chart").count()
        if charts:
            # vega-embed draws asynchronously: wait until every container holds an SVG.
            page.wait_for_function(f"document.querySelectorAll('.truce-chart svg').length === {charts}",
                                   timeout=20_000)
            marks = page.evaluate(
                "Array.from(document.querySelectorAll('.truce-chart')).map("
                "c => c.querySelectorAll('g.role-mark > *').length)")
            assert all(n > 0 for n in marks), (path.name, marks)
        # Vega-Lite reports a chart it had to repair as a console warning: that fails too.
        errors = [m for m in messages if m[0] in ("error", "pageerror", "warning")]
        assert errors == [], (path.name, errors)
        assert requests == [], (path.name, requests)
        page.close()


def test_index_links_resolve_to_published_files(site, browser):
    page, _, _ = open_page(browser, site / "index.html")
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    assert hrefs and all((site / href).exists() for href in hrefs)
    page.close()
