"""Fixtures every test module may use: the bundled sample, its gold file, a store, the CLI.

Keep this small and generic; fixtures for one area belong in that area's test module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_NAME = "amersfoort-programmabegroting-2021-programma-2"


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
