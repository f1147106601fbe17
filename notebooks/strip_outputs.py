"""Clear outputs and execution counts of notebooks before committing them (git keeps sources only).

python notebooks/strip_outputs.py notebooks/*.ipynb          # strip in place
python notebooks/strip_outputs.py --check notebooks/*.ipynb  # exit 1 if any has outputs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

KEEP_METADATA = ("kernelspec", "language_info")


def strip(nb: nbformat.NotebookNode) -> bool:
    """Clear outputs, counts and run-time metadata in place; True if anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code":
            if cell.outputs or cell.execution_count is not None:
                cell.outputs, cell.execution_count = [], None
                changed = True
        if cell.metadata:
            cell.metadata = {}
            changed = True
    extra = set(nb.metadata) - set(KEEP_METADATA)
    for key in extra:
        del nb.metadata[key]
    info = nb.metadata.get("language_info")
    if info and set(info) != {"name"}:  # the version of whoever ran it last: noise in a diff
        nb.metadata["language_info"] = {"name": info.get("name", "python")}
        changed = True
    return changed or bool(extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if dirty")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.paths:
        nb = nbformat.read(path, as_version=4)
        if strip(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "carry outputs" if args.check else "stripped"
    for path in dirty:
        print(f"{path}: {verb}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
