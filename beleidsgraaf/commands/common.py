"""Options and helpers that several commands share."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from beleidsgraaf.graph.store import default_store_path

console = Console(stderr=True, highlight=False, soft_wrap=True)


class CommandError(Exception):
    """A user-facing failure: printed as 'error: ...', exit status `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        help=f"on-disk graph store (default: $BELEIDSGRAAF_STORE or ./.beleidsgraaf/store, "
        f"here {default_store_path()})",
    )


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spacy-model",
        metavar="NAME_OR_PATH",
        default=None,
        help="spaCy pipeline to use instead of the shipped one (e.g. nl_core_news_md when installed)",
    )


def write_output(text: str, path: str | None) -> None:
    """Write to a file atomically (temp file + rename), or to stdout."""
    if not path or path == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    import os
    import tempfile
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
