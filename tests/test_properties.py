"""Property-based tests: the structure parser on generated policy-like text, and the reader on
random bytes. Whatever the input, the parser returns a consistent tree and the reader either
succeeds or raises ReaderError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from beleidsgraaf.extract.reader import ReaderError, read_document, read_text
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.tree import DocumentTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.lists(st.integers(0, 20), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
words = st.lists(
    st.sampled_from(
        ["Meer", "Minder", "inwoners", "We", "zorg", "De", "wijk", "stad", "(SBI)", "2021",
         "Wmo", "o.a.", "werk", "•", "-", ":", "Beleidsdoelen", "é", "\u00a0", "  "]
    ),
    min_size=0,
    max_size=12,
).map(" ".join)  # fmt: skip
spaces = st.sampled_from(["", " ", "  ", "\u00a0", "\u00a0 \u00a0", "\t"])
keyword = st.sampled_from(
    ["", "", "", "Doel ", "Doelstelling ", "Actie ", "Programma ", "Taakveld ", "Hoofdstuk "]
)
numbered_line = st.builds(
    lambda lead, kw, num, dot, sep, rest, trail: f"{lead}{kw}{num}{dot}{sep}{rest}{trail}",
    spaces,
    keyword,
    numbers,
    st.sampled_from(["", ".", ":"]),
    st.sampled_from([" ", "\u00a0 ", "  ", ""]),
    words,
    spaces,
)
other_line = st.one_of(
    words,
    st.builds(lambda w: f"  \u2022 {w}", words),
    st.sampled_from(
        ["", "", "Activiteiten", "Wat willen we bereiken?", "Pagina 2 van 9",
         "Deze pagina is gebouwd op 12/09/2020 13:28:21", "1", "1.5", "\u00a0\u00a0"]
    ),
    st.text(max_size=40),
)  # fmt: skip
documents = st.builds(
    lambda lines, newline: newline.join(lines),
    st.lists(st.one_of(numbered_line, other_line), max_size=60),
    st.sampled_from(["\n", "\n", "\r\n", "\n\n"]),
)


def check_tree(text: str, tree: DocumentTree) -> None:
    sections = {id(s) for s in tree.sections}
    goals = {id(g) for g in tree.goals}
    for item in [*tree.sections, *tree.goals, *tree.activities]:
        assert 0 <= item.start <= item.end <= len(text), item
    for s in tree.sections:
        assert s.parent is None or id(s.parent) in sections
    for g in tree.goals:
        assert g.section is None or id(g.section) in sections
    for a in tree.activities:
        if a.section is None:
            # it belongs to the document: before the first numbered heading, or (web pages)
            # after a page title
            assert tree.layout == "webpage" or all(s.start > a.start for s in tree.sections), a
        else:
            assert id(a.section) in sections
        assert all(id(g) in goals for g in a.goals)
    keys = [x.key for x in [*tree.sections, *tree.goals, *tree.activities]]
    assert len(keys) == len(set(keys))
    assert tree.has_structure == bool(tree.goals or (tree.sections and tree.activities))


@FAST
@given(documents)
def test_parser_on_policy_like_text(text: str):
    check_tree(text, parse_structure(text))


@FAST
@given(st.text())
def test_parser_on_any_text(text: str):
    check_tree(text, parse_structure(text))


@FAST
@given(st.binary(max_size=2048), st.sampled_from(["doc.txt", "doc.html", "doc.md"]))
def test_reader_on_random_bytes(data: bytes, name: str):
    try:
        source = read_text(data, name)
    except ReaderError as err:
        assert str(err).startswith(name)
        return
    assert source.text.strip()
    assert "\r" not in source.text


@FAST
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=2048).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=512).map(
            lambda b: b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b
            + b"\ntrailer << /Root 1 0 R >>\n%%EOF"
        ),
    ),
    st.sampled_from([".txt", ".pdf", ".html", ""]),
)  # fmt: skip
def test_read_document_on_random_files(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            source = read_document(path)
        except ReaderError as err:
            assert "fuzz" in str(err)
            return
        assert source.text.strip()
