"""`build --cluster`: documents extracted on Dask workers, written here, one transaction each.

A national corpus is thousands of documents, and the NLP step is most of the cost of each
(docs/performance.md), so it is the part that goes to the workers: each reads a document,
extracts it with the same code as `--n-process` (`pipeline._worker_job`, one pipeline per
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
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Dask is imported only when a cluster is asked for
    from distributed import Client
    from rdflib import Dataset

    from beleidsgraaf.pipeline import BuildResult, _Job, _Options

__all__ = ["ClusterError", "parse_address", "connected", "stream"]

_LOCAL = re.compile(r"local(?::(\d+))?")
_CONNECT_TIMEOUT = "20s"


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
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'distributed'") from None
    if not logging.getLogger().isEnabledFor(logging.INFO):  # no -v: no scheduler chatter
        logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = None
    try:
        if kind == "local":
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


def _document(path: Path, previous, opt: _Options) -> _Job:
    """On a worker: one document read, extracted and serialised, as for `--n-process`; an
    exception becomes the document's one-line failure, so the build goes on."""
    from beleidsgraaf import pipeline

    with _ONE_AT_A_TIME:
        pipeline._WORKER["options"] = opt
        try:
            return pipeline._worker_job(path, previous)
        except Exception as err:  # noqa: BLE001 - reported per document, never fatal
            return pipeline._Job(Path(path), _one_line(path, err), failed_early=True)


def _one_line(path: Path, err: BaseException) -> str:
    first = (str(err).strip().splitlines() or [""])[0]
    return f"{Path(path).name}: {type(err).__name__}" + (f": {first}" if first else "")


# --- here ------------------------------------------------------------------------------------


def stream(ds: Dataset, files: list[Path], opt: _Options, client: Client) -> Iterator[BuildResult]:
    """The documents extracted on the cluster, written here in the given order."""
    from distributed import KilledWorker

    from beleidsgraaf.pipeline import BuildResult, _finish, _Flush, _stored_as

    flush = _Flush()
    workers = max(1, sum(client.nthreads().values()))
    window = 3 * workers  # documents in flight: enough to keep every worker busy while we write
    futures: deque = deque()
    todo = iter(files)
    while True:
        while len(futures) < window:
            path = next(todo, None)
            if path is None:
                break
            future = client.submit(_document, path, _stored_as(ds, path), opt, pure=False)
            futures.append((path, future))
        if not futures:
            return
        path, future = futures.popleft()
        try:
            job = future.result()
        except KilledWorker:  # Dask ran it again on other workers; every one of them died
            yield BuildResult(
                Path(path), "failed", f"{Path(path).name}: its workers died on it (out of memory?)"
            )
            continue
        except Exception as err:  # noqa: BLE001 - lost in transit, cancelled: this one only
            yield BuildResult(Path(path), "failed", _one_line(path, err))
            continue
        finally:
            future.release()
        yield _finish(ds, job, opt, flush)
