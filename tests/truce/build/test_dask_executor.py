"""On Dask, a run past its deadline fails alone: it is cancelled and its worker restarted for the next run."""

import sys
import time

import cloudpickle
from truce.build import dask_executor
from truce.build.runner import Failure, Job

# The workers cannot import this test module: its functions travel by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def nap(seconds, kernel):
    time.sleep(seconds)
    return seconds


def test_a_run_past_its_deadline_fails_and_its_worker_is_restarted():
    cluster = dask_executor.DaskCluster(None, 1, echo=lambda line: None)
    try:
        started = time.monotonic()
        results = list(cluster.run([Job("slow", nap, (600,), {}), Job("quick", nap, (0,), {})], deadline_seconds=3))
    finally:
        cluster.close()
    assert time.monotonic() - started < 60
    (slow, failure), (quick, value) = results
    assert slow.name == "slow" and isinstance(failure, Failure)
    assert "slow: timed out after 3 s (limit 3 s); its worker was restarted" in failure.message
    assert quick.name == "quick" and value == 0
