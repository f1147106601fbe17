"""`build --cluster`: documents extracted on Dask workers, written here, one transaction each.

A national corpus is thousands of documents, and the NLP step is most of the cost of each
(docs/performance.md), so it is the part that goes to the workers: each reads a document,
extracts it with the same code as `--n-process` (`pipeline._cluster_job`, one pipeline per
worker process, loaded with its first document) and sends back its graph as N-Triples. This
process alone writes the store, each document in one transaction, in the given order, so the
store ends up as after a one-process build. What Dask gives: a worker that dies has its
documents run again on another one; a document that raises is reported as failed and the rest
go on.

`local:N` starts a LocalCluster of N worker processes on this machine; `tcp://host:port` joins
a running scheduler, whose workers must see the documents under the same paths (a shared
file system) and have beleidsgraaf installed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from beleidsgraaf.inflight import in_order

if TYPE_CHECKING:  # Dask is imported only when a cluster is asked for
    from distributed import Client

__all__ = ["ClusterError", "parse_address", "connected", "results"]

T = TypeVar("T")

_LOCAL = re.compile(r"local(?::(\d+))?")
_CONNECT_TIMEOUT = "20s"

#: Dask settings for the workers of a LocalCluster. Dask's statistical profiler samples a
#: worker's stack every 10 ms and keeps a call tree of each second, for the last 1,000
#: seconds, and of each task: through a long build the workers' memory grew with it by some
#: 170 KB a document (spaCy's stacks are deep), for a dashboard nobody opens here. A
#: scheduler given by address has its own settings: start its workers with
#: `DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


class ClusterError(RuntimeError):
    """The cluster cannot be started or reached; the message says why, for the user."""


def parse_address(address: str) -> tuple[str, int | str]:
    """('local', N) for `local` / `local:N`, ('remote', address) for `tcp://host:port`."""
    match = _LOCAL.fullmatch(address)
    if match:
        n = int(match.group(1) or 2)
        if n < 1:
            raise ClusterError(f"--cluster {address}: expected local:N with N 1 or more")
        return "local", n
    if re.fullmatch(r"(tcp|tls|ucx)://[^\s/]+:\d+", address):
        return "remote", address
    raise ClusterError(
        f"--cluster {address}: expected local:N (N worker processes here) or "
        "tcp://host:port (a running Dask scheduler)"
    )


@contextmanager
def connected(address: str) -> Iterator[Client]:
    """A Dask client on the cluster `address` (a LocalCluster is started and stopped here)."""
    kind, where = parse_address(address)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'distributed'") from None
    if not logging.getLogger().isEnabledFor(logging.INFO):  # no -v: no scheduler chatter
        logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = None
    try:
        if kind == "local":
            with dask.config.set(WORKER_CONFIG):  # the nannies keep it for restarted workers
                cluster = LocalCluster(
                    n_workers=int(where),
                    threads_per_worker=1,  # one pipeline, one document at a time per worker
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        else:
            client = Client(str(where), timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {where}: {err}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --- on a worker ---------------------------------------------------------------------------

_ONE_AT_A_TIME = threading.Lock()  # a worker with several threads still runs one pipeline


def _one_at_a_time(job: Callable, *args):
    with _ONE_AT_A_TIME:
        return job(*args)


# --- here ------------------------------------------------------------------------------------


def results(
    client: Client, items: list[T], args_of: Callable[[T], tuple], job: Callable
) -> Iterator[tuple[T, object]]:
    """(item, what `job(*args_of(item))` returned on a worker) in the order of `items`; in
    place of the result, the exception that lost it when it came to nothing (all workers that
    ran it died, or it was lost in transit): that item only, the rest go on."""
    from distributed import KilledWorker

    workers = max(1, sum(client.nthreads().values()))
    window = 3 * workers  # in flight: enough to keep every worker busy while the caller writes

    def submit(item: T):
        return client.submit(_one_at_a_time, job, *args_of(item), pure=False)

    for item, future in in_order(items, submit, window):
        try:
            yield item, future.result()
        except KilledWorker:  # Dask ran it again on other workers; every one of them died
            yield item, ClusterError("its workers died on it (out of memory?)")
        except Exception as err:  # noqa: BLE001 - lost in transit, cancelled: this one only
            yield item, err
        finally:
            future.release()
