"""Word lists shipped in extract/patterns/ that several components read."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["common_words", "word_list"]


def word_list(name: str) -> str:
    return resources.files("beleidsgraaf.extract").joinpath(f"patterns/{name}").read_text("utf-8")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Word forms seen in lower case in Dutch corpora (training/common_words.py builds it)."""
    return frozenset(word_list("common_words.txt").split())
