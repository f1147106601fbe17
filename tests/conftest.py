"""Fixtures every test module may use: the bundled sample, its gold file, a store, the CLI.

Keep this small and generic; fixtures for one area belong in that area's test module.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import checkout_imports  # first: beleidsgraaf from this checkout (see the module)
import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
SAMPLE_NAME = "amersfoort-programmabegroting-2021-programma-2"


checkout_imports.install()
checkout_imports.install_for_subprocesses()


@dataclass
class CliResult:
    """What one in-process run of `beleidsgraaf ...` gave: exit code and captured streams."""

    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The bundled sample document (data/ in the repository)."""
    path = REPO / "data" / f"{SAMPLE_NAME}.txt"
    assert path.is_file(), f"bundled sample missing: {path}"
    return path


@pytest.fixture(scope="session")
def gold_path() -> Path:
    """The sample's gold file in ../shared/eval; skipped only where ../shared is absent."""
    shared = REPO.parent / "shared"
    if not shared.is_dir():
        pytest.skip(f"{shared} is absent (gold files live outside the repository)")
    path = shared / "eval" / f"{SAMPLE_NAME}.gold.json"
    assert path.is_file(), f"{shared} exists but the sample's gold file is missing: {path}"
    return path


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A fresh store folder (not yet created; `build` creates it)."""
    return tmp_path / "store"


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `beleidsgraaf.cli.main([...])` in-process; argparse exits become exit codes."""
    from beleidsgraaf.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()  # drop what earlier steps printed
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def dump_store(path: Path) -> list[str]:
    """Every quad in the store at `path`, as sorted N-Quads lines ([] when there is none).

    Compare two dumps to show that something left the store exactly as it was. Opens the
    store for writing (and closes it at once): an in-process read-only Oxigraph instance opened
    after an earlier one can see a stale file list and fail.
    """
    import pyoxigraph as ox

    if not path.exists():
        return []
    store = ox.Store(str(path))
    try:
        return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del store


@pytest.fixture
def store_dump() -> Callable[[Path], list[str]]:
    """`store_dump(path)`: the sorted N-Quads of a store, for before/after comparisons."""
    return dump_store


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (for 'cannot reach' errors)."""
    return _unused_port()


@contextmanager
def _oxigraph_serving(location: Path) -> Iterator[str]:
    """`oxigraph serve` over `location` on a free loopback port, default graph = union of the
    named graphs, read-write; yields the base URL and stops the server afterwards."""
    beside = Path(sys.executable).with_name("oxigraph")
    exe = str(beside) if beside.is_file() else shutil.which("oxigraph")
    assert exe, "the oxigraph server (PyPI package `oxigraph`) is a dependency; install it"
    port = _unused_port()
    log = location.parent / f"{location.name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        else:
            pytest.fail(f"the oxigraph server did not start: {log.read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def oxigraph_server() -> Callable[[Path], AbstractContextManager[str]]:
    """Start a real SPARQL 1.1 server for a test module: `with oxigraph_server(folder) as url`."""
    return _oxigraph_serving


# --- the realdev corpus, built and scored once per session ---------------------------------------

REALDEV = REPO.parent / "shared" / "realdev"


@dataclass
class CorpusRun:
    """A corpus evaluation kept for several tests: the folder, the store it was built into
    (kept, so a test can export it) and the project's figures (beleidsgraaf.evaluate)."""

    folder: Path
    store: Path
    result: object  # beleidsgraaf.evaluate.CorpusResult


@pytest.fixture(scope="session")
def realdev(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """../shared/realdev built (as the reference scorer builds it) and scored, once per
    session (~10 s); skipped only where that folder is absent."""
    if not REALDEV.is_dir():
        pytest.skip(f"{REALDEV} is absent (the realdev corpus lives outside the repository)")
    from beleidsgraaf.evaluate import evaluate_corpus

    store = tmp_path_factory.mktemp("realdev") / "store"
    return CorpusRun(REALDEV, store, evaluate_corpus(REALDEV, store=store))
