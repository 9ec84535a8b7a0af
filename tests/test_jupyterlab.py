"""The analyst's loop in a real JupyterLab, driven by headless Chromium with no network beyond the local server.

For the purchases and durability notebooks: open, Run All, every cell ran without an error and every chart
drew marks; reload the page, Run All again (the kernel keeps running), the charts draw again; save, and the
saved notebook stays small; open a copy whose signature no longer matches (untrusted) and the charts still
draw, because JupyterLab's Vega renderer is one it trusts for any notebook. The server runs from the project's
.venv on 127.0.0.1 with a fixed token, with HOME and the Jupyter folders fresh, and is shut down by its
process id.

Needs Debian's ``chromium`` (skipped without it, unless ``TRUCE_REQUIRE_BROWSER=1``).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from support import CHROMIUM, CHROMIUM_FLAGS, require_chromium

from analysis import config

require_chromium()

TOKEN = "truce-lab-test"
NOTEBOOKS = ["purchases", "durability"]
# A run notebook keeps each chart as two specs, never a script bundle (a megabyte before). JupyterLab itself adds
# a PNG of each chart it draws (30-70 KB each), so those are held to their own limit and the rest to the budget.
SAVED_LIMIT_BYTES = 250_000  # everything but JupyterLab's PNGs
PNG_LIMIT_BYTES = 100_000  # each PNG JupyterLab adds
START_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 180_000
VEGA_MIME = "application/vnd.vega.v5+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the report notebooks; yields (base url, folder)."""
    root = tmp_path_factory.mktemp("lab")
    work = root / "notebooks"
    work.mkdir()
    for name in NOTEBOOKS:  # each with its jupytext twin, as in a checkout (jupytext would otherwise write one on open)
        shutil.copy(config.NOTEBOOKS_DIR / f"{name}.ipynb", work)
        shutil.copy(config.NOTEBOOKS_DIR / f"{name}.py", work)
    port = _free_port()
    env = {**os.environ, "HOME": str(root / "home"), "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
           "JUPYTER_DATA_DIR": str(root / "jupyter-data"), "JUPYTER_RUNTIME_DIR": str(root / "jupyter-runtime"),
           "IPYTHONDIR": str(root / "ipython"), "XDG_CACHE_HOME": str(root / "cache")}
    jupyter = Path(sys.executable).with_name("jupyter")
    log = open(root / "lab.log", "wb")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}", "--ServerApp.open_browser=False"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start:\n{(root / 'lab.log').read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield base, work
    finally:
        # Shut the server (and the kernels it started) down by process id.
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                                       headless=True, viewport={"width": 1400, "height": 1000})
        yield context
        context.close()


def _open(context, base: str, name: str):
    """A page on the notebook, recording every request that would leave the local server."""
    page = context.new_page()
    outside = []
    # Recorded rather than intercepted: routing every request through Playwright stalls JupyterLab's kernel
    # traffic. The machine has no network, so a chart that needed one would not draw either.
    page.on("request", lambda r: None if r.url.startswith((base, "ws://127.0.0.1", "data:", "blob:")) else outside.append(r.url))
    # ?reset: a fresh workspace each time, so no other notebook is restored beside this one.
    page.goto(f"{base}/lab/tree/{name}.ipynb?reset&token={TOKEN}")
    _wait_for_notebook(page)
    return page, outside


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen


def _wait(page, what: str, script: str, timeout: int = RUN_TIMEOUT_MS):
    """Wait for ``script`` to be true; on timeout, fail with a screenshot of the page saved beside the server log."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, timeout=timeout)
    except PlaywrightTimeout:
        shot = Path(tempfile.gettempdir()) / f"jupyterlab-{what.replace(' ', '-')}.png"
        page.screenshot(path=str(shot), full_page=True)
        pytest.fail(f"JupyterLab: timed out waiting for {what} (screenshot: {shot})")


def _accept_kernel_dialog(page) -> None:
    """Accept JupyterLab's kernel dialog if it is up; fail on any other dialog.

    JupyterLab may open a notebook before it has listed the kernels (more often on a busy machine) and then
    asks which kernel to start, with the notebook's own preselected. A person accepts it; so does the test.
    """
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return
    words = dialog.inner_text()
    if not words.startswith("Select Kernel"):
        pytest.fail(f"JupyterLab shows a dialog: {words!r}")
    assert "truce-monitor" in dialog.locator("select").input_value(), words
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached", timeout=30_000)


def _wait_for_notebook(page):
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=RUN_TIMEOUT_MS)
    idle = (f"() => {{ const s = document.querySelector('{PANEL} .jp-Notebook-ExecutionIndicator');"
            " return !!s && s.getAttribute('data-status') === 'idle'; }")
    # The kernel is ready when the notebook toolbar's status says idle, and no kernel dialog is up.
    _wait(page, "a kernel or the kernel dialog",
          f"() => !!document.querySelector('.jp-Dialog') || ({idle})()")
    _accept_kernel_dialog(page)
    _wait(page, "an idle kernel", idle)


def _command(page, menu: str, command: str):
    _accept_kernel_dialog(page)
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').first.click()


def _run_all(page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = (f"() => [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')]"
               ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))")
    for attempt in range(3):
        _command(page, "Run", "runmenu:run-all")
        # JupyterLab can show an idle kernel whose connection is not yet (or no longer) carrying requests: a
        # Run All then queues cells that never start. A person reloads the page and runs again; so does the
        # test, at most twice more.
        try:
            page.wait_for_function(started, timeout=60_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.reload()
            _wait_for_notebook(page)
    # Done when every code cell of the notebook on screen shows an execution count and the kernel is idle.
    _wait(page, "run all",
          f"() => {{ const p = [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')];"
          " const s = document.querySelector('" + PANEL + " .jp-Notebook-ExecutionIndicator');"
          " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent))"
          " && s && s.getAttribute('data-status') === 'idle'; }")


def _problems(page) -> list[str]:
    """Error outputs, and charts that drew no marks."""
    errors = page.locator(f'{PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                          f'{PANEL} .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')
    found = [f"error output: {text[:300]}" for text in errors.all_inner_texts()]
    charts = page.locator(f"{PANEL} .jp-RenderedVegaCommon5")
    _wait(page, "charts to draw",
          f"() => [...document.querySelectorAll('{PANEL} .jp-RenderedVegaCommon5')].every(c => c.querySelector('svg g.role-mark'))",
          timeout=60_000)
    for index in range(charts.count()):
        marks = charts.nth(index).locator("svg g.role-mark > *").count()
        if not marks:
            found.append(f"chart {index + 1} drew no marks")
    return found


def _sizes_without_pngs(path: Path) -> tuple[int, list[int]]:
    """The saved notebook's size with JupyterLab's chart PNGs left out, and each PNG's size (base64 bytes)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    pngs = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VEGA_MIME in data and "image/png" in data:
                pngs.append(len(data.pop("image/png")))
    return len(json.dumps(notebook, indent=1, ensure_ascii=False).encode("utf-8")), pngs


def _chart_outputs(path: Path) -> int:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return -1  # caught mid-write by the server: not saved yet
    return sum(VEGA_MIME in output.get("data", {}) for cell in notebook["cells"] for output in cell.get("outputs", []))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_charts_draw_after_run_all_a_reload_and_in_an_untrusted_copy(lab, browser, name):
    base, work = lab
    page, outside = _open(browser, base, name)
    _run_all(page)
    assert _problems(page) == []
    drawn = page.locator(f"{PANEL} .jp-RenderedVegaCommon5").count()
    assert drawn >= 1

    # A reload while the kernel keeps running used to blank every chart.
    page.reload()
    _wait_for_notebook(page)
    _run_all(page)
    assert _problems(page) == []
    assert page.locator(f"{PANEL} .jp-RenderedVegaCommon5").count() == drawn

    _command(page, "File", "docmanager:save")
    saved = work / f"{name}.ipynb"
    deadline = time.monotonic() + 30
    while _chart_outputs(saved) != drawn and time.monotonic() < deadline:
        time.sleep(0.5)
    size, pngs = _sizes_without_pngs(saved)
    assert size < SAVED_LIMIT_BYTES, f"{name}.ipynb saved at {size:,} bytes without JupyterLab's PNGs"
    assert all(png < PNG_LIMIT_BYTES for png in pngs), f"{name}.ipynb: PNGs of {pngs} bytes"
    assert _chart_outputs(saved) == drawn
    page.close()

    # A colleague's copy: changed after it was signed, so JupyterLab opens it untrusted. Its charts are
    # outputs of a renderer JupyterLab marks safe, so they draw without trust or a run.
    copy = json.loads(saved.read_text(encoding="utf-8"))
    copy["metadata"]["colleague"] = "opened untrusted"
    (work / f"{name}-copy.ipynb").write_text(json.dumps(copy), encoding="utf-8")
    page, outside_copy = _open(browser, base, f"{name}-copy")
    _wait(page, "the untrusted copy's charts",
          f"() => document.querySelectorAll('{PANEL} .jp-RenderedVegaCommon5').length === {drawn}", timeout=60_000)
    assert _problems(page) == []
    page.close()
    assert outside + outside_copy == []
