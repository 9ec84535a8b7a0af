"""Shared helpers for the end-to-end tests: run the `truce` command as a user would."""

import os
import subprocess
import sys

from analysis import config


def _environment(env=None, data_dir=None) -> dict:
    full = {**os.environ, **(env or {})}
    full.pop("TRUCE_BUILD", None)  # a build-time switch; a user's shell never has it
    if data_dir is not None:
        full[config.DATA_DIR_ENV] = str(data_dir)
    return full


def truce_process(*args, env=None, data_dir=None) -> subprocess.Popen:
    """Start `python -m truce ARGS` from an unrelated working directory."""
    return subprocess.Popen([sys.executable, "-m", "truce", *map(str, args)], cwd="/",
                            env=_environment(env, data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_truce(*args, env=None, data_dir=None) -> subprocess.CompletedProcess:
    """Run `python -m truce ARGS` to completion from an unrelated working directory."""
    return subprocess.run([sys.executable, "-m", "truce", *map(str, args)], capture_output=True, text=True,
                          env=_environment(env, data_dir), cwd="/", timeout=600)


def notebook_defaults(name: str) -> dict:
    """A report's defaults: the literals of the parameters cell of ``notebooks/<name>.ipynb``, in order."""
    from truce.build.parameters import read_parameters

    return {p.name: p.default for p in read_parameters(config.NOTEBOOKS_DIR / f"{name}.ipynb")}
