"""The pins cannot drift: environment.yml, requirements.lock and pyproject.toml agree."""

import re
import tomllib

import yaml

from analysis import config


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict:
    text = (config.PROJ_ROOT / "requirements.lock").read_text()
    pins = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[normal(name)] = version
    return pins


def direct_dependencies() -> list:
    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["project"]
    return [normal(re.split(r"[<>=!~ \[]", d)[0]) for d in project["dependencies"]]


def test_every_lock_line_is_an_exact_pin():
    text = (config.PROJ_ROOT / "requirements.lock").read_text()
    for line in text.splitlines():
        assert not line or line.startswith("#") or re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), line


def test_every_direct_dependency_is_pinned_in_the_lock():
    pins = lock_pins()
    assert [d for d in direct_dependencies() if d not in pins] == []


def test_environment_yml_matches_the_lock():
    env = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    conda = {}
    for item in env["dependencies"]:
        if isinstance(item, str) and "==" in item:
            name, version = item.split("==")
            conda[normal(name)] = version
    pins = lock_pins()
    assert {d: conda.get(d) for d in direct_dependencies()} == {d: pins[d] for d in direct_dependencies()}
