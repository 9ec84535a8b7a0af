"""Build the whole site at two commits and compare every published file byte for byte.

Run by hand (not a test), from the project folder:

    .venv/bin/python bench/compare_sites.py BEFORE [AFTER]     # AFTER defaults to the working tree

Each side is checked out into a temporary worktree and built with
``--force --jobs 1`` from this virtualenv, with the worktree first on the
import path. The only differences allowed are the code-version fields: the
commit in each page's stamp and footer, and the manifest's commit, cache keys,
build time and build seconds. Exit 0 when everything else is identical.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE_FIELDS = ("commit", "cache_key", "seconds", "built_at")
STAMP_COMMIT = re.compile(rb"(code <code>|git checkout |<td><code>)[0-9a-f]{7,40}(-dirty)?")


def checkout(rev: str | None, into: Path) -> Path:
    """The tree to build: a detached worktree of ``rev``, or the working tree itself."""
    if rev is None:
        return ROOT
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(into), rev], cwd=ROOT, check=True,
                   capture_output=True)
    return into


def build(tree: Path, out: Path) -> None:
    command = "truce" if (tree / "truce" / "__main__.py").exists() else "analysis"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run([sys.executable, "-m", command, "build", "--force", "--jobs", "1", "--out", str(out)],
                            cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"build of {tree} failed:\n{result.stdout}\n{result.stderr}")


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "manifest.json":
        manifest = json.loads(data)
        manifest.pop("built_at", None)
        for entry in manifest.get("reports", {}).values():
            for name in CODE_FIELDS:
                entry.pop(name, None)
            # A page's digest changes with its stamp; the pages' bytes are compared on their own.
            entry["outputs"] = {k: v for k, v in entry.get("outputs", {}).items()
                                if not k.endswith((".html", ".ipynb"))}
        return json.dumps(manifest, indent=2, sort_keys=True).encode()
    if path.suffix == ".ipynb":
        notebook = json.loads(data)
        # The module holding a report's parameter rules is named by its import path, which a move changes.
        notebook["metadata"].get("truce", {}).pop("checks", None)
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and "injected-parameters" not in cell["metadata"].get("tags", []):
                cell["source"] = ""
        return json.dumps(notebook, indent=1, sort_keys=True).encode()
    if path.suffix == ".html":
        return STAMP_COMMIT.sub(rb"\1<commit>", data)
    return data


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): normalised(p) for p in sorted(site.rglob("*")) if p.is_file()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", help="commit to build first")
    parser.add_argument("after", nargs="?", help="commit to compare with (default: the working tree)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="truce-compare-") as tmp:
        tmp = Path(tmp)
        sites = []
        for label, rev in (("before", args.before), ("after", args.after)):
            tree = checkout(rev, tmp / f"tree-{label}")
            build(tree, tmp / f"site-{label}")
            sites.append(files(tmp / f"site-{label}"))
        for label in ("before", "after"):
            if (tmp / f"tree-{label}").exists():
                subprocess.run(["git", "worktree", "remove", "--force", str(tmp / f"tree-{label}")], cwd=ROOT)
    before, after = sites
    missing = sorted(set(before) ^ set(after))
    changed = sorted(name for name in set(before) & set(after) if before[name] != after[name])
    for name in missing:
        print(f"only in {'before' if name in before else 'after'}: {name}")
    for name in changed:
        print(f"differs: {name}")
    print(f"{len(before)} files compared: {len(changed)} differ, {len(missing)} on one side only")
    return 1 if missing or changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
