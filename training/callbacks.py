"""Registered callbacks for `spacy train` configs of training/ (pass `--code training/callbacks.py`)."""

from __future__ import annotations

from spacy.language import Language
from spacy.util import registry


@registry.callbacks("bg_policy_tokenizer.v1")
def policy_tokenizer():
    """Before initialisation: the project's policy-text tokenizer rules, so that training
    examples are tokenised as the shipped pipeline tokenises at run time."""
    from beleidsgraaf.extract.language import customize_tokenizer

    def apply(nlp: Language) -> Language:
        return customize_tokenizer(nlp)

    return apply
