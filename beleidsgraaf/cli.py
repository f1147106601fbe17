"""The `beleidsgraaf` command line; each command lives in beleidsgraaf/commands/."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from beleidsgraaf import __version__
from beleidsgraaf.commands import COMMANDS
from beleidsgraaf.commands.common import CommandError, console

# Errors a user can cause and fix; anything else is a bug and keeps its traceback.
_USER_ERRORS: tuple[type[BaseException], ...] = (CommandError,)


def _user_errors() -> tuple[type[BaseException], ...]:
    from beleidsgraaf.cluster import ClusterError
    from beleidsgraaf.evaluate import EvaluationError
    from beleidsgraaf.extract.reader import ReaderError
    from beleidsgraaf.graph.sparql import QueryError
    from beleidsgraaf.graph.store import StoreError

    found = [ClusterError, EvaluationError, ReaderError, QueryError, StoreError]
    try:
        from beleidsgraaf.extract.language import ModelNotFoundError

        found.append(ModelNotFoundError)
    except ImportError:
        pass
    return _USER_ERRORS + tuple(found)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="beleidsgraaf",
        description="Turn Dutch municipal policy documents into a knowledge graph (RDF) with "
        "provenance, and query, export and draw it.",
    )
    p.add_argument("--version", action="version", version=f"beleidsgraaf {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"beleidsgraaf.commands.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except _user_errors() as err:
        console.print(f"[red]error:[/red] {err}", markup=True, highlight=False)
        return getattr(err, "code", 2)
    except KeyboardInterrupt:
        console.print("interrupted; the store keeps every document that was finished")
        return 130


if __name__ == "__main__":
    sys.exit(main())
