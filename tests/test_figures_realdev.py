"""Budget figures on ../shared/realdev: every observation's value is its cell, read back.

Reads the real pages at run time (never copied into the repository); skipped where that folder
is absent. Each document is built (structure and figures, no NLP: the figures do not depend on
it; unstructured pages too, their tables count), then every observation in the store is checked
against the document text: its offsets give its cell (nif:anchorOf), and the cell parsed as a
Dutch amount times its table's scale is its value. `pytest -s` prints what was read and why
the other tables were left out.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from beleidsgraaf.extract.figures import read_figures
from beleidsgraaf.extract.figures.numbers import parse_amount
from beleidsgraaf.extract.reader import read_document
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.graph.store import opened

from beleidsgraaf.pipeline import build

REALDEV = Path(__file__).resolve().parent.parent.parent / "shared" / "realdev"

OBSERVATIONS = """
PREFIX bg: <https://w3id.org/beleidsgraaf/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?document ?obs ?value ?scale ?begin ?end ?anchor ?text WHERE {
  GRAPH ?document {
    ?obs a qb:Observation ; qb:measureType ?m ; ?m ?value ; qb:dataSet ?table ;
         prov:wasDerivedFrom ?cell .
    ?table bg:scale ?scale .
    ?cell nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?anchor ;
          nif:referenceContext ?context .
    ?context nif:isString ?text .
  }
}
"""


@pytest.fixture(scope="module")
def documents() -> list[Path]:
    if not REALDEV.is_dir():
        pytest.skip(f"{REALDEV} is absent (the realdev corpus lives outside the repository)")
    found = sorted(REALDEV.glob("*.txt"))
    assert found, f"{REALDEV} holds no .txt documents"
    return found


@pytest.fixture(scope="module")
def realdev_store(documents: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("realdev-figures") / "store"
    results = build(documents, store=store, entities=False, allow_unstructured=True)
    failed = [r.message for r in results if r.status != "ok"]
    assert not failed, failed
    return store


def test_every_observation_is_the_cell_its_offsets_point_at(realdev_store: Path):
    checked = 0
    with opened(realdev_store, read_only=True) as ds:
        for row in ds.query(OBSERVATIONS):
            text = str(row.text)
            begin, end = int(row.begin), int(row.end)
            cell = text[begin:end]
            assert cell == str(row.anchor), row.obs
            expected = parse_amount(cell, parentheses_negative=True) * int(row.scale)
            assert Decimal(row.value.toPython()) == expected, (row.obs, cell, row.value)
            checked += 1
    assert checked > 0, "no observation in realdev at all: the table reader reads nothing"


def test_what_was_read_and_why_the_rest_was_left_out(documents: list[Path], realdev_store: Path):
    """The figures the build stored are those the reader finds, and the report adds up."""
    read = skipped = figures = 0
    reasons: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    lines = []
    for path in documents:
        text = read_document(path).text
        reading = read_figures(text, parse_structure(text))
        for table in reading.tables:
            if table.read:
                read += 1
                figures += len(table.figures)
            else:
                skipped += 1
                reasons[table.skipped or "no figure in it"] += 1
            left_out.update(table.left_out)
            state = f"{len(table.figures)} figures" if table.read else f"left out: {table.skipped}"
            lines.append(f"{path.stem}: table {table.number} ({table.layout}): {state}")
        for cell in reading.headless:
            reasons["a scale line without rows of figures below it (page cut off)"] += 1
            lines.append(f"{path.stem}: scale line at {cell.start} heads no rows")
    print(f"\nrealdev finance tables: {read} read ({figures} figures), {skipped} left out")
    print("\n".join(f"  {line}" for line in lines))
    for reason, n in reasons.most_common():
        print(f"  left out x{n}: {reason}")
    for reason, n in left_out.most_common():
        print(f"  within tables read, left out x{n}: {reason}")
    with opened(realdev_store, read_only=True) as ds:
        stored = len(list(ds.query(OBSERVATIONS)))
    assert stored == figures
    assert read >= 1 and all(reasons), reasons
