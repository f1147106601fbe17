"""`beleidsgraaf serve`: a read-only SPARQL 1.1 endpoint over the store."""

from __future__ import annotations

import argparse
import signal

from beleidsgraaf.graph.endpoint import Cors, Limits, make_endpoint
from beleidsgraaf.graph.store import default_store_path

from .common import CommandError, add_store_option, console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the store as a read-only SPARQL endpoint",
        description="Serve the store as a read-only SPARQL 1.1 Protocol endpoint at /query "
        "(and /sparql), with a query page at /. Queries that run too long are stopped, "
        "results that are too large are refused, SERVICE and updates are refused. Web pages "
        "on any origin may query it (CORS) unless --cors-origin says otherwise. Stop it "
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
    p.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        help="web pages that may read the answers (CORS): '*' (default, any), an origin such "
        "as https://portal.example.org (repeat or comma-separate for more), or 'none' (off)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = args.store or default_store_path()
    if args.timeout <= 0 or args.max_result_mb <= 0 or args.workers < 1:
        raise CommandError("--timeout, --max-result-mb and --workers must be positive")
    limits = Limits(args.timeout, int(args.max_result_mb * 2**20), args.workers)
    try:
        cors = Cors.parse(args.cors_origin)
    except ValueError as err:
        raise CommandError(str(err)) from None
    try:
        server, pool = make_endpoint(store, args.host, args.port, limits, cors)
    except OSError as err:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {err.strerror}") from None
    where = f"http://{args.host}:{server.server_port}"  # the port chosen when --port 0
    console.print(
        f"SPARQL endpoint for {store} at {where}/query (query page at {where}/); Ctrl-C stops it"
    )
    previous = signal.signal(signal.SIGTERM, _stop)  # so that the workers are stopped too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        pool.close()
    return 0


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt
