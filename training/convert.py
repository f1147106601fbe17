"""Convert the public training corpora to spaCy DocBin files.

* CoNLL-2002 Dutch (``word POS IOB`` one token a line, ``-DOCSTART-`` lines) -> NER docs.
* Universal Dependencies CoNLL-U -> docs with POS, morphology, lemma (underscores stripped)
  and dependencies.

Sentences are grouped ``n_sents`` to a doc (sentence starts are kept on the tokens).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.training.iob_utils import biluo_tags_to_spans, iob_to_biluo
from spacy.vocab import Vocab


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def read_conll2002(path: Path) -> list[list[tuple[str, str, str]]]:
    """Sentences of (word, pos, iob) from a CoNLL-2002 file; -DOCSTART- lines are dropped."""
    sents: list[list[tuple[str, str, str]]] = []
    cur: list[tuple[str, str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            if cur:
                sents.append(cur)
                cur = []
            continue
        parts = line.split()
        if parts[0] == "-DOCSTART-":
            if cur:
                sents.append(cur)
                cur = []
            continue
        word, iob = parts[0], parts[-1]
        pos = parts[1] if len(parts) >= 3 else ""
        cur.append((word, pos, iob))
    if cur:
        sents.append(cur)
    return sents


def _fix_iob(tags: list[str]) -> list[str]:
    """Repair I- tags that do not continue an entity of the same type (IOB1 leftovers)."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def conll2002_docs(path: Path, vocab: Vocab, n_sents: int = 10) -> Iterator[Doc]:
    for group in _chunks(read_conll2002(path), n_sents):
        words: list[str] = []
        sent_starts: list[bool] = []
        tags: list[str] = []
        for sent in group:
            for i, (w, _pos, iob) in enumerate(sent):
                words.append(w)
                sent_starts.append(i == 0)
                tags.append(iob)
        doc = Doc(vocab, words=words, sent_starts=sent_starts)
        biluo = iob_to_biluo(_fix_iob(tags))
        doc.ents = biluo_tags_to_spans(doc, biluo)
        yield doc


def read_conllu(path: Path) -> Iterator[list[list[str]]]:
    """Sentences as lists of the 10 CoNLL-U columns (multiword/empty nodes skipped)."""
    cur: list[list[str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    yield cur
                    cur = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10 or "-" in cols[0] or "." in cols[0]:
                continue
            cur.append(cols)
    if cur:
        yield cur


def clean_lemma(lemma: str, word: str) -> str:
    """UD Dutch joins compound parts with '_' (basis_niveau): strip them."""
    if lemma == "_" and word != "_":
        return word
    if "_" in lemma and lemma != "_":
        lemma = lemma.replace("_", "")
    return lemma


# The LassySmall train split in the shared corpora is an old UD v1 release; dev/test files are
# UD v2. Map the v1 labels that were renamed in v2 (UPOS CONJ, several relations).
V1_UPOS = {"CONJ": "CCONJ"}
V1_DEPS = {
    "dobj": "obj",
    "name": "flat",
    "mwe": "fixed",
    "nsubjpass": "nsubj:pass",
    "csubjpass": "csubj:pass",
    "auxpass": "aux:pass",
    "neg": "advmod",
}
_PREDICATE_UPOS = {"VERB", "AUX", "ADJ", "ADV"}


def is_ud_v1(sents: list[list[list[str]]]) -> bool:
    """A treebank is UD v1 when it uses the UPOS CONJ or the relation dobj."""
    return any(c[3] == "CONJ" or c[7] == "dobj" for s in sents for c in s)


# Dutch UD conventions that changed between the old v1 release and the current one
_V2_AUX_LEMMAS = {"zijn", "worden", "hebben", "kunnen", "zullen", "moeten", "mogen"}
_POSSESSIVES = {
    "mijn": "1", "m'n": "1", "onze": "1", "ons": "1", "jouw": "2", "je": "2", "uw": "2",
    "zijn": "3", "z'n": "3", "haar": "3", "hun": "3", "diens": "3", "wier": "3",
}  # fmt: skip


def _upgrade_upos(word: str, lemma: str, upos: str, feats: str) -> tuple[str, str]:
    w = word.lower()
    if upos == "CONJ":
        return "CCONJ", feats
    if upos == "PART":  # v2 has no PART: infinitival te/om and particles are ADP, als SCONJ
        return ("SCONJ" if w == "als" else "ADP"), "_"
    if (
        upos == "NUM"
        and not any(ch.isdigit() for ch in w)
        and (w.endswith(("ste", "de")) or w == "eerst")
    ):
        return "ADJ", "_"  # ordinals (eerste, tweede) are ADJ in v2
    if upos == "DET" and w in _POSSESSIVES:
        return "PRON", f"Person={_POSSESSIVES[w]}|Poss=Yes|PronType=Prs"
    if upos == "VERB" and lemma in {"moeten", "mogen"}:
        return "AUX", feats
    if upos == "AUX" and lemma not in _V2_AUX_LEMMAS:
        return "VERB", feats  # laten, willen, gaan, blijven, ... are VERB in v2
    return upos, feats


def upgrade_v1(sent: list[list[str]]) -> list[list[str]]:
    """Map UD v1 labels to UD v2: renamed UPOS/relations, and the Dutch conventions that
    changed (PART, ordinals, possessives, modal/aspectual verbs). Approximate: nmod under a
    predicate becomes obl."""
    out = []
    for c in sent:
        c = list(c)
        c[3], c[5] = _upgrade_upos(c[1], c[2], c[3], c[5])
        dep = V1_DEPS.get(c[7], c[7])
        if dep == "nmod":
            head = int(c[6])
            if head > 0 and sent[head - 1][3] in _PREDICATE_UPOS:
                dep = "obl"
        c[7] = dep
        out.append(c)
    return out


def conllu_sents(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[list[list[str]]]:
    """Sentences of several CoNLL-U files, UD v1 files upgraded to v2. A sentence is dropped
    when the same word sequence occurs in one of the ``exclude`` files (other than its own
    file), e.g. old LassySmall train sentences that are also in the current dev/test."""
    exclude = [Path(p) for p in exclude]
    seen = {Path(p): {tuple(c[1] for c in s) for s in read_conllu(p)} for p in exclude}
    sents: list[list[list[str]]] = []
    for p in paths:
        skip = set().union(*(words for q, words in seen.items() if q != Path(p)))
        part = list(read_conllu(p))
        if is_ud_v1(part):
            part = [upgrade_v1(s) for s in part]
        sents.extend(s for s in part if tuple(c[1] for c in s) not in skip)
    return sents


def conllu_docs(
    path: Path | list[Path], vocab: Vocab, n_sents: int = 10, exclude: Iterable[Path] = ()
) -> Iterator[Doc]:
    paths = path if isinstance(path, list) else [path]
    for group in _chunks(conllu_sents(paths, exclude), n_sents):
        words, spaces, lemmas, pos, tags, morphs, heads, deps, starts = ([] for _ in range(9))
        offset = 0
        for sent in group:
            for i, c in enumerate(sent):
                words.append(c[1])
                spaces.append("SpaceAfter=No" not in c[9])
                lemmas.append(clean_lemma(c[2], c[1]))
                pos.append(c[3])
                tags.append(c[4] if c[4] != "_" else c[3])
                morphs.append(c[5] if c[5] != "_" else "")
                head = int(c[6])
                heads.append(offset + (head - 1 if head > 0 else i))
                deps.append("ROOT" if c[7] == "root" else c[7])
                starts.append(i == 0)
            offset += len(sent)
        yield Doc(
            vocab,
            words=words,
            spaces=spaces,
            lemmas=lemmas,
            pos=pos,
            tags=tags,
            morphs=morphs,
            heads=heads,
            deps=deps,
            sent_starts=starts,
        )


def write_docbin(docs: Iterable[Doc], out: Path) -> int:
    db = DocBin(store_user_data=False)
    n = 0
    for doc in docs:
        db.add(doc)
        n += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out)
    return n


def convert(
    src: Path | list[Path], out: Path, kind: str, n_sents: int = 10, exclude: Iterable[Path] = ()
) -> int:
    """Convert one corpus file (or, for UD, several files joined) to ``out`` (.spacy)."""
    vocab = Vocab()
    if kind == "ner":
        return write_docbin(conll2002_docs(src, vocab, n_sents), out)
    if kind == "ud":
        return write_docbin(conllu_docs(src, vocab, n_sents, exclude), out)
    raise ValueError(f"unknown corpus kind {kind!r} (expected 'ner' or 'ud')")
