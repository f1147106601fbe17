"""Import beleidsgraaf and its subpackages (package-dir in pyproject.toml) from this checkout.

An editable install maps `beleidsgraaf.graph` (and extract, ontology, queries) to the folder it
was installed from; a git worktree that shares that environment would otherwise test another
checkout's graph/ and extract/. conftest.py installs the finder for the test process, and a
`sitecustomize` on PYTHONPATH installs it in the Python processes the tests start (the console
script, notebook kernels). In the checkout the environment was installed from, it changes
nothing.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = {
    "beleidsgraaf": REPO / "beleidsgraaf",
    "beleidsgraaf.extract": REPO / "extract",
    "beleidsgraaf.graph": REPO / "graph",
    "beleidsgraaf.ontology": REPO / "ontology",
    "beleidsgraaf.queries": REPO / "queries",
}


class CheckoutFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        folder = FOLDERS.get(fullname)
        if folder is None:
            return None
        return importlib.util.spec_from_file_location(
            fullname, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )


def install() -> None:
    """Put the finder first (once) and fail if a package was already imported elsewhere."""
    if not any(getattr(f, "__name__", "") == "CheckoutFinder" for f in sys.meta_path):
        sys.meta_path.insert(0, CheckoutFinder)
    stale = [
        name
        for name, folder in FOLDERS.items()
        if name in sys.modules
        and not str(getattr(sys.modules[name], "__file__", "")).startswith(str(folder))
    ]
    assert not stale, f"imported before the finder, from another checkout: {stale}"


def install_for_subprocesses() -> None:
    """A sitecustomize.py on PYTHONPATH that installs the finder in every child Python."""
    folder = Path(tempfile.mkdtemp(prefix="bg-checkout-"))
    (folder / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import checkout_imports\ncheckout_imports.install()\nsys.path.pop(0)\n",
        encoding="utf-8",
    )
    paths = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
