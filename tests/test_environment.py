"""The pins cannot drift: environment.yml, the two lock files and pyproject.toml agree."""

import re
import tomllib

import yaml

from analysis import config


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(lock: str = "requirements.lock") -> dict:
    text = (config.PROJ_ROOT / lock).read_text()
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
    text = "\n".join((config.PROJ_ROOT / lock).read_text() for lock in ("requirements.lock", "requirements-test.lock"))
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


def test_the_test_extra_is_pinned_apart_from_the_runtime():
    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["project"]
    extra = [normal(name) for name in project["optional-dependencies"]["test"]]
    runtime, test = lock_pins(), lock_pins("requirements-test.lock")
    assert [name for name in extra if name not in test] == []
    assert set(runtime) & set(test) == set()
