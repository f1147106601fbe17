"""Word lists shipped in extract/patterns/: common Dutch words, and the rule lexicon
(extract/patterns/lexicon.json: cue words, name heads and endings, with what each list is for
under "about")."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["common_words", "word_list", "words", "endings"]


def word_list(name: str) -> str:
    return resources.files("beleidsgraaf.extract").joinpath(f"patterns/{name}").read_text("utf-8")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Word forms seen in lower case in Dutch corpora (training/common_words.py builds it)."""
    return frozenset(word_list("common_words.txt").split())


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return json.loads(word_list("lexicon.json"))


def words(key: str) -> frozenset[str]:
    """One word list of the rule lexicon."""
    return frozenset(_lexicon()[key])


def endings(key: str) -> re.Pattern[str]:
    """A lower-case word that ends in one of the list's endings, after at least `min_before`
    letters: 'werkgeversservicepunt' for 'punt'."""
    entry = _lexicon()[key]
    alternatives = "|".join(re.escape(e) for e in entry["endings"])
    return re.compile(rf"^[a-zà-ÿ]{{{entry['min_before']},}}({alternatives})$")
