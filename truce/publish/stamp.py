"""What a published report says about where it came from.

Every report carries, at the top, its three dates (as of, evidence through,
compiled), the data version (a hash over the data files it read), the code
commit and its parameters; at the bottom, the commands that rebuild it.
Nothing here reads the clock: the dates come from the run, and the rebuild
command pins both the as-of and the compiled date, so the same code, data and
parameters give the same bytes.
"""

from __future__ import annotations

import html
import hashlib
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from truce.files import sha256


def escape(text) -> str:
    """HTML-escape text that came from data or parameters."""
    return html.escape(str(text), quote=True)


def display_path(path: Path) -> str:
    """A path as readers should see it: relative to the project, or to the data folder."""
    path = Path(path).resolve()
    for base in (config.PROJ_ROOT, config.data_dir().parent):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return path.name


def data_version(inputs: list[Path]) -> str:
    """Short hash over the names and contents of the data files a report read.

    The same files with the same bytes give the same version wherever the
    project is checked out.
    """
    digest = hashlib.sha256()
    for path in sorted(inputs, key=lambda p: Path(p).name):
        digest.update(f"{Path(path).name}\0{sha256(path)}\n".encode())
    return digest.hexdigest()[:12]


def matching_vintage(inputs: list[Path], vintages_root: Path) -> str | None:
    """Newest dated vintage whose ``data/`` holds byte-identical copies of every input.

    A build from the current data names the vintage it matches, so rebuilding
    later with ``--vintage`` reproduces the same page byte for byte.
    """
    if not inputs or not Path(vintages_root).is_dir():
        return None
    wanted = {Path(p).name: sha256(p) for p in inputs}
    for folder in sorted(Path(vintages_root).iterdir(), reverse=True):
        data = folder / "data"
        if all((data / name).is_file() and sha256(data / name) == digest for name, digest in wanted.items()):
            return folder.name
    return None


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=config.PROJ_ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def git_commit() -> str:
    """Current commit (short), with ``-dirty`` if tracked files differ from it; ``unknown`` without git."""
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}-dirty" if dirty else commit


@dataclass
class Stamp:
    """Provenance of one built report."""

    report: str
    as_of: str
    data_version: str
    commit: str
    parameters: dict  # overrides actually passed
    defaults: dict  # every parameter's default, in cell order
    inputs: list[str] = field(default_factory=list)
    vintage: str | None = None
    compiled: str = "not recorded"
    evidence_through: str | None = None
    series: list = field(default_factory=list)  # [{"label", "through", "stale"}] as the page listed them

    def rebuild_parameters(self) -> dict:
        """Overrides that pin this exact report: the given ones plus the resolved as-of date."""
        pinned = dict(self.parameters)
        if "as_of" in self.defaults:
            pinned["as_of"] = self.as_of
        return pinned

    def truce_command(self) -> str:
        parts = ["truce", "build", self.report, "--compiled", self.compiled]
        if self.vintage:
            parts += ["--vintage", self.vintage]
        for name, value in self.rebuild_parameters().items():
            parts += ["-p", name, str(value)]
        return shlex.join(parts)

    def papermill_command(self) -> str:
        parts = ["papermill", f"notebooks/{self.report}.ipynb", f"{self.report}.ipynb", "-k", config.KERNEL_NAME]
        for name, value in self.rebuild_parameters().items():
            parts += ["-p", name, str(value)]
        prefix = f"TRUCE_COMPILED={self.compiled} "
        if self.vintage:
            prefix += f"{config.DATA_DIR_ENV}=data/vintages/{self.vintage}/data "
        return prefix + shlex.join(parts)

    def dates_html(self) -> str:
        """The three dates, named, and the series that were stale on the as-of date."""
        through = escape(self.evidence_through) if self.evidence_through else "no dated evidence yet"
        stale = [s["label"] for s in self.series if s.get("stale")]
        note = f" · stale: {escape(', '.join(stale))}" if stale else ""
        return (f"As of <strong>{escape(self.as_of)}</strong> · evidence through <strong>{through}</strong>"
                f" · compiled <strong>{escape(self.compiled)}</strong>{note}")

    def header_html(self) -> str:
        """Top-of-page block: the three dates, data version, commit, parameters."""
        rows = []
        for name, default in self.defaults.items():
            value = self.parameters.get(name, default)
            if name not in self.parameters:
                marker = ""
            elif default == "today" and value == self.compiled:
                marker = " <em>(the default, today, as resolved by the build)</em>"
            else:
                marker = " <em>(set for this run)</em>"
            rows.append(f"<code>{escape(name)} = {escape(repr(value))}</code>{marker}")
        vintage = f" · data vintage <strong>{escape(self.vintage)}</strong>" if self.vintage else ""
        return (
            '<div class="truce-stamp">'
            f"{self.dates_html()}<br>"
            f"Data version <code>{escape(self.data_version)}</code>"
            f"{vintage} · code <code>{escape(self.commit)}</code><br>"
            f"Parameters: {'; '.join(rows) if rows else 'none'}"
            "</div>"
        )

    def footer_html(self) -> str:
        """Bottom-of-page block: how to rebuild this exact report."""
        checkout = f"git checkout {self.commit.removesuffix('-dirty')}"
        return (
            '<div class="truce-footer">'
            "<strong>Reproduce this report</strong> (from the project folder, at "
            f"<code>{escape(checkout)}</code>):<br>"
            f"<code>{escape(self.truce_command())}</code><br>"
            f"or with plain papermill: <code>{escape(self.papermill_command())}</code><br>"
            f"Data files read: {escape(', '.join(Path(p).name for p in self.inputs)) if self.inputs else 'none recorded'}."
            "</div>"
        )
