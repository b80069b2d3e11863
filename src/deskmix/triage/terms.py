"""The terms a text is counted by: word n-grams and character n-grams within words.

These are the analysers the models are trained with (scikit-learn's ``TfidfVectorizer`` with
a token pattern, and its ``char_wb`` analyser), written out so that prediction needs neither
scikit-learn nor its import time: a cold ``deskmix triage predict`` loads a model's arrays and
counts terms with these functions. ``tests/triage/test_linear.py`` holds them equal to
scikit-learn's analysers on generated text, so a scikit-learn upgrade that changes tokenising
fails there instead of silently shifting every prediction.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD_PATTERN = r"(?u)\b\w[\w'.-]*\w\b|\b\w\b"
"""Words of the ticket text: letters and digits, keeping inner apostrophes, dots and hyphens
("can't", "v2.1", "wi-fi"), so product names and versions stay one term."""

_MULTIPLE_SPACES = re.compile(r"\s\s+")


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def word_terms(text: str, ngram_range: tuple[int, int], pattern: str = WORD_PATTERN) -> list[str]:
    """Lower-cased tokens, then every run of ``min_n``..``max_n`` tokens joined by a space."""
    tokens = _compiled(pattern).findall(text.lower())
    low, high = ngram_range
    out: list[str] = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_terms(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside each space-padded word; a word shorter than n counts once."""
    low, high = ngram_range
    out: list[str] = []
    for word in _MULTIPLE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if length <= n:
                out.append(padded)
                break
            out += [padded[i : i + n] for i in range(length - n + 1)]
    return out
