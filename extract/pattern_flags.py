"""Token-pattern tests that depend on the word alone, computed once per word.

spaCy's Matcher runs a REGEX, IN or comparison predicate in Python for every token it meets,
for every pattern that starts there: on policy text the rule patterns cost more than the
NER (about 10 µs a token). Such a test on TEXT, LOWER or LENGTH has the same answer for every
occurrence of a word, so it can be a flag of the word's lexeme (`Vocab.add_flag`): computed
once per word type, then checked in C by the matcher. The pattern data stays as written, and
is validated as written; only the patterns the ruler is given change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from spacy.attrs import IDS
from spacy.schemas import validate_token_pattern
from spacy.vocab import Vocab

#: Token attributes that are properties of the word's text (its lexeme), not of the token in
#: context (IS_SENT_START, POS, ENT_TYPE, NORM with its exceptions are not).
WORD_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "LENGTH", "IS_TITLE", "IS_UPPER", "IS_LOWER"})
_TESTS: dict[str, Callable] = {
    "REGEX": lambda arg: re.compile(arg).search,
    "IN": lambda arg: frozenset(arg).__contains__,
    "NOT_IN": lambda arg: lambda v, s=frozenset(arg): v not in s,
    "==": lambda arg: arg.__eq__,
    "!=": lambda arg: arg.__ne__,
    ">=": lambda arg: lambda v: v >= arg,
    "<=": lambda arg: lambda v: v <= arg,
    ">": lambda arg: lambda v: v > arg,
    "<": lambda arg: lambda v: v < arg,
}
_GETTERS: dict[str, Callable[[str], object]] = {"ORTH": str, "TEXT": str, "LENGTH": len}
_FLAG_IDS = range(IDS["FLAG19"], IDS["FLAG63"] + 1)


class WordTest:
    """The word-level part of one token spec, as a lexeme flag getter (string -> bool)."""

    def __init__(self, vocab: Vocab, spec: dict) -> None:
        self.key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
        self.checks = []
        for attr, want in spec.items():
            get = _GETTERS.get(attr) or vocab.lex_attr_getters[IDS[attr]]
            tests = (
                [_TESTS[op](arg) for op, arg in want.items()]
                if isinstance(want, dict)
                else [want.__eq__]
            )
            self.checks.append((get, tests))

    def __call__(self, word: str) -> bool:
        for get, tests in self.checks:
            value = get(word)
            if not all(test(value) for test in tests):
                return False
        return True


def _convertible(spec: dict) -> bool:
    """A spec with a Python-level predicate on a word attribute, all of whose operators
    `WordTest` knows (plain equality is checked in C already and is left alone)."""
    word = {k: v for k, v in spec.items() if k in WORD_ATTRS}
    return any(isinstance(v, dict) for v in word.values()) and all(
        set(v) <= set(_TESTS) for v in word.values() if isinstance(v, dict)
    )


def flag_for(vocab: Vocab, spec: dict) -> int:
    """The flag id of the word test `spec` in `vocab`: the same spec gets the same flag, also
    when the rules are assembled again on one vocabulary."""
    test = WordTest(vocab, spec)
    for flag, getter in vocab.lex_attr_getters.items():
        if isinstance(getter, WordTest) and getter.key == test.key:
            return flag
    free = next((f for f in _FLAG_IDS if f not in vocab.lex_attr_getters), None)
    if free is None:
        raise ValueError(f"more than {len(_FLAG_IDS)} distinct word tests in the rule patterns")
    vocab.add_flag(test, flag_id=free)
    return free


def compile_patterns(vocab: Vocab, patterns: Iterable[dict]) -> list[dict]:
    """The span-ruler patterns with every convertible token spec's word part as one flag.

    Each token pattern is validated first (spaCy's own schema), since the ruler that gets
    the compiled patterns cannot validate flag attributes."""
    out = []
    for pattern in patterns:
        tokens = pattern["pattern"]
        if isinstance(tokens, str):
            out.append(pattern)
            continue
        errors = validate_token_pattern(tokens)
        if errors:
            raise ValueError(f"invalid token pattern {tokens}: {'; '.join(errors)}")
        compiled = []
        for spec in tokens:
            if _convertible(spec):
                word = {k: v for k, v in spec.items() if k in WORD_ATTRS}
                rest = {k: v for k, v in spec.items() if k not in WORD_ATTRS}
                spec = {f"FLAG{flag_for(vocab, word)}": True, **rest}
            compiled.append(spec)
        out.append({**pattern, "pattern": compiled})
    return out
