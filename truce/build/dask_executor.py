"""Run report builds and sweep runs on a Dask cluster, each run under a deadline.

Work goes through ``distributed.Client(...).get_executor()``, a
``concurrent.futures.Executor``, to an existing scheduler, or to a
``LocalCluster`` of one single-threaded worker process per core when no
address is given. The rules of the local runner (:mod:`truce.build.runner`)
hold here too:

- **Deadlines.** At most as many runs are in flight as the cluster has worker
  threads, so a run starts when it is submitted and its deadline counts from
  then. A run past its deadline is cancelled and fails; on a local cluster its
  worker is restarted as well (on a shared cluster other people's work may be
  on that worker, so only the task is cancelled).
- **Lost workers.** A run whose worker died (``KilledWorker``), was cancelled
  or lost its connection is that run's failure. A local cluster allows no
  retries (``distributed.scheduler.allowed-failures = 0``), so a run that
  kills its worker is not started again on the next one; a shared
  scheduler's own setting applies there.
- **Warm kernels.** Each worker thread keeps one kernel for the runs it does
  (:mod:`truce.build.kernel`); a worker plugin shuts them down when the build
  ends, so the next build starts with the project's code as it is then.
- **Fork safety.** Local workers start with ``spawn``, never a fork of this
  process, whose client runs threads.

Every wait on the cluster has a time limit.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator

from analysis.errors import ParameterError
from truce.build.runner import WORKER_START_SECONDS, Failure, Job

# Seconds to reach a scheduler (an address that refuses is retried until then).
CONNECT_SECONDS = 20
# Seconds to wait for a worker to join, an answer about the cluster, or the cluster to close.
CLUSTER_SECONDS = 60
PLUGIN = "truce-warm-kernels"

# Cluster settings for a local cluster: no retry of a run that killed its worker, one run per worker
# thread (so a run starts when submitted), workers started fresh rather than forked.
LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.multiprocessing-method": "spawn",
    "distributed.worker.profile.enabled": False,
}

_kernels = threading.local()  # in a worker: the warm kernel of each task thread
_all_kernels: list = []
_all_kernels_lock = threading.Lock()


def run_with_kernel(function: Callable, args: tuple, kwargs: dict):
    """In a Dask worker: call ``function`` with this thread's warm kernel (started on first use)."""
    kernel = getattr(_kernels, "kernel", None)
    if kernel is None:
        from truce.build.kernel import WarmKernel

        kernel = _kernels.kernel = WarmKernel()
        with _all_kernels_lock:
            _all_kernels.append(kernel)
    return function(*args, kernel=kernel, **kwargs)


def shutdown_kernels() -> None:
    """In a Dask worker: stop every warm kernel its threads started."""
    with _all_kernels_lock:
        kernels = list(_all_kernels)
        _all_kernels.clear()
    for kernel in kernels:
        kernel.shutdown()


def _kernels_plugin():
    """A worker plugin whose teardown (the build ended, or the worker closes) stops the warm kernels."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmKernels(WorkerPlugin):
        def teardown(self, worker):
            shutdown_kernels()

    return WarmKernels()


class DaskCluster:
    """A connection to a Dask scheduler (or a local cluster started for this build) that runs jobs.

    Raises
    ------
    ParameterError
        When the scheduler cannot be reached or no worker joins it in time.
    """

    def __init__(self, scheduler: str | None, workers: int | None, echo=print):
        self.local = scheduler is None
        self._cluster = self.client = None
        self._plugin = False
        try:
            self._connect(scheduler, workers, echo)
            threads = sum(self.client.nthreads(callback_timeout=CLUSTER_SECONDS).values())
        except BaseException:
            self.close()
            raise
        self.slots = min(workers, threads) if workers else threads

    def _connect(self, scheduler: str | None, workers: int | None, echo) -> None:
        import dask
        import distributed

        if self.local:
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                self._cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                                         threads_per_worker=1, processes=True,
                                                         dashboard_address=None)
            self.client = distributed.Client(self._cluster, timeout=CLUSTER_SECONDS, set_as_default=False)
            echo(f"started a local Dask cluster of {len(self._cluster.workers)} worker process(es)")
        else:
            try:
                self.client = distributed.Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
            except OSError as err:  # refused, unknown host or timed out
                raise ParameterError("--scheduler", f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
            try:
                self.client.wait_for_workers(1, timeout=CLUSTER_SECONDS)
            except TimeoutError:
                raise ParameterError("--scheduler", f"no worker joined the Dask scheduler at {scheduler} "
                                                    f"within {CLUSTER_SECONDS} s") from None
            echo(f"using the Dask scheduler at {scheduler}")
        # Private coroutines, called through Client.sync because only that takes a time limit.
        self.client.sync(self.client._register_worker_plugin, plugin=_kernels_plugin(), name=PLUGIN,
                         idempotent=False, callback_timeout=CLUSTER_SECONDS)
        self._plugin = True

    def close(self) -> None:
        """Stop the warm kernels; close the connection, and the local cluster if this build started one."""
        try:
            if self._plugin and not self.local and self.client.status == "running":
                self.client.sync(self.client._unregister_worker_plugin, name=PLUGIN,
                                 callback_timeout=CLUSTER_SECONDS)
        finally:
            if self.client is not None:
                self.client.close(timeout=CLUSTER_SECONDS)
            if self._cluster is not None:
                self._cluster.close(timeout=CLUSTER_SECONDS)  # each worker's teardown stops its kernels

    def run(self, jobs: list[Job], deadline_seconds: float) -> Iterator[tuple[Job, object]]:
        """Run ``jobs``, at most :attr:`slots` at once; yield ``(job, result or Failure)`` as each ends."""
        executor = self.client.get_executor(pure=False)
        queue = deque(jobs)
        running: dict[cf.Future, tuple[Job, str, float]] = {}
        try:
            while queue or running:
                while queue and len(running) < self.slots:
                    job = queue.popleft()
                    # A key of our own (passed through to Client.submit) names the task on the cluster,
                    # so a run past its deadline can be found on its worker.
                    key = f"truce-{job.name}-{uuid.uuid4().hex}"
                    future = executor.submit(run_with_kernel, job.function, job.args, job.kwargs, key=key)
                    running[future] = (job, key, time.monotonic())
                next_deadline = min(started for _, _, started in running.values()) + deadline_seconds
                cf.wait(running, timeout=max(0.0, next_deadline - time.monotonic()) + 0.05,
                        return_when=cf.FIRST_COMPLETED)
                for future in list(running):
                    job, key, started = running[future]
                    elapsed = time.monotonic() - started
                    if future.done():
                        del running[future]
                        yield job, _result(job, future, elapsed)
                    elif elapsed > deadline_seconds:
                        del running[future]
                        yield job, self._stop(job, key, future, elapsed, deadline_seconds)
        finally:
            for future in running:
                future.cancel()

    def _stop(self, job: Job, key: str, future: cf.Future, elapsed: float, deadline_seconds: float) -> Failure:
        """Cancel a run past its deadline; on a local cluster, restart the worker that was running it."""
        processing = self.client.sync(self.client.scheduler.processing, workers=None, callback_timeout=CLUSTER_SECONDS)
        where = [address for address, keys in processing.items() if key in keys]
        future.cancel()
        if self.local and where:
            self.client.restart_workers(where, timeout=WORKER_START_SECONDS)
            stopped = "its worker was restarted"
        else:
            stopped = "its task was cancelled (the worker's thread is free again once its cell limit stops it)"
        return Failure(job.name, f"{job.name}: timed out after {elapsed:.0f} s (limit {deadline_seconds:.0f} s); "
                                 f"{stopped}", elapsed)


def _result(job: Job, future: cf.Future, elapsed: float) -> object:
    """A finished run's result, or the Failure that says why there is none."""
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    try:
        return future.result(timeout=0)
    except KilledWorker:
        return Failure(job.name, f"{job.name}: its worker process died after {elapsed:.0f} s "
                                 "(killed, or out of memory); the other runs go on", elapsed)
    except cf.CancelledError:
        return Failure(job.name, f"{job.name}: the Dask cluster cancelled it after {elapsed:.0f} s "
                                 "(its worker or the scheduler went away)", elapsed)
    except CommClosedError as err:
        return Failure(job.name, f"{job.name}: lost contact with the Dask cluster after {elapsed:.0f} s: {err}",
                       elapsed)
    except Exception:  # the job's own error, with its traceback, becomes that run's failure
        return Failure(job.name, traceback.format_exc(), elapsed)
