"""Run report builds in worker processes, each build under a deadline.

Every worker is its own single-process ``ProcessPoolExecutor`` (a *slot*) on a
``forkserver`` context. Three reasons:

- **Fork safety.** Libraries start threads that a forked child does not
  inherit (vl-convert's V8 runtime, zmq's I/O threads, asyncio loops). A child
  that calls into such a library waits forever for a thread that is not there.
  The fork server is a fresh interpreter that never imports them, so every
  worker starts clean, whatever the parent process did before.
- **Deadlines.** The parent knows what each slot runs and since when. A report
  past its deadline has its worker (and the worker's kernel) killed; only that
  report fails, and the slot gets a fresh worker.
- **Dead workers.** A worker that dies (``kill -9``, out of memory) breaks only
  its own executor, so only the report it was running fails.

A worker keeps one warm kernel for the reports it builds (see
:mod:`truce.build.kernel`); the kernel is shut down when the worker exits.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Seconds a report may take beyond its execution limit, for starting a kernel and rendering the page.
GRACE_SECONDS = 60
# How long a new worker may take to start and answer.
WORKER_START_SECONDS = 120

_kernel = None  # the warm kernel of this worker process


def _exit_with_build(build_pid: int) -> None:
    """In a new worker: exit as soon as the build that started it is gone.

    A build killed with ``kill -9`` cannot stop its workers, and a worker left
    behind would keep running (and keep the build's output pipes open). Its
    parent, the fork server, outlives the build for as long as it has children,
    so the worker watches the build process itself. A thread, not a fork, so
    it is safe here.
    """
    import os
    import threading

    import psutil

    build = psutil.Process(build_pid)  # is_running() also tells a reused process id apart

    def alive() -> bool:
        # A killed build stays a zombie until whoever started it reaps it: that counts as gone.
        try:
            return build.is_running() and build.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def watch():
        while alive():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def _worker_pid() -> int:
    return os.getpid()


def _run_in_worker(function: Callable, args: tuple, kwargs: dict):
    """Call ``function`` in a worker process with the worker's warm kernel."""
    global _kernel
    if _kernel is None:
        from multiprocessing import util

        from truce.build.kernel import WarmKernel

        _kernel = WarmKernel()
        # Worker processes skip atexit; multiprocessing's own finalizers do run when they exit.
        util.Finalize(None, _kernel.shutdown, exitpriority=10)
    return function(*args, kernel=_kernel, **kwargs)


def _kill_tree(pid: int) -> None:
    """Kill a process and every process it started (its kernel runs in a session of its own)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)


@dataclass
class Job:
    """One unit of work: ``function(*args, kernel=..., **kwargs)`` for report ``name``."""

    name: str
    function: Callable
    args: tuple
    kwargs: dict


@dataclass
class Failure:
    """Why a job produced no result: it timed out, its worker died, or it raised."""

    name: str
    message: str
    seconds: float


class _Slot:
    """One worker process and the job it is running."""

    def __init__(self, context):
        self._context = context
        self._start()
        self.job: Job | None = None
        self.future: cf.Future | None = None
        self.started = 0.0

    def _start(self) -> None:
        self.executor = cf.ProcessPoolExecutor(max_workers=1, mp_context=self._context,
                                               initializer=_exit_with_build, initargs=(os.getpid(),))
        # Asking for the pid also waits until the worker is up, with a limit.
        self.pid = self.executor.submit(_worker_pid).result(timeout=WORKER_START_SECONDS)

    def run(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.future = self.executor.submit(_run_in_worker, job.function, job.args, job.kwargs)

    def restart(self) -> None:
        """Replace the worker after it died or was killed."""
        _kill_tree(self.pid)
        self.executor.shutdown(wait=False, cancel_futures=True)
        self._start()

    def release(self):
        job, self.job, self.future = self.job, None, None
        return job

    def close(self) -> None:
        if self.future is not None and not self.future.done():
            _kill_tree(self.pid)
        self.executor.shutdown(wait=True, cancel_futures=True)


def run(jobs: list[Job], workers: int, deadline_seconds: float) -> Iterator[tuple[Job, object]]:
    """Run ``jobs`` on ``workers`` processes; yield ``(job, result or Failure)`` as each ends.

    A job still running ``deadline_seconds`` after it started is killed with
    its worker and yields a :class:`Failure` that says it timed out.
    """
    context = multiprocessing.get_context("forkserver")
    queue = deque(jobs)
    slots = [_Slot(context) for _ in range(max(1, min(workers, len(jobs))))]
    try:
        while queue or any(s.job for s in slots):
            for slot in slots:
                if slot.job is None and queue:
                    slot.run(queue.popleft())
            busy = [s for s in slots if s.job is not None]
            now = time.monotonic()
            next_deadline = min(s.started + deadline_seconds for s in busy)
            cf.wait([s.future for s in busy], timeout=max(0.0, next_deadline - now) + 0.05,
                    return_when=cf.FIRST_COMPLETED)
            for slot in busy:
                elapsed = time.monotonic() - slot.started
                if slot.future.done():
                    yield _result(slot, elapsed)
                elif elapsed > deadline_seconds:
                    job = slot.release()
                    slot.restart()
                    yield job, Failure(job.name, f"{job.name}: timed out after {elapsed:.0f} s "
                                                 f"(limit {deadline_seconds:.0f} s); its worker was stopped", elapsed)
    finally:
        for slot in slots:
            slot.close()


def _result(slot: _Slot, elapsed: float) -> tuple[Job, object]:
    future = slot.future
    job = slot.release()
    try:
        return job, future.result(timeout=0)
    except cf.process.BrokenProcessPool:
        slot.restart()
        return job, Failure(job.name, f"{job.name}: its worker process died after {elapsed:.0f} s "
                                      "(killed, or out of memory); the other reports go on", elapsed)
    except Exception:  # the job's own error, with its traceback, becomes that report's failure
        return job, Failure(job.name, traceback.format_exc(), elapsed)
