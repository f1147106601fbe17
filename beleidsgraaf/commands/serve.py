"""`beleidsgraaf serve`: a read-only SPARQL 1.1 endpoint over the store."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.endpoint import Limits, make_endpoint
from beleidsgraaf.graph.store import default_store_path

from .common import CommandError, add_store_option, console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the store as a read-only SPARQL endpoint",
        description="Serve the store as a read-only SPARQL 1.1 Protocol endpoint at /query "
        "(and /sparql), with a query page at /. Queries that run too long are stopped, "
        "results that are too large are refused, SERVICE and updates are refused. Stop it "
        "before building into the same store.",
    )
    add_store_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=7878, help="port to listen on")
    p.add_argument("--timeout", type=float, default=Limits.timeout, help="seconds a query may run")
    p.add_argument(
        "--max-result-mb",
        type=float,
        default=Limits.max_result_bytes / 2**20,
        help="largest result sent, in MiB",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=Limits.workers,
        help="queries answered at the same time (one process each)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = args.store or default_store_path()
    if args.timeout <= 0 or args.max_result_mb <= 0 or args.workers < 1:
        raise CommandError("--timeout, --max-result-mb and --workers must be positive")
    limits = Limits(args.timeout, int(args.max_result_mb * 2**20), args.workers)
    try:
        server, pool = make_endpoint(store, args.host, args.port, limits)
    except OSError as err:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {err.strerror}") from None
    where = f"http://{args.host}:{server.server_port}"  # the port chosen when --port 0
    console.print(
        f"SPARQL endpoint for {store} at {where}/query (query page at {where}/); Ctrl-C stops it"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        server.server_close()
        pool.close()
    return 0
