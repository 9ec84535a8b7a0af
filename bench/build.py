"""Benchmark: `truce build` against the plain papermill + nbconvert pipeline.

Run by hand (not a test):  .venv/bin/python bench/build.py [--rounds 3]

It alternates, for several rounds:
  A  the plain pipeline: for each report, the `papermill` CLI, then
     `jupyter nbconvert --to html --no-input`, one after another;
  B  `truce build --force` of the same reports with the same (default) parameters.
Then it times a no-change `truce build` and a rebuild after changing one data
file, and records peak memory (RSS summed over the whole process tree) and
HTML sizes. Results go to bench/RESULTS.md with the machine's core count.
Memory is the peak of the process tree's summed proportional set size (PSS).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from truce.build import catalog  # noqa: E402
from analysis import config  # noqa: E402


def memory_of(proc: psutil.Process) -> int:
    """Proportional set size (shared pages split between sharers), or RSS where PSS is unavailable.

    Summing RSS over forked workers counts the pages they share with their
    parent once per process; PSS counts each page once in total.
    """
    try:
        return proc.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return proc.memory_info().rss


class PeakMemory:
    """Sample the memory of a process and all its descendants; keep the peak of the sum."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def watch(self, proc: subprocess.Popen):
        def sample():
            root = psutil.Process(proc.pid)
            while not self._stop.is_set():
                try:
                    procs = [root, *root.children(recursive=True)]
                    total = sum(memory_of(p) for p in procs if p.is_running())
                    self.peak = max(self.peak, total)
                except psutil.Error:
                    pass
                time.sleep(self.interval)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        return thread

    def stop(self):
        self._stop.set()


def timed(cmd: list[str], env: dict | None = None, measure_memory: bool = False) -> tuple[float, int, str]:
    """Run a command; return wall seconds, peak process-tree memory in bytes (0 unless measured), output.

    Sampling memory costs CPU on a small machine, so timed runs do not sample
    and memory is measured in separate runs.
    """
    memory = PeakMemory()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    thread = memory.watch(proc) if measure_memory else None
    output, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    memory.stop()
    if thread:
        thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{output}")
    return elapsed, memory.peak, output


def plain_pipeline(reports: list[str], out: Path, measure_memory: bool = False) -> tuple[float, int]:
    """A: papermill CLI then nbconvert CLI per report, sequentially."""
    total, peak = 0.0, 0
    for name in reports:
        seconds, mem, _ = timed([str(BIN / "papermill"), f"notebooks/{name}.ipynb", str(out / f"{name}.ipynb"),
                                 "-k", config.KERNEL_NAME, "--cwd", "notebooks", "--no-progress-bar"],
                                measure_memory=measure_memory)
        total, peak = total + seconds, max(peak, mem)
        seconds, mem, _ = timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                                 str(out / f"{name}.ipynb")], measure_memory=measure_memory)
        total, peak = total + seconds, max(peak, mem)
    return total, peak


def truce(args: list[str], env: dict | None = None, measure_memory: bool = False) -> tuple[float, int, str]:
    return timed([str(BIN / "truce"), *args], env, measure_memory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds (default 3)")
    parser.add_argument("--jobs", type=int, default=None, help="truce build --jobs (default: cores)")
    args = parser.parse_args()

    reports = list(catalog.discover())
    cores = os.cpu_count()
    work = Path(tempfile.mkdtemp(prefix="truce-bench-"))
    a_times, b_times, serial_times, cold_times = [], [], [], []
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    try:
        data = work / "data"
        shutil.copytree(config.DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("vintages"))
        env = {config.DATA_DIR_ENV: str(data)}
        out_b = work / "b"
        for round_no in range(1, args.rounds + 1):
            out_a = work / f"a{round_no}"
            out_a.mkdir()
            a_times.append(plain_pipeline(reports, out_a)[0])
            b_times.append(truce(["build", "--force", "--out", str(out_b), *jobs], env)[0])
            serial_times.append(truce(["build", "--force", "--jobs", "1", "--out", str(work / "serial")], env)[0])
            # Cold: a new HOME and empty cache folders, as on a new machine (the Vega bundle is rebuilt).
            cold = work / f"cold{round_no}"
            (cold / "home").mkdir(parents=True)
            cold_env = {**env, "HOME": str(cold / "home"), "XDG_CACHE_HOME": str(cold / "cache"),
                        "IPYTHONDIR": str(cold / "ipython"), "JUPYTER_DATA_DIR": str(cold / "jupyter")}
            cold_times.append(truce(["build", "--force", "--out", str(cold / "out"), *jobs], cold_env)[0])
            print(f"round {round_no}: plain {a_times[-1]:.1f} s, truce build {b_times[-1]:.1f} s, "
                  f"serial {serial_times[-1]:.1f} s, cold {cold_times[-1]:.1f} s", flush=True)

        no_change = [truce(["build", "--out", str(out_b), *jobs], env)[0] for _ in range(3)]
        # Memory, in runs of their own (sampling would slow the timed runs).
        memory_a = work / "memory-a"
        memory_a.mkdir()
        a_peak = plain_pipeline(reports, memory_a, measure_memory=True)[1]
        b_peak = truce(["build", "--force", "--out", str(work / "memory-b"), *jobs], env, measure_memory=True)[1]
        serial_peak = truce(["build", "--force", "--jobs", "1", "--out", str(work / "memory-serial")], env,
                            measure_memory=True)[1]

        # Change one data file's bytes (a trailing blank line, which the loaders ignore).
        target = data / "rare_earths.csv"
        target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        one_file, _, log = truce(["build", "--out", str(out_b), *jobs], env)
        rebuilt = sorted(line.split("] ")[1].split(":")[0] for line in log.splitlines() if ": published " in line)

        sizes = {name: (out_b / f"{name}.html").stat().st_size for name in reports}
        plain_sizes = {name: (work / "a1" / f"{name}.html").stat().st_size for name in reports}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    a, b = statistics.median(a_times), statistics.median(b_times)
    lines = [
        "# Build benchmark",
        "",
        f"Measured {date.today().isoformat()} by `bench/build.py --rounds {args.rounds}` on a "
        f"{cores}-core {platform.machine()} machine, Python {platform.python_version()}; "
        f"{len(reports)} reports ({', '.join(reports)}), default parameters.",
        "",
        "| run | median wall time | peak memory (process tree, PSS) |",
        "|---|---|---|",
        f"| A: papermill CLI + nbconvert CLI per report, sequential | {a:.1f} s | {a_peak / 2**20:.0f} MB |",
        f"| B: `truce build --force` ({args.jobs or cores} jobs), warm cache | {b:.1f} s | {b_peak / 2**20:.0f} MB |",
        f"| `truce build --force --jobs 1` (serial), warm cache | {statistics.median(serial_times):.1f} s "
        f"| {serial_peak / 2**20:.0f} MB |",
        f"| `truce build --force` ({args.jobs or cores} jobs), cold: new HOME, empty caches | "
        f"{statistics.median(cold_times):.1f} s | |",
        f"| no-change `truce build` | {statistics.median(no_change):.2f} s | |",
        f"| `truce build` after changing `rare_earths.csv` | {one_file:.1f} s (rebuilt: {', '.join(rebuilt) or 'none'}) | |",
        "",
        f"Speed-up A/B: **{a / b:.1f}x**. Rounds (A, B): "
        + ", ".join(f"({x:.1f}, {y:.1f})" for x, y in zip(a_times, b_times)) + ".",
        "",
        "Workers start from a clean fork server (no library threads inherited) and each keeps one warm "
        "kernel for the reports it builds; a cold build also rebuilds the Vega bundle once per worker.",
        "",
        "| report | HTML size (truce build) | HTML size (plain nbconvert) |",
        "|---|---|---|",
        *[f"| {name} | {sizes[name] / 1e6:.2f} MB | {plain_sizes[name] / 1e6:.2f} MB |" for name in reports],
        "",
        "Both pipelines run the same notebooks. The plain pipeline's pages carry Vega in the first chart's "
        "output and JupyterLab's stylesheet; `truce build` inlines Vega once in the page head (most of each "
        "page's size) with a small stylesheet, and also writes the stamp, figures, manifest and index.",
        "",
    ]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
