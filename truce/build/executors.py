"""Where report runs execute: the local process pool, or a Dask cluster.

Both executors take the same :class:`truce.build.runner.Job` list and yield
``(job, result or Failure)`` as each run ends, so ``truce build`` and
``truce sweep`` do not care where a run happened. A run returns its files as
bytes and the calling process writes them, so a Dask worker needs the project
installed and the same data, but no filesystem shared with the caller.

Choosing the executor and checking its address happen before any run starts,
and their mistakes are :class:`~analysis.errors.ParameterError` (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from analysis.errors import ParameterError

LOCAL, DASK = "local", "dask"
EXECUTORS = (LOCAL, DASK)

# A Dask scheduler address as `dask worker` takes it: tcp://HOST:PORT (tls:// and ws:// too; [IPv6]).
_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc)://(\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)(:\d+)?/?")


def check_choice(executor: str, scheduler: str | None) -> None:
    """Refuse a scheduler address without the Dask executor, or an address that is not one.

    Raises
    ------
    ParameterError
        Naming ``--scheduler`` or ``--executor``.
    """
    if executor not in EXECUTORS:
        raise ParameterError("--executor", f"{executor!r} is not one of {', '.join(EXECUTORS)}")
    if scheduler is None:
        return
    if executor != DASK:
        raise ParameterError("--scheduler", f"{scheduler} is a Dask scheduler address; it needs --executor dask")
    if not _ADDRESS.fullmatch(scheduler):
        raise ParameterError("--scheduler", f"{scheduler!r} is not a scheduler address like tcp://HOST:8786")


class LocalPool:
    """Today's local executor: worker processes from a fork server (:mod:`truce.build.runner`)."""

    def __init__(self, workers: int | None):
        import os

        self.slots = workers or os.cpu_count() or 1

    def run(self, jobs: list, deadline_seconds: float) -> Iterator[tuple[object, object]]:
        """Yield ``(job, result or runner.Failure)`` as each job ends."""
        from truce.build import runner

        return runner.run(jobs, self.slots, deadline_seconds)

    def close(self) -> None:
        """Nothing to release: the runner stops its workers when its jobs are done."""


@contextmanager
def open_pool(executor: str = LOCAL, scheduler: str | None = None, workers: int | None = None, echo=print):
    """The chosen executor, ready to run jobs; closed (its cluster and kernels stopped) on leaving.

    Parameters
    ----------
    executor : str
        ``local`` or ``dask``.
    scheduler : str, optional
        Address of a running Dask scheduler; without it ``dask`` starts a local cluster.
    workers : int, optional
        Runs at once. Local: worker processes (default: the number of cores).
        Dask: runs in flight (default: the cluster's worker threads); with no
        scheduler, also the number of local worker processes.
    echo : callable
        Where the Dask executor says which cluster it uses.

    Yields
    ------
    LocalPool or truce.build.dask_executor.DaskCluster
        With ``slots`` (runs at once) and ``run(jobs, deadline_seconds)``, which
        yields ``(job, result or runner.Failure)`` as each run ends.

    Raises
    ------
    ParameterError
        When the Dask scheduler cannot be reached (before any run starts).
    """
    check_choice(executor, scheduler)
    if executor == DASK:
        from truce.build.dask_executor import DaskCluster

        pool = DaskCluster(scheduler, workers, echo)
    else:
        pool = LocalPool(workers)
    try:
        yield pool
    finally:
        pool.close()
