"""Words too common to explain anything: what an explanation leaves out.

The models keep these words as features (a "not" or an "all" can matter), but an explanation
that says a ticket is P3 because of "a", "on" and "the" tells a person nothing. Words that
carry scope or negation ("all", "every", "nobody", "not", "cannot", "down") are deliberately
missing from the list.
"""

from __future__ import annotations

_WORDS = """
    a about after again am an and any are as at be been before being between both but by
    could did do does doing during each few for from further had has have having he her here
    hers herself him himself his how i i'm i've if in into is it it's its itself just let me
    more most my myself of on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves hi hello dear thanks thank please
    regards cheers kind best also get got can still
"""

STOP_WORDS = frozenset(_WORDS.split())


def is_stop_phrase(term: str) -> bool:
    """True when every word of ``term`` (a word or an n-gram) is a stop word."""
    return all(word in STOP_WORDS for word in term.split())
