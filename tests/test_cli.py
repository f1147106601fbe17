"""`beleidsgraaf build` on bad input: a clear message on stderr, a non-zero exit, no traceback,
and the store exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BAD_INPUTS = {
    "empty": (b"", "the file is empty"),
    "binary": (bytes(range(256)) * 8, "binary file"),
    "undecodable": (b"1. Meer groen \x81\x8d in de wijk.\n\n1.1 We planten.\n", "cannot decode"),
    "no-goals": (
        b"Inleiding\n\nDe gemeente werkt aan een groene stad.\n\nWe planten bomen.\n",
        "no structure found",
    ),
}


@pytest.fixture(scope="module")
def built_store(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample (built once; tests copy it before touching it)."""
    from beleidsgraaf.pipeline import build

    store = tmp_path_factory.mktemp("cli") / "store"
    [result] = build([sample_path], store=store, entities=False)
    assert result.status == "ok", result.message
    return store


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(built_store, copy)
    return copy


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_reported_and_leaves_the_store_alone(
    kind: str, tmp_path: Path, store: Path, run_cli, store_dump
):
    data, message = BAD_INPUTS[kind]
    doc = tmp_path / f"{kind}-begroting-2021.txt"
    doc.write_bytes(data)
    before = store_dump(store)
    result = run_cli("build", doc, "--store", store, "--no-entities")
    assert result.code != 0
    assert message in result.err
    assert doc.name in result.err
    assert "failed" in result.err and "Traceback" not in result.err
    assert store_dump(store) == before


def test_missing_path(tmp_path: Path, store: Path, run_cli, store_dump):
    before = store_dump(store)
    result = run_cli("build", tmp_path / "bestaat-niet.txt", "--store", store, "--no-entities")
    assert result.code != 0
    assert "no such file" in result.err and "Traceback" not in result.err
    assert store_dump(store) == before


def test_empty_folder(tmp_path: Path, store: Path, run_cli, store_dump):
    (tmp_path / "leeg").mkdir()
    before = store_dump(store)
    result = run_cli("build", tmp_path / "leeg", "--store", store, "--no-entities")
    assert result.code == 2
    assert "no documents found" in result.err
    assert store_dump(store) == before


def test_good_and_bad_together_keep_the_good_and_exit_1(
    sample_path: Path, tmp_path: Path, store_path: Path, run_cli
):
    from beleidsgraaf.graph.store import document_graphs, opened

    bad = tmp_path / "leeg-begroting-2021.txt"
    bad.write_bytes(b"")
    result = run_cli("build", bad, sample_path, "--store", store_path, "--no-entities")
    assert result.code == 1
    assert "1 built, 0 skipped, 1 failed" in result.err
    with opened(store_path, read_only=True) as ds:
        assert len(document_graphs(ds)) == 1


def test_no_goals_allowed_with_flag(tmp_path: Path, store_path: Path, run_cli):
    doc = tmp_path / "notitie-2021.txt"
    doc.write_bytes(BAD_INPUTS["no-goals"][0])
    result = run_cli("build", doc, "--store", store_path, "--no-entities", "--allow-unstructured")
    assert result.code == 0
    assert "no numbered goals found" in result.err


def test_bad_year_is_a_usage_error(sample_path: Path, store_path: Path, run_cli):
    result = run_cli("build", sample_path, "--store", store_path, "--year", "21")
    assert result.code == 2 and "--year 21" in result.err
    assert not store_path.exists()


def test_real_process_prints_no_traceback(tmp_path: Path, store: Path, store_dump):
    """The console script itself (not just main()) exits cleanly on a bad file."""
    doc = tmp_path / "binary-begroting-2021.txt"
    doc.write_bytes(BAD_INPUTS["binary"][0])
    before = store_dump(store)
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "beleidsgraaf.cli", "build", str(doc), "--store", str(store)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "binary file" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert store_dump(store) == before
