"""The named queries about budget figures, on a store built from invented pages.

Three invented documents of two made-up municipalities (Vlietmond 2031, Lindeloo 2030 and
2031), each page written here from the amounts below, so the expected answers come from the
same numbers and not from the graph. Built with the full pipeline (entities too: the third
query lists partners), once per session (about 10 s).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from beleidsgraaf.graph.queries import load_query
from beleidsgraaf.graph.sparql import run_query
from beleidsgraaf.graph.store import opened
from rdflib import Dataset

from beleidsgraaf.pipeline import build

K = 1000  # every table here is 'bedragen x € 1.000'

# Lindeloo: one section per document, lasten / baten / saldo per year (markdown export)
LINDELOO = {
    2030: {"realisatie": (2028, 38_210, 5_106), "begroting": (2029, 40_377, 5_250)},
    2031: {"realisatie": (2029, 39_950, 5_390), "begroting": (2031, 41_004, 5_993)},
}
# Vlietmond: task-field rows in glued cells (lasten negative, as such tables write them)
VLIETMOND = {"6.3": (-21_406, 532), "6.5": (-3_120, 410)}


def _page(title: str, goal: str, activity: str, table: str) -> str:
    return (
        f"Begroting 2031\n\n{title}\n\nWat willen we bereiken?\n{goal}\n\n"
        f"Wat gaan we doen?\n{activity}\n\nWat mag het kosten?\n{table}"
    )


def _lindeloo(year: int) -> str:
    cols = LINDELOO[year]
    real, plan = cols["realisatie"], cols["begroting"]
    rows = [
        f"Lasten | {real[1]:,} | {plan[1]:,} |",
        f"Baten | {real[2]:,} | {plan[2]:,} |",
        f"Saldo | {real[1] - real[2]:,} | {plan[1] - plan[2]:,} |",
    ]
    table = (
        "bedragen x € 1.000 | ||\n"
        "Zorg en welzijn | Realisatie | Begroting |\n"
        "---|---|---|\n"
        f"{real[0]} | {plan[0]} | |\n" + "\n".join(r.replace(",", ".") for r in rows) + "\n"
    )
    return _page(
        "Programma 4 | Zorg en welzijn",
        "Ouderen in Lindeloo wonen langer zelfstandig thuis.",
        "We sluiten een overeenkomst met Stichting Welzijn Lindeloo over het ouderenwerk.",
        table,
    )


def _glued(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _vlietmond() -> str:
    rows = "".join(
        f"{code} {name}{_glued(lasten)}{_glued(baten)}{_glued(lasten + baten)}\n"
        for (code, (lasten, baten)), name in zip(
            VLIETMOND.items(), ["Inkomensregelingen", "Arbeidsparticipatie"], strict=True
        )
    )
    table = (
        "Programma 6 Werk en inkomen (bedragen x 1.000)\n LastenBatenSaldo\n"
        "TaakveldBegroting 2031Begroting 2031Begroting 2031\n" + rows
    )
    return _page(
        "Programma 6 | Werk en inkomen",
        "Meer inwoners van Vlietmond hebben betaald werk.",
        "We werken samen met het Werkbedrijf Vlietstreek en de werkgevers uit de regio.",
        table,
    )


@pytest.fixture(scope="session")
def figures_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("figure-pages")
    (folder / "vlietmond-begroting-2031.txt").write_text(_vlietmond(), encoding="utf-8")
    for year in LINDELOO:
        (folder / f"lindeloo-begroting-{year}.txt").write_text(_lindeloo(year), encoding="utf-8")
    # Lindeloo's programme 4 is task field 6.6 (a researcher's mapping, as for the sample)
    (folder / "lindeloo-begroting-2031.taakvelden.csv").write_text(
        "section,taakveld\n4,6.6\n", encoding="utf-8"
    )
    store = folder / "store"
    results = []
    for municipality in ("Lindeloo", "Vlietmond"):  # made up: not in the municipality list
        paths = sorted(folder.glob(f"{municipality.lower()}-*.txt"))
        results += build(paths, store=store, municipality=municipality)
    assert [r.status for r in results] == ["ok"] * 3, [r.message for r in results]
    return store


@pytest.fixture(scope="session")
def figures_ds(figures_store: Path):
    with opened(figures_store, read_only=True) as ds:
        yield ds


def rows(ds: Dataset, name: str, **params: str) -> list[dict[str, str]]:
    q = load_query(name)
    result = run_query(ds, q.text, q.bindings(params))
    return [{str(v): str(r[v]) for v in result.vars if r[v] is not None} for r in result]


def _euros(row: dict[str, str]) -> Decimal:
    return Decimal(row["euros"])


def test_spending_per_task_field_of_a_document(figures_ds):
    got = rows(figures_ds, "spending-per-task-field")
    vliet = {
        (r["task_field"], r["measure"]): _euros(r)
        for r in got
        if r["document"].endswith("vlietmond-begroting-2031")
    }
    expected = {}
    for code, (lasten, baten) in VLIETMOND.items():
        expected[(code, "lasten")] = Decimal(lasten * K)
        expected[(code, "baten")] = Decimal(baten * K)
        expected[(code, "saldo")] = Decimal((lasten + baten) * K)
    assert vliet == expected
    # Lindeloo 2031 names no task field; its section is mapped to 6.6, so its figures count
    # there; Lindeloo 2030 has no mapping: none of its figures has a task field
    lind = [r for r in got if r["document"].endswith("lindeloo-begroting-2031")]
    assert {r["task_field"] for r in lind} == {"6.6"}
    plan = LINDELOO[2031]["begroting"]
    [row] = [r for r in lind if r["measure"] == "lasten" and r["kind"] == "begroting"]
    assert (row["year"], _euros(row)) == (str(plan[0]), Decimal(plan[1] * K))
    assert not [r for r in got if r["document"].endswith("lindeloo-begroting-2030")]


def test_spending_per_task_field_parameters(figures_ds):
    only = rows(figures_ds, "spending-per-task-field", measure="baten", municipality="VLIETMOND")
    assert {(r["task_field"], _euros(r)) for r in only} == {
        (code, Decimal(baten * K)) for code, (_, baten) in VLIETMOND.items()
    }


def test_one_task_field_across_documents(figures_ds):
    got = rows(figures_ds, "task-field-across-documents", taskfield="6")  # all of 6.x
    assert {(r["municipality"], r["task_field"]) for r in got} == {
        ("Vlietmond", "6.3"),
        ("Vlietmond", "6.5"),
        ("Lindeloo", "6.6"),
    }
    assert all(r["measure"] == "lasten" for r in got)  # the default measure
    one = rows(figures_ds, "task-field-across-documents", taskfield="6.6", kind="realisatie")
    real = LINDELOO[2031]["realisatie"]
    assert [(r["year"], _euros(r)) for r in one] == [(str(real[0]), Decimal(real[1] * K))]
    assert rows(figures_ds, "task-field-across-documents", taskfield="6.1") == []


def test_largest_sections_with_goals_and_partners(figures_ds):
    got = rows(figures_ds, "largest-sections-goals-partners")
    largest = {
        "lindeloo-begroting-2030": max(c[1] for c in LINDELOO[2030].values()),
        "lindeloo-begroting-2031": max(c[1] for c in LINDELOO[2031].values()),
        "vlietmond-begroting-2031": -sum(lasten for lasten, _ in VLIETMOND.values()),
    }
    assert [r["document"].rsplit("/", 1)[1] for r in got] == sorted(
        largest, key=largest.get, reverse=True
    )
    for r in got:
        assert Decimal(r["lasten"]) == Decimal(largest[r["document"].rsplit("/", 1)[1]] * K)
        assert r["goals"] == "1"
    lind = next(r for r in got if r["document"].endswith("lindeloo-begroting-2031"))
    assert (lind["year"], lind["kind"]) == (str(LINDELOO[2031]["begroting"][0]), "begroting")
    assert "Stichting Welzijn Lindeloo" in lind.get("partner_names", "")
    in_2028 = rows(figures_ds, "largest-sections-goals-partners", year="2028")
    assert [(r["year"], Decimal(r["lasten"])) for r in in_2028] == [
        ("2028", Decimal(LINDELOO[2030]["realisatie"][1] * K))
    ]


def test_csv_export_has_every_figure(figures_store, run_cli, tmp_path):
    folder = tmp_path / "tables"
    result = run_cli("export", "--store", figures_store, "--format", "csv", "-o", folder)
    assert result.code == 0, result.err
    with (folder / "figures.csv").open(encoding="utf-8", newline="") as fh:
        figures = list(csv.DictReader(fh))
    assert len(figures) == 6 + 2 * 3 * 2  # Vlietmond 2 rows x 3; Lindeloo 2 x 3 rows x 2 years
    row = next(f for f in figures if f["task_field"] == "6.3" and f["measure"] == "baten")
    assert Decimal(row["euros"]) == Decimal(VLIETMOND["6.3"][1] * K)
    assert (row["cell"], row["scale"], row["year"], row["kind"]) == (
        "532",
        "1000",
        "2031",
        "begroting",
    )
    assert row["municipality"] == "Vlietmond" and row["section"] == "6"
    assert int(row["end"]) - int(row["begin"]) == len(row["cell"])


def test_the_dcat_description_lists_the_figures_as_a_distribution(figures_store, run_cli, tmp_path):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT

    out = tmp_path / "dcat.ttl"
    result = run_cli("export", "--store", figures_store, "--dcat", out, "--publisher", "gm0307")
    assert result.code == 0, result.err
    g = Graph().parse(out, format="turtle")
    downloads = {str(o) for o in g.objects(None, DCAT.downloadURL)}
    assert any(d.endswith("csv/figures.csv") for d in downloads)
    dist = next(
        g.subjects(
            DCAT.downloadURL, URIRef(next(d for d in downloads if d.endswith("figures.csv")))
        )
    )
    assert (None, DCAT.distribution, dist) in g
