"""Which embedded store should beleidsgraaf use? Times rdflib's default in-memory store against
the chosen backend (Oxigraph on disk behind rdflib, graph/store.py) on a synthetic national-scale
graph, in the same run: load time, every named query (median of 5 warm runs) and peak memory.

    python benchmarks/bench_store.py                      # 10k, 100k and 1M triples
    python benchmarks/bench_store.py --sizes 10k,100k     # smaller
    python benchmarks/bench_store.py --sample-store DIR   # also time the queries on a built store

The graph: 342 municipalities x as many years as the size needs, each document with sections,
goals (worded from a shared pool, so wording repeats), activities whose texts carry dates, and
partners drawn from a skewed (Zipf) distribution of local and national organisations, laws,
places and instruments, each with a NIF mention and its sentence, as extract/triples.py writes.
Each backend runs in its own process so that its peak memory (max RSS) is its own. When one
run takes longer than --slow seconds, that query is run once instead of five times; an rdflib
query still running after --rdflib-cap seconds is stopped and shown as "> cap" (its speed-up
as a lower bound). Oxigraph is timed twice: through rdflib's Dataset.query (what Python code
gets: every term converted to an rdflib term) and on pyoxigraph directly (the engine: what the
SPARQL endpoint and `query --format json|csv|tsv|xml` pay).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import select
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from beleidsgraaf.extract.annotations import RELATION_FOR_KIND
from beleidsgraaf.extract.derived import co_involvement_triples
from beleidsgraaf.extract.iris import document_iri, entity_iri, item_iri, mention_iri
from beleidsgraaf.graph.queries import list_queries
from beleidsgraaf.graph.sparql import bind_values
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from beleidsgraaf.namespaces import BG, ITSRDF, NIF

MUNICIPALITIES = 342
FIRST_YEAR = 2019

LAWS = [
    ("Wet inburgering", "Wi2021"),
    ("Wet maatschappelijke ondersteuning 2015", "Wmo"),
    ("Jeugdwet", None),
    ("Participatiewet", None),
    ("Omgevingswet", None),
    ("Wet publieke gezondheid", "Wpg"),
    ("Woningwet", None),
    ("Wet schuldhulpverlening", "Wgs"),
    ("Wet kinderopvang", None),
    ("Huisvestingswet 2014", None),
    ("Wet verplichte ggz", "Wvggz"),
    ("Wet zorg en dwang", "Wzd"),
    ("Opiumwet", None),
    ("Gemeentewet", None),
    ("Wet passend onderwijs", None),
]
NATIONAL_ORGS = [
    "UWV", "GGD", "Veilig Thuis", "Politie", "Rijksoverheid", "COA", "VNG", "Divosa",
    "Zorgverzekeraar", "Reclassering Nederland", "Raad voor de Kinderbescherming",
    "Belastingdienst", "DUO", "SVB", "CJG", "Leger des Heils", "Humanitas", "Vluchtelingenwerk",
]  # fmt: skip
ACTOR_GROUPS = [
    "huisartsen", "scholen", "woningcorporaties", "werkgevers", "zorgaanbieders",
    "ervaringsdeskundigen", "vrijwilligers", "wijkteams", "mantelzorgers", "jongerenwerkers",
]  # fmt: skip
GOALS = [
    "Meer mensen doen mee in de samenleving.",
    "Meer jeugdigen ontwikkelen zich optimaal.",
    "Meer ouderen wonen langer zelfstandig.",
    "Minder mensen zijn eenzaam.",
    "Meer mensen hebben betaald werk.",
    "Minder huishoudens hebben problematische schulden.",
    "Meer inwoners voelen zich veilig in hun wijk.",
    "Meer jeugdigen groeien veilig op.",
    "Meer nieuwkomers spreken Nederlands.",
    "Minder mensen zijn dakloos.",
]
VERBS = ["zetten in op", "ontwikkelen", "versterken", "starten", "evalueren", "continueren"]
TOPICS = [
    "de aanpak van eenzaamheid", "de inburgering van statushouders", "schuldhulpverlening",
    "het jongerenwerk", "de wijkteams", "preventie", "de toegang tot zorg", "mantelzorg",
]  # fmt: skip
WHEN = [
    "In {y}", "Voor eind {y}", "Per 1 juli {y}", "Begin {y}", "Vanaf {y}", "", "", "", "", "",
]  # fmt: skip


def _zipf(rng: random.Random, items: list, s: float = 1.2):
    weights = [1 / (rank + 1) ** s for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def _q(s, p, o, g) -> str:
    return f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n"


def _nl(text: str) -> Literal:
    return Literal(text, lang="nl")


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def synthesise(target: int, path: Path, seed: int = 1) -> tuple[int, int]:
    """Write about `target` triples as N-Quads, one named graph per document. Returns
    (quads, documents)."""
    rng = random.Random(seed)
    quads = docs = 0
    with path.open("w", encoding="utf-8") as out:
        while quads < target:
            m, y = docs % MUNICIPALITIES, FIRST_YEAR + docs // MUNICIPALITIES
            quads += _document(out, rng, f"Gemeente{m:03d}", y)
            docs += 1
    return quads, docs


def _document(out, rng: random.Random, municipality: str, year: int) -> int:
    doc = document_iri(municipality, f"begroting-{year}")
    lines = [
        (doc, RDF.type, BG.Document),
        (doc, DCTERMS.title, _nl(f"Programmabegroting {year}")),
        (doc, DCTERMS.source, Literal(f"{municipality.lower()}-begroting-{year}.txt")),
        (doc, BG.municipality, Literal(municipality)),
        (doc, BG.year, Literal(str(year), datatype=XSD.gYear)),
    ]
    context = mention_iri(doc, 0, 100_000)
    lines.append((context, RDF.type, NIF.Context))
    lines.append((doc, BG.sourceText, context))
    local_orgs = [f"{municipality} {kind}" for kind in ("Welzijn", "Sport", "Wonen", "Zorg")]
    local_orgs += [f"Stichting {municipality}-{i}" for i in range(12)]
    places = [f"{municipality}-wijk-{i}" for i in range(8)]
    instruments = ["Regiodeal", "Actieplan Eenzaamheid", f"Uitvoeringsplan {municipality}"]
    entities: set[tuple] = set()
    offset = 0
    for si in range(1, 5):
        section = item_iri(doc, f"s/2.{si}")
        lines += [
            (section, RDF.type, BG.Section),
            (section, SKOS.notation, Literal(f"2.{si}")),
            (section, RDFS.label, _nl(f"Taakveld {si}")),
            (section, DCTERMS.isPartOf, doc),
        ]
        for gi in range(1, 3):
            goal = item_iri(doc, f"g/s/2.{si}/{gi}")
            lines += [
                (goal, RDF.type, BG.Goal),
                (goal, SKOS.notation, Literal(str(gi))),
                (goal, RDFS.label, _nl(rng.choice(GOALS))),
                (goal, DCTERMS.isPartOf, section),
            ]
            for ai in range(1, 4):
                act = item_iri(doc, f"a/s/2.{si}/{gi}.{ai}")
                when = rng.choice(WHEN).format(y=year + rng.randint(0, 1))
                text = f"{when} {rng.choice(VERBS)} we {rng.choice(TOPICS)}.".strip().capitalize()
                lines += [
                    (act, RDF.type, BG.Activity),
                    (act, SKOS.notation, Literal(f"{gi}.{ai}")),
                    (act, RDFS.label, _nl(text)),
                    (act, DCTERMS.isPartOf, section),
                    (act, BG.contributesTo, goal),
                ]
                named = []
                for _ in range(rng.choice((1, 1, 2, 2, 3))):
                    roll = rng.random()
                    if roll < 0.45:
                        named.append(("Organisation", _zipf(rng, local_orgs), municipality))
                    elif roll < 0.75:
                        named.append(("Organisation", _zipf(rng, NATIONAL_ORGS), None))
                    else:
                        named.append(("ActorGroup", _zipf(rng, ACTOR_GROUPS), None))
                if rng.random() < 0.4:
                    named.append(("Law", _zipf(rng, LAWS), None))
                if rng.random() < 0.25:
                    named.append(("Place", rng.choice(places), None))
                if rng.random() < 0.2:
                    named.append(("Instrument", rng.choice(instruments), municipality))
                sentence = mention_iri(doc, offset, offset + 120)
                lines += [
                    (sentence, RDF.type, NIF.Sentence),
                    (sentence, NIF.anchorOf, Literal(text)),
                ]
                for kind, name, scope in named:
                    label, alias = name if kind == "Law" else (name, None)
                    node = entity_iri(kind, label, scope)
                    entities.add((kind, node, label, alias))
                    predicate = getattr(BG, RELATION_FOR_KIND[kind])
                    lines.append((act, predicate, node))
                    start = offset + rng.randint(0, 100)
                    mention = mention_iri(doc, start, start + len(label))
                    lines += [
                        (mention, RDF.type, BG.Mention),
                        (mention, NIF.beginIndex, _int(start)),
                        (mention, NIF.endIndex, _int(start + len(label))),
                        (mention, NIF.anchorOf, Literal(label)),
                        (mention, NIF.referenceContext, context),
                        (mention, NIF.sentence, sentence),
                        (mention, ITSRDF.taIdentRef, node),
                        (mention, BG.mentionedIn, act),
                    ]
                offset += 150
    for kind, node, label, alias in entities:
        lines += [(node, RDF.type, getattr(BG, kind)), (node, SKOS.prefLabel, _nl(label))]
        if alias:
            lines.append((node, SKOS.altLabel, _nl(alias)))
        if kind == "Law":
            lines.append((node, OWL.sameAs, URIRef(f"https://wetten.overheid.nl/{node[-12:]}")))
    lines += co_involvement_triples(doc, lines)  # as a build states them
    out.write("".join(_q(s, p, o, doc) for s, p, o in lines))
    return len(lines)


def _median_runs(run, slow: float, repeat: int) -> tuple[float, int]:
    """Median seconds of `repeat` calls of run() (which returns a row count); one call only
    when it takes longer than `slow`."""
    runs: list[float] = []
    rows = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = run()
        runs.append(time.perf_counter() - t0)
        if runs[-1] > slow:
            break
    return statistics.median(runs), rows


def _named() -> list[tuple[str, str]]:
    return [(q.name, bind_values(q.text, q.bindings())) for q in list_queries()]


def _time_queries(ds: Dataset, slow: float, repeat: int = 5) -> dict[str, tuple[float, int]]:
    """Median seconds and row count of each named query through rdflib's Dataset.query."""
    return {
        name: _median_runs(lambda t=text: len(list(ds.query(t))), slow, repeat)
        for name, text in _named()
    }


def _time_engine(store, slow: float, repeat: int = 5) -> dict[str, tuple[float, int]]:
    """The same on pyoxigraph directly (every row read): what `serve` and the SPARQL
    endpoint pay, without rdflib's conversion of each term into an rdflib term."""
    return {
        name: _median_runs(
            lambda t=text: sum(1 for _ in store.query(t, use_default_graph_as_union=True)),
            slow,
            repeat,
        )
        for name, text in _named()
    }


def _capped(ds: Dataset, text: str, slow: float, cap: float) -> tuple[float | None, int]:
    """Time one query in a forked copy of this process (the loaded store is shared
    copy-on-write) and kill it when its first run takes longer than `cap` seconds:
    (None, 0) then. rdflib's evaluation cannot be interrupted from inside."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report each run's seconds and rows on the pipe
        os.close(read_end)
        try:
            with os.fdopen(write_end, "w") as out:
                for _ in range(5):
                    t0 = time.perf_counter()
                    rows = len(list(ds.query(text)))
                    secs = time.perf_counter() - t0
                    out.write(f"{secs} {rows}\n")
                    out.flush()
                    if secs > slow:
                        break
        finally:
            os._exit(0)
    os.close(write_end)
    runs: list[float] = []
    rows = 0
    with os.fdopen(read_end) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], cap if not runs else None)
            if not ready:  # the first run is over the cap
                os.kill(pid, signal.SIGKILL)
                break
            line = pipe.readline()
            if not line:
                break
            secs, n = line.split()
            runs.append(float(secs))
            rows = int(n)
    os.waitpid(pid, 0)
    return (statistics.median(runs), rows) if runs else (None, 0)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_rdflib(nquads: str, slow: float, cap: float) -> dict:
    base = _maxrss_mb()
    ds = Dataset(default_union=True)
    t0 = time.perf_counter()
    ds.parse(nquads, format="nquads")
    load = time.perf_counter() - t0
    rss = _maxrss_mb()
    queries = {}
    for name, text in _named():
        queries[name] = _capped(ds, text, slow, cap)
        print(f"  rdflib {name}: {queries[name][0]}", file=sys.stderr, flush=True)
    return {"load": load, "queries": queries, "rss": rss, "base_rss": base}


def run_oxigraph(nquads: str, folder: str, slow: float) -> dict:
    import pyoxigraph as ox
    from beleidsgraaf.graph.store import compact, opened, raw_store

    base = _maxrss_mb()
    t0 = time.perf_counter()
    with opened(folder) as ds:
        raw_store(ds).bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
        compact(ds)  # as `build` does after writing
    load = time.perf_counter() - t0
    with opened(folder, read_only=True) as ds:
        engine = _time_engine(raw_store(ds), slow)
        queries = _time_queries(ds, slow)
    disk = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
    return {
        "load": load,
        "engine": engine,
        "queries": queries,
        "rss": _maxrss_mb(),
        "base_rss": base,
        "disk_mb": disk / 1e6,
    }


def time_store(folder: str) -> dict[str, tuple[float, int]]:
    from beleidsgraaf.graph.store import opened

    with opened(folder, read_only=True) as ds:
        _time_queries(ds, slow=60, repeat=1)  # warm up
        return _time_queries(ds, slow=60)


def _in_child(func, *args):
    ctx = mp.get_context("spawn")  # a fresh interpreter: max RSS is this backend's own
    with ctx.Pool(1) as pool:
        return pool.apply(func, args)


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10k,100k,1M", help="triple counts, comma-separated")
    p.add_argument("--slow", type=float, default=5.0, help="run a query once if it takes longer")
    p.add_argument("--sample-store", metavar="DIR", help="also time the queries on this store")
    p.add_argument("--skip-rdflib-above", default="10M", help="don't run rdflib above this size")
    p.add_argument(
        "--rdflib-cap",
        type=float,
        default=60.0,
        help="stop an rdflib query after this many seconds and report it as slower",
    )
    args = p.parse_args(argv)
    if args.sample_store:
        print(f"\n## Named queries on {args.sample_store} (warm, median of 5)\n")
        print("| query | ms | rows |\n|---|---:|---:|")
        for name, (secs, rows) in _in_child(time_store, args.sample_store).items():
            print(f"| {name} | {secs * 1000:.1f} | {rows} |")
    for size in map(_size, filter(None, args.sizes.split(","))):
        tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
        try:
            nquads = tmp / "graph.nq"
            t0 = time.perf_counter()
            quads, docs = synthesise(size, nquads)
            print(
                f"\n## {quads:,} triples, {docs} documents "
                f"(synthesised in {time.perf_counter() - t0:.1f} s)\n",
                flush=True,
            )
            ox_res = _in_child(run_oxigraph, str(nquads), str(tmp / "ox"), args.slow)
            rd_res = None
            if size <= _size(args.skip_rdflib_above):
                rd_res = _in_child(run_rdflib, str(nquads), args.slow, args.rdflib_cap)
            _report(rd_res, ox_res, args.rdflib_cap)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _report(rd: dict | None, ox: dict, cap: float) -> None:
    """A markdown table: rdflib's default store, Oxigraph through rdflib's API, Oxigraph's
    engine, and the speed-up of each Oxigraph column over rdflib."""

    def secs(value: float | None) -> str:
        return f"> {cap:.0f}" if value is None else f"{value:.3f}"

    def ratio(a: float | None, b: float) -> str:
        if b <= 0:
            return "-"
        return f"> {cap / b:.0f}x" if a is None else f"{a / b:.0f}x"

    print(
        "| | rdflib default (s) | Oxigraph via rdflib (s) | speed-up | "
        "Oxigraph engine (s) | speed-up | rows |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    na = "-"
    rd_load = f"{rd['load']:.2f}" if rd else na
    load_up = ratio(rd["load"], ox["load"]) if rd else ""
    print(f"| load | {rd_load} | {ox['load']:.2f} | {load_up} | | | |")
    worst = {"queries": 0.0, "engine": 0.0}
    for name, (api, rows) in ox["queries"].items():
        engine = ox["engine"][name][0]
        worst["queries"] = max(worst["queries"], api)
        worst["engine"] = max(worst["engine"], engine)
        if rd:
            rsecs, rrows = rd["queries"][name]
            flag = "" if rsecs is None or rrows == rows else f" (rdflib: {rrows})"
            print(
                f"| {name} | {secs(rsecs)} | {api:.3f} | {ratio(rsecs, api)} | "
                f"{engine:.3f} | {ratio(rsecs, engine)} | {rows}{flag} |"
            )
        else:
            print(f"| {name} | {na} | {api:.3f} | | {engine:.3f} | | {rows} |")
    rss = f"{rd['rss']:.0f}" if rd else na
    print(f"| peak memory (MB, max RSS) | {rss} | {ox['rss']:.0f} | | | | |")
    print(
        f"\nslowest named query on Oxigraph: {worst['engine']:.3f} s (engine), "
        f"{worst['queries']:.3f} s (via rdflib); store on disk {ox['disk_mb']:.0f} MB"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
