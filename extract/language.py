"""The project's Dutch spaCy pipeline: tokenizer rules for policy text, sentence breaks, loading.

Public API
----------
``load_nlp(name_or_path=None)``
    Load (once per process) the shipped pipeline ``extract/model/nl_beleidsgraaf`` or any
    other spaCy pipeline given by package name (e.g. ``"nl_core_news_sm"``) or folder path.
``customize_tokenizer(nlp)``
    Apply the policy-text tokenizer rules in place. They are plain spaCy tokenizer settings
    (special cases, ``token_match``, infix regex), so ``nlp.to_disk`` stores them in the model
    folder and ``spacy.load`` reproduces them without this module.
``bg_sentence_breaks``
    Pipeline component (first in the pipeline) that starts a new sentence after blank lines,
    after headings (lines without final punctuation) and after sentence-final punctuation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_suffix_regex
from thinc.api import NumpyOps, get_current_ops, set_current_ops

__all__ = [
    "DEFAULT_MODEL_PATH",
    "ModelNotFoundError",
    "POLICY_ABBREVIATIONS",
    "bg_sentence_breaks",
    "customize_tokenizer",
    "load_nlp",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "model" / "nl_beleidsgraaf"

#: Abbreviations common in Dutch policy text that must stay one token (the trailing period
#: is part of the token). Capitalised variants are added automatically.
POLICY_ABBREVIATIONS: tuple[str, ...] = (
    "o.a.",
    "i.s.m.",
    "m.b.t.",
    "m.b.v.",
    "t.b.v.",
    "t.a.v.",
    "i.v.m.",
    "i.c.m.",
    "i.o.m.",
    "i.p.v.",
    "i.r.t.",
    "n.a.v.",
    "o.b.v.",
    "m.u.v.",
    "t.o.v.",
    "t.z.t.",
    "z.s.m.",
    "d.w.z.",
    "e.d.",
    "e.e.a.",
    "e.a.",
    "c.q.",
    "m.n.",
    "bijv.",
    "bv.",
    "incl.",
    "excl.",
    "resp.",
    "ca.",
    "nr.",
    "art.",
    "blz.",
    "zgn.",
    "evt.",
    "mln.",
    "mld.",
    "mrd.",
    "min.",
    "max.",
    "ong.",
    "vnl.",
    "vgl.",
    "etc.",
    "enz.",
    "jl.",
    "jr.",
    "dhr.",
    "mevr.",
    "mw.",
    "gem.",
)

# Whole-token patterns that must never be split (checked before prefix/suffix splitting).
#   numbered items and section numbers: 1.1  2.1.3  2.1.3.  (amounts like 1.200.000 too, but
#   "1.200.000." at the end of a sentence still loses its full stop)
#   council motions / amendments: 094M, 12A
#   hashtag-like programme names: Projecten#Indebuurt
TOKEN_MATCH_PATTERN = (
    r"^(?:"
    r"\d{1,3}(?:\.\d{1,3})+"
    r"|\d{1,2}(?:\.\d{1,2})+\."
    r"|\d{2,4}[A-Z]{1,2}"
    r"|[^\W\d_][\w\-]*#[\w\-]+"
    r")$"
)

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
# Hyphen between letters when the part before it is capitalised or an acronym and the part
# after it is lower case: Nibud-onderzoek -> Nibud - onderzoek, GGZ-domein, Wmo-domein.
# Python's re needs fixed-width look-behinds, hence one alternative per left-part length.
# Lower-case compounds (corona-periode) and Noord-Holland stay one token.
HYPHEN_INFIX = (
    "(?:"
    + "|".join(f"(?<=^[{_UPPER}][{_UPPER}{_LOWER}]{{{n}}})" for n in range(1, 30))
    + f")-(?=[{_LOWER}])"
)


# 'GGZ/WLZ/Wmo', 'RWA/Amfors', 'jeugd/Wmo': a slash between letters separates names.
SLASH_INFIX = r"(?<=[A-Za-zÀ-ÿ])/(?=[A-Za-zÀ-ÿ])"


def customize_tokenizer(nlp: Language) -> Language:
    """Apply the policy-text tokenizer rules to ``nlp.tokenizer`` (in place) and return nlp."""
    tokenizer = nlp.tokenizer
    rules = dict(tokenizer.rules)
    for abbr in POLICY_ABBREVIATIONS:
        for form in {abbr, abbr[0].upper() + abbr[1:]}:
            rules[form] = [{"ORTH": form}]
    # every setter below re-tokenizes all special cases; clear them first so that happens
    # once (at the end) instead of four times
    tokenizer.rules = {}
    tokenizer.token_match = re.compile(TOKEN_MATCH_PATTERN).match
    infixes = list(nlp.Defaults.infixes) + [HYPHEN_INFIX, SLASH_INFIX]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # "095M." at the end of a sentence: split the full stop off a motion number
    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=[0-9][A-Z])\."]
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    tokenizer.rules = rules
    return nlp


_FINAL_PUNCT = {".", "!", "?", "…"}
_CLOSING = {'"', "'", "”", "’", ")", "]", "»"}
_OPENING = {'"', "“", "‘", "'", "(", "„", "«"}


def _is_list_marker(words: list[str], spaces: list[bool], trailing: list[str], j: int) -> bool:
    """``1.`` / ``a.`` at the start of a line or text: a list number, not a sentence end."""
    if words[j] != "." or j == 0:
        return False
    num = words[j - 1]
    if len(num) > 3 or not (num.isdigit() or (len(num) == 1 and num.isalpha())):
        return False
    k = j - 2
    return k < 0 or spaces[k] or "\n" in trailing[k]


@Language.component("bg_sentence_breaks")
def bg_sentence_breaks(doc: Doc) -> Doc:
    """Mark sentence starts for policy text.

    * after a blank line, and after a line break that does not continue a sentence
      (headings without a full stop, list items);
    * after sentence-final punctuation (``. ! ?``) that is followed by a capitalised word,
      a number or a quote/bracket (not after a list number such as ``1.`` at a line start).

    Every token gets ``is_sent_start`` True or False (set in one ``from_array`` call), so
    ``doc.sents`` follows these rules alone; a parser placed after this component would
    respect the boundaries.
    """
    n = len(doc)
    if n == 0:
        return doc
    starts = numpy.full((n, 1), -1, dtype="int64")  # -1: not a sentence start
    starts[0, 0] = 1
    words, spaces, trailing = [], [], []
    for token in doc:  # one pass: each Token object made once
        words.append(token.text)
        spaces.append(token.is_space)
        trailing.append(token.whitespace_)
    for i in range(1, n):
        if spaces[i]:
            continue
        text = words[i]
        prev = i - 1
        if spaces[prev] and "\n" in words[prev]:
            ws = words[prev]
            j = prev
            while j >= 0 and spaces[j]:
                j -= 1
            end = words[j][-1] if j >= 0 else ""
            continues = text[:1].islower() and end not in _FINAL_PUNCT
            if ws.count("\n") >= 2 or not continues:
                starts[i, 0] = 1
            continue
        # sentence-final punctuation, possibly followed by closing quotes/brackets/spaces
        j = prev
        while j > 0 and (words[j] in _CLOSING or spaces[j]):
            j -= 1
        if words[j] not in _FINAL_PUNCT or spaces[j] or text in _CLOSING:
            continue
        if _is_list_marker(words, spaces, trailing, j):
            continue  # "1. Meer mensen ..." is one sentence
        first = text[:1]
        if first.isupper() or first.isdigit() or text in _OPENING:
            starts[i, 0] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


class _BlasNumpyOps(NumpyOps):
    """CPU ops that run matrix products through numpy's BLAS instead of thinc's bundled
    ``blis``. Same results; on CPUs where blis falls back to its generic kernels (as on the
    project's build machine: ~10 vs ~28 GFLOP/s) the whole pipeline runs about 2x faster."""

    name = "bg_numpy"

    def gemm(self, x, y, out=None, trans1=False, trans2=False):
        if trans1:
            x = x.T
        if trans2:
            y = y.T
        if out is None:
            return numpy.dot(x, y)
        try:
            numpy.dot(x, y, out=out)
        except ValueError:  # out not contiguous / other dtype
            out[...] = numpy.dot(x, y)
        return out


def _use_blas_ops() -> None:
    """Switch thinc's current ops to :class:`_BlasNumpyOps` when plain CPU ops are in use
    (never replaces GPU or other custom ops). Must run before the model is loaded."""
    if type(get_current_ops()) is NumpyOps:
        set_current_ops(_BlasNumpyOps())


class ModelNotFoundError(ValueError):
    """The requested spaCy pipeline (package name or folder) could not be loaded."""


@lru_cache(maxsize=8)
def _load_cached(key: str) -> Language:
    path = Path(key)
    looks_like_path = path.exists() or "/" in key or "\\" in key or key.startswith(".")
    if looks_like_path and not path.exists():
        raise ModelNotFoundError(
            f"spaCy pipeline folder {key!r} does not exist. The project's own model is "
            f"shipped in {DEFAULT_MODEL_PATH}; rebuild it with `python training/train.py` "
            "(see training/README.md), or pass an installed package name such as "
            "'nl_core_news_sm'."
        )
    _use_blas_ops()
    try:
        return spacy.load(path if path.exists() else key)
    except OSError as exc:  # spaCy raises OSError (E050/E053) for unknown names/broken folders
        raise ModelNotFoundError(
            f"Could not load spaCy pipeline {key!r}: {exc}. Use the shipped model (call "
            "load_nlp() without arguments), a model folder path, or install an official "
            f"package first, e.g. `python -m spacy download {key}` (needs internet)."
        ) from exc


def load_nlp(name_or_path: str | Path | None = None, fresh: bool = False) -> Language:
    """Load a spaCy pipeline once per process (cached per name/path).

    ``None`` loads the shipped project model ``extract/model/nl_beleidsgraaf``. A package
    name (``"nl_core_news_sm"``) or a folder path also works. Raises
    :class:`ModelNotFoundError` when the pipeline cannot be found or loaded. ``fresh=True``
    loads a private copy that the caller may change (add or disable components).
    """
    key = str(DEFAULT_MODEL_PATH if name_or_path is None else name_or_path)
    return _load_cached.__wrapped__(key) if fresh else _load_cached(key)


load_nlp.cache_clear = _load_cached.cache_clear  # type: ignore[attr-defined]
