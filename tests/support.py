"""Shared helpers for the end-to-end tests: run the `truce` command as a user would."""

import html
import os
import re
import shutil
import subprocess
import sys

from analysis import config


def _environment(env=None, data_dir=None) -> dict:
    full = {**os.environ, **(env or {})}
    if data_dir is not None:
        full[config.DATA_DIR_ENV] = str(data_dir)
    return full


def truce_process(*args, env=None, data_dir=None) -> subprocess.Popen:
    """Start `python -m truce ARGS` from an unrelated working directory."""
    return subprocess.Popen([sys.executable, "-m", "truce", *map(str, args)], cwd="/",
                            env=_environment(env, data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_worker_once_started(process: subprocess.Popen, pid_file, start_within: float = 120,
                             finish_within: float = 180) -> tuple[str, str]:
    """Wait until a run writes its worker's pid to ``pid_file``, kill that worker, and let the command finish.

    Returns the command's ``(stdout, stderr)``; a command that ends before the pid appears fails the test.
    """
    import signal
    import time

    try:
        deadline = time.monotonic() + start_within
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)
        return process.communicate(timeout=finish_within)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def run_truce(*args, env=None, data_dir=None) -> subprocess.CompletedProcess:
    """Run `python -m truce ARGS` to completion from an unrelated working directory."""
    return subprocess.run([sys.executable, "-m", "truce", *map(str, args)], capture_output=True, text=True,
                          env=_environment(env, data_dir), cwd="/", timeout=600)


def notebook_defaults(name: str) -> dict:
    """A report's defaults: the literals of the parameters cell of ``notebooks/<name>.ipynb``, in order."""
    from truce.build.parameters import read_parameters

    return {p.name: p.default for p in read_parameters(config.NOTEBOOKS_DIR / f"{name}.ipynb")}


def run_cells(name: str, **overrides) -> list:
    """Run the code cells of ``notebooks/<name>.ipynb`` in this process, as a kernel would, and return the outputs.

    The parameters cell runs first, then ``overrides`` replace its values (as papermill's injected cell
    does). Each cell's last expression is evaluated and collected, like the output a notebook shows.
    Much faster than a kernel, so a test can run a report at a hundred dates.
    """
    import ast
    import json

    cells = json.loads((config.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    namespace, outputs = {}, []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, f"<{name}>", "exec"), namespace)
        if last is not None:
            outputs.append(eval(compile(ast.Expression(last.value), f"<{name}>", "eval"), namespace))
        if "parameters" in cell["metadata"].get("tags", []):
            namespace.update(overrides)
    return outputs


# What must never reach a published page's visible text.
STRAY = re.compile(r"ERROR!|Traceback|Warning|warnings\.warn|DeprecationWarning")


def visible_text(page: str) -> str:
    """What a reader sees: the page without scripts, styles and tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def failing_purchases_notebook(folder) -> dict:
    """A copy of the purchases report whose computation fails inside the kernel; returns the env that builds it.

    The copy passes every check made before a kernel starts (its parameters are the defaults), then
    asks, in code, for a pledge announced after its as-of date: the report's own rules refuse that with
    a ParameterError raised in the notebook, which is what a failed run looks like.
    """
    import json
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nb = json.loads((config.NOTEBOOKS_DIR / "purchases.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "purchases.compute(" in source:
            cell["source"] = 'as_of, commitment = "2025-06-01", "soy-25mmt-2026"\n' + source
            break
    else:
        raise AssertionError("the purchases notebook no longer calls purchases.compute(")
    (folder / "purchases.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return {config.NOTEBOOKS_DIR_ENV: str(folder)}


# Debian's chromium, driven by Playwright through executable_path (no browser download).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                  "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip the calling test module where chromium is missing, unless ``TRUCE_REQUIRE_BROWSER=1`` (set by
    ``.ci/run``) makes its absence a failure."""
    import pytest

    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("TRUCE_REQUIRE_BROWSER") == "1":
        raise RuntimeError("chromium is required for the browser tests (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)", allow_module_level=True)
