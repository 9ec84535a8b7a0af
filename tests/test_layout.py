"""The two packages keep one direction: tooling imports analysis, never the reverse.

A short scan of every module's imports (``ast``, no import-linter needed for four rules):
- ``analysis`` never imports ``truce``;
- ``analysis.domain`` imports neither ``analysis.views`` nor altair nor IPython;
- ``analysis.data`` imports neither ``analysis.domain`` nor ``analysis.views``;
- no report module imports a sibling report module (shared computations get a domain name).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config

ROOT = config.PROJ_ROOT
# Modules behind one report page each; they may share domain modules, not each other.
REPORT_MODULES = {
    "analysis.domain": {"purchases", "rare_earths", "durability", "scenarios"},
    "analysis.views": {"purchases", "rare_earths", "durability", "tariffs", "history"},
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions included), as absolute names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(package: str):
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        yield module_name(path), imports(path)


def offences(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{name} imports {imported}" for name, found in modules(package) for imported in sorted(found)
            if any(imported == f or imported.startswith(f + ".") for f in forbidden)]


def test_analysis_never_imports_truce():
    assert offences("analysis", ("truce",)) == []


def test_domain_imports_no_views_altair_or_ipython():
    assert offences("analysis.domain", ("analysis.views", "altair", "IPython")) == []


def test_data_imports_no_domain_or_views():
    assert offences("analysis.data", ("analysis.domain", "analysis.views")) == []


@pytest.mark.parametrize("package", sorted(REPORT_MODULES))
def test_no_report_module_imports_a_sibling_report_module(package):
    reports = REPORT_MODULES[package]
    found = []
    for name, imported in modules(package):
        own = name.rsplit(".", 1)[1]
        if own in reports:
            found += [f"{name} imports {i}" for i in sorted(imported)
                      if i.startswith(package + ".") and i.split(".")[2] in reports - {own}]
    assert found == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from truce.build import engine\n    import altair as alt\n")
    assert {"truce.build", "truce.build.engine", "altair"} <= imports(module)


def test_importing_analysis_loads_no_tooling():
    heavy = ("truce", "papermill", "nbconvert", "requests", "jupyter_client")
    code = ("import sys, analysis\n"
            f"print([m for m in sys.modules if m.split('.')[0] in {heavy!r}])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
