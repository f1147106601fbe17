"""The notebooks in notebooks/ run top to bottom without errors, on the project's own Python.

Each notebook is executed with nbclient in a kernel started from this interpreter (the venv's,
through a kernel spec written for the test, so that a `python3` kernel installed elsewhere on
the machine is never used), in a scratch folder that stands in for notebooks/: notebook 1 builds
`out/notebook-store` there and notebooks 2 and 3 read it. Notebook 4 runs with
BELEIDSGRAAF_ENDPOINT set to an Oxigraph server on loopback, so its push cell runs too. Nothing
needs the network. The committed notebooks carry no outputs (notebooks/strip_outputs.py).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = [
    "01-quickstart",
    "02-sparql",
    "03-partner-network",
    "04-many-municipalities",
]
KERNEL = "beleidsgraaf-test"
CELL_TIMEOUT = 120  # seconds per cell; building the sample (model load included) is the longest


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernel spec that starts ipykernel with this very interpreter."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "beleidsgraaf (test)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return KernelSpecManager(kernel_dirs=[str(folder)])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the notebooks of this module, in order, as notebooks/ is for a user."""
    return tmp_path_factory.mktemp("notebooks-run")


@pytest.fixture(scope="module")
def sparql_server(tmp_path_factory: pytest.TempPathFactory, oxigraph_server) -> Iterator[str]:
    """An Oxigraph server on loopback (union default graph); yields its query endpoint."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-notebook")) as url:
        yield f"{url}/query"


def _execute(name: str, workdir: Path, specs: KernelSpecManager) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    started = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError, with the cell and its traceback
    finally:
        if km.has_kernel:  # a kernel manager handed to nbclient is ours to stop
            km.shutdown_kernel(now=True)
    print(f"{name}: executed in {time.perf_counter() - started:.1f} s")
    return nb


def _outputs(nb: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    return [
        (i, out)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
    ]


def _text(out: dict) -> str:
    if out["output_type"] == "stream":
        return out["text"]
    return "\n".join(str(v) for v in out.get("data", {}).values())


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(
    name: str,
    workdir: Path,
    kernel_specs: KernelSpecManager,
    sparql_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BELEIDSGRAAF_ENDPOINT", sparql_server)  # the kernel inherits it
    monkeypatch.delenv("BELEIDSGRAAF_STORE", raising=False)
    nb = _execute(name, workdir, kernel_specs)
    outputs = _outputs(nb)

    errors = [out for _, out in outputs if out["output_type"] == "error"]
    assert not errors, errors
    stderr = [(i, out["text"]) for i, out in outputs if out.get("name") == "stderr"]
    assert not stderr, f"{name} writes warnings or errors: {stderr}"
    silent = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and not cell.outputs]
    assert not silent, f"{name}: code cells {silent} show nothing"

    everything = "\n".join(_text(out) for _, out in outputs)
    if name == "01-quickstart":
        assert (workdir / "out" / "notebook-store").is_dir()
        # the provenance cell cuts the mention's words out of the document text by offset
        assert "text[" in everything and "sentence:" in everything
    if name == "03-partner-network":
        frames = [
            o for _, o in outputs if "<iframe srcdoc=" in o.get("data", {}).get("text/html", "")
        ]
        assert len(frames) == 1
        page = frames[0]["data"]["text/html"]
        assert "&lt;!DOCTYPE html&gt;" in page and "vis.Network" in page
        assert (workdir / "out" / "partners.html").is_file()
    if name == "04-many-municipalities":
        assert any("image/png" in o.get("data", {}) for _, o in outputs), "no plot"
        assert "same answer on the server: True" in everything


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name: str) -> None:
    """Outputs are stripped in git: `python notebooks/strip_outputs.py notebooks/*.ipynb`."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{name}: cells {dirty} carry outputs; run notebooks/strip_outputs.py"


def test_every_notebook_is_tested() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
